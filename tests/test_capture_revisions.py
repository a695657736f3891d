"""Order capture learns and follows up: a customer's revised purchase order goes to the order it
revises (order_clerk.capture.revisions), and a customer's sheet layout mapped once by the clerk
is read without help next time (order_clerk.capture.layouts)."""

import io
import json

import frappe
import openpyxl
import pytest

from order_clerk.capture import service
from order_clerk.capture.revisions import apply_revision
from order_clerk.exceptions import FrozenOrderError
from order_clerk.order_clerk.doctype.oc_intake.oc_intake import get_review
from tests.capture_helpers import lines_csv, revising_shop
from tests.utils import act, unique


@pytest.fixture
def shop(people):
	"""A customer who orders by e-mail and three of our products."""
	frappe.set_user("Administrator")
	customer, products = revising_shop(
		"revise.example.com",
		"REV",
		(("调心球轴承", "35×72×17", 20), ("平垫圈", "M12 GB/T97.1", 0.1), ("弹簧垫圈", "M12 GB/T93", 0.08)),
	)
	frappe.set_user(people.clerk)
	return customer, products


def _csv(po: str, lines, date: str | None = "2030-12-20") -> bytes:
	return lines_csv(po, [(p.name, p.product_name, qty, rate) for p, qty, rate in lines], date)


def _draft(shop, po: str, lines) -> "frappe.model.document.Document":
	"""An order the clerk converted from a document without a delivery date: a Draft."""
	customer, _products = shop
	intake = service.receive(_csv(po, lines, date=None), "po.csv", "Email", customer.email)
	assert intake.status == "Needs Attention", intake.problems
	name = service.convert_intake(intake, {"delivery_date": "2030-12-20"})
	return frappe.get_doc("OC Order", name)


def _items(order: str) -> list[tuple]:
	return [
		(row.product, row.qty, row.rate)
		for row in frappe.get_doc("OC Order", order).items  # in the order's own sequence
	]


def test_a_revision_shows_its_changes_line_by_line_and_updates_the_draft(shop, people):
	customer, (bearing, washer, spring) = shop
	po = unique("PO")
	order = _draft(shop, po, [(bearing, 50, 20), (washer, 1000, 0.1)])
	revised = service.receive(
		_csv(po, [(bearing, 80, 19.5), (spring, 500, 0.08)], date="2030-12-28"),
		"po.csv",
		"Email",
		customer.email,
	)
	assert revised.status == "Revision" and not revised.order
	changes = json.loads(revised.revision_differences)
	assert sorted(
		(c["change"], c.get("product") or "", c.get("field") or "", c.get("old"), c.get("new"))
		for c in changes
	) == sorted(
		[
			("changed", "", "delivery_date", "2030-12-20", "2030-12-28"),
			("changed", bearing.name, "qty", 50, 80),
			("changed", bearing.name, "rate", 20, 19.5),
			("added", spring.name, "", None, None),
			("removed", washer.name, "", None, None),
		]
	)
	screen = get_review(revised.name)
	assert screen["revision"]["outcome"] == "update" and screen["revision"]["order"] == order.name
	assert "apply_revision" in screen["actions"] and "convert" not in screen["actions"]

	# A reviewer may not apply it; nothing changes.
	frappe.set_user(people.reviewer)
	with pytest.raises(frappe.PermissionError):
		apply_revision(revised.name)
	assert _items(order.name) == [(bearing.name, 50, 20), (washer.name, 1000, 0.1)]

	# Another clerk applies it: the draft is updated, validated again, and that clerk is a maker.
	frappe.set_user(people.clerk2)
	result = apply_revision(revised.name)
	assert (result["order"], result["exception"]) == (order.name, None)
	order.reload()
	assert _items(order.name) == [(bearing.name, 80, 19.5), (spring.name, 500, 0.08)]
	assert str(order.delivery_date) == "2030-12-28"
	assert order.workflow_state == "Draft" and order.grand_total == pytest.approx(80 * 19.5 + 500 * 0.08)
	assert {(row.user, row.action) for row in order.makers} >= {
		(people.clerk, "Created"),
		(people.clerk2, "Changed"),
	}
	revised.reload()
	assert (revised.status, revised.order) == ("Converted", order.name)
	# Applied once: it cannot be applied again.
	with pytest.raises(FrozenOrderError):
		apply_revision(revised.name)


