"""Row-level access to orders, shared by the list query, the document check and the reports.

Clerks, reviewers and system managers see every order. Warehouse operators and finance
officers see approved (submitted) orders only. Order integrators see the orders they created
(Frappe's "if owner" permission), widened here to nothing else.

Prices and amounts are permlevel 1 on OC Order and its lines: a role without read at that
level (the warehouse) sees quantities only.
"""

import frappe
from frappe.query_builder import DocType
from pypika.terms import Criterion

from order_clerk.roles import FINANCE_OFFICER, FULL_ORDER_ACCESS, ORDER_INTEGRATOR, WAREHOUSE_OPERATOR

AMOUNT_PERMLEVEL = 1


def _scope(user: str) -> str:
	roles = set(frappe.get_roles(user))
	if roles.intersection(FULL_ORDER_ACCESS):
		return "all"
	if roles.intersection((WAREHOUSE_OPERATOR, FINANCE_OFFICER)):
		return "approved_or_own" if ORDER_INTEGRATOR in roles else "approved"
	return "own"


def order_scope_condition(user: str, order=None) -> Criterion | None:
	"""The orders `user` may read, as a query-builder condition on `order` (None: every order)."""
	order = order or DocType("OC Order")
	scope = _scope(user)
	if scope == "all":
		return None
	if scope == "approved":
		return order.docstatus == 1
	if scope == "approved_or_own":
		return (order.docstatus == 1) | (order.owner == user)
	return order.owner == user


def order_query_conditions(user: str | None = None) -> str:
	condition = order_scope_condition(user or frappe.session.user)
	if condition is None:
		return ""
	return condition.get_sql(quote_char="`", with_namespace=True)


def order_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	user = user or frappe.session.user
	scope = _scope(user)
	if scope == "all":
		return True
	if scope == "approved":
		return doc.docstatus == 1
	if scope == "approved_or_own":
		return doc.docstatus == 1 or doc.owner == user
	return doc.owner == user


def can_read_amounts(user: str | None = None) -> bool:
	"""Whether `user` may read prices and amounts of orders (permlevel 1)."""
	access = frappe.get_meta("OC Order").get_permlevel_access("read", user=user or frappe.session.user)
	return AMOUNT_PERMLEVEL in access
