"""The review workflow: every transition, maker-checker, order numbers, frozen content."""

import re

import frappe
import pytest
from frappe.utils import getdate, nowdate

from order_clerk.exceptions import (
	DuplicateOrderError,
	FrozenOrderError,
	IllegalTransitionError,
	IncompleteOrderError,
	ReviewPermissionError,
)
from order_clerk.numbering import next_number, peek_next_number
from tests.utils import act, api_order_facts, make_customer, make_order, make_product, unique


def this_year() -> int:
	return getdate(nowdate()).year


@pytest.fixture
def draft(people):
	customer, product = make_customer(), make_product()
	frappe.set_user(people.clerk)
	return make_order(customer, product, external_ref=unique("PO"))


def as_user(user):
	frappe.set_user(user)


def state(name):
	return frappe.db.get_value("OC Order", name, ["workflow_state", "docstatus", "order_no"], as_dict=True)


def pending(draft, people):
	as_user(people.clerk)
	act(draft.name, "Submit for Review")
	return draft.name


def test_draft_to_pending_review_by_clerk(draft, people):
	act(draft.name, "Submit for Review")
	current = frappe.get_doc("OC Order", draft.name)
	assert (current.workflow_state, current.docstatus) == ("Pending Review", 0)
	assert current.submitted_for_review_by == people.clerk
	assert current.submitted_for_review_on


def test_integrator_submits_its_own_order_for_review(people):
	customer, product = make_customer(), make_product()
	as_user(people.integrator)
	order = make_order(customer, product, **api_order_facts())
	act(order.name, "Submit for Review")
	assert state(order.name).workflow_state == "Pending Review"


def test_integrator_cannot_request_clarification(people):
	customer, product = make_customer(), make_product()
	as_user(people.integrator)
	order = make_order(customer, product, channel="API", external_ref=unique("API"))
	with pytest.raises(frappe.ValidationError, match=r"(?i)not a valid workflow action"):
		act(order.name, "Request Clarification")


def test_clarification_round_trip(draft, people):
	with pytest.raises(IncompleteOrderError, match="clarification log"):
		act(draft.name, "Request Clarification")
	doc = frappe.get_doc("OC Order", draft.name)
	doc.append("clarifications", {"question": "Is M8 zinc plated?", "asked_to": "Sales rep Li"})
	doc.save()
	act(draft.name, "Request Clarification")
	assert state(draft.name).workflow_state == "Needs Clarification"
	with pytest.raises(IncompleteOrderError, match="rows 1"):
		act(draft.name, "Clarified")
	doc = frappe.get_doc("OC Order", draft.name)
	doc.clarifications[0].answer = "Yes"
	doc.save()
	act(draft.name, "Clarified")
	assert state(draft.name).workflow_state == "Draft"


def test_approve_by_another_reviewer_gives_the_order_number(draft, people):
	pending(draft, people)
	assert not state(draft.name).order_no
	expected = peek_next_number("SO", this_year())
	as_user(people.reviewer)
	act(draft.name, "Approve")
	current = frappe.get_doc("OC Order", draft.name)
	assert (current.workflow_state, current.docstatus, current.status) == ("Approved", 1, "To Ship")
	assert current.order_no == expected
	assert re.fullmatch(rf"SO-{this_year()}-\d{{5}}", current.order_no)
	assert current.approved_by == people.reviewer


def test_reject_needs_a_reason_and_returns_to_the_clerk(draft, people):
	pending(draft, people)
	as_user(people.reviewer)
	with pytest.raises(IncompleteOrderError, match="reason"):
		act(draft.name, "Reject")
	doc = frappe.get_doc("OC Order", draft.name)
	doc.rejection_reason = "Price below cost"
	doc.save()
	act(draft.name, "Reject")
	current = frappe.get_doc("OC Order", draft.name)
	assert (current.workflow_state, current.rejected_by, current.rejection_reason) == (
		"Rejected",
		people.reviewer,
		"Price below cost",
	)
	# The clerk fixes it and sends it back.
	as_user(people.clerk)
	current.items[0].rate = 120
	current.items[0].price_deviation_reason = "Customer accepted the new price"
	current.save()
	act(draft.name, "Submit for Review")
	current.reload()
	assert current.workflow_state == "Pending Review"
	assert not current.rejection_reason


