"""Credit control at review: exposure, the limit, the Credit Controller's override with a reason,
payments received (回款), the Customer Credit report, and two approvals at once."""

from concurrent.futures import ThreadPoolExecutor

import frappe
import pytest
from frappe.utils import add_days, nowdate

from order_clerk import credit
from order_clerk.approval_trail import approval_trail
from order_clerk.exceptions import CreditLimitError
from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import (
	InvoiceRequestError,
)
from order_clerk.order_clerk.report.customer_credit import customer_credit
from order_clerk.roles import CREDIT_CONTROLLER
from tests.utils import (
	act,
	approved_order,
	fields_of,
	issue_invoice,
	make_api_user,
	make_customer,
	make_order,
	server_messages,
	ship,
	sign,
	stocked_world,
)


@pytest.fixture(scope="module")
def controller(credentials):
	"""A reviewer who is also a Credit Controller (committed, for the REST server too)."""
	made = make_api_user("credit_controller", ["Order Reviewer", CREDIT_CONTROLLER])
	frappe.db.commit()
	return made


def pending_order(people, customer, qty=10, rate=100):
	"""An order for `qty` × `rate`, submitted for review by the clerk."""
	frappe.set_user(people.clerk)
	order = make_order(customer, None, items=[{"product": _product(), "qty": qty, "rate": rate}])
	act(order.name, "Submit for Review")
	frappe.set_user("Administrator")
	return order.name


def _product():
	from tests.utils import make_product

	return make_product(rate=100)


REVIEW_FIELDS = ("workflow_state", "docstatus", "order_no", "credit_approved_by", "credit_override_reason")


def review_state(name):
	return fields_of("OC Order", name, *REVIEW_FIELDS)


def test_approval_within_the_limit_records_the_figures(people):
	customer = make_customer(credit_limit=2500)
	approved_order(people, customer, items=[{"product": _product(), "qty": 10, "rate": 100}])
	order = pending_order(people, customer)

	frappe.set_user(people.reviewer)
	act(order, "Approve")

	doc = frappe.get_doc("OC Order", order)
	assert (doc.workflow_state, doc.credit_limit_at_approval, doc.exposure_at_approval) == (
		"Approved",
		2500,
		2000,
	)
	assert not doc.credit_approved_by
	assert credit.exposure_of(customer).exposure == 2000


def test_approval_over_the_limit_is_refused_with_the_figures(people):
	customer = make_customer(credit_limit=1500)
	approved_order(people, customer, items=[{"product": _product(), "qty": 10, "rate": 100}])
	order = pending_order(people, customer)

	frappe.set_user(people.reviewer)
	with pytest.raises(CreditLimitError) as refused:
		act(order, "Approve")
	message = str(refused.value)
	assert "2,000.00" in message and "1,500.00" in message, message
	assert "1,000.00" in message  # approved orders not yet invoiced, and this order
	frappe.set_user("Administrator")
	state = review_state(order)
	assert (state.workflow_state, state.docstatus, state.order_no) == ("Pending Review", 0, None)


def test_no_credit_limit_means_no_credit_control(people):
	customer = make_customer(credit_limit=0)
	order = pending_order(people, customer, qty=10000)
	frappe.set_user(people.reviewer)
	act(order, "Approve")
	doc = frappe.get_doc("OC Order", order)
	assert doc.docstatus == 1
	assert not doc.credit_limit_at_approval and not doc.exposure_at_approval


def test_a_credit_controller_approves_over_the_limit_with_a_reason(people, controller):
	from order_clerk.api import approve_over_credit_limit

	customer = make_customer(credit_limit=500)
	order = pending_order(people, customer)

	# A plain reviewer may not override, with or without a reason.
	frappe.set_user(people.reviewer)
	with pytest.raises(frappe.PermissionError, match="Credit Controller"):
		approve_over_credit_limit(order, "Long-standing customer")
	# The Credit Controller must say why.
	frappe.set_user(controller[0])
	with pytest.raises(CreditLimitError, match="reason"):
		approve_over_credit_limit(order, "  ")
	# Approving plainly is refused to the Credit Controller as to anyone.
	with pytest.raises(CreditLimitError):
		act(order, "Approve")
	assert review_state(order).docstatus == 0

	approve_over_credit_limit(order, "Prepaid 50% by bank transfer today")

	state = review_state(order)
	assert (state.workflow_state, state.credit_approved_by, state.credit_override_reason) == (
		"Approved",
		controller[0],
		"Prepaid 50% by bank transfer today",
	)
	steps = [what for _when, _who, what in approval_trail(order)["steps"]]
	assert any("Prepaid 50% by bank transfer today" in str(what) for what in steps), steps


