# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import json

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk.capture import columns, mailbox, replies, review_screen, sender_reply, service
from order_clerk.roles import ORDER_CLERK, require_role


class OCIntake(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledged_on: DF.Datetime | None
		channel: DF.Literal["Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"]
		communication: DF.Link | None
		confidence: DF.Percent
		customer: DF.Link | None
		customer_po: DF.Data | None
		duplicate_of: DF.Link | None
		extraction: DF.Code | None
		order: DF.Link | None
		order_exception: DF.Link | None
		problems: DF.SmallText | None
		received_on: DF.Datetime
		revision_differences: DF.Code | None
		sender: DF.Data | None
		source_file: DF.Attach | None
		status: DF.Literal[
			"New", "Parsed", "Needs Attention", "Converted", "Duplicate", "Revision", "Rejected"
		]
		subject: DF.Data | None
	# end: auto-generated types

	def validate(self):
		if self.is_new():
			# What was read and decided is the server's, never the client's.
			self.status = "New"
			for fieldname in (
				"customer",
				"customer_po",
				"order",
				"duplicate_of",
				"order_exception",
				"problems",
				"extraction",
				"revision_differences",
				"acknowledged_on",
			):
				self.set(fieldname, None)
			self.confidence = 0

	def on_update(self):
		if self.has_value_changed("status") and self.status == "Converted":
			mailbox.after_conversion(self)
			replies.after_conversion(self)

	def get_extraction(self) -> dict:
		return json.loads(self.extraction or "{}")


@frappe.whitelist(methods=["POST"])
def process(name: str) -> dict:
	"""Read the intake's document again and decide: a draft order, or what a person must check."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	if intake.status in service.CLOSED:
		frappe.throw(_("Intake {0} is {1} and is not read again.").format(name, _(intake.status)))
	service.process_intake(intake)
	return {"status": intake.status, "order": intake.order}


@frappe.whitelist(methods=["POST"])
def convert(name: str, corrections: str | dict | None = None) -> str:
	"""The clerk's confirmed (and corrected) values become a draft order; corrections are learned."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	frappe.has_permission("OC Order", "create", throw=True)
	if isinstance(corrections, str):
		corrections = json.loads(corrections or "{}")
	return service.convert_intake(intake, corrections or {})


@frappe.whitelist(methods=["POST"])
def reject(name: str) -> None:
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	if intake.status == "Converted":
		frappe.throw(
			_("Intake {0} has become order {1}; cancel the order instead.").format(name, intake.order)
		)
	intake.db_set("status", "Rejected")


@frappe.whitelist(methods=["POST"])
def map_columns(name: str, mapping: str | dict | None = None) -> dict:
	"""Give columns of the intake's table the meanings the clerk chose ({heading: meaning}), keep
	them for the intake's customer, and read the intake again through them."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	require_role((ORDER_CLERK,), _("map the columns of a customer's sheet"))
	return columns.map_columns(intake, mapping or {})


@frappe.whitelist(methods=["GET"])
def get_review(name: str) -> dict:
	"""What the review screen shows beside the extracted order: the original, the confidence a value
	needs, and the actions open to the user."""
	frappe.has_permission("OC Intake", "read", name, throw=True)
	return review_screen.review_screen(frappe.get_doc("OC Intake", name))


@frappe.whitelist(methods=["POST"])
def receive_document(
	filename: str | None = None, content: str | None = None, channel: str = "API", sender: str | None = None
) -> dict:
	"""For integrators and fax gateways: push a document (base64) with its channel and sender."""
	import base64
	import binascii

	frappe.has_permission("OC Intake", "create", throw=True)
	if not filename or not content:
		frappe.throw(_("Give the document's filename and its content in base64."), frappe.ValidationError)
	try:
		data = base64.b64decode(content, validate=True)
	except (binascii.Error, ValueError):
		frappe.throw(_("content must be the document's bytes in base64."), frappe.ValidationError)
	intake = service.receive(data, filename, channel, sender)
	return {"name": intake.name, "status": intake.status, "order": intake.order, "problems": intake.problems}


@frappe.whitelist(methods=["POST"])
def acknowledge(name: str) -> str:
	"""Answer the sender with the summary of the draft order made from the intake (queued e-mail)."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	intake.check_permission("email")
	if intake.order:
		frappe.has_permission("OC Order", "read", intake.order, throw=True)
	return replies.acknowledge(intake)


@frappe.whitelist(methods=["GET"])
def get_clarification(name: str) -> dict:
	"""The e-mail to the sender of an intake that needs attention, asking about each missing or
	doubtful value: recipients, subject and message for the desk's composer."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("email")
	return replies.clarification(intake)


@frappe.whitelist(methods=["POST"])
def read_reply(name: str) -> dict:
	"""Read the sender's latest reply in the intake's thread for what was missing or doubtful, and
	decide the intake again: status, order, what the reply changed and what is left to check."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	return sender_reply.read_latest_reply(intake)


@frappe.whitelist(methods=["POST"])
def send_clarification(name: str, subject: str | None = None, message: str | None = None) -> str:
	"""Queue the questions to the sender (as offered, or with the clerk's subject and message)."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	intake.check_permission("email")
	return replies.send_clarification(intake, subject, message)
