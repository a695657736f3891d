# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.mapper import get_mapped_doc
from frappe.utils import cint, flt, now_datetime

from order_clerk import bulk_orders, review, workflow_actions
from order_clerk import status as statuses
from order_clerk.exceptions import (
	DuplicateOrderError,
	FrozenOrderError,
	IllegalTransitionError,
	InvalidOrderDataError,
)
from order_clerk.order_clerk.doctype.oc_order import intake
from order_clerk.roles import ORDER_REVIEWER, has_role
from order_clerk.site_defaults import outbound_warehouse


class OCOrder(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_order_clarification.oc_order_clarification import (
			OCOrderClarification,
		)
		from order_clerk.order_clerk.doctype.oc_order_item.oc_order_item import OCOrderItem
		from order_clerk.order_clerk.doctype.oc_order_maker.oc_order_maker import OCOrderMaker
		from order_clerk.order_clerk.doctype.oc_production_request.oc_production_request import (
			OCProductionRequest,
		)

		acknowledged_on: DF.Datetime | None
		amended_from: DF.Link | None
		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		channel: DF.Literal["Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"]
		clarifications: DF.Table[OCOrderClarification]
		contact_email: DF.Data | None
		contact_person: DF.Data | None
		contact_phone: DF.Data | None
		credit_approved_by: DF.Link | None
		credit_limit_at_approval: DF.Currency
		credit_override_reason: DF.SmallText | None
		customer: DF.Link | None
		customer_confirmed_by: DF.Link | None
		customer_confirmed_ip: DF.Data | None
		customer_confirmed_name: DF.Data | None
		customer_confirmed_on: DF.Datetime | None
		customer_name: DF.Data | None
		customer_po: DF.Data | None
		delivery_address: DF.SmallText | None
		delivery_date: DF.Date | None
		exposure_at_approval: DF.Currency
		external_ref: DF.Data | None
		grand_total: DF.Currency
		intake_key: DF.Data | None
		is_complete: DF.Check
		is_overdue: DF.Check
		items: DF.Table[OCOrderItem]
		makers: DF.Table[OCOrderMaker]
		missing_facts: DF.SmallText | None
		order_date: DF.Date
		order_no: DF.Data | None
		original_order: DF.Attach | None
		payment_terms: DF.Data | None
		per_delivered: DF.Percent
		per_shipped: DF.Percent
		prepared_by: DF.SmallText | None
		production_requests: DF.Table[OCProductionRequest]
		ready_to_archive: DF.Check
		rejected_by: DF.Link | None
		rejected_on: DF.Datetime | None
		rejection_reason: DF.SmallText | None
		remarks: DF.SmallText | None
		revised_delivery_date: DF.Date | None
		status: DF.Literal[
			"Draft", "To Ship", "Partly Shipped", "Shipped", "Delivered", "On Hold", "Completed", "Cancelled"
		]
		submitted_for_review_by: DF.Link | None
		submitted_for_review_on: DF.Datetime | None
		total_qty: DF.Float
		workflow_state: DF.Link | None
	# end: auto-generated types

	def update(self, d):
		# Used by the constructor and by REST creates: a malformed payload (a table that is
		# not a list of rows, say) must be a clear 417, not a TypeError from deep inside.
		try:
			return super().update(d)
		except (TypeError, ValueError, AttributeError) as e:
			frappe.throw(
				_("The order data is malformed: {0}").format(e),
				InvalidOrderDataError,
				title=_("Invalid Data"),
			)

	# Writing: the order's rows go in with one statement per table, not one per row
	# (order_clerk.bulk_orders), so that a line more costs no statement more.

	def db_insert(self, *args, **kwargs):
		super().db_insert(*args, **kwargs)
		rows = self.get_all_children()
		bulk_orders.insert_rows(rows)
		for row in rows:
			row.flags.written_with_order = True

	def update_child_table(self, fieldname: str, df=None):
		df = df or self.meta.get_field(fieldname)
		if frappe.get_meta(df.options).is_virtual or df.options in (self.flags.ignore_children_type or ()):
			return super().update_child_table(fieldname, df)
		rows = self.get(df.fieldname)
		# As Frappe does: the rows no longer in the table go, then the others are written.
		table = frappe.qb.DocType(df.options)
		removed = (
			frappe.qb.from_(table)
			.where(table.parent == self.name)
			.where(table.parenttype == self.doctype)
			.where(table.parentfield == fieldname)
			.delete()
		)
		kept = [row.name for row in rows if row.name and not row.is_new()]
		if kept:
			removed = removed.where(table.name.notin(kept))
		removed.run()
		# New rows are inserted (a name already taken is refused, as db_insert refuses it).
		bulk_orders.upsert_rows([row for row in rows if row.name and not row.is_new()])
		bulk_orders.insert_rows([row for row in rows if not row.name or row.is_new()])

	def _validate_links(self):
		# A bulk intake checks its links against the master data it read once for all its
		# orders (order_clerk.bulk_orders); otherwise the lines' products are looked up in one query.
		if self.flags.master_data and self.flags.master_data.check_links(self):
			return
		intake.remember_line_products(self)
		super()._validate_links()

	# lifecycle

	def before_insert(self):
		self.check_duplicate_intake()

	def validate(self):
		review.keep_server_trail(self)
		intake.validate_numbers(self)
		intake.validate_dates(self)
		intake.validate_parties(self)
		intake.set_customer_defaults(self)
		intake.set_item_details(self)
		self.set_totals()
		self.update_clarification_log()
		self.set_missing_facts()
		self.track_makers()
		self.validate_review_step()
		self.set_intake_key()
		self.set_status()

	def after_insert(self):
		# The Workflow Action it opens, before Frappe's on_update hook reads the workflow for it;
		# a bulk intake records those of all its orders at once (order_clerk.workflow_actions).
		if not self.flags.master_data:
			workflow_actions.record_open_action(self)

	def on_update(self):
		if self.has_value_changed("workflow_state") and self.workflow_state == review.PENDING_REVIEW:
			self.send_acknowledgement()

	def before_update_after_submit(self):
		review.keep_server_trail(self)
		# Questions asked on the customer portal are answered after approval too.
		self.update_clarification_log()

	# Approving and cancelling change the docstatus: every path to 1 or 2 ends here, and what
	# each does is in order_clerk.review.

	def before_submit(self):
		review.approve(self)

	def on_submit(self):
		review.after_approval(self)

	def before_cancel(self):
		review.cancel(self)

	def on_cancel(self):
		statuses.set_status(self, update=True)

	# intake

	def check_duplicate_intake(self):
		key = intake.intake_key_of(self)
		if not key:
			return
		# A plain read: a locking one here would deadlock two identical requests, and the
		# unique index settles that race anyway (see show_unique_validation_message).
		if self.flags.master_data:
			existing = self.flags.master_data.intake_keys.get(key)
		else:
			existing = frappe.db.get_value("OC Order", {"intake_key": key}, "name")
		if existing:
			self.raise_duplicate(existing)

	def raise_duplicate(self, existing: str):
		frappe.throw(
			_("Order {0} already has channel {1} and external reference {2}.").format(
				existing, _(self.channel), self.external_ref
			),
			DuplicateOrderError,
			title=_("Duplicate Order"),
		)

	def show_unique_validation_message(self, e):
		# Two identical requests at once both pass check_duplicate_intake; the unique index
		# stops the second, and it gets the same answer as a retry would.
		if "intake_key" in str(e):
			# A locking read sees the other request's order, committed after this
			# transaction's snapshot was taken.
			existing = frappe.db.get_value(
				"OC Order", {"intake_key": self.intake_key}, "name", for_update=True
			)
			self.raise_duplicate(existing or _("(being created)"))
		super().show_unique_validation_message(e)

	def set_intake_key(self):
		self.intake_key = intake.intake_key_of(self) if self.docstatus < 2 else None

	# amounts

	def set_totals(self):
		self.total_qty = sum(flt(row.qty) for row in self.items)
		self.grand_total = sum(flt(row.amount) for row in self.items)
		intake.check_total(self)

	# completeness

	def get_missing_facts(self) -> list[dict]:
		return intake.missing_facts(self)

	def set_missing_facts(self):
		missing = self.get_missing_facts()
		self.is_complete = 0 if missing else 1
		self.missing_facts = "\n".join(fact["message"] for fact in missing)

	def update_clarification_log(self):
		before = {
			row.name: row for row in (self.get_doc_before_save() or frappe._dict()).get("clarifications", [])
		}
		user, now = frappe.session.user, now_datetime()
		for row in self.clarifications:
			previous = before.get(row.name)
			# Who asked and answered is recorded by the server, never taken from the client.
			row.asked_by = previous.asked_by if previous else user
			row.asked_on = previous.asked_on if previous else now
			if previous and (previous.answer or "") == (row.answer or ""):
				row.answered_by, row.answered_on = previous.answered_by, previous.answered_on
			elif (row.answer or "").strip():
				row.answered_by, row.answered_on = user, now
			else:
				row.answered_by = row.answered_on = None

	# review

	def track_makers(self):
		"""Record who created or changed the order's content; freeze it outside the editable states."""
		if self.is_new():
			review.add_maker(self, review.CREATED)
			return
		before = self.get_doc_before_save()
		if intake.content_fingerprint(before) == intake.content_fingerprint(self):
			return
		if before.workflow_state not in review.EDITABLE_STATES:
			frappe.throw(
				_(
					"Order {0} is {1}: its content cannot change. Reject it to send it back to the clerk."
				).format(self.name, _(before.workflow_state)),
				FrozenOrderError,
				title=_("Not Editable"),
			)
		review.add_maker(self, review.CHANGED)

	def validate_review_step(self):
		before = self.get_doc_before_save()
		current = before.workflow_state if before else None
		target = self.workflow_state or review.DRAFT
		if not before:
			if target != review.DRAFT:
				frappe.throw(
					_("A new order starts as {0}; use the workflow actions to move it.").format(
						_(review.DRAFT)
					),
					IllegalTransitionError,
				)
			self.workflow_state = review.DRAFT
			return
		if current == target:
			return
		if review.STATE_DOCSTATUS.get(target) != self.docstatus:
			# Approved and Cancelled are reached only by submitting or cancelling.
			frappe.throw(
				_("An order becomes {0} only through its workflow action.").format(_(target)),
				IllegalTransitionError,
			)
		review.take_step(self, review.find_transition(current, target))

	# status

	def set_status(self):
		statuses.set_status(self)

	# notifications

	def send_acknowledgement(self):
		if self.acknowledged_on or not self.contact_email:
			return
		if self.flags.from_intake:
			return  # the intake answers its sender, in their thread (order_clerk.capture.replies)
		if not cint(frappe.db.get_single_value("OC Settings", "send_acknowledgement")):
			return
		if intake.queue_acknowledgement(self):
			self.db_set("acknowledged_on", now_datetime(), update_modified=False)


@frappe.whitelist(methods=["GET"])
def get_orders_awaiting_my_review() -> list[str]:
	"""Orders pending review that the session user may approve: the list's "Awaiting My Review"."""
	frappe.has_permission("OC Order", "read", throw=True)
	if not has_role(ORDER_REVIEWER):
		return []
	candidates = review.orders_awaiting_review_by(frappe.session.user)
	if not candidates:
		return []
	# Row-level rules still apply: only orders the user may read.
	return frappe.get_list(
		"OC Order", filters={"name": ("in", candidates)}, pluck="name", order_by="creation asc", limit=0
	)


@frappe.whitelist()
def make_outbound_slip(source_name: str, target_doc=None, warehouse: str | None = None):
	"""An outbound slip for what is still to ship (desk: frappe.model.open_mapped_doc), from
	`warehouse`, else the default or only warehouse (order_clerk.site_defaults)."""
	order = frappe.get_doc("OC Order", source_name)
	order.check_permission("read")
	frappe.has_permission("OC Outbound Slip", "create", throw=True)
	if order.docstatus != 1:
		frappe.throw(_("Order {0} is not approved yet.").format(source_name))
	if not any(flt(row.qty) > flt(row.shipped_qty) for row in order.items):
		frappe.throw(_("Everything on order {0} has been shipped.").format(source_name))

	def set_missing_values(source, target):
		# Left empty when there is no telling: the desk's form asks for it, the API names the setting.
		target.warehouse = target.warehouse or outbound_warehouse(warehouse, throw=False)

	def update_line(source, target, source_parent):
		target.qty = flt(source.qty) - flt(source.shipped_qty)
		target.ordered_qty = source.qty

	return get_mapped_doc(
		"OC Order",
		source_name,
		{
			"OC Order": {
				"doctype": "OC Outbound Slip",
				"field_map": {"name": "order"},
				"field_no_map": ["status", "remarks", "total_qty"],
			},
			"OC Order Item": {
				"doctype": "OC Outbound Slip Item",
				"field_map": {"name": "order_item"},
				"field_no_map": ["qty"],
				"postprocess": update_line,
				"condition": lambda line: flt(line.qty) > flt(line.shipped_qty),
			},
		},
		target_doc,
		set_missing_values,
	)


def on_doctype_update():
	# Credit control reads a customer's approved documents with a locking read through this
	# index, which leaves other customers' and unapproved documents unlocked (order_clerk.credit).
	frappe.db.add_index("OC Order", ["customer", "docstatus"], index_name="customer_docstatus")
