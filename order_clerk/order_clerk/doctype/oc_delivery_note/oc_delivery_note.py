# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, flt, now_datetime, nowdate

from order_clerk import archive, fulfilment
from order_clerk import status as statuses
from order_clerk.copy_ledger import validate_copies
from order_clerk.roles import WAREHOUSE_OPERATOR, require_role
from order_clerk.exceptions import DuplicateDeliveryNoteError, SignOffError


SIGNED_STATES = statuses.SIGNED_STATES
# How a sign-off came in (sign_off_channel).
DESK = "Desk"
RECEIVERS_PHONE = "Receiver's Phone"


class OCDeliveryNote(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_copy_record.oc_copy_record import OCCopyRecord
		from order_clerk.order_clerk.doctype.oc_delivery_note_item.oc_delivery_note_item import (
			OCDeliveryNoteItem,
		)

		amended_from: DF.Link | None
		carrier: DF.Data | None
		contact_person: DF.Data | None
		contact_phone: DF.Data | None
		copies: DF.Table[OCCopyRecord]
		customer: DF.Link | None
		delivery_address: DF.SmallText | None
		driver: DF.Data | None
		driver_phone: DF.Data | None
		items: DF.Table[OCDeliveryNoteItem]
		order: DF.Link | None
		order_no: DF.Data | None
		outbound_slip: DF.Link
		ship_date: DF.Date
		sign_off_channel: DF.Literal["", "Desk", "Receiver's Phone"]
		sign_off_recorded_by: DF.Link | None
		sign_off_remarks: DF.SmallText | None
		sign_status: DF.Literal["Pending", "Signed", "Partly Signed", "Refused"]
		signed_at: DF.Datetime | None
		signed_by: DF.Data | None
		signed_receipt: DF.Attach | None
		slip_key: DF.Data | None
		status: DF.Literal["Draft", "In Transit", "Signed", "Partly Signed", "Refused", "Cancelled"]
		total_qty: DF.Float
		tracking_no: DF.Data | None
		vehicle_no: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.validate_slip()
		archive.guard_sealed(self)
		self.total_qty = sum(flt(row.qty) for row in self.items)
		if self.sign_status not in (None, "", "Pending"):
			frappe.throw(
				_("Record the customer's sign-off after the delivery note is dispatched."), SignOffError
			)
		self.sign_status = "Pending"
		self.sign_off_channel = None
		validate_copies(self)
		self.set_status()

	def before_submit(self):
		require_role((WAREHOUSE_OPERATOR,), _("dispatch goods"))

	def on_submit(self):
		statuses.set_status(self, update=True)

	def before_update_after_submit(self):
		validate_copies(self)
		before = self.get_doc_before_save()
		if before.sign_status != "Pending":
			self.check_sign_off_unchanged(before)
			return
		if self.sign_status != "Pending":
			self.validate_sign_off()
			self.set_status()

	def on_update_after_submit(self):
		before = self.get_doc_before_save()
		if before.sign_status == "Pending" and self.sign_status != "Pending":
			fulfilment.add_delivered(self.order, self.received_quantities())
			self.raise_discrepancy()

	def before_cancel(self):
		# A cancelled note frees its slip for a new one.
		self.slip_key = None
		if self.sign_status != "Pending":
			frappe.throw(
				_("Delivery note {0} has the customer's sign-off; it cannot be cancelled.").format(self.name),
				SignOffError,
			)

	def on_cancel(self):
		statuses.set_status(self, update=True)

	def validate_slip(self):
		slip = frappe.db.get_value(
			"OC Outbound Slip", self.outbound_slip, ["docstatus", "order"], as_dict=True
		)
		if not slip or slip.docstatus != 1:
			frappe.throw(_("Outbound slip {0} is not confirmed.").format(self.outbound_slip))
		self.order = slip.order
		self.validate_one_note_per_slip()
		slip_lines = {
			row.name: row
			for row in frappe.get_all(
				"OC Outbound Slip Item",
				filters={"parent": self.outbound_slip},
				fields=["name", "order_item", "product", "product_name", "specification", "qty", "uom"],
			)
		}
		seen = {}
		for row in self.items:
			line = slip_lines.get(row.outbound_slip_item)
			if not line:
				frappe.throw(
					_("Row {0} is not a line of outbound slip {1}.").format(row.idx, self.outbound_slip)
				)
			if row.outbound_slip_item in seen:
				# Delivered and invoiced quantities would count the line twice.
				frappe.throw(
					_("Rows {0} and {1} both deliver the same line of outbound slip {2}.").format(
						seen[row.outbound_slip_item], row.idx, self.outbound_slip
					),
					DuplicateDeliveryNoteError,
				)
			seen[row.outbound_slip_item] = row.idx
			# What travels is what the warehouse issued.
			for field in ("order_item", "product", "product_name", "specification", "qty", "uom"):
				row.set(field, line.get(field))

	def validate_one_note_per_slip(self):
		"""One delivery note per slip. The check answers a retry; two notes saved at the same
		moment both pass it, and the unique slip_key (the slip while the note is not cancelled)
		stops the second (show_unique_validation_message)."""
		self.slip_key = self.outbound_slip
		other = frappe.db.get_value(
			"OC Delivery Note",
			{"outbound_slip": self.outbound_slip, "docstatus": ("<", 2), "name": ("!=", self.name)},
			"name",
		)
		if other:
			self.raise_duplicate(other)

	def raise_duplicate(self, other: str):
		frappe.throw(
			_("Outbound slip {0} already has delivery note {1}.").format(self.outbound_slip, other),
			DuplicateDeliveryNoteError,
			title=_("Duplicate Delivery Note"),
		)

	def show_unique_validation_message(self, e):
		if "slip_key" in str(e):
			# A locking read sees the other note, committed after this transaction's snapshot.
			other = frappe.db.get_value(
				"OC Delivery Note", {"slip_key": self.outbound_slip}, "name", for_update=True
			)
			self.raise_duplicate(other or _("(being created)"))
		super().show_unique_validation_message(e)

	def validate_sign_off(self):
		if self.sign_status in SIGNED_STATES and not self.signed_receipt:
			frappe.throw(
				_("Attach the scanned signed receipt (signed_receipt) to record {0}.").format(
					_(self.sign_status)
				),
				SignOffError,
			)
		if self.sign_status in SIGNED_STATES and not (self.signed_by or "").strip():
			frappe.throw(_("Say who signed for the goods (signed_by)."), SignOffError)
		for row in self.items:
			if self.sign_status == "Refused":
				row.received_qty = 0
			elif row.received_qty is None or (self.sign_status == "Signed" and not flt(row.received_qty)):
				row.received_qty = row.qty
			if flt(row.received_qty) < 0 or flt(row.received_qty) > flt(row.qty) + fulfilment.EPSILON:
				frappe.throw(
					_(
						"Row {0}: Received Quantity (received_qty) must be between 0 and the {1} shipped."
					).format(row.idx, flt(row.qty)),
					SignOffError,
				)
		short = [row for row in self.items if flt(row.received_qty) < flt(row.qty)]
		if self.sign_status == "Signed" and short:
			frappe.throw(
				_("Row {0} was received short; record the sign-off as Partly Signed.").format(short[0].idx),
				SignOffError,
			)
		if self.sign_status == "Partly Signed" and not short:
			frappe.throw(_("Every line was received in full; record the sign-off as Signed."), SignOffError)
		self.signed_at = self.signed_at or now_datetime()
		self.sign_off_recorded_by = frappe.session.user
		# Only the sign-off link (order_clerk.sign_off_link) records a sign-off from the phone.
		self.sign_off_channel = RECEIVERS_PHONE if self.flags.signed_by_link else DESK

	def check_sign_off_unchanged(self, before):
		fields = ("sign_status", "signed_by", "signed_at", "signed_receipt", "sign_off_channel")
		changed = [f for f in fields if str(before.get(f) or "") != str(self.get(f) or "")]
		changed += [
			"received_qty"
			for old, new in zip(before.items, self.items, strict=False)
			if flt(old.received_qty) != flt(new.received_qty)
		]
		if changed:
			frappe.throw(
				_("The sign-off of {0} is recorded and cannot be changed ({1}).").format(
					self.name, ", ".join(changed)
				),
				SignOffError,
			)

	def set_status(self):
		statuses.set_status(self)

	def received_quantities(self) -> dict[str, float]:
		totals = {}
		for row in self.items:
			totals[row.order_item] = totals.get(row.order_item, 0) + flt(row.received_qty)
		return totals

	def raise_discrepancy(self):
		short = [row for row in self.items if flt(row.received_qty) < flt(row.qty)]
		if not short:
			return
		description = (
			_("The customer refused delivery note {0}.").format(self.name)
			if self.sign_status == "Refused"
			else _("The customer signed delivery note {0} for less than was shipped.").format(self.name)
		)
		if self.sign_off_remarks:
			description += "\n" + self.sign_off_remarks
		frappe.get_doc(
			{
				"doctype": "OC Order Exception",
				"exception_type": "Sign-off Discrepancy",
				"order": self.order,
				"delivery_note": self.name,
				"description": description,
				"due_date": add_days(nowdate(), 3),
				"responsible": frappe.db.get_value("OC Order", self.order, "owner"),
				"lines": [
					{
						"order_item": row.order_item,
						"product": row.product,
						"qty": flt(row.qty) - flt(row.received_qty),
					}
					for row in short
				],
			}
		).insert(ignore_permissions=True)


@frappe.whitelist()
def make_invoice_request(source_name: str, target_doc=None):
	"""An invoice request for a signed delivery note (desk: frappe.model.open_mapped_doc)."""
	from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

	frappe.has_permission("OC Invoice Request", "create", throw=True)
	return new_invoice_request([source_name])
