"""After approval: stock, outbound slips, delivery notes, sign-off, copies, invoice requests,
exceptions and the order's progress, on the real site."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from order_clerk import stock
from order_clerk.exceptions import CopyLedgerError
from order_clerk.fulfilment import OrderNotShippableError, OverShipmentError, update_overdue_flags
from order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note import SignOffError
from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import (
	InvoiceRequestError,
	new_invoice_request,
)
from order_clerk.order_clerk.doctype.oc_order.tracking import request_production, status_summary, stock_check
from order_clerk.order_clerk.doctype.oc_order_exception.oc_order_exception import escalate_overdue_exceptions
from tests.utils import (
	approved_order,
	attach_receipt,
	make_customer,
	make_note,
	make_product,
	make_slip,
	make_warehouse,
	receive_stock,
	ship,
	sign,
)


@pytest.fixture
def bare_world(people):
	"""The site's default warehouse, holding nothing yet; two products and a customer."""
	frappe.set_user("Administrator")
	warehouse = make_warehouse()
	frappe.db.set_single_value("OC Settings", "default_warehouse", warehouse)
	product, other = make_product(rate=10), make_product(rate=20)
	customer = make_customer()
	return frappe._dict(warehouse=warehouse, product=product, other=other, customer=customer)


def as_user(user):
	frappe.set_user(user)


def order_of(bare_world, people, lines):
	items = [{"product": product, "qty": qty, "rate": rate} for product, qty, rate in lines]
	return approved_order(people, bare_world.customer, bare_world.product, items=items)


def progress(order):
	return frappe.db.get_value(
		"OC Order", order, ["per_shipped", "per_delivered", "status", "is_overdue"], as_dict=True
	)


# stock


def test_stock_arithmetic_across_receipts_slips_and_cancellations(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 100)
	adjustment = receive_stock(bare_world.warehouse, bare_world.product, -5, "Adjustment")
	first = order_of(bare_world, people, [(bare_world.product, 30, 10)])
	second = order_of(bare_world, people, [(bare_world.product, 80, 10)])

	check = stock_check(second)[0]
	assert (
		check["on_hand"],
		check["committed"],
		check["available"],
		check["to_ship"],
		check["shortage"],
	) == (
		95,
		30,
		65,
		80,
		15,
	)

	as_user(people.clerk)
	slip = make_slip(first.name, bare_world.warehouse)
	as_user(people.warehouse)
	slip.submit()
	level = stock.get_stock_levels([bare_world.product], bare_world.warehouse, exclude_order=second.name)[
		bare_world.product
	]
	assert (level.on_hand, level.committed, level.available) == (65, 0, 65)

	slip.cancel()
	level = stock.get_stock_levels([bare_world.product], bare_world.warehouse, exclude_order=second.name)[
		bare_world.product
	]
	assert (level.on_hand, level.committed, level.available) == (95, 30, 65)
	adjustment.cancel()
	assert (
		stock.get_stock_levels([bare_world.product], bare_world.warehouse)[bare_world.product].on_hand == 100
	)

	# The ledger only grows: receipt, adjustment, issue, and a reversal for each cancellation.
	rows = frappe.get_all(
		"OC Stock Ledger Entry",
		filters={"product": bare_world.product, "warehouse": bare_world.warehouse},
		fields=["qty_change", "is_reversal", "creation", "modified"],
		order_by="creation",
	)
	assert [(r.qty_change, r.is_reversal) for r in rows] == [(100, 0), (-5, 0), (-30, 0), (30, 1), (5, 1)]
	assert all(r.creation == r.modified for r in rows)
	assert stock.ledger_balance(bare_world.product, bare_world.warehouse) == 100


def test_ledger_rows_cannot_be_edited_or_deleted(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 7)
	as_user("Administrator")
	name = frappe.get_all("OC Stock Ledger Entry", filters={"product": bare_world.product}, pluck="name")[0]
	row = frappe.get_doc("OC Stock Ledger Entry", name)
	row.qty_change = 700
	with pytest.raises(frappe.ValidationError):
		row.save()
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("OC Stock Ledger Entry", name)


def test_issue_beyond_stock_is_refused(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 3)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	as_user(people.clerk)
	slip = make_slip(order.name, bare_world.warehouse)
	as_user(people.warehouse)
	with pytest.raises(stock.InsufficientStockError, match="Not enough stock"):
		slip.submit()


# shipping


