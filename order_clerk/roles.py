"""Role names of the app; part of its public contract."""

ORDER_CLERK = "Order Clerk"
ORDER_REVIEWER = "Order Reviewer"
WAREHOUSE_OPERATOR = "Warehouse Operator"
FINANCE_OFFICER = "Finance Officer"
ORDER_INTEGRATOR = "Order Integrator"
# A customer's contact on the customer portal: no desk, no DocType; reads its company's orders
# through the portal pages only (order_clerk.portal).
CUSTOMER_PORTAL_USER = "Customer Portal User"
# Given to reviewers who may approve an order over its customer's credit limit (order_clerk.credit).
CREDIT_CONTROLLER = "Credit Controller"

# Roles that see every order; the others see a subset (see order_clerk.permissions).
FULL_ORDER_ACCESS = (ORDER_CLERK, ORDER_REVIEWER, "System Manager")

# role -> desk access
ALL_ROLES = {
	ORDER_CLERK: 1,
	ORDER_REVIEWER: 1,
	WAREHOUSE_OPERATOR: 1,
	FINANCE_OFFICER: 1,
	ORDER_INTEGRATOR: 0,
	CUSTOMER_PORTAL_USER: 0,
	CREDIT_CONTROLLER: 1,
}


def has_role(*roles: str, user: str | None = None) -> bool:
	"""Whether `user` (the session user) holds one of `roles`, exactly: no role stands in for another.

	The one way the app asks about roles; require_role below is the one that lets a System
	Manager through."""
	import frappe

	return bool(set(frappe.get_roles(user)).intersection(roles))


def require_role(roles: tuple[str, ...], action: str):
	"""Refuse `action` unless the user holds one of `roles` (System Manager always may).

	For steps that Frappe's permission types cannot tell apart: recording a sign-off after
	submission needs "submit" permission, but dispatching is still the warehouse's job.
	"""
	import frappe
	from frappe import _

	if not has_role(*roles, "System Manager"):
		frappe.throw(
			_("Only {0} may {1}.").format(" / ".join(_(r) for r in roles), action),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