def test_a_revision_of_an_approved_order_raises_a_customer_change_and_leaves_the_order(shop, people):
	customer, (bearing, washer, _spring) = shop
	po = unique("PO")
	order = _draft(shop, po, [(bearing, 50, 20), (washer, 1000, 0.1)])
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(order.name, "Approve")
	frappe.set_user(people.clerk)
	approved = frappe.get_doc("OC Order", order.name)
	revised = service.receive(
		_csv(po, [(bearing, 60, 20), (washer, 1000, 0.1)]), "po.csv", "Email", customer.email
	)
	assert revised.status == "Revision"
	assert get_review(revised.name)["revision"]["outcome"] == "exception"

	result = apply_revision(revised.name)
	exception = frappe.get_doc("OC Order Exception", result["exception"])
	assert (exception.exception_type, exception.order, exception.status) == (
		"Customer Change",
		order.name,
		"Open",
	)
	assert f"{bearing.name}" in exception.description and "50" in exception.description
	assert [(row.order_item, row.product, row.qty) for row in exception.lines] == [
		(approved.items[0].name, bearing.name, 60)
	]
	# The approved order is as it was.
	assert _items(order.name) == [(bearing.name, 50, 20), (washer.name, 1000, 0.1)]
	assert frappe.db.get_value("OC Order", order.name, ["docstatus", "delivery_date"]) == (
		1,
		approved.delivery_date,
	)
	revised.reload()
	assert (revised.order, revised.order_exception) == (order.name, exception.name)
	# Raised once: applying again raises no second exception.
	with pytest.raises(frappe.DuplicateEntryError):
		apply_revision(revised.name)
	assert frappe.db.count("OC Order Exception", {"order": order.name}) == 1


def test_a_revision_waits_while_its_order_is_reviewed_and_applies_once_rejected(shop, people):
	customer, (bearing, _washer, _spring) = shop
	po = unique("PO")
	first = service.receive(_csv(po, [(bearing, 50, 20)]), "po.csv", "Email", customer.email)
	assert first.status == "Converted", first.problems
	order = first.order
	revised = service.receive(_csv(po, [(bearing, 70, 20)]), "po.csv", "Email", customer.email)
	assert revised.status == "Revision"
	assert get_review(revised.name)["revision"]["outcome"] == "frozen"
	# Waiting for review: the order's content cannot change under the reviewer.
	with pytest.raises(FrozenOrderError):
		apply_revision(revised.name)
	assert _items(order) == [(bearing.name, 50, 20)]
	# Rejected, the order is the clerk's again, and the revision applies to it.
	frappe.set_user(people.reviewer)
	doc = frappe.get_doc("OC Order", order)
	doc.rejection_reason = "数量待客户确认"
	doc.save()
	act(order, "Reject")
	frappe.set_user(people.clerk)
	apply_revision(revised.name)
	assert _items(order) == [(bearing.name, 70, 20)]
	assert frappe.db.get_value("OC Order", order, "workflow_state") == "Rejected"


def test_a_revision_of_a_cancelled_order_becomes_a_new_order(shop, people):
	customer, (bearing, _washer, _spring) = shop
	po = unique("PO")
	order = _draft(shop, po, [(bearing, 50, 20)])
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(order.name, "Approve")
	act(order.name, "Cancel")
	frappe.set_user(people.clerk)
	revised = service.receive(_csv(po, [(bearing, 30, 20)]), "po.csv", "Email", customer.email)
	assert revised.status == "Revision"
	screen = get_review(revised.name)
	assert screen["revision"]["outcome"] == "cancelled" and "convert" in screen["actions"]
	with pytest.raises(FrozenOrderError):
		apply_revision(revised.name)
	new = service.convert_intake(revised, {})
	assert new != order.name and _items(new) == [(bearing.name, 30, 20)]
	assert frappe.db.get_value("OC Order", order.name, "docstatus") == 2


def test_a_revision_of_a_live_order_is_never_made_into_a_second_order(shop):
	customer, (bearing, _washer, _spring) = shop
	po = unique("PO")
	order = _draft(shop, po, [(bearing, 50, 20)])
	revised = service.receive(_csv(po, [(bearing, 40, 20)]), "po.csv", "Fax", customer.email)
	assert revised.status == "Revision"
	with pytest.raises(frappe.DuplicateEntryError):
		service.convert_intake(revised, {})
	assert frappe.db.count("OC Order", {"customer_po": po}) == 1
	assert _items(order.name) == [(bearing.name, 50, 20)]


# learning a customer's sheet layout