def test_partial_shipments_and_progress(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 50)
	receive_stock(bare_world.warehouse, bare_world.other, 50)
	order = order_of(bare_world, people, [(bare_world.product, 10, 10), (bare_world.other, 10, 20)])
	assert progress(order.name).status == "To Ship"

	ship(bare_world, people, order.name, {1: 4})
	assert (progress(order.name).per_shipped, progress(order.name).status) == (20, "Partly Shipped")

	as_user(people.clerk)
	rest = make_slip(order.name, bare_world.warehouse)
	assert sorted((row.product, row.qty) for row in rest.items) == sorted(
		[(bare_world.product, 6), (bare_world.other, 10)]
	)
	as_user(people.warehouse)
	rest.submit()
	assert (progress(order.name).per_shipped, progress(order.name).status) == (100, "Shipped")
	lines = {row.product: row.shipped_qty for row in frappe.get_doc("OC Order", order.name).items}
	assert lines == {bare_world.product: 10, bare_world.other: 10}

	from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip

	as_user(people.clerk)
	with pytest.raises(frappe.ValidationError, match="has been shipped"):
		make_outbound_slip(order.name)


def test_over_shipping_is_refused_even_between_drafts(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 50)
	order = order_of(bare_world, people, [(bare_world.product, 10, 10)])
	as_user(people.clerk)
	first = make_slip(order.name, bare_world.warehouse)
	second = make_slip(order.name, bare_world.warehouse)  # both for the full 10
	with pytest.raises(OverShipmentError):
		make_slip(order.name, bare_world.warehouse, {1: 11})
	as_user(people.warehouse)
	first.submit()
	with pytest.raises(OverShipmentError, match="still to ship"):
		second.submit()
	assert progress(order.name).per_shipped == 100
	assert frappe.db.get_value("OC Order Item", {"parent": order.name}, "shipped_qty") == 10


def test_only_the_warehouse_confirms_a_slip(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 5)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	as_user(people.clerk)
	slip = make_slip(order.name, bare_world.warehouse)
	with pytest.raises(frappe.PermissionError):
		slip.submit()
	as_user(people.reviewer)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("OC Outbound Slip", slip.name).submit()


# delivery and sign-off


def test_slip_note_sign_off_chain(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 20)
	order = order_of(bare_world, people, [(bare_world.product, 20, 10)])
	_slip, note = ship(bare_world, people, order.name)
	doc = frappe.get_doc("OC Delivery Note", note)
	assert (doc.status, doc.sign_status, doc.order, doc.customer) == (
		"In Transit",
		"Pending",
		order.name,
		bare_world.customer,
	)
	assert doc.delivery_address == order.delivery_address and doc.items[0].qty == 20

	with pytest.raises(SignOffError, match="signed receipt"):
		doc.sign_status, doc.signed_by = "Signed", "Wang Lei"
		doc.save()
	doc = sign(note, "Signed")
	assert (doc.status, doc.items[0].received_qty, doc.sign_off_recorded_by) == ("Signed", 20, people.clerk)
	assert doc.signed_at
	assert (progress(order.name).per_delivered, progress(order.name).status) == (100, "Delivered")
	assert not frappe.db.exists("OC Order Exception", {"order": order.name})

	doc.signed_by = "Someone else"
	with pytest.raises(SignOffError, match="cannot be changed"):
		doc.save()
	as_user(people.warehouse)
	with pytest.raises(SignOffError):
		frappe.get_doc("OC Delivery Note", note).cancel()


def test_one_delivery_note_per_slip(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 5)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	slip, _note = ship(bare_world, people, order.name)
	with pytest.raises(frappe.ValidationError, match="already has delivery note"):
		make_note(slip)


@pytest.mark.parametrize("status, received, short", [("Partly Signed", {1: 7}, 3), ("Refused", None, 10)])
def test_discrepancy_and_refusal_raise_an_exception(bare_world, people, status, received, short):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 10)
	order = order_of(bare_world, people, [(bare_world.product, 10, 10)])
	_slip, note = ship(bare_world, people, order.name)
	doc = sign(note, status, received)
	assert doc.status == status
	exceptions = frappe.get_all(
		"OC Order Exception",
		filters={"order": order.name},
		fields=["name", "exception_type", "status", "delivery_note", "responsible"],
	)
	assert len(exceptions) == 1
	exception = exceptions[0]
	assert (exception.exception_type, exception.status, exception.delivery_note) == (
		"Sign-off Discrepancy",
		"Open",
		note,
	)
	assert exception.responsible == people.clerk
	lines = frappe.get_all("OC Order Exception Line", filters={"parent": exception.name}, pluck="qty")
	assert lines == [short]
	assert progress(order.name).per_delivered == (70 if status == "Partly Signed" else 0)