def test_cancel_by_reviewer_frees_the_external_reference(draft, people):
	pending(draft, people)
	as_user(people.reviewer)
	act(draft.name, "Approve")
	as_user(people.clerk)
	with pytest.raises(frappe.ValidationError):
		act(draft.name, "Cancel")
	as_user(people.reviewer)
	act(draft.name, "Cancel")
	current = state(draft.name)
	assert (current.workflow_state, current.docstatus) == ("Cancelled", 2)
	assert frappe.db.get_value("OC Order", draft.name, "status") == "Cancelled"
	# A corrected order may reuse the channel's reference once the old one is cancelled.
	as_user(people.clerk)
	again = make_order(draft.customer, draft.items[0].product, external_ref=draft.external_ref)
	assert again.intake_key == f"Phone:{draft.external_ref}"


def test_duplicate_intake_is_refused_with_the_existing_order(draft, people):
	with pytest.raises(DuplicateOrderError, match=draft.name):
		make_order(draft.customer, draft.items[0].product, external_ref=draft.external_ref)
	# Another channel may use the same reference.
	make_order(draft.customer, draft.items[0].product, external_ref=draft.external_ref, channel="Fax")


@pytest.mark.parametrize("target", ["Approved", "Rejected", "Cancelled", "Needs Clarification", "Bogus"])
def test_skipping_states_by_saving_workflow_state_is_refused(draft, people, target):
	doc = frappe.get_doc("OC Order", draft.name)
	doc.workflow_state = target
	with pytest.raises((IllegalTransitionError, ReviewPermissionError, frappe.ValidationError)):
		doc.save()
	assert state(draft.name).workflow_state == "Draft"


def test_new_order_cannot_start_beyond_draft(people):
	customer, product = make_customer(), make_product()
	as_user(people.clerk)
	with pytest.raises(frappe.ValidationError):
		make_order(customer, product, workflow_state="Pending Review")


def test_clerk_cannot_approve_or_reject(draft, people):
	pending(draft, people)
	as_user(people.clerk2)
	for action in ("Approve", "Reject"):
		with pytest.raises(frappe.ValidationError, match=r"(?i)not a valid workflow action"):
			act(draft.name, action)
	doc = frappe.get_doc("OC Order", draft.name)
	doc.workflow_state = "Rejected"
	with pytest.raises((ReviewPermissionError, frappe.ValidationError)):
		doc.save()
	assert state(draft.name).workflow_state == "Pending Review"


def test_submitting_a_draft_directly_is_refused(draft, people):
	as_user(people.reviewer)
	doc = frappe.get_doc("OC Order", draft.name)
	with pytest.raises(IllegalTransitionError):
		doc.submit()
	assert state(draft.name).docstatus == 0


# maker-checker


def test_creator_with_reviewer_role_cannot_approve(people):
	customer, product = make_customer(), make_product()
	as_user(people.clerk_reviewer)
	order = make_order(customer, product)
	act(order.name, "Submit for Review")
	with pytest.raises(frappe.ValidationError):
		act(order.name, "Approve")  # Frappe hides the action: self approval is off
	doc = frappe.get_doc("OC Order", order.name)
	with pytest.raises(ReviewPermissionError, match="cannot approve"):
		doc.submit()
	assert state(order.name).docstatus == 0
	assert not state(order.name).order_no


def test_submitter_cannot_approve(draft, people):
	# clerk_reviewer did not create the order but sent it to review.
	as_user(people.clerk_reviewer)
	act(draft.name, "Submit for Review")
	with pytest.raises(ReviewPermissionError, match="cannot approve"):
		act(draft.name, "Approve")
	assert state(draft.name).docstatus == 0


