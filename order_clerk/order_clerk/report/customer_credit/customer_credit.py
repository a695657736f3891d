# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Customer Credit: each customer's exposure against their credit limit, the headroom left,
and the invoices overdue for payment (order_clerk.credit says what exposure counts).

Customers with a credit limit or any exposure are listed, the largest exposure first.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, flt

from order_clerk import credit


@frappe.read_only()
def execute(filters=None):
	filters = frappe._dict(frappe.parse_json(filters or {}))
	if not credit.can_see_credit():
		frappe.throw(_("Only the order desk and finance see customers' credit."), frappe.PermissionError)
	rows = get_rows(filters.customer, cint(filters.over_limit_only))
	return get_columns(), rows, None, None, get_summary(rows)


def get_rows(customer: str | None = None, over_limit_only: bool = False) -> list[dict]:
	exposures = credit.exposure_by_customer([customer] if customer else None)
	table = DocType("OC Customer")
	query = frappe.qb.from_(table).select(table.name, table.customer_name, table.credit_limit)
	if customer:
		query = query.where(table.name == customer)
	else:
		query = query.where((table.credit_limit > 0) | table.name.isin(list(exposures) or [""]))
	rows = []
	for name, customer_name, limit in query.run():
		figures = exposures.get(name) or frappe._dict()
		exposure, limit = flt(figures.get("exposure")), flt(limit)
		rows.append(
			{
				"customer": name,
				"customer_name": customer_name,
				"credit_limit": limit,
				"orders_not_invoiced": flt(figures.get("orders_not_invoiced")),
				"invoices_unpaid": flt(figures.get("invoices_unpaid")),
				"exposure": exposure,
				"headroom": flt(limit - exposure, 2) if limit else None,
				"over_limit": 1 if limit and exposure > limit + 0.005 else 0,
				"overdue_invoices": cint(figures.get("overdue_invoices")),
				"overdue_amount": flt(figures.get("overdue_amount")),
			}
		)
	if over_limit_only:
		rows = [row for row in rows if row["over_limit"]]
	rows.sort(key=lambda row: (-row["exposure"], row["customer"]))
	return rows


def get_columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "OC Customer",
			"width": 160,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "credit_limit", "label": _("Credit Limit"), "fieldtype": "Currency", "width": 130},
		{
			"fieldname": "orders_not_invoiced",
			"label": _("Orders Not Invoiced"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{
			"fieldname": "invoices_unpaid",
			"label": _("Invoices Unpaid"),
			"fieldtype": "Currency",
			"width": 130,
		},
		{"fieldname": "exposure", "label": _("Exposure"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "headroom", "label": _("Headroom"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "over_limit", "label": _("Over the Limit"), "fieldtype": "Check", "width": 100},
		{"fieldname": "overdue_invoices", "label": _("Overdue Invoices"), "fieldtype": "Int", "width": 110},
		{"fieldname": "overdue_amount", "label": _("Overdue Amount"), "fieldtype": "Currency", "width": 130},
	]


def get_summary(rows: list[dict]) -> list[dict]:
	return [
		{"label": _("Total Exposure"), "value": sum(r["exposure"] for r in rows), "datatype": "Currency"},
		{
			"label": _("Customers over the Limit"),
			"value": sum(r["over_limit"] for r in rows),
			"datatype": "Int",
			"indicator": "Red" if any(r["over_limit"] for r in rows) else "Green",
		},
		{"label": _("Overdue"), "value": sum(r["overdue_amount"] for r in rows), "datatype": "Currency"},
	]