def test_partly_signed_must_be_short_and_signed_must_be_full(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 10)
	order = order_of(bare_world, people, [(bare_world.product, 10, 10)])
	_slip, note = ship(bare_world, people, order.name)
	with pytest.raises(SignOffError, match="Partly Signed"):
		sign(note, "Signed", {1: 9})
	with pytest.raises(SignOffError, match="record the sign-off as Signed"):
		sign(note, "Partly Signed", {1: 10})
	with pytest.raises(SignOffError, match="between 0"):
		sign(note, "Partly Signed", {1: 11})


# copies


def test_copy_ledger_after_submission(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 5)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	slip, note = ship(bare_world, people, order.name)
	for doctype, name in (("OC Outbound Slip", slip), ("OC Delivery Note", note)):
		doc = frappe.get_doc(doctype, name)
		doc.append("copies", {"copy": "Finance Copy", "handed_to": "Finance: Ms Chen"})
		doc.append(
			"copies",
			{"copy": "Warehouse Copy", "handed_to": "Warehouse keeper", "recorded_by": "Administrator"},
		)
		doc.save()
		doc.reload()
		assert [(r.copy, r.recorded_by) for r in doc.copies] == [
			("Finance Copy", people.clerk),
			("Warehouse Copy", people.clerk),
		]
		assert all(r.handed_on for r in doc.copies)
		doc.copies[0].handed_to = "Someone else"
		with pytest.raises(CopyLedgerError):
			doc.save()
		doc = frappe.get_doc(doctype, name)
		doc.copies = doc.copies[1:]
		with pytest.raises(CopyLedgerError):
			doc.save()


# invoice requests


def test_invoice_request_across_several_notes(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 30)
	receive_stock(bare_world.warehouse, bare_world.other, 30)
	first = order_of(bare_world, people, [(bare_world.product, 10, 10)])
	second = order_of(bare_world, people, [(bare_world.other, 5, 20)])
	_s1, note_one = ship(bare_world, people, first.name)
	_s2, note_two = ship(bare_world, people, second.name)
	sign(note_one, "Partly Signed", {1: 8})
	sign(note_two, "Signed")

	request = new_invoice_request([note_one, note_two]).insert()
	assert [(r.delivery_note, r.order, r.qty, r.amount) for r in request.delivery_notes] == [
		(note_one, first.name, 8, 80),
		(note_two, second.name, 5, 100),
	]
	assert request.total_amount == 180
	request.submit()
	assert request.status == "Requested"

	with pytest.raises(InvoiceRequestError, match="already on invoice request"):
		new_invoice_request([note_one]).insert()

	request.invoice_no = "INV-0001"
	with pytest.raises(frappe.PermissionError):
		request.save()
	as_user(people.finance)
	request = frappe.get_doc("OC Invoice Request", request.name)
	request.invoice_no = "INV-0001"
	with pytest.raises(InvoiceRequestError, match="Invoice Date"):
		request.save()
	request.reload()
	request.invoice_no = "INV-0001"
	request.invoice_date = nowdate()
	request.invoice_copy = attach_receipt("OC Invoice Request", request.name)
	request.save()
	assert (request.status, request.issued_by) == ("Issued", people.finance)


def test_invoice_request_refuses_unsigned_and_foreign_notes(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 20)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	_slip, unsigned = ship(bare_world, people, order.name)
	with pytest.raises(InvoiceRequestError, match="not signed"):
		new_invoice_request([unsigned]).insert()
	sign(unsigned, "Signed")
	as_user("Administrator")
	other_customer = make_customer()
	foreign = approved_order(
		people, other_customer, bare_world.product, items=[{"product": bare_world.product, "qty": 5}]
	)
	_slip, foreign_note = ship(bare_world, people, foreign.name)
	sign(foreign_note, "Signed")
	with pytest.raises(InvoiceRequestError, match="is for customer"):
		new_invoice_request([unsigned, foreign_note]).insert()


# exceptions, hold and overdue


def test_escalation_by_the_scheduled_job(bare_world, people):
	order = order_of(bare_world, people, [(bare_world.product, 1, 10)])
	as_user(people.clerk)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Production Delay",
			"order": order.name,
			"description": "Mould broken",
			"due_date": add_days(nowdate(), -1),
			"supervisor": people.reviewer,
		}
	).insert()
	not_due = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Quality",
			"order": order.name,
			"description": "Check colour",
			"due_date": add_days(nowdate(), 1),
		}
	).insert()
	as_user("Administrator")
	escalate_overdue_exceptions()
	assert frappe.db.get_value("OC Order Exception", exception.name, "status") == "Escalated"
	assert frappe.db.get_value("OC Order Exception", exception.name, "escalated_on")
	assert frappe.db.get_value("OC Order Exception", not_due.name, "status") == "Open"
	assert frappe.db.exists(
		"ToDo",
		{
			"reference_type": "OC Order Exception",
			"reference_name": exception.name,
			"allocated_to": people.reviewer,
		},
	)


