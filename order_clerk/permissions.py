"""Row-level access to orders, shared by the list query, the document check and the reports.

Clerks, reviewers and system managers see every order. Warehouse operators and finance
officers see approved (submitted) orders only. Order integrators see the orders they created
(Frappe's "if owner" permission), widened here to nothing else.

Prices and amounts are permlevel 1 on OC Order and its lines: a role without read at that
level (the warehouse) sees quantities only. The reference price of a line (the customer's
agreed price) and its deviation are permlevel 2, which integrators lack: they read the prices
they sent, never the agreed ones. can_read_amounts is the one test for all of that, used by
the reports, the prints and the product details.

Child rows follow their parent: Frappe checks a child *document* against its parent, but a
child *list* (`/api/resource/OC Order Item?parent=OC Order`) only against the parent DocType.
child_query_conditions limits such lists to the rows of parents the user may read, with the
same row scope as the parent's own list, and drops tables above the user's permission level
(the agreed prices of a customer, for the warehouse).
"""

import frappe
from frappe.query_builder import DocType
from pypika.terms import Criterion

from order_clerk.roles import (
	FINANCE_OFFICER,
	FULL_ORDER_ACCESS,
	ORDER_INTEGRATOR,
	WAREHOUSE_OPERATOR,
	has_role,
)

AMOUNT_PERMLEVEL = 1
REFERENCE_PERMLEVEL = 2
APP_MODULE = "Order Clerk"


def _scope(user: str) -> str:
	if has_role(*FULL_ORDER_ACCESS, user=user):
		return "all"
	if has_role(WAREHOUSE_OPERATOR, FINANCE_OFFICER, user=user):
		return "approved_or_own" if has_role(ORDER_INTEGRATOR, user=user) else "approved"
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


def can_read_amounts(user: str | None = None, doctype: str = "OC Order") -> bool:
	"""Whether `user` may read every price and amount (Currency field) of `doctype` and its lines."""
	meta = frappe.get_meta(doctype)
	levels = set(meta.get_permlevel_access("read", user=user or frappe.session.user))

	def readable(fields, table_permlevel=0):
		# The reference price (REFERENCE_PERMLEVEL) is no amount of the order: Frappe blanks it
		# for whoever lacks the level, and no print or report shows it.
		return all(
			(df.permlevel or 0) in levels and table_permlevel in levels
			for df in fields
			if df.fieldtype == "Currency" and (df.permlevel or 0) != REFERENCE_PERMLEVEL
		)

	return readable(meta.fields) and all(
		readable(frappe.get_meta(table.options).fields, table.permlevel or 0)
		for table in meta.get_table_fields()
	)


# Row scopes of parent DocTypes beyond their role permissions: name -> condition builder.
# Slips, delivery notes, invoice requests, exceptions and archive records exist only for
# approved orders and are not open to integrators, so their role permissions are their scope.
ROW_SCOPES = {"OC Order": order_scope_condition}


def parents_of(child_doctype: str) -> list[frappe._dict]:
	"""The (parent DocType, table fieldname, permlevel) that hold rows of `child_doctype`."""
	docfield = DocType("DocField")
	return (
		frappe.qb.from_(docfield)
		.select(docfield.parent, docfield.fieldname, docfield.permlevel)
		.where(docfield.options == child_doctype)
		.where(docfield.fieldtype.isin(("Table", "Table MultiSelect")))
		.run(as_dict=True)
	)


def child_scope_condition(child_doctype: str, user: str) -> Criterion | None:
	"""Rows of `child_doctype` whose parent `user` may read, at the table's permission level."""
	child = DocType(child_doctype)
	allowed = []
	for table in parents_of(child_doctype):
		parent_meta = frappe.get_meta(table.parent)
		if (table.permlevel or 0) not in parent_meta.get_permlevel_access("read", user=user):
			continue
		if not frappe.has_permission(table.parent, "read", user=user):
			continue
		condition = (child.parenttype == table.parent) & (child.parentfield == table.fieldname)
		scope = ROW_SCOPES.get(table.parent)
		parent_condition = scope(user, DocType(table.parent)) if scope else None
		if parent_condition is not None:
			parent = DocType(table.parent)
			readable = frappe.qb.from_(parent).select(parent.name).where(parent_condition)
			condition &= child.parent.isin(readable)
		allowed.append(condition)
	if not allowed:
		return child.name.isnull()  # no row: a name is never null
	return Criterion.any(allowed)


def child_query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""For every DocType (hooked on "*"): the condition for the app's child tables, else none."""
	user = user or frappe.session.user
	if user == "Administrator" or not doctype:
		return ""
	meta = frappe.get_meta(doctype)
	if not meta.istable or meta.module != APP_MODULE:
		return ""
	return child_scope_condition(doctype, user).get_sql(quote_char="`", with_namespace=True)


def child_document_readable(child_doc, ptype: str, user: str | None) -> bool:
	"""A child row read on its own (`GET /api/resource/OC Order Item/<name>`) needs its parent.

	Frappe checks such a row against the parent DocType only, not the parent document, when the
	row was loaded without its parent; this asks about the parent document, through its hooks.
	"""
	if getattr(child_doc, "parent_doc", None) or not child_doc.get("parent"):
		return True  # checked with its parent document, or not yet in one
	if frappe.get_meta(child_doc.parenttype).module != APP_MODULE:
		return True
	return frappe.has_permission(child_doc.parenttype, ptype, child_doc.parent, user=user)


def install_child_document_check():
	"""Extend frappe.permissions.has_child_permission with child_document_readable (once)."""
	import frappe.permissions as framework

	if getattr(framework.has_child_permission, "checks_parent_document", False):
		return
	has_child_permission = framework.has_child_permission

	def has_child_permission_and_parent(
		child_doctype, ptype="read", child_doc=None, user=None, *args, **kwargs
	):
		allowed = has_child_permission(child_doctype, ptype, child_doc, user, *args, **kwargs)
		if not allowed or not child_doc:
			return allowed
		if isinstance(child_doc, str):
			child_doc = frappe.db.get_value(child_doctype, child_doc, ("parent", "parenttype"), as_dict=True)
		return child_document_readable(child_doc, ptype, user)

	has_child_permission_and_parent.checks_parent_document = True
	framework.has_child_permission = has_child_permission_and_parent


install_child_document_check()
