# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Order Statistics: orders, quantity and amount per period, grouped by channel, customer,
clerk (who entered the order) or product.

Counts approved orders by order date unless "Include orders not yet approved" is set; see
order_clerk.sales_statistics for periods and permissions. Two queries: GROUP BY period and
group for the rows, and GROUP BY period for the chart, with the grand total as a window sum
over the periods (an order falls in exactly one period). MariaDB's WITH ROLLUP would give both
in one query, but sorts every order to do it and takes three times as long.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder import functions as fn
from frappe.utils import cint, flt, getdate
from pypika import analytics

from order_clerk import sales_statistics as stats

DEFAULTS = {"period": stats.MONTHLY, "group_by": stats.CUSTOMER}


@frappe.read_only()
def execute(filters=None):
	filters = stats.parse_filters(filters, DEFAULTS)
	user = frappe.session.user
	show_amounts = stats.check_access(user)
	data = [shape_row(row, filters, show_amounts) for row in get_rows(filters, user, show_amounts)]
	period_totals = get_period_totals(filters, user, show_amounts)
	return (
		get_columns(filters, show_amounts),
		data,
		get_message(filters),
		get_chart(period_totals, filters, show_amounts),
		get_summary(period_totals[0] if period_totals else None, show_amounts),
	)


def get_rows(filters: frappe._dict, user: str, show_amounts: bool) -> list[frappe._dict]:
	sales = stats.sales_query(
		filters, user, with_items=filters.group_by == stats.PRODUCT, group_by=filters.group_by
	)
	group_field, name_field, query = _group_fields(sales, filters.group_by)
	period = stats.period_start(sales.date, filters.period).as_("period_start")
	group_key = group_field.as_("group_key")
	measures = [
		sales.order_count().as_("order_count"),
		sales.qty().as_("qty"),
		fn.NullIf(fn.Max(name_field), "").as_("group_name"),
	]
	if show_amounts:
		measures.append(sales.amount().as_("amount"))
	query = query.select(period, group_key, *measures).groupby(period, group_key)
	return query.orderby(period).orderby(group_key).run(as_dict=True)


def get_period_totals(filters: frappe._dict, user: str, show_amounts: bool) -> list[frappe._dict]:
	"""Figures per period, each row also carrying the grand totals (total_*)."""
	# Without a product filter an order's own totals equal the sums of its lines, so no join
	# (a draft without lines, counted only on request, adds an order with nothing in it).
	sales = stats.sales_query(filters, user, with_items=False)
	period = stats.period_start(sales.date, filters.period).as_("period_start")
	measures = [(sales.order_count(), "order_count"), (sales.qty(), "qty")]
	if show_amounts:
		measures.append((sales.amount(), "amount"))
	columns = [period]
	for measure, name in measures:
		columns += [measure.as_(name), analytics.Sum(measure).over().as_(f"total_{name}")]
	rows = sales.query.select(*columns).groupby(period).orderby(period).run(as_dict=True)
	# MariaDB drops the ORDER BY when the GROUP BY walks an index in order and window functions
	# follow (daily periods of the rollup): the few period rows are put in order here.
	return sorted(rows, key=lambda row: row.period_start)


def _group_fields(sales, group_by: str):
	"""The group's key and name columns, and the query to read them from."""
	key, name = sales.dimension[group_by]
	if name is not None:
		return key, name, sales.query
	# Clerks are named by their user's full name.
	user = DocType("User")
	return key, user.full_name, sales.query.left_join(user).on(user.name == key)


def shape_row(row: frappe._dict, filters: frappe._dict, show_amounts: bool) -> dict:
	start = getdate(row.period_start)
	shaped = {
		"period": stats.period_label(start, filters.period),
		"period_start": start,
		"group_value": row.group_key,
		"group_name": row.group_name if row.group_name != row.group_key else None,
		"order_count": cint(row.order_count),
		"qty": flt(row.qty),
	}
	if show_amounts:
		shaped["amount"] = flt(row.amount)
	return shaped


GROUP_COLUMNS = {
	stats.CHANNEL: ("Data", None, "Channel"),
	stats.CUSTOMER: ("Link", "OC Customer", "Customer"),
	stats.CLERK: ("Link", "User", "Clerk"),
	stats.PRODUCT: ("Link", "OC Product", "Product"),
}


def get_columns(filters: frappe._dict, show_amounts: bool) -> list[dict]:
	fieldtype, options, label = GROUP_COLUMNS[filters.group_by]
	columns = [
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 110},
		{"fieldname": "period_start", "label": _("Period Start"), "fieldtype": "Date", "width": 110},
		{
			"fieldname": "group_value",
			"label": _(label),
			"fieldtype": fieldtype,
			"options": options,
			"width": 180,
		},
		{"fieldname": "group_name", "label": _("Name"), "fieldtype": "Data", "width": 200},
		{"fieldname": "order_count", "label": _("Number of Orders"), "fieldtype": "Int", "width": 90},
		{"fieldname": "qty", "label": _("Quantity"), "fieldtype": "Float", "width": 120},
	]
	if show_amounts:
		columns.append({"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 140})
	return columns


def get_message(filters: frappe._dict) -> str:
	if filters.include_unapproved:
		counted = _("Orders that are approved, in draft or under review, by order date.")
	else:
		counted = _("Approved orders, by order date.")
	return " ".join((counted, _("Weeks run from Monday to Sunday (ISO weeks).")))


def get_chart(period_totals: list, filters: frappe._dict, show_amounts: bool) -> dict:
	measure, label, fieldtype = ("amount", _("Amount"), "Currency")
	if not show_amounts:
		measure, label, fieldtype = ("qty", _("Quantity"), "Float")
	return {
		"data": {
			"labels": [
				stats.period_label(getdate(row.period_start), filters.period) for row in period_totals
			],
			"datasets": [{"name": label, "values": [flt(row[measure]) for row in period_totals]}],
		},
		"type": "line",
		"fieldtype": fieldtype,
		"lineOptions": {"regionFill": 1},
	}


def get_summary(totals: frappe._dict | None, show_amounts: bool) -> list[dict]:
	totals = totals or frappe._dict()
	orders = cint(totals.total_order_count)
	summary = [
		_card(orders, _("Number of Orders"), "Int", "Blue", "order_count"),
		_card(flt(totals.total_qty), _("Quantity"), "Float", "Blue", "qty"),
	]
	if show_amounts:
		amount = flt(totals.total_amount)
		summary += [
			_card(amount, _("Amount"), "Currency", "Green", "amount"),
			_card(flt(amount / orders, 2) if orders else 0, _("Average Order Amount"), "Currency", "Green"),
		]
	return summary


def _card(value, label: str, datatype: str, indicator: str, fieldname: str | None = None) -> dict:
	# `fieldname` names the column the figure totals, for the Excel export.
	return {
		"value": value,
		"label": label,
		"datatype": datatype,
		"indicator": indicator,
		"fieldname": fieldname,
	}
