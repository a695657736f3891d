"""The demo's story, built on the tests' site inside the test's transaction: every stage is
there, made by the right people, and building it again adds nothing."""

import datetime
import uuid

import frappe
import pytest
from frappe.utils import getdate, nowdate

from order_clerk import archive, demo, demo_data, demo_history
from order_clerk.numbering import peek_next_number
from order_clerk.order_clerk.report.order_statistics import order_statistics


@pytest.fixture
def prefix():
	"""A prefix of this run's demo references: the site may hold the demo already."""
	return f"T{uuid.uuid4().hex[:8]}"


def story_orders(prefix: str) -> dict[str, frappe._dict]:
	rows = frappe.get_all(
		"OC Order",
		filters={"external_ref": ("like", f"{prefix}-S%")},
		fields=["*"],
	)
	return {row.external_ref: row for row in rows}


def test_the_story_has_every_stage_and_is_built_once(demo_users, printing, served_site, prefix):
	demo_data.build(prefix)
	after_first = demo.fingerprint()
	demo_data.build(prefix)
	assert demo.fingerprint() == after_first

	orders = story_orders(prefix)
	specs = {spec.ref: spec for spec in demo_data.story(prefix)}
	assert set(orders) == set(specs)
	states = {ref: order.workflow_state for ref, order in orders.items()}
	assert set(states.values()) == {"Draft", "Needs Clarification", "Pending Review", "Rejected", "Approved"}

	by_stage = {}
	for ref, spec in specs.items():
		by_stage.setdefault(spec.stage, []).append(orders[ref])

	draft = by_stage[demo_data.DRAFT][0]
	assert (draft.is_complete, draft.owner) == (0, demo_data.CLERK)
	unclear = by_stage[demo_data.CLARIFICATION][0]
	questions = frappe.get_all(
		"OC Order Clarification", filters={"parent": unclear.name}, fields=["question", "answer", "asked_by"]
	)
	assert [(q.answer, q.asked_by) for q in questions] == [(None, demo_data.CLERK)]
	rejected = by_stage[demo_data.REJECTED][0]
	assert (rejected.workflow_state, rejected.rejected_by) == ("Rejected", demo_data.REVIEWER)
	assert rejected.rejection_reason.strip()
	assert {o.workflow_state for o in by_stage[demo_data.PENDING]} == {"Pending Review"}
	assert {o.owner for o in by_stage[demo_data.PENDING]} == {demo_data.CLERK, demo_data.INTEGRATOR}

	approved = [o for o in orders.values() if o.docstatus == 1]
	assert len(approved) == 5
	for order in approved:
		# Maker and checker are different demo users.
		assert order.owner == order.submitted_for_review_by == demo_data.CLERK, order.name
		assert order.approved_by == demo_data.REVIEWER, order.name
		assert order.order_no

	statuses = {spec.stage: orders[ref].status for ref, spec in specs.items() if orders[ref].docstatus == 1}
	assert statuses == {
		demo_data.APPROVED: "To Ship",
		demo_data.PARTLY_SHIPPED: "Partly Shipped",
		demo_data.DELIVERED: "Delivered",
		demo_data.INVOICED: "Delivered",
		demo_data.ARCHIVED: "Completed",
	}
	partly = by_stage[demo_data.PARTLY_SHIPPED][0]
	assert frappe.db.count("OC Outbound Slip", {"order": partly.name, "docstatus": 1}) == 1
	assert 0 < partly.per_shipped < 100

	for stage in (demo_data.DELIVERED, demo_data.INVOICED, demo_data.ARCHIVED):
		order = by_stage[stage][0]
		note = frappe.get_all(
			"OC Delivery Note",
			filters={"order": order.name, "docstatus": 1},
			fields=["name", "sign_status", "signed_receipt", "owner", "sign_off_recorded_by"],
		)[0]
		assert (note.sign_status, note.sign_off_recorded_by) == ("Signed", demo_data.CLERK)
		receipt = frappe.get_doc("File", {"file_url": note.signed_receipt}).get_content()
		assert receipt.startswith(b"\x89PNG"), stage

	exceptions = frappe.get_all(
		"OC Order Exception",
		filters={"order": ("in", [o.name for o in approved])},
		fields=["status", "exception_type"],
	)
	assert sorted(e.status for e in exceptions) == ["Escalated", "Open"]

	requests = frappe.get_all(
		"OC Invoice Request",
		filters=[["OC Invoice Request Note", "order", "in", [o.name for o in approved]]],
		fields=["status", "docstatus"],
	)
	assert sorted((r.status, r.docstatus) for r in requests) == [("Issued", 1), ("Requested", 1)]

	sealed = by_stage[demo_data.ARCHIVED][0]
	record = frappe.get_doc("OC Archive Record", {"order": sealed.name})
	assert (record.docstatus, record.status, record.sealed_by) == (1, "Sealed", demo_data.REVIEWER)
	assert record.archive_no and len(record.items) >= 8
	assert {r["status"] for r in archive.verify(record)} == {"Intact"}
	assert record.verification_status == "Intact"


def test_history_spans_two_years_numbered_without_gaps(demo_users, prefix):
	demo_data.ensure_masters()
	demo_history.build_history(prefix)
	demo_history.build_history(prefix)
	history = frappe.get_all(
		"OC Order",
		filters={"external_ref": ("like", f"{prefix}-H-%")},
		fields=["name", "order_no", "order_date", "docstatus", "owner", "approved_by", "grand_total"],
	)
	assert len(history) == demo_history.HISTORY_ORDERS
	dates = sorted(getdate(o.order_date) for o in history)
	assert (dates[-1] - dates[0]).days > 600 and dates[-1] < getdate(nowdate())
	months = {(d.year, d.month) for d in dates}
	assert len(months) >= 22
	assert all(o.owner != o.approved_by and o.grand_total > 0 for o in history)
	assert frappe.db.count("OC Order Item", {"parent": ("in", [o.name for o in history])}) >= len(history)

	# Names and order numbers come from the app's counters: consecutive within each year, and the
	# next order approved continues the sequence.
	for field in ("name", "order_no"):
		by_year = {}
		for order in history:
			prefix, year, number = order[field].rsplit("-", 2)
			by_year.setdefault((prefix, year), []).append(int(number))
		for numbers in by_year.values():
			numbers.sort()
			assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), field
	year = str(datetime.date.today().year)
	this_year = [int(o.order_no.rsplit("-", 1)[1]) for o in history if o.order_no.split("-")[1] == year]
	settings = frappe.get_cached_doc("OC Settings")
	if this_year:
		expected = peek_next_number(
			settings.order_no_prefix or "SO", int(year), settings.order_no_digits or 5
		)
		assert int(expected.rsplit("-", 1)[1]) == max(this_year) + 1

	# The sales report shows each month the busiest customer ordered in.
	orders = frappe.get_all(
		"OC Order",
		filters={"name": ("in", [o.name for o in history]), "docstatus": 1},
		fields=["customer", "order_date"],
	)
	customers = [o.customer for o in orders]
	busiest = max(set(customers), key=customers.count)
	months = {getdate(o.order_date).replace(day=1) for o in orders if o.customer == busiest}
	_columns, rows, *_rest = order_statistics.execute(
		{
			"from_date": str(dates[0]),
			"to_date": nowdate(),
			"period": "Monthly",
			"group_by": "Customer",
			"customer": busiest,
		}
	)
	assert len(months) >= 12
	assert months <= {getdate(row["period_start"]) for row in rows}
