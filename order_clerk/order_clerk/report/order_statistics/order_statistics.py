# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Order Statistics: orders, quantity and amount per period, grouped by channel, customer,
clerk (who entered the order) or product.

Counts approved orders by order date unless "Include orders not yet approved" is set; see
order_clerk.sales_statistics for periods and permissions. Two kinds of query: GROUP BY period
and group for the rows, and GROUP BY period for the chart, whose grand total is the sum over
the periods (an order falls in exactly one period). MariaDB's WITH ROLLUP would give both in
one query, but sorts every order to do it and takes three times as long. From the sales
rollup, each kind is one query for the whole periods in the middle of the range (a month's row
for a month, read in key order) and one for each edge.
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder import functions as fn
from frappe.utils import cint, flt, getdate
from pypika.terms import Term, ValueWrapper
from pypika.utils import format_alias_sql

from order_clerk import sales_statistics as stats

DEFAULTS = {"period": stats.MONTHLY, "group_by": stats.CUSTOMER}


@frappe.read_only()
def execute(filters=None):
	filters = stats.parse_filters(filters, DEFAULTS)
	user = frappe.session.user
	show_amounts = stats.check_access(user)
	data = shape_rows(get_rows(filters, user, show_amounts), filters, show_amounts)
	period_totals = get_period_totals(filters, user, show_amounts)
	return (
		get_columns(filters, show_amounts),
		data,
		get_message(filters),
		get_chart(period_totals, filters, show_amounts),
		get_summary(period_totals[0] if period_totals else None, show_amounts),
	)


ROW_FIELDS = ["period_start", "group_key", "order_count", "qty", "group_name", "amount"]


def get_rows(filters: frappe._dict, user: str, show_amounts: bool) -> list[list]:
	"""[period start, group, orders, quantity, group name, amount (if shown)] per period and group."""
	sales = stats.sales_query(
		filters, user, with_items=filters.group_by == stats.PRODUCT, group_by=filters.group_by
	)
	rows = []
	for query, whole, one_period in sales.parts():
		group_field, name_field, query = _group_fields(sales, filters.group_by, query)
		period = _period(sales, filters, whole)
		# A month's row of a customer is the month's figures of the customer: read in the order
		# of the rollup's key (grain, span, day, customer, ...), the rows need no sorting.
		in_key_order = whole and sales.one_row_per(filters.group_by)
		if in_key_order:
			orders, qty, amount = sales.row_figures()
			# No name where it is the key itself (a customer named by its name): shape_rows
			# shows none there, and tens of thousands of rows come shorter.
			name = _NameBesides(name_field, group_field)
		else:
			orders, qty, amount = sales.order_count(), sales.qty(), sales.amount()
			name = fn.NullIf(fn.Max(name_field), "")
			if one_period:
				# The days at an edge of the range, all in one period: grouped by the group alone.
				period = ValueWrapper(one_period.isoformat()).as_("period_start")
				query = query.groupby(group_field)
			else:
				query = query.groupby(period, group_field)
		query = query.select(period, group_field.as_("group_key"), orders.as_("order_count"), qty.as_("qty"))
		query = query.select(name.as_("group_name"))
		if show_amounts:
			query = query.select(amount.as_("amount"))
		fields = ROW_FIELDS if show_amounts else ROW_FIELDS[:-1]
		rows += stats.fetch_rows(
			query, fields, order_by=None if in_key_order else ["period_start", "group_key"]
		)
	return rows


class _NameBesides(Term):
	"""The name, or NULL where it is empty or the same text as the key (compared byte for byte,
	not by the column's case-blind collation)."""

	def __init__(self, name: Term, key: Term):
		super().__init__()
		self.name, self.key = name, key

	def nodes_(self):
		yield self
		yield from self.name.nodes_()
		yield from self.key.nodes_()

	def get_sql(self, with_alias: bool = False, **kwargs) -> str:
		name, key = self.name.get_sql(**kwargs), self.key.get_sql(**kwargs)
		sql = f"IF(CAST({name} AS BINARY)=CAST({key} AS BINARY),NULL,NULLIF({name},''))"
		return format_alias_sql(sql, self.alias, **kwargs) if with_alias else sql


def _period(sales, filters: frappe._dict, whole: bool):
	# Rows that each span one whole period start it: grouped by their own day, in the order of
	# the rollup's key, they need no sorting.
	start = sales.date if whole else stats.period_start(sales.date, filters.period)
	return start.as_("period_start")


def get_period_totals(filters: frappe._dict, user: str, show_amounts: bool) -> list[frappe._dict]:
	"""Figures per period, each row also carrying the grand totals (total_*)."""
	# Without a product filter an order's own totals equal the sums of its lines, so no join
	# (a draft without lines, counted only on request, adds an order with nothing in it).
	sales = stats.sales_query(filters, user, with_items=False)
	measures = [(sales.order_count(), "order_count"), (sales.qty(), "qty")]
	if show_amounts:
		measures.append((sales.amount(), "amount"))
	names = ["period_start", *(name for _measure, name in measures)]
	rows = []
	for query, whole, _one_period in sales.parts():
		period = _period(sales, filters, whole)
		query = query.select(period, *(measure.as_(name) for measure, name in measures)).groupby(period)
		# Figures as decimals: the grand totals add them up exactly.
		for row in stats.fetch_rows(query, names, order_by=["period_start"], exact=True):
			row = frappe._dict(zip(names, row, strict=True))
			row.period_start = _date(row.period_start)
			rows.append(row)
	# An order falls in exactly one period: the grand totals are the periods' sums.
	totals = {f"total_{name}": sum(row[name] or 0 for row in rows) for _measure, name in measures}
	for row in rows:
		row.update(totals)
	return rows


def _group_fields(sales, group_by: str, query):
	"""The group's key and name columns, and the query to read them from."""
	key, name = sales.dimension[group_by]
	if name is not None:
		return key, name, query
	# Clerks are named by their user's full name.
	user = DocType("User")
	return key, user.full_name, query.left_join(user).on(user.name == key)


def _date(value) -> datetime.date:
	# JSON gives ISO dates: parsed directly, not by getdate's general parser.
	return datetime.date.fromisoformat(value) if isinstance(value, str) else getdate(value)


def shape_rows(rows: list[list], filters: frappe._dict, show_amounts: bool) -> list[dict]:
	# Tens of thousands of rows over a few hundred periods: each period's label is made once.
	periods = {}
	shaped = []
	for start, group, orders, qty, group_name, *amount in rows:
		period = periods.get(start)
		if period is None:
			day = _date(start)
			period = periods[start] = (stats.period_label(day, filters.period), day)
		row = {
			"period": period[0],
			"period_start": period[1],
			"group_value": group,
			"group_name": group_name if group_name != group else None,
			"order_count": int(orders or 0),
			"qty": float(qty or 0),
		}
		if show_amounts:
			row["amount"] = float(amount[0] or 0)
		shaped.append(row)
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
