"""SQL statements per order line on the hot paths: insert, submit for review, approve.

Counted by wrapping frappe.db.sql for the duration of each step (tests.utils.QueryCounter):
every statement the step runs goes through it. Each line has a product of its own, so a query
per product or per line would show. An order's rows are written with one statement per table
(order_clerk.bulk_orders), so a 100-line order costs exactly the statements of a 10-line one, and
those are pinned at what they are today: a change that adds one fails here and raises the figure
with a reason.
"""

import frappe
import pytest

from order_clerk.notify import users_with_role
from order_clerk.roles import WAREHOUSE_OPERATOR
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


# Statements of each step of a 10-line order (or a 100-line one), at most. Approval also
# assigns the order to every warehouse user (a ToDo, a notification and their bookkeeping:
# Frappe's add_assignment), so it costs PER_WAREHOUSE_USER more for each of them.
MOST = {"insert": 21, "submit for review": 76, "approve": 61}
PER_WAREHOUSE_USER = 19


def test_a_line_more_costs_no_statement_more(people, masters):
	step_counts(people, masters, 10)  # warm the caches every later request finds warm
	ten, hundred = step_counts(people, masters, 10), step_counts(people, masters, 100)
	print(f"\nSQL statements, 10 lines: {ten}; 100 lines: {hundred}")
	assert hundred == ten
	most = MOST | {"approve": MOST["approve"] + PER_WAREHOUSE_USER * len(users_with_role(WAREHOUSE_OPERATOR))}
	for step in STEPS:
		assert ten[step] <= most[step], (step, ten[step], most[step])