def test_the_override_keeps_maker_checker(people, controller):
	from order_clerk.api import approve_over_credit_limit

	customer = make_customer(credit_limit=100)
	# The Credit Controller also works as a clerk, and enters the order.
	frappe.get_doc("User", controller[0]).add_roles("Order Clerk")
	frappe.set_user(controller[0])
	order = make_order(customer, None, items=[{"product": _product(), "qty": 10, "rate": 100}])
	act(order.name, "Submit for Review")
	# Refused by the workflow's own rule before ours: either way, nothing is approved.
	with pytest.raises((frappe.PermissionError, frappe.ValidationError), match="approv"):
		approve_over_credit_limit(order.name, "My own order")
	frappe.set_user("Administrator")
	frappe.get_doc("User", controller[0]).remove_roles("Order Clerk")
	assert review_state(order.name).docstatus == 0


def test_a_client_cannot_write_the_override_reason(people):
	customer = make_customer(credit_limit=500)
	order = pending_order(people, customer)
	# The clerk may write every permission level of the order, and still not these fields.
	frappe.set_user(people.clerk)
	doc = frappe.get_doc("OC Order", order)
	doc.credit_override_reason = "I say so"
	doc.credit_approved_by = people.clerk
	doc.save()
	assert not review_state(order).credit_override_reason
	frappe.set_user(people.reviewer)
	with pytest.raises(CreditLimitError):
		act(order, "Approve")


# payments received and exposure


@pytest.fixture
def invoiced(people):
	"""An approved order of 1,000 for a customer with a limit of 5,000, shipped, signed in full,
	with its invoice issued by finance 40 days ago."""
	world = stocked_world(people, rate=100, stock=100)
	frappe.db.set_value("OC Customer", world.customer, "credit_limit", 5000)
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 10}]
	)
	_slip, note = ship(world, people, order.name)
	sign(note, "Signed")
	request = issue_invoice(people, [note], "INV-CREDIT", add_days(nowdate(), -40))
	return frappe._dict(customer=world.customer, order=order.name, request=request.name)


def test_an_issued_invoice_is_exposure_until_paid(invoiced, people):
	from order_clerk.api import record_payment

	request = frappe.get_doc("OC Invoice Request", invoiced.request)
	assert (request.payment_status, str(request.due_date)) == ("Unpaid", str(add_days(nowdate(), -10)))
	figures = credit.exposure_of(invoiced.customer)
	assert (figures.orders_not_invoiced, figures.invoices_unpaid, figures.exposure) == (0, 1000, 1000)
	assert (figures.overdue_invoices, figures.overdue_amount) == (1, 1000)

	frappe.set_user(people.clerk)
	with pytest.raises(frappe.PermissionError):
		record_payment(invoiced.request, 400, nowdate())

	frappe.set_user(people.finance)
	record_payment(invoiced.request, 400, nowdate(), "BOC-778")
	request = frappe.get_doc("OC Invoice Request", invoiced.request)
	assert (request.paid_amount, request.outstanding_amount, request.payment_status) == (
		400,
		600,
		"Partly Paid",
	)
	assert request.payments[0].recorded_by == people.finance
	assert credit.exposure_of(invoiced.customer).exposure == 600

	with pytest.raises(InvoiceRequestError, match="more than the invoiced"):
		record_payment(invoiced.request, 600.01, nowdate())
	with pytest.raises(InvoiceRequestError, match="Amount Received"):
		record_payment(invoiced.request, -5, nowdate())
	with pytest.raises(InvoiceRequestError, match="Received On"):
		record_payment(invoiced.request, 5, add_days(nowdate(), 3))
	assert frappe.db.get_value("OC Invoice Request", invoiced.request, "paid_amount") == 400

	# A recorded payment never changes.
	request = frappe.get_doc("OC Invoice Request", invoiced.request)
	request.payments[0].amount = 1
	with pytest.raises(InvoiceRequestError, match="cannot be changed"):
		request.save()

	record_payment(invoiced.request, 600, nowdate())
	assert frappe.db.get_value("OC Invoice Request", invoiced.request, "payment_status") == "Paid"
	figures = credit.exposure_of(invoiced.customer)
	assert (figures.exposure, figures.overdue_invoices) == (0, 0)


