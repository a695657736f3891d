# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, cint, flt, fmt_money, getdate, now_datetime, nowdate

from order_clerk import archive
from order_clerk import status as statuses
from order_clerk.notify import assign, users_with_role
from order_clerk.roles import FINANCE_OFFICER, ORDER_CLERK, require_role
from order_clerk.exceptions import DuplicateInvoiceRequestError, InvoiceRequestError


INVOICE_FIELDS = ("invoice_no", "invoice_date", "invoice_copy")
PAYMENT_FIELDS = ("payments", "paid_amount", "outstanding_amount", "payment_status")
DEFAULT_PAYMENT_DAYS = 30


class OCInvoiceRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_invoice_payment.oc_invoice_payment import OCInvoicePayment
		from order_clerk.order_clerk.doctype.oc_invoice_request_note.oc_invoice_request_note import (
			OCInvoiceRequestNote,
		)

		amended_from: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		delivery_notes: DF.Table[OCInvoiceRequestNote]
		due_date: DF.Date | None
		invoice_copy: DF.Attach | None
		invoice_date: DF.Date | None
		invoice_no: DF.Data | None
		invoice_type: DF.Literal["VAT Special Invoice", "VAT General Invoice", "Electronic Invoice"]
		issued_by: DF.Link | None
		outstanding_amount: DF.Currency
		paid_amount: DF.Currency
		payment_status: DF.Literal["Unpaid", "Partly Paid", "Paid"]
		payments: DF.Table[OCInvoicePayment]
		remarks: DF.SmallText | None
		request_date: DF.Date
		status: DF.Literal["Draft", "Requested", "Issued", "Cancelled"]
		total_amount: DF.Currency
	# end: auto-generated types

	def validate(self):
		self.validate_delivery_notes()
		archive.guard_sealed(self)
		self.total_amount = sum(flt(row.amount) for row in self.delivery_notes)
		if any(self.get(f) for f in INVOICE_FIELDS) or self.payments:
			frappe.throw(
				_("Finance records the invoice after the request is submitted."), InvoiceRequestError
			)
		statuses.set_status(self)

	def before_submit(self):
		require_role((ORDER_CLERK,), _("send invoice requests to finance"))

	def on_submit(self):
		statuses.set_status(self, update=True)
		assign(
			self,
			users_with_role(FINANCE_OFFICER),
			_("Issue the invoice for {0}, {1}").format(self.customer_name or self.customer, self.name),
		)

	def before_update_after_submit(self):
		before = self.get_doc_before_save()
		self.update_invoice(before)
		self.update_payments(before)

	def update_invoice(self, before):
		changed = [f for f in INVOICE_FIELDS if str(before.get(f) or "") != str(self.get(f) or "")]
		if not changed:
			return
		if before.status == "Issued":
			frappe.throw(
				_("The invoice of {0} is recorded and cannot be changed.").format(self.name),
				InvoiceRequestError,
			)
		require_role((FINANCE_OFFICER,), _("record an issued invoice"))
		missing = [self.meta.get_label(f) for f in INVOICE_FIELDS if not self.get(f)]
		if missing:
			frappe.throw(
				_("To mark the invoice issued, also give: {0}.").format(", ".join(_(m) for m in missing)),
				InvoiceRequestError,
			)
		statuses.set_status(self)
		self.issued_by = frappe.session.user
		days = frappe.db.get_value("OC Customer", self.customer, "payment_days")
		self.due_date = add_days(self.invoice_date, cint(days if days is not None else DEFAULT_PAYMENT_DAYS))

	def update_payments(self, before):
		"""Payments received (回款): finance adds them once the invoice is issued; a recorded
		payment never changes, and together they never exceed the invoiced amount."""
		recorded = {row.name: row for row in before.get("payments")}
		kept = [row for row in self.payments if row.name in recorded]
		if len(kept) != len(recorded) or any(
			_payment_key(row) != _payment_key(recorded[row.name]) for row in kept
		):
			frappe.throw(
				_("A recorded payment of {0} cannot be changed or removed.").format(self.name),
				InvoiceRequestError,
				title=_("Not Allowed"),
			)
		added = [row for row in self.payments if row.name not in recorded]
		if added:
			require_role((FINANCE_OFFICER,), _("record a payment received"))
			if self.status != "Issued":
				frappe.throw(
					_("Record the issued invoice of {0} before the payments against it.").format(self.name),
					InvoiceRequestError,
				)
		for row in added:
			if flt(row.amount) <= 0:
				frappe.throw(
					_("Payment row {0}: Amount Received must be more than 0.").format(row.idx),
					InvoiceRequestError,
				)
			if not row.received_on or getdate(row.received_on) > getdate(nowdate()):
				frappe.throw(
					_("Payment row {0}: Received On must be a date that has come.").format(row.idx),
					InvoiceRequestError,
				)
			row.recorded_by, row.recorded_on = frappe.session.user, now_datetime()
		self.set_payment_totals()

	def set_payment_totals(self):
		self.paid_amount = flt(sum(flt(row.amount) for row in self.payments), 2)
		if self.paid_amount > flt(self.total_amount) + 0.005:
			frappe.throw(
				_("Payments of {0} would come to {1}, more than the invoiced {2}.").format(
					self.name, fmt_money(self.paid_amount, 2), fmt_money(self.total_amount, 2)
				),
				InvoiceRequestError,
				title=_("Overpayment"),
			)
		self.outstanding_amount = flt(flt(self.total_amount) - self.paid_amount, 2)
		if not self.paid_amount:
			self.payment_status = "Unpaid"
		else:
			self.payment_status = "Paid" if self.outstanding_amount <= 0.005 else "Partly Paid"

	def record_payment(self, amount: float, received_on: str, reference: str | None = None):
		# Under a row lock: two payments recorded at once both count against the invoiced amount.
		frappe.db.get_value(self.doctype, self.name, "name", for_update=True)
		self.reload()
		self.append("payments", {"amount": amount, "received_on": received_on, "reference": reference})
		self.save()
		return self

	def before_cancel(self):
		# A cancelled request frees its notes for a new one.
		for row in self.delivery_notes:
			row.note_key = None
		if self.status == "Issued":
			frappe.throw(_("The invoice is issued; the request cannot be cancelled."), InvoiceRequestError)

	def on_cancel(self):
		statuses.set_status(self, update=True)

	def validate_delivery_notes(self):
		seen = set()
		for row in self.delivery_notes:
			if row.delivery_note in seen:
				frappe.throw(
					_("Delivery note {0} is listed twice.").format(row.delivery_note), InvoiceRequestError
				)
			seen.add(row.delivery_note)
			note = frappe.db.get_value(
				"OC Delivery Note",
				row.delivery_note,
				["docstatus", "sign_status", "customer", "order", "order_no"],
				as_dict=True,
			)
			if not note or note.docstatus != 1 or note.sign_status not in ("Signed", "Partly Signed"):
				frappe.throw(
					_("Row {0}: delivery note {1} is not signed by the customer.").format(
						row.idx, row.delivery_note
					),
					InvoiceRequestError,
				)
			if note.customer != self.customer:
				frappe.throw(
					_("Row {0}: delivery note {1} is for customer {2}, not {3}.").format(
						row.idx, row.delivery_note, note.customer, self.customer
					),
					InvoiceRequestError,
				)
			# The check answers a retry; two requests saved at the same moment both pass it, and
			# the unique note_key (the note while the request is not cancelled) stops the second.
			row.note_key = row.delivery_note
			other = invoice_request_of(row.delivery_note, exclude=self.name)
			if other:
				frappe.throw(
					_("Row {0}: delivery note {1} is already on invoice request {2}.").format(
						row.idx, row.delivery_note, other
					),
					DuplicateInvoiceRequestError,
					title=_("Duplicate Invoice Request"),
				)
			row.order, row.order_no = note.order, note.order_no
			row.qty, row.amount = signed_amount(row.delivery_note)


