"""Entering an order: validation, server-side amounts, prices, completeness, the clarification
log and the acknowledgement."""

import frappe
import pytest
from frappe.utils import add_days, nowdate

from order_clerk.exceptions import IncompleteOrderError, InvalidOrderDataError
from tests.utils import QueryCounter, act, make_customer, make_order, make_product, order_payload, unique


@pytest.fixture
def clerk(people):
	frappe.set_user(people.clerk)
	return people.clerk


@pytest.fixture
def masters():
	frappe.set_user("Administrator")
	customer = make_customer()
	product = make_product(rate=100)
	return customer, product


def insert_refused(payload, error, *fragments):
	"""Insert must fail with `error`, its message naming each fragment, and save nothing."""
	ref = unique("REF")
	payload = {**payload, "external_ref": ref}
	frappe.local.message_log = []
	with pytest.raises(error) as info:
		frappe.get_doc(payload).insert()
	message = str(info.value) + " ".join(str(m) for m in frappe.local.message_log)
	for fragment in fragments:
		assert fragment in message, f"{fragment!r} not in {message!r}"
	assert not frappe.db.exists("OC Order", {"external_ref": ref})


def test_amounts_and_totals_are_computed_by_the_server(masters, clerk):
	customer, product = masters
	order = frappe.get_doc(
		order_payload(
			customer,
			product,
			total_qty=999,
			grand_total=1,
			items=[
				{"product": product, "qty": 3, "rate": 100, "amount": 1},
				{"product": product, "qty": "2.5", "rate": "100", "amount": 999999},
			],
		)
	).insert()
	assert [row.amount for row in order.items] == [300, 250]
	assert order.total_qty == 5.5
	assert order.grand_total == 550
	stored = frappe.db.get_value("OC Order", order.name, ["total_qty", "grand_total"], as_dict=True)
	assert (stored.total_qty, stored.grand_total) == (5.5, 550)


@pytest.mark.parametrize(
	"row, fragments",
	[
		({"qty": 0}, ["Row 1", "qty", "greater than 0"]),
		({"qty": -5}, ["Row 1", "qty", "greater than 0"]),
		({"qty": "abc"}, ["Row 1", "qty", "must be a number"]),
		({"qty": [1]}, ["Row 1", "qty", "must be a number"]),
		({"qty": True}, ["Row 1", "qty", "must be a number"]),
		({"qty": float("nan")}, ["Row 1", "qty", "finite"]),
		({"qty": float("inf")}, ["Row 1", "qty", "finite"]),
		({"qty": 1e12}, ["Row 1", "qty", "larger than"]),
		({"rate": -1}, ["Row 1", "rate", "cannot be negative"]),
		({"rate": "ten"}, ["Row 1", "rate", "must be a number"]),
		({"rate": 1e11}, ["Row 1", "rate", "larger than"]),
		({"qty": 900_000_000, "rate": 9_000_000}, ["Row 1", "amount", "larger than"]),
	],
)
def test_bad_figures_are_refused_naming_row_and_field(masters, clerk, row, fragments):
	customer, product = masters
	items = [{"product": product, "qty": 1, "rate": 100, **row}]
	insert_refused(order_payload(customer, product, items=items), InvalidOrderDataError, *fragments)


def test_second_row_is_named(masters, clerk):
	customer, product = masters
	items = [{"product": product, "qty": 1}, {"product": product, "qty": -1}]
	insert_refused(order_payload(customer, product, items=items), InvalidOrderDataError, "Row 2", "qty")


def test_delivery_before_order_date_is_refused(masters, clerk):
	customer, product = masters
	payload = order_payload(customer, product, order_date=nowdate(), delivery_date=add_days(nowdate(), -1))
	insert_refused(payload, InvalidOrderDataError, "Delivery Date", "cannot be before Order Date")


@pytest.mark.parametrize("value", ["2026-13-45", "next week", "31/12/2026"])
def test_malformed_dates_are_refused(masters, clerk, value):
	customer, product = masters
	insert_refused(
		order_payload(customer, product, delivery_date=value), InvalidOrderDataError, "delivery_date", value
	)