def test_hold_blocks_shipping_until_resolved_and_dates_are_kept(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 5)
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	as_user(people.clerk)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Customer Change",
			"order": order.name,
			"description": "Customer may change the colour",
			"due_date": add_days(nowdate(), 2),
			"hold_order": 1,
			"revised_delivery_date": add_days(nowdate(), 30),
		}
	).insert()
	assert progress(order.name).status == "On Hold"
	slip = make_slip(order.name, bare_world.warehouse)
	as_user(people.warehouse)
	with pytest.raises(OrderNotShippableError):
		frappe.get_doc("OC Outbound Slip", slip.name).submit()

	as_user(people.clerk)
	exception.reload()
	exception.revised_delivery_date = add_days(nowdate(), 40)
	exception.save()
	exception.status = "Resolved"
	with pytest.raises(frappe.ValidationError, match="resolution"):
		exception.save()
	exception.reload()
	exception.status = "Resolved"
	exception.resolution = "Colour confirmed unchanged"
	exception.save()
	assert progress(order.name).status == "To Ship"
	assert [(str(r.previous_date), str(r.revised_date)) for r in exception.date_revisions] == [
		(str(order.delivery_date), add_days(nowdate(), 30)),
		(add_days(nowdate(), 30), add_days(nowdate(), 40)),
	]
	assert str(frappe.db.get_value("OC Order", order.name, "revised_delivery_date")) == add_days(
		nowdate(), 40
	)


def test_overdue_flag(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 5)
	late = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	frappe.db.set_value("OC Order", late.name, "delivery_date", add_days(nowdate(), -1))  # time passes
	update_overdue_flags()
	assert progress(late.name).is_overdue == 1
	ship(bare_world, people, late.name)
	update_overdue_flags()
	assert progress(late.name).is_overdue == 0


# notices and status


def test_warehouse_is_told_at_approval_and_production_when_short(bare_world, people):
	as_user("Administrator")
	frappe.db.set_single_value("OC Settings", "production_role", "Order Reviewer")
	order = order_of(bare_world, people, [(bare_world.product, 5, 10)])
	assert frappe.db.exists(
		"ToDo", {"reference_type": "OC Order", "reference_name": order.name, "allocated_to": people.warehouse}
	)
	as_user(people.clerk)
	short = request_production(frappe.get_doc("OC Order", order.name))
	assert [(line["product"], line["shortage"]) for line in short] == [(bare_world.product, 5)]
	order.reload()
	assert [(r.product, r.shortage_qty, r.requested_by) for r in order.production_requests] == [
		(bare_world.product, 5, people.clerk)
	]
	assert frappe.db.exists(
		"ToDo", {"reference_type": "OC Order", "reference_name": order.name, "allocated_to": people.reviewer}
	)


def test_order_status_summary(bare_world, people):
	as_user(people.warehouse)
	receive_stock(bare_world.warehouse, bare_world.product, 10)
	order = order_of(bare_world, people, [(bare_world.product, 10, 10)])
	_slip, note = ship(bare_world, people, order.name, {1: 6})
	sign(note, "Partly Signed", {1: 5})
	summary = status_summary(frappe.get_doc("OC Order", order.name))
	assert (summary["status"], summary["per_shipped"], summary["per_delivered"]) == ("Partly Shipped", 60, 50)
	shipment = summary["shipments"][0]
	assert (shipment["delivery_note"], shipment["carrier"], shipment["sign_status"]) == (
		note,
		"SF Express",
		"Partly Signed",
	)
	assert shipment["tracking_no"].startswith("SF-")
	assert [e["exception_type"] for e in summary["open_exceptions"]] == ["Sign-off Discrepancy"]
	assert "rate" not in str(summary) and "amount" not in str(summary)


def test_status_update_is_emailed_to_the_customer(bare_world, people):
	order = order_of(bare_world, people, [(bare_world.product, 2, 10)])
	as_user(people.clerk)
	from order_clerk.order_clerk.doctype.oc_order.tracking import send_status_update

	assert send_status_update(frappe.get_doc("OC Order", order.name)) is True
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "OC Order", "reference_name": order.name},
		fields=["name", "message"],
		order_by="creation desc",
	)
	assert "To Ship" in queued[0].message
	assert frappe.get_all("Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient") == [
		"buyer@customer.example.com"
	]