def test_anyone_who_changed_the_content_cannot_approve(draft, people):
	as_user(people.clerk_reviewer)
	doc = frappe.get_doc("OC Order", draft.name)
	doc.items[0].qty = 20
	doc.save()
	assert people.clerk_reviewer in doc.prepared_by.splitlines()
	as_user(people.clerk)
	act(draft.name, "Submit for Review")
	as_user(people.clerk_reviewer)
	with pytest.raises(ReviewPermissionError, match="cannot approve"):
		act(draft.name, "Approve")
	as_user(people.reviewer)
	act(draft.name, "Approve")
	assert state(draft.name).docstatus == 1


def test_administrator_who_created_an_order_cannot_approve_it(people):
	customer, product = make_customer(), make_product()
	order = make_order(customer, product)
	act(order.name, "Submit for Review")
	with pytest.raises(ReviewPermissionError):
		act(order.name, "Approve")
	assert state(order.name).docstatus == 0


def test_content_is_frozen_while_pending_review(draft, people):
	pending(draft, people)
	for user in (people.clerk, people.reviewer):
		as_user(user)
		doc = frappe.get_doc("OC Order", draft.name)
		doc.items[0].qty = 99
		with pytest.raises(FrozenOrderError):
			doc.save()
	as_user(people.reviewer)
	doc = frappe.get_doc("OC Order", draft.name)
	doc.rejection_reason = "Not yet decided"
	doc.save()  # review fields stay editable


def test_approved_order_is_read_only(draft, people):
	pending(draft, people)
	as_user(people.reviewer)
	act(draft.name, "Approve")
	doc = frappe.get_doc("OC Order", draft.name)
	doc.items[0].qty = 1
	with pytest.raises(frappe.UpdateAfterSubmitError):
		doc.save()
	doc = frappe.get_doc("OC Order", draft.name)
	doc.delivery_address = "Elsewhere"
	with pytest.raises(frappe.UpdateAfterSubmitError):
		doc.save()
	doc = frappe.get_doc("OC Order", draft.name)
	doc.order_no = "SO-1999-00001"
	with pytest.raises(frappe.ValidationError):
		doc.save()


# order numbers


def test_order_numbers_are_consecutive_and_a_refused_approval_takes_none(people):
	customer, product = make_customer(), make_product()
	orders = []
	for maker in (people.clerk, people.clerk_reviewer, people.clerk):
		as_user(maker)
		order = make_order(customer, product)
		act(order.name, "Submit for Review")
		orders.append(order.name)
	as_user(people.reviewer)
	act(orders[0], "Approve")
	first = state(orders[0]).order_no
	as_user(people.clerk_reviewer)
	frappe.db.savepoint("refused")
	with pytest.raises(frappe.ValidationError):
		act(orders[1], "Approve")  # its own order: refused
	frappe.db.rollback(save_point="refused")
	as_user(people.reviewer)
	act(orders[2], "Approve")
	prefix, number = first.rsplit("-", 1)
	assert state(orders[2]).order_no == f"{prefix}-{int(number) + 1:05d}"
	assert not state(orders[1]).order_no


def test_a_failed_approval_rolls_its_number_back():
	frappe.db.savepoint("approval")
	taken = next_number("SO", this_year())
	frappe.db.rollback(save_point="approval")
	assert next_number("SO", this_year()) == taken


def test_each_year_has_its_own_sequence():
	prefix = unique("T")
	assert next_number(prefix, 2031) == f"{prefix}-2031-00001"
	assert next_number(prefix, 2031) == f"{prefix}-2031-00002"
	assert next_number(prefix, 2032) == f"{prefix}-2032-00001"
	assert next_number(prefix, 2031, digits=3) == f"{prefix}-2031-003"