def test_the_customer_credit_report(invoiced, people):
	over = make_customer(credit_limit=100)
	approved_order(people, over, items=[{"product": _product(), "qty": 1, "rate": 100}])
	frappe.db.set_value("OC Customer", over, "credit_limit", 20)

	frappe.set_user(people.reviewer)
	_columns, rows, _message, _chart, summary = customer_credit.execute({})
	by_customer = {row["customer"]: row for row in rows}
	assert {k: by_customer[invoiced.customer][k] for k in ("exposure", "headroom", "overdue_invoices")} == {
		"exposure": 1000,
		"headroom": 4000,
		"overdue_invoices": 1,
	}
	assert by_customer[over]["over_limit"] == 1 and by_customer[over]["headroom"] == -80
	only_over = customer_credit.execute({"over_limit_only": 1})[1]
	assert over in {row["customer"] for row in only_over}
	assert invoiced.customer not in {row["customer"] for row in only_over}
	assert summary[1]["value"] >= 1

	frappe.set_user(people.warehouse)
	with pytest.raises(frappe.PermissionError):
		customer_credit.execute({})


# through REST


def test_the_reviewer_sees_the_position_and_the_warehouse_does_not(people, rest_users):
	customer = make_customer(credit_limit=1500)
	approved_order(people, customer, items=[{"product": _product(), "qty": 10, "rate": 100}])
	order = pending_order(people, customer, qty=6)
	frappe.db.commit()

	response = rest_users["reviewer"].get("/api/method/order_clerk.api.get_credit_position", order=order)
	assert response.status_code == 200, response.text
	position = response.json()["message"]
	assert (position["credit_limit"], position["exposure"], position["exposure_after"]) == (1500, 1000, 1600)
	assert position["over_limit"] is True

	refused = rest_users["warehouse"].get("/api/method/order_clerk.api.get_credit_position", order=order)
	assert refused.status_code == 403, refused.text


def test_two_approvals_at_once_cannot_both_slip_under_the_limit(people, rest_users):
	"""Each order alone fits under the limit; both together do not. Two reviewers approve at
	the same moment: one is approved, the other refused with the figures."""
	customer = make_customer(credit_limit=1500)
	first = pending_order(people, customer)
	second = pending_order(people, customer)
	frappe.db.commit()

	reviewers = [rest_users["reviewer"], rest_users["reviewer2"]]
	with ThreadPoolExecutor(max_workers=2) as pool:
		responses = list(
			pool.map(
				lambda pair: pair[0].apply(pair[1], "Approve"), zip(reviewers, (first, second), strict=True)
			)
		)

	codes = sorted(r.status_code for r in responses)
	assert codes == [200, 417], [r.text[:300] for r in responses]
	refused = next(r for r in responses if r.status_code == 417)
	assert "credit limit" in server_messages(refused)
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	states = sorted(frappe.db.get_value("OC Order", name, "docstatus") for name in (first, second))
	assert states == [0, 1]
	assert credit.exposure_of(customer).exposure == 1000


def test_an_integrator_cannot_override(people, rest_users):
	customer = make_customer(credit_limit=10)
	order = pending_order(people, customer)
	frappe.db.commit()
	response = rest_users["integrator"].post(
		"/api/method/order_clerk.api.approve_over_credit_limit", {"order": order, "reason": "x"}
	)
	assert response.status_code == 403, response.text
	assert frappe.db.get_value("OC Order", order, "docstatus") == 0
