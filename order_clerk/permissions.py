"""Row-level access to orders, shared by the list query and the document check.

Clerks, reviewers and system managers see every order. Warehouse operators and finance
officers see approved (submitted) orders only. Order integrators see the orders they created
(Frappe's "if owner" permission), widened here to nothing else.
"""

import frappe
from frappe.query_builder import DocType

from order_clerk.roles import FINANCE_OFFICER, FULL_ORDER_ACCESS, ORDER_INTEGRATOR, WAREHOUSE_OPERATOR


def _scope(user: str) -> str:
	roles = set(frappe.get_roles(user))
	if roles.intersection(FULL_ORDER_ACCESS):
		return "all"
	if roles.intersection((WAREHOUSE_OPERATOR, FINANCE_OFFICER)):
		return "approved_or_own" if ORDER_INTEGRATOR in roles else "approved"
	return "own"


def order_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	scope = _scope(user)
	if scope == "all":
		return ""
	order = DocType("OC Order")
	if scope == "approved":
		condition = order.docstatus == 1
	elif scope == "approved_or_own":
		condition = (order.docstatus == 1) | (order.owner == user)
	else:
		condition = order.owner == user
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
