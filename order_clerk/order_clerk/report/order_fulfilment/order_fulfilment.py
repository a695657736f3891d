# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Order Fulfilment: ordered against shipped against signed, overdue days and the on-time
delivery rate, by customer or by month of the order date.

Approved orders only. A line counts at most its ordered quantity as shipped or signed. An
order is delivered on time when its last signed delivery note was signed on or before the
promised date (the revised date when an exception moved it). Days overdue are counted, today,
for the orders still flagged overdue.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType, Order
from frappe.query_builder import functions as fn
from frappe.utils import cint, flt, nowdate
from pypika.terms import Case, Function

from order_clerk import sales_statistics as stats
from order_clerk.permissions import order_scope_condition

CUSTOMER, MONTH = "Customer", "Month"


@frappe.read_only()
def execute(filters=None):
	filters = frappe._dict(frappe.parse_json(filters or {}))
	group_by = filters.pop("group_by", None) or CUSTOMER
	if group_by not in (CUSTOMER, MONTH):
		frappe.throw(_("Group By must be Customer or Month, not {0}.").format(group_by))
	filters = stats.parse_filters(filters)
	stats.check_access(frappe.session.user)
	rows = get_rows(filters, group_by, frappe.session.user)
	return get_columns(group_by), rows, None, get_chart(rows), get_summary(rows)


def _base(filters, user, order):
	query = frappe.qb.from_(order).where(
		(order.docstatus == 1) & order.order_date[filters.from_date : filters.to_date]
	)
	if filters.customer:
		query = query.where(order.customer == filters.customer)
	scope = order_scope_condition(user, order)
	return query.where(scope) if scope is not None else query


def _key(order, group_by):
	if group_by == MONTH:
		return Function("DATE_FORMAT", order.order_date, "%Y-%m")
	return order.customer


def get_rows(filters, group_by: str, user: str) -> list[dict]:
	order, item, note = DocType("OC Order"), DocType("OC Order Item"), DocType("OC Delivery Note")
	key = _key(order, group_by)

	quantities = (
		_base(filters, user, order)
		.join(item)
		.on((item.parent == order.name) & (item.parenttype == "OC Order"))
		.select(
			key.as_("group_key"),
			fn.Sum(item.qty).as_("ordered_qty"),
			fn.Sum(Function("LEAST", item.shipped_qty, item.qty)).as_("shipped_qty"),
			fn.Sum(Function("LEAST", item.delivered_qty, item.qty)).as_("signed_qty"),
		)
		.groupby(key)
		.run(as_dict=True)
	)

	last_signed = (
		frappe.qb.from_(note)
		.select(note.order, fn.Max(Function("DATE", note.signed_at)).as_("signed_on"))
		.where((note.docstatus == 1) & note.sign_status.isin(["Signed", "Partly Signed"]))
		.groupby(note.order)
	).as_("last_signed")
	promised = fn.Coalesce(order.revised_delivery_date, order.delivery_date)
	delivered = order.per_delivered >= 100
	days_overdue = Case().when(order.is_overdue == 1, Function("DATEDIFF", nowdate(), promised))
	orders = (
		_base(filters, user, order)
		.left_join(last_signed)
		.on(last_signed.order == order.name)
		.select(
			key.as_("group_key"),
			fn.Count(order.name).as_("orders"),
			fn.Sum(order.is_overdue).as_("overdue_orders"),
			fn.Avg(days_overdue).as_("avg_days_overdue"),
			fn.Max(days_overdue).as_("max_days_overdue"),
			fn.Sum(Case().when(delivered, 1).else_(0)).as_("delivered_orders"),
			fn.Sum(Case().when(delivered & (last_signed.signed_on <= promised), 1).else_(0)).as_(
				"on_time_orders"
			),
		)
		.groupby(key)
		.orderby(key, order=Order.asc)
		.run(as_dict=True)
	)

	by_key = {row.group_key: row for row in quantities}
	rows = []
	for row in orders:
		qty = by_key.get(row.group_key) or frappe._dict()
		ordered = flt(qty.ordered_qty)
		rows.append(
			{
				"group_key": row.group_key,
				"orders": cint(row.orders),
				"ordered_qty": ordered,
				"shipped_qty": flt(qty.shipped_qty),
				"signed_qty": flt(qty.signed_qty),
				"per_shipped": flt(flt(qty.shipped_qty) * 100 / ordered, 2) if ordered else 0,
				"per_signed": flt(flt(qty.signed_qty) * 100 / ordered, 2) if ordered else 0,
				"overdue_orders": cint(row.overdue_orders),
				"avg_days_overdue": flt(row.avg_days_overdue, 1),
				"max_days_overdue": cint(row.max_days_overdue),
				"delivered_orders": cint(row.delivered_orders),
				"on_time_orders": cint(row.on_time_orders),
				"on_time_rate": flt(cint(row.on_time_orders) * 100 / cint(row.delivered_orders), 2)
				if cint(row.delivered_orders)
				else 0,
			}
		)
	return rows


