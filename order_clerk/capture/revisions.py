"""A customer's revised purchase order: what it changes, line by line, and where the change goes.

A revision is compared with the order we hold (or, before there is one, with the earlier
reading). Applied by the clerk, it updates an order the clerk may still edit (Draft, Needs
Clarification, Rejected), which then validates again and records the clerk as a maker. An
approved order is never changed here: the revision raises a Customer Change exception carrying
the differences, for the people who handle approved orders. An order waiting for review cannot
change under the reviewer's eyes, and a cancelled order takes no revision; the clerk is told
what to do instead.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_days, flt, nowdate

from order_clerk import review
from order_clerk.capture import service
from order_clerk.capture.text import normalize
from order_clerk.exceptions import FrozenOrderError
from order_clerk.permissions import can_read_amounts
from order_clerk.roles import ORDER_CLERK, require_role

# Facts a revision may change on the order; the customer and PO number are what make it a revision.
REVISED_FACTS = ("delivery_date", "payment_terms", "delivery_address", "contact_person")
# How far back a chain of revisions is followed to find its order.
MAX_CHAIN = 50


def order_of(intake) -> str | None:
	"""The order a revision revises: the first order along its chain of earlier intakes, else the
	customer's live order with the same PO number."""
	seen, current = set(), intake
	while current and current.name not in seen and len(seen) < MAX_CHAIN:
		seen.add(current.name)
		if current.order and current.name != intake.name:
			return current.order
		current = frappe.get_doc("OC Intake", current.duplicate_of) if current.duplicate_of else None
	if not (intake.customer and intake.customer_po):
		return None
	return frappe.db.get_value(
		"OC Order",
		{"customer": intake.customer, "customer_po": intake.customer_po, "docstatus": ("<", 2)},
		"name",
		order_by="creation desc",
	)


def order_baseline(order) -> dict:
	"""The order as the comparison reads it: its facts and its lines with their row names."""
	values = {fact: order.get(fact) for fact in REVISED_FACTS}
	values["delivery_date"] = str(order.delivery_date) if order.delivery_date else None
	values["lines"] = [
		{"product": row.product, "qty": row.qty, "rate": row.rate, "order_item": row.name}
		for row in order.items
	]
	return values


def _stated(data: dict, fact: str):
	"""A fact the revised document states itself; a value filled in from the customer's record is
	no change the customer asked for."""
	read = data.get(fact) or {}
	if read.get("note") in ("defaulted", "usual") or read.get("value") in (None, ""):
		return None
	return read["value"]


def _same(a, b, numeric: bool = False) -> bool:
	if numeric:
		return abs(flt(a) - flt(b)) < 1e-6
	return normalize(a or "") == normalize(b or "")


def differences(baseline: dict, data: dict) -> list[dict]:
	"""What the revised reading `data` changes against `baseline`: facts, then lines matched by
	product in document order (added, removed, quantity or price changed)."""
	changes = []
	for fact in REVISED_FACTS:
		new = _stated(data, fact)
		if new is not None and not _same(baseline.get(fact), new):
			changes.append({"change": "changed", "field": fact, "old": baseline.get(fact), "new": new})
	unmatched = list(baseline.get("lines") or [])
	for index, read in enumerate(data.get("lines") or [], start=1):
		line = {
			"product": read["product"]["value"],
			"qty": read["qty"]["value"],
			"rate": read["rate"]["value"],
		}
		old = next((o for o in unmatched if line["product"] and o["product"] == line["product"]), None)
		if not old:
			changes.append({"change": "added", "line": index, **line})
			continue
		unmatched.remove(old)
		for field in ("qty", "rate"):
			if line[field] is not None and not _same(old[field], line[field], numeric=True):
				changes.append(
					{
						"change": "changed",
						"line": index,
						"field": field,
						"product": line["product"],
						"old": old[field],
						"new": line[field],
						"order_item": old.get("order_item"),
					}
				)
	for old in unmatched:
		changes.append(
			{
				"change": "removed",
				"product": old["product"],
				"qty": old["qty"],
				"rate": old["rate"],
				"order_item": old.get("order_item"),
			}
		)
	return changes