def test_unknown_customer_and_product_are_refused(masters, clerk):
	customer, product = masters
	insert_refused(order_payload("No Such Customer", product), frappe.LinkValidationError, "No Such Customer")
	payload = order_payload(customer, product, items=[{"product": "NO-SUCH-PRODUCT", "qty": 1, "rate": 1}])
	insert_refused(payload, frappe.LinkValidationError, "Row", "1", "Product", "NO-SUCH-PRODUCT")


def test_disabled_customer_and_product_are_refused(clerk):
	frappe.set_user("Administrator")
	disabled_customer = make_customer(disabled=1)
	customer = make_customer()
	product = make_product()
	disabled_product = make_product(disabled=1)
	frappe.set_user(clerk)
	insert_refused(
		order_payload(disabled_customer, product), InvalidOrderDataError, disabled_customer, "disabled"
	)
	payload = order_payload(customer, product, items=[{"product": disabled_product, "qty": 1, "rate": 1}])
	insert_refused(payload, InvalidOrderDataError, "Row 1", disabled_product, "disabled")


@pytest.mark.parametrize("items", ["not a list", [1, 2], [["product", "x"]]])
def test_malformed_item_tables_are_refused(masters, clerk, items):
	customer, product = masters
	payload = {**order_payload(customer, product), "items": items}
	with pytest.raises(InvalidOrderDataError):
		frappe.get_doc(payload)


def test_reference_price_fills_missing_rate_and_customer_price_wins(clerk):
	frappe.set_user("Administrator")
	product = make_product(rate=100)
	other = make_product(rate=40)
	customer = make_customer(prices=[{"product": product, "rate": 90}])
	frappe.set_user(clerk)
	order = frappe.get_doc(
		order_payload(customer, product, items=[{"product": product, "qty": 2}, {"product": other, "qty": 1}])
	).insert()
	assert [(row.price_list_rate, row.rate, row.amount) for row in order.items] == [
		(90, 90, 180),
		(40, 40, 40),
	]
	assert order.items[0].specification == "M8x30"
	assert order.items[0].uom == "PCS"


def test_price_deviation_beyond_tolerance_needs_a_reason(masters, clerk):
	customer, product = masters  # standard rate 100, tolerance 5 %
	order = make_order(customer, product, items=[{"product": product, "qty": 1, "rate": 104}])
	assert order.is_complete == 1
	order.items[0].rate = 80
	order.save()
	assert order.items[0].price_deviation_percent == -20
	assert order.is_complete == 0
	assert "Row 1: Reason for the price deviation of -20.0%" in order.missing_facts
	with pytest.raises(IncompleteOrderError, match="price deviation"):
		act(order.name, "Submit for Review")
	order.reload()
	order.items[0].price_deviation_reason = "Volume discount agreed by sales manager"
	order.save()
	assert order.is_complete == 1


def test_incomplete_draft_saves_and_lists_what_is_missing(clerk):
	order = frappe.get_doc({"doctype": "OC Order", "channel": "Fax", "external_ref": unique("FAX")}).insert()
	assert order.workflow_state == "Draft"
	assert order.is_complete == 0
	facts = [fact["fact"] for fact in order.get_missing_facts()]
	assert facts == ["customer", "items", "delivery_date", "payment_terms", "delivery_address"]
	with pytest.raises(IncompleteOrderError) as info:
		act(order.name, "Submit for Review")
	for label in ("Customer", "Items", "Delivery Date", "Payment Terms", "Delivery Address"):
		assert label in str(info.value) or any(label in str(m) for m in frappe.local.message_log)
	assert frappe.db.get_value("OC Order", order.name, "workflow_state") == "Draft"