def get_columns(group_by: str) -> list[dict]:
	first = (
		{
			"fieldname": "group_key",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "OC Customer",
			"width": 200,
		}
		if group_by == CUSTOMER
		else {"fieldname": "group_key", "label": _("Month"), "fieldtype": "Data", "width": 100}
	)
	return [
		first,
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "ordered_qty", "label": _("Ordered Qty"), "fieldtype": "Float", "width": 110},
		{"fieldname": "shipped_qty", "label": _("Shipped Qty"), "fieldtype": "Float", "width": 110},
		{"fieldname": "signed_qty", "label": _("Signed Qty"), "fieldtype": "Float", "width": 110},
		{"fieldname": "per_shipped", "label": _("% Shipped"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "per_signed", "label": _("% Signed"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "overdue_orders", "label": _("Overdue Orders"), "fieldtype": "Int", "width": 110},
		{"fieldname": "avg_days_overdue", "label": _("Avg Days Overdue"), "fieldtype": "Float", "width": 120},
		{"fieldname": "max_days_overdue", "label": _("Max Days Overdue"), "fieldtype": "Int", "width": 120},
		{"fieldname": "delivered_orders", "label": _("Delivered Orders"), "fieldtype": "Int", "width": 120},
		{"fieldname": "on_time_orders", "label": _("On Time"), "fieldtype": "Int", "width": 90},
		{"fieldname": "on_time_rate", "label": _("On-time Rate"), "fieldtype": "Percent", "width": 110},
	]


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [str(row["group_key"]) for row in rows],
			"datasets": [
				{"name": _("% Shipped"), "values": [row["per_shipped"] for row in rows]},
				{"name": _("% Signed"), "values": [row["per_signed"] for row in rows]},
			],
		},
		"type": "bar",
	}


def get_summary(rows: list[dict]) -> list[dict]:
	ordered = sum(row["ordered_qty"] for row in rows)
	delivered = sum(row["delivered_orders"] for row in rows)
	on_time = sum(row["on_time_orders"] for row in rows)
	return [
		{"label": _("Orders"), "value": sum(row["orders"] for row in rows), "datatype": "Int"},
		{
			"label": _("% Shipped"),
			"value": flt(sum(row["shipped_qty"] for row in rows) * 100 / ordered, 2) if ordered else 0,
			"datatype": "Percent",
		},
		{
			"label": _("% Signed"),
			"value": flt(sum(row["signed_qty"] for row in rows) * 100 / ordered, 2) if ordered else 0,
			"datatype": "Percent",
		},
		{
			"label": _("Overdue Orders"),
			"value": sum(row["overdue_orders"] for row in rows),
			"datatype": "Int",
			"indicator": "Red",
		},
		{
			"label": _("On-time Rate"),
			"value": flt(on_time * 100 / delivered, 2) if delivered else 0,
			"datatype": "Percent",
			"indicator": "Green",
		},
	]