def field_label(field: str) -> str:
	return {**service.fact_labels(), "qty": _("Qty"), "rate": _("Rate")}.get(field, field)


def describe(change: dict) -> str:
	"""One difference as a sentence, for the exception and the intake."""
	if change["change"] == "added":
		return _("Line added: {0}, quantity {1} at {2}.").format(
			change["product"] or _("(no product)"), change["qty"], change["rate"]
		)
	if change["change"] == "removed":
		return _("Line removed: {0}, quantity {1} at {2}.").format(
			change["product"], change["qty"], change["rate"]
		)
	if change.get("product"):
		return _("{0}: {1} changed from {2} to {3}.").format(
			change["product"], field_label(change["field"]), change["old"], change["new"]
		)
	return _("{0} changed from {1} to {2}.").format(
		field_label(change["field"]), change["old"] or _("(none)"), change["new"]
	)


def baseline_of(intake) -> tuple[str | None, dict]:
	"""The order the revision revises and what it holds; without an order, the earlier reading."""
	order = order_of(intake)
	if order:
		return order, order_baseline(frappe.get_doc("OC Order", order))
	earlier = frappe.get_doc("OC Intake", intake.duplicate_of) if intake.duplicate_of else None
	data = earlier.get_extraction() if earlier else {}
	return None, service.order_values(data) if data else {"lines": []}


def may_compare(order: str | None) -> bool:
	"""The order's lines and prices are shown beside the revision only to who may read them (an
	integrator's fax gateway may push a revision of an order it cannot see)."""
	return not order or (frappe.has_permission("OC Order", "read", order) and can_read_amounts())


def record(intake) -> None:
	"""On reading a revision: keep its differences on the intake (saved by the caller), where the
	reader may see the order."""
	order, baseline = baseline_of(intake)
	if not may_compare(order):
		return
	intake.revision_differences = json.dumps(
		differences(baseline, intake.get_extraction()), ensure_ascii=False, default=str, indent=1
	)


def check_convertible(intake) -> None:
	"""A revision of a live order is applied to it; converting it would make a second order."""
	if intake.status != "Revision":
		return
	order = order_of(intake)
	if order and frappe.db.get_value("OC Order", order, "docstatus") != 2:
		frappe.throw(
			_("Intake {0} revises order {1}: apply the revision to the order instead.").format(
				intake.name, order
			),
			frappe.DuplicateEntryError,
			title=_("Revision"),
		)


def apply(intake) -> dict:
	"""The clerk applies a revision: the draft is updated, or an approved order gets a Customer
	Change exception. Returns what happened."""
	if intake.status != "Revision":
		frappe.throw(
			_("Intake {0} is {1}, not a revision.").format(intake.name, _(intake.status)), FrozenOrderError
		)
	if intake.order_exception:
		frappe.throw(
			_("The revision was already raised as exception {0}.").format(intake.order_exception),
			frappe.DuplicateEntryError,
		)
	name, baseline = baseline_of(intake)
	if not name:
		frappe.throw(
			_("No order has been made from the earlier intake {0}; convert this revision instead.").format(
				intake.duplicate_of
			),
			FrozenOrderError,
		)
	order = frappe.get_doc("OC Order", name)
	changes = differences(baseline, intake.get_extraction())
	intake.revision_differences = json.dumps(changes, ensure_ascii=False, default=str, indent=1)
	if order.docstatus == 2:
		frappe.throw(
			_("Order {0} was cancelled; convert this revision into a new order instead.").format(name),
			FrozenOrderError,
			title=_("Order Cancelled"),
		)
	if order.docstatus == 1:
		return _raise_customer_change(intake, order, changes)
	if order.workflow_state not in review.EDITABLE_STATES:
		frappe.throw(
			_(
				"Order {0} is {1}: its content cannot change now. Ask a reviewer to reject it back to "
				"you, then apply the revision."
			).format(name, _(order.workflow_state)),
			FrozenOrderError,
			title=_("Not Editable"),
		)
	if not changes:
		frappe.throw(_("The revision changes nothing on order {0}.").format(name), FrozenOrderError)
	_update_draft(order, intake.name, changes)
	intake.order = order.name
	intake.status = "Converted"
	intake.save()
	return {"order": order.name, "exception": None, "changes": changes}


