# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Best-Selling Products: the top N products of a period by quantity or by amount, each with
its share of the period's total over all products.

Counts approved order lines by order date unless "Include orders not yet approved" is set; see
order_clerk.sales_statistics for periods, permissions and the sales rollup it reads. One query:
GROUP BY product, with window functions for the rank and the period's totals. Ties share a
rank; among equal figures the product code decides the order.
"""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder import functions as fn
from frappe.utils import cint, flt
from pypika import analytics

from order_clerk import sales_statistics as stats

DEFAULTS = {"rank_by": stats.QUANTITY, "top_n": 10}
MAX_TOP_N = 1000


@frappe.read_only()
def execute(filters=None):
	filters = stats.parse_filters(filters, DEFAULTS)
	filters.top_n = min(max(cint(filters.top_n), 1), MAX_TOP_N)
	show_amounts = stats.check_access(frappe.session.user)
	if filters.rank_by == stats.AMOUNT and not show_amounts:
		frappe.throw(
			_("You may not see amounts, so you cannot rank products by amount."), frappe.PermissionError
		)
	rows = get_rows(filters, frappe.session.user, show_amounts)
	totals = rows[0] if rows else frappe._dict()
	data = [shape_row(row, show_amounts) for row in rows]
	return (
		get_columns(show_amounts),
		data,
		get_message(filters),
		get_chart(data, filters),
		get_summary(totals, show_amounts),
	)


def get_rows(filters: frappe._dict, user: str, show_amounts: bool) -> list[frappe._dict]:
	# One period, the whole range: the longest rows of the rollup fit it.
	filters = frappe._dict(filters, product=None, period=None)
	sales = stats.sales_query(filters, user, with_items=True, group_by=stats.PRODUCT)
	product, product_name = sales.dimension[stats.PRODUCT]
	qty, amount = sales.qty(), sales.amount()
	ranked = amount if filters.rank_by == stats.AMOUNT else qty
	columns = [
		product.as_("product"),
		fn.NullIf(fn.Max(product_name), "").as_("product_name"),
		fn.NullIf(fn.Max(sales.uom), "").as_("uom"),
		sales.order_count().as_("order_count"),
		qty.as_("qty"),
		analytics.Sum(qty).over().as_("total_qty"),
		analytics.Count("*").over().as_("product_count"),
		analytics.Rank().orderby(ranked, order=Order.desc).as_("rank"),
	]
	if show_amounts:
		columns += [amount.as_("amount"), analytics.Sum(amount).over().as_("total_amount")]
	query = (
		sales.query.select(*columns)
		.groupby(product)
		.orderby(ranked, order=Order.desc)
		.orderby(product)
		.limit(filters.top_n)
	)
	return query.run(as_dict=True)


def _share(part, whole) -> float:
	return flt(flt(part) * 100 / flt(whole), 4) if flt(whole) else 0.0


def shape_row(row: frappe._dict, show_amounts: bool) -> dict:
	shaped = {
		"rank": cint(row.rank),
		"product": row.product,
		"product_name": row.product_name,
		"uom": row.uom,
		"order_count": cint(row.order_count),
		"qty": flt(row.qty),
		"qty_share": _share(row.qty, row.total_qty),
	}
	if show_amounts:
		shaped["amount"] = flt(row.amount)
		shaped["amount_share"] = _share(row.amount, row.total_amount)
	return shaped


def get_columns(show_amounts: bool) -> list[dict]:
	columns = [
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 70},
		{
			"fieldname": "product",
			"label": _("Product"),
			"fieldtype": "Link",
			"options": "OC Product",
			"width": 150,
		},
		{"fieldname": "product_name", "label": _("Product Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "uom", "label": _("UOM"), "fieldtype": "Data", "width": 70},
		{"fieldname": "order_count", "label": _("Number of Orders"), "fieldtype": "Int", "width": 90},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 120},
		{"fieldname": "qty_share", "label": _("Share of Quantity"), "fieldtype": "Percent", "width": 130},
	]
	if show_amounts:
		columns += [
			{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 140},
			{
				"fieldname": "amount_share",
				"label": _("Share of Amount"),
				"fieldtype": "Percent",
				"width": 130,
			},
		]
	return columns


def get_message(filters: frappe._dict) -> str:
	if filters.include_unapproved:
		counted = _("Lines of orders that are approved, in draft or under review, by order date.")
	else:
		counted = _("Lines of approved orders, by order date.")
	return " ".join((counted, _("Shares are of the period's total over all products.")))


def get_chart(data: list[dict], filters: frappe._dict) -> dict:
	measure, label, fieldtype = "qty", _("Quantity"), "Float"
	if filters.rank_by == stats.AMOUNT:
		measure, label, fieldtype = "amount", _("Amount"), "Currency"
	return {
		"data": {
			"labels": [row["product"] for row in data],
			"datasets": [{"name": label, "values": [row[measure] for row in data]}],
		},
		"type": "bar",
		"fieldtype": fieldtype,
	}


def get_summary(totals: frappe._dict, show_amounts: bool) -> list[dict]:
	# `fieldname` names the column the figure totals, for the Excel export.
	summary = [
		{
			"value": cint(totals.product_count),
			"label": _("Products Sold"),
			"datatype": "Int",
			"indicator": "Blue",
			"fieldname": None,
		},
		{
			"value": flt(totals.total_qty),
			"label": _("Total Quantity"),
			"datatype": "Float",
			"indicator": "Blue",
			"fieldname": "qty",
		},
	]
	if show_amounts:
		summary.append(
			{
				"value": flt(totals.total_amount),
				"label": _("Total Amount"),
				"datatype": "Currency",
				"indicator": "Green",
				"fieldname": "amount",
			}
		)
	return summary
