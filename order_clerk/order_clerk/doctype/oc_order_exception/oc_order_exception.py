# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, nowdate

from order_clerk import archive, fulfilment
from order_clerk.notify import assign, users_with_role
from order_clerk.roles import ORDER_REVIEWER
from order_clerk.exceptions import OrderExceptionError


OPEN_STATES = ("Open", "Escalated")


class OCOrderException(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_delivery_date_revision.oc_delivery_date_revision import (
			OCDeliveryDateRevision,
		)
		from order_clerk.order_clerk.doctype.oc_order_exception_line.oc_order_exception_line import (
			OCOrderExceptionLine,
		)

		customer: DF.Link | None
		date_revisions: DF.Table[OCDeliveryDateRevision]
		delivery_note: DF.Link | None
		description: DF.Text
		due_date: DF.Date
		escalated_on: DF.Datetime | None
		exception_type: DF.Literal[
			"Stock Shortage",
			"Production Delay",
			"Logistics Problem",
			"Quality",
			"Customer Change",
			"Sign-off Discrepancy",
		]
		hold_order: DF.Check
		lines: DF.Table[OCOrderExceptionLine]
		order: DF.Link
		order_no: DF.Data | None
		resolution: DF.Text | None
		resolved_by: DF.Link | None
		resolved_on: DF.Datetime | None
		responsible: DF.Link | None
		revised_delivery_date: DF.Date | None
		status: DF.Literal["Open", "Escalated", "Resolved"]
		supervisor: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_order()
		# An exception writes into its order (promised date, hold, status): never into a sealed one.
		archive.guard_sealed(self)
		self.supervisor = self.supervisor or frappe.db.get_single_value("OC Settings", "default_supervisor")
		self.record_date_revision()
		self.validate_status()

	def on_update(self):
		if self.has_value_changed("status") and self.status == "Escalated":
			self.notify_supervisor()
		if self.revised_delivery_date and self.has_value_changed("revised_delivery_date"):
			frappe.db.set_value("OC Order", self.order, "revised_delivery_date", self.revised_delivery_date)
		fulfilment.update_progress(self.order)

	def on_trash(self):
		archive.guard_sealed(self)

	def validate_order(self):
		if frappe.db.get_value("OC Order", self.order, "docstatus") != 1:
			frappe.throw(
				_("Exceptions are raised on approved orders; {0} is not approved.").format(self.order)
			)
		lines = set(
			frappe.get_all(
				"OC Order Item", filters={"parent": self.order, "parenttype": "OC Order"}, pluck="name"
			)
		)
		for row in self.lines:
			if row.order_item and row.order_item not in lines:
				frappe.throw(
					_("Row {0} is not a line of order {1}.").format(row.idx, self.order), OrderExceptionError
				)

	def record_date_revision(self):
		before = self.get_doc_before_save()
		previous = before.revised_delivery_date if before else None
		if not self.revised_delivery_date or (
			previous and getdate(previous) == getdate(self.revised_delivery_date)
		):
			return
		promised = frappe.db.get_value("OC Order", self.order, ["revised_delivery_date", "delivery_date"])
		self.append(
			"date_revisions",
			{
				"previous_date": promised[0] or promised[1],
				"revised_date": self.revised_delivery_date,
				"revised_by": frappe.session.user,
				"revised_on": now_datetime(),
			},
		)

	def validate_status(self):
		before = self.get_doc_before_save()
		if before and before.status == "Resolved" and self.status != "Resolved":
			frappe.throw(_("A resolved exception cannot be reopened; raise a new one."), OrderExceptionError)
		if self.status == "Resolved":
			if not (self.resolution or "").strip():
				frappe.throw(
					_("Describe the resolution before resolving the exception."), OrderExceptionError
				)
			if not self.resolved_by:
				self.resolved_by, self.resolved_on = frappe.session.user, now_datetime()
		if self.status == "Escalated" and not self.escalated_on:
			self.escalated_on = now_datetime()

	def notify_supervisor(self):
		supervisors = [self.supervisor] if self.supervisor else users_with_role(ORDER_REVIEWER)
		assign(
			self,
			supervisors,
			_("Escalated: {0} on order {1} is past its due date {2}.").format(
				_(self.exception_type), self.order_no or self.order, self.due_date
			),
		)


def escalate_overdue_exceptions():
	"""Daily: open exceptions past their due date escalate to their supervisor."""
	for name in frappe.get_all(
		"OC Order Exception", filters={"status": "Open", "due_date": ("<", nowdate())}, pluck="name"
	):
		exception = frappe.get_doc("OC Order Exception", name)
		if archive.sealed_record_of(exception.order):
			continue
		exception.status = "Escalated"
		exception.flags.ignore_permissions = True
		exception.save()