def test_each_missing_fact_blocks_review(masters, clerk):
	frappe.set_user("Administrator")
	customer = make_customer(payment_terms=None, delivery_address=None)
	product = make_product()
	frappe.set_user(clerk)
	order = make_order(customer, product, payment_terms="Net 60", delivery_address="Gate 3")
	assert order.is_complete == 1
	order.payment_terms = ""
	order.delivery_address = ""
	order.delivery_date = None
	order.save()
	assert [f["fact"] for f in order.get_missing_facts()] == [
		"delivery_date",
		"payment_terms",
		"delivery_address",
	]
	order.reload()
	order.items[0].product = None
	order.items[0].rate = 0
	order.delivery_date = add_days(nowdate(), 3)
	order.payment_terms = "Net 30"
	order.delivery_address = "Somewhere"
	order.save()
	assert [f["fact"] for f in order.get_missing_facts()] == ["product", "rate"]


def test_empty_item_list_is_refused_at_review(masters, clerk):
	customer, product = masters
	order = make_order(customer, product, items=[])
	with pytest.raises(IncompleteOrderError, match="Items"):
		act(order.name, "Submit for Review")


def test_customer_defaults_fill_empty_fields(masters, clerk):
	customer, product = masters
	order = make_order(customer, product, contact_person="Override")
	assert order.payment_terms == "Net 30"
	assert order.delivery_address == "88 Zhangjiang Road, Shanghai"
	assert order.contact_person == "Override"
	assert order.contact_email == "buyer@customer.example.com"


def test_clarification_log_records_who_and_when(masters, clerk, people):
	customer, product = masters
	order = make_order(customer, product)
	order.append(
		"clarifications", {"question": "Which colour?", "asked_to": "buyer", "asked_by": "Administrator"}
	)
	order.save()
	row = order.clarifications[0]
	assert row.asked_by == clerk and row.asked_on
	assert not row.answered_by
	act(order.name, "Request Clarification")
	order.reload()
	assert order.workflow_state == "Needs Clarification"
	other_clerk = people.clerk2
	frappe.set_user(other_clerk)
	order.clarifications[0].answer = "Black"
	order.save()
	row = order.clarifications[0]
	assert (row.asked_by, row.answered_by) == (clerk, other_clerk)
	assert row.answered_on


def test_acknowledgement_is_queued_once_and_on_the_timeline(masters, clerk, people):
	customer, product = masters
	order = make_order(customer, product)
	act(order.name, "Submit for Review")
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "OC Order", "reference_name": order.name},
		fields=["name", "message"],
	)
	assert len(queued) == 1
	recipients = frappe.get_all(
		"Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient"
	)
	assert recipients == ["buyer@customer.example.com"]
	assert frappe.db.exists(
		"Communication",
		{"reference_doctype": "OC Order", "reference_name": order.name, "sent_or_received": "Sent"},
	)
	assert frappe.db.get_value("OC Order", order.name, "acknowledged_on")

	# A second round of review (after a rejection) does not acknowledge again.
	frappe.set_user(people.reviewer)
	doc = frappe.get_doc("OC Order", order.name)
	doc.rejection_reason = "Check the price"
	doc.save()
	act(order.name, "Reject")
	frappe.set_user(clerk)
	act(order.name, "Submit for Review")
	assert (
		frappe.db.count("Email Queue", {"reference_doctype": "OC Order", "reference_name": order.name}) == 1
	)


def test_no_acknowledgement_without_an_email(clerk):
	frappe.set_user("Administrator")
	customer = make_customer(email=None)
	product = make_product()
	frappe.set_user(clerk)
	order = make_order(customer, product)
	act(order.name, "Submit for Review")
	assert not frappe.db.exists(
		"Email Queue", {"reference_doctype": "OC Order", "reference_name": order.name}
	)


def test_query_count_grows_by_a_small_constant_per_line(masters, clerk):
	customer, product = masters

	def queries_for(lines: int) -> int:
		items = [{"product": product, "qty": 1, "rate": 100} for _ in range(lines)]
		with QueryCounter() as counter:
			frappe.get_doc(order_payload(customer, product, items=items)).insert()
		return counter.count

	queries_for(1)  # warm caches
	one, fifty = queries_for(1), queries_for(50)
	assert fifty - one <= 49 * 1, (one, fifty)