def _sheet(po: str, lines, headings=("序", "物资说明", "型号规格", "需求件数", "结算价")) -> bytes:
	book = openpyxl.Workbook()
	sheet = book.active
	sheet.append(["采购单"])
	sheet.append(["订单号", po])
	sheet.append(["交货日期", "2030-12-20"])
	sheet.append([])
	sheet.append(list(headings))
	for index, (product, qty, rate) in enumerate(lines, start=1):
		row = [index, product.product_name, product.specification, qty, rate]
		sheet.append(row + [qty * rate] * (len(headings) - len(row)))
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()


def test_a_sheet_layout_mapped_once_is_read_without_help_next_time(shop, people):
	customer, (bearing, washer, _spring) = shop
	lines = [(bearing, 50, 20), (washer, 1000, 0.1)]
	first = service.receive(_sheet(unique("PO"), lines), "po.xlsx", "Email", customer.email)
	# Headings the reader does not know: the lines are guessed from bare numbers, for a person.
	assert first.status == "Needs Attention"
	service.convert_intake(first, {})
	learned = frappe.get_all(
		"OC Customer Layout",
		filters={"customer": customer.name},
		fields=["header_text", "column", "learned_from"],
		order_by="header_text",
	)
	assert sorted((row.header_text, row.column) for row in learned) == [
		("物资说明", "Product Name"),
		("结算价", "Rate"),
		("需求件数", "Quantity"),
	]
	assert {row.learned_from for row in learned} == {first.name}

	# The same customer's next order in that layout: touchless, read from the learned columns.
	nxt = service.receive(
		_sheet(unique("PO"), [(washer, 2000, 0.1), (bearing, 12, 20)]), "po.xlsx", "Email", customer.email
	)
	assert nxt.status == "Converted", nxt.problems
	assert _items(nxt.order) == [(washer.name, 2000, 0.1), (bearing.name, 12, 20)]
	sources = [line["qty"]["source"] for line in nxt.get_extraction()["lines"]]
	assert sources == ["Sheet!D6", "Sheet!D7"]

	# Another customer's sheet in that layout teaches nothing to this one, nor the other way.
	frappe.set_user("Administrator")
	other = frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": unique("其他客户"),
			"email": f"{unique('other')}@revise.example.com",
			"delivery_address": "浙江省宁波市北仑区新碶街道明州路88号",
			"payment_terms": "月结30天",
			"contact_person": "林海",
		}
	).insert()
	frappe.set_user(people.clerk)
	theirs = service.receive(_sheet(unique("PO"), lines), "po.xlsx", "Email", other.email)
	assert theirs.status == "Needs Attention"


def test_a_heading_the_reader_took_for_something_else_is_corrected_for_the_customer(shop):
	customer, (bearing, washer, _spring) = shop
	# "数量单价" reads as a quantity heading, but this customer puts its unit price there; the
	# amounts do not agree with what the reader made of it, so a person looks.
	headings = ("序", "品名", "规格", "订货件数", "数量单价", "金额")
	lines = [(bearing, 50, 20), (washer, 1000, 0.1)]
	first = service.receive(_sheet(unique("PO"), lines, headings), "po.xlsx", "Email", customer.email)
	assert first.status == "Needs Attention"
	service.convert_intake(first, {"lines": [{"product": p.name, "qty": q, "rate": r} for p, q, r in lines]})
	learned = dict(
		frappe.get_all(
			"OC Customer Layout",
			filters={"customer": customer.name},
			fields=["header_text", "column"],
			as_list=True,
		)
	)
	assert learned == {"订货件数": "Quantity", "数量单价": "Rate"}
	nxt = service.receive(_sheet(unique("PO"), lines, headings), "po.xlsx", "Email", customer.email)
	assert nxt.status == "Converted", nxt.problems
	assert _items(nxt.order) == [(bearing.name, 50, 20), (washer.name, 1000, 0.1)]


def test_a_revision_pushed_by_an_integrator_shows_it_nothing_of_an_order_it_cannot_read(shop, people):
	customer, (bearing, _washer, _spring) = shop
	po = unique("PO")
	order = _draft(shop, po, [(bearing, 50, 20)])
	frappe.set_user(people.integrator)
	pushed = service.receive(_csv(po, [(bearing, 70, 20)]), "po.csv", "Fax", customer.email)
	assert pushed.status == "Revision" and not pushed.revision_differences
	assert get_review(pushed.name)["revision"] is None
	# The clerk sees what it changes on the order.
	frappe.set_user(people.clerk)
	changes = get_review(pushed.name)["revision"]["changes"]
	assert [(c["change"], c["field"], c["old"], c["new"]) for c in changes] == [("changed", "qty", 50, 70)]
	assert get_review(pushed.name)["revision"]["order"] == order.name
