"""Role names of the app; part of its public contract."""

ORDER_CLERK = "Order Clerk"
ORDER_REVIEWER = "Order Reviewer"
WAREHOUSE_OPERATOR = "Warehouse Operator"
FINANCE_OFFICER = "Finance Officer"
ORDER_INTEGRATOR = "Order Integrator"

# Roles that see every order; the others see a subset (see order_clerk.permissions).
FULL_ORDER_ACCESS = (ORDER_CLERK, ORDER_REVIEWER, "System Manager")

# role -> desk access
ALL_ROLES = {
	ORDER_CLERK: 1,
	ORDER_REVIEWER: 1,
	WAREHOUSE_OPERATOR: 1,
	FINANCE_OFFICER: 1,
	ORDER_INTEGRATOR: 0,
}
