"""SQL statements per order line on the hot paths: insert, submit for review, approve.

Counted by wrapping frappe.db.sql for the duration of each step (tests.utils.QueryCounter):
every statement the step runs goes through it. Each line has a product of its own, so a query
per product or per line would show. The steps of a 100-line order may cost at most one
statement per line more than those of a 10-line order (the insert of the line itself).
"""

import frappe
import pytest

from tests.utils import QueryCounter, act, make_customer, make_product, order_payload, unique

STEPS = ("insert", "submit for review", "approve")


@pytest.fixture
def masters():
	return frappe._dict(customer=make_customer(), products=[make_product(rate=10) for _ in range(100)])


def step_counts(people, masters, lines: int) -> dict:
	"""Statements per step, each step starting as a request does: with no values cached yet.

	The fewest of two runs counts: another process clearing the shared metadata cache between
	the runs adds statements that have nothing to do with the order."""
	runs = [_one_run(people, masters, lines) for _ in range(2)]
	return {step: min(run[step] for run in runs) for step in STEPS}


def _one_run(people, masters, lines: int) -> dict:
	items = [{"product": product, "qty": 1, "rate": 10} for product in masters.products[:lines]]
	counts = {}
	frappe.set_user(people.clerk)
	payload = order_payload(masters.customer, items[0]["product"], external_ref=unique("QC"), items=items)
	frappe.db.value_cache = {}
	with QueryCounter() as counter:
		name = frappe.get_doc(payload).insert().name
	counts["insert"] = counter.count
	frappe.db.value_cache = {}
	with QueryCounter() as counter:
		act(name, "Submit for Review")
	counts["submit for review"] = counter.count
	frappe.set_user(people.reviewer)
	frappe.db.value_cache = {}
	with QueryCounter() as counter:
		act(name, "Approve")
	counts["approve"] = counter.count
	frappe.set_user("Administrator")
	assert frappe.db.get_value("OC Order", name, "docstatus") == 1
	return counts


def test_at_most_one_statement_per_added_line(people, masters):
	step_counts(people, masters, 10)  # warm the caches every later request finds warm
	ten, hundred = step_counts(people, masters, 10), step_counts(people, masters, 100)
	print(f"\nSQL statements, 10 lines: {ten}; 100 lines: {hundred}")
	for step in STEPS:
		assert hundred[step] - ten[step] <= 90, (step, ten[step], hundred[step])