def _update_draft(order, intake_name: str, changes: list[dict]) -> None:
	order.check_permission("write")
	for change in changes:
		if change["change"] == "changed" and not change.get("product") and "line" not in change:
			order.set(change["field"], change["new"])
	rows = {row.name: row for row in order.items}
	for change in changes:
		if change["change"] == "changed" and change.get("order_item") in rows:
			rows[change["order_item"]].set(change["field"], change["new"])
		elif change["change"] == "removed" and change.get("order_item") in rows:
			order.remove(rows[change["order_item"]])
		elif change["change"] == "added":
			order.append(
				"items", {"product": change["product"], "qty": change["qty"], "rate": change["rate"]}
			)
	order.save()
	text = "\n".join(
		[_("Revised by the customer (intake {0}):").format(intake_name), *(describe(c) for c in changes)]
	)
	order.add_comment("Comment", frappe.utils.escape_html(text).replace("\n", "<br>"))


def _raise_customer_change(intake, order, changes: list[dict]) -> dict:
	frappe.has_permission("OC Order Exception", "create", throw=True)
	if not changes:
		frappe.throw(_("The revision changes nothing on order {0}.").format(order.name), FrozenOrderError)
	description = "\n".join(
		[
			_("The customer revised purchase order {0} (intake {1}) after the order was approved:").format(
				intake.customer_po, intake.name
			),
			*(describe(c) for c in changes),
		]
	)
	lines = [
		{
			"order_item": c.get("order_item"),
			"product": c.get("product"),
			"qty": c["new"] if c.get("field") == "qty" else c.get("qty"),
		}
		for c in changes
		if c.get("product")
	]
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Customer Change",
			"order": order.name,
			"order_no": order.order_no,
			"customer": order.customer,
			"description": description,
			"due_date": add_days(nowdate(), 2),
			"responsible": frappe.session.user,
			"lines": lines,
		}
	).insert()
	intake.order = order.name
	intake.order_exception = exception.name
	intake.save()
	return {"order": order.name, "exception": exception.name, "changes": changes}


@frappe.whitelist(methods=["POST"])
def apply_revision(name: str) -> dict:
	"""Apply a revised purchase order to its order (the clerk only): a draft is updated, an
	approved order gets a Customer Change exception and stays as it is."""
	intake = frappe.get_doc("OC Intake", name)
	intake.check_permission("write")
	require_role((ORDER_CLERK,), _("apply a customer's revision"))
	return apply(intake)


def view(intake) -> dict | None:
	"""What the review screen shows of a revision: its changes, its order, and what applying does."""
	if not intake.revision_differences and intake.status != "Revision":
		return None
	order = order_of(intake)
	if not may_compare(order):
		return None
	state = (
		frappe.db.get_value("OC Order", order, ["docstatus", "workflow_state"], as_dict=True)
		if order
		else None
	)
	if intake.status == "Revision" and not intake.order_exception:
		_order, baseline = baseline_of(intake)
		changes = differences(baseline, intake.get_extraction())
	else:
		changes = json.loads(intake.revision_differences or "[]")
	if intake.status != "Revision" or intake.order_exception:
		outcome = "done"
	elif not state:
		outcome = "no order"
	elif state.docstatus == 2:
		outcome = "cancelled"
	elif state.docstatus == 1:
		outcome = "exception"
	elif state.workflow_state in review.EDITABLE_STATES:
		outcome = "update"
	else:
		outcome = "frozen"
	return {
		"order": order,
		"order_state": state.workflow_state if state else None,
		"outcome": outcome,
		"exception": intake.order_exception,
		"changes": [
			{**change, "text": describe(change), "label": field_label(change.get("field") or "")}
			for change in changes
		],
	}