def invoice_request_of(delivery_note: str, exclude: str | None = None) -> str | None:
	request, note = DocType("OC Invoice Request"), DocType("OC Invoice Request Note")
	query = (
		frappe.qb.from_(note)
		.join(request)
		.on(note.parent == request.name)
		.select(request.name)
		.where((note.delivery_note == delivery_note) & (request.docstatus < 2))
		.limit(1)
	)
	if exclude:
		query = query.where(request.name != exclude)
	found = query.run()
	return found[0][0] if found else None


def signed_amount(delivery_note: str) -> tuple[float, float]:
	"""Signed quantity and its amount at the order's rates."""
	dn_item, order_item = DocType("OC Delivery Note Item"), DocType("OC Order Item")
	qty, amount = (
		frappe.qb.from_(dn_item)
		.join(order_item)
		.on(dn_item.order_item == order_item.name)
		.select(Sum(dn_item.received_qty), Sum(dn_item.received_qty * order_item.rate))
		.where(dn_item.parent == delivery_note)
		.run()[0]
	)
	return flt(qty), flt(amount, 2)


def new_invoice_request(delivery_notes: list[str]):
	"""An unsaved invoice request for signed delivery notes of one customer."""
	if not delivery_notes:
		frappe.throw(_("Choose at least one signed delivery note."), InvoiceRequestError)
	customer = frappe.db.get_value("OC Delivery Note", delivery_notes[0], "customer")
	doc = frappe.new_doc("OC Invoice Request")
	doc.customer = customer
	for name in delivery_notes:
		frappe.has_permission("OC Delivery Note", "read", name, throw=True)
		doc.append("delivery_notes", {"delivery_note": name})
	return doc


def _payment_key(row) -> tuple:
	return (flt(row.amount, 2), str(getdate(row.received_on)), row.reference or "")


def guard_sealed(doc, method=None):
	"""doc_events: a sealed archive freezes the request, except for payments received later."""
	before = doc.get_doc_before_save()
	if before and method == "before_update_after_submit":
		changed = {
			field
			for field in doc.meta.get_valid_columns()
			if field not in PAYMENT_FIELDS
			and field != "modified"
			and str(before.get(field) or "") != str(doc.get(field) or "")
		}
		if not changed:
			return
	archive.guard_sealed(doc, method)


def on_doctype_update():
	# Credit control reads a customer's approved documents with a locking read through this
	# index, which leaves other customers' and unapproved documents unlocked (order_clerk.credit).
	frappe.db.add_index("OC Invoice Request", ["customer", "docstatus"], index_name="customer_docstatus")
