"""The workspace's sales number card and charts, read from the sales rollup.

"Sales This Month" (a Custom number card calling `sales_amount`) and the charts "Monthly Sales"
and "Orders by Channel" (Custom charts of the source "Approved Sales", calling `chart_data`) sum
approved orders. Each keeps the definition of the Document Type card or chart it replaced — the
card's function and field, the chart's date field, value field and group-by field — and gives the
same figures: where the rollup holds what is asked (approved orders, filtered by order date,
channel or customer, for a user whose row scope it can express, who is not restricted by User
Permissions and, for amounts, may read them) from the rollup; otherwise from the orders, through
Frappe's own number card and chart code with that definition, so that figures and permissions
stay Frappe's.
"""

import frappe
from frappe.desk.doctype.dashboard_chart import dashboard_chart as frappe_chart
from frappe.desk.doctype.number_card.number_card import get_result as frappe_card_result
from frappe.model.document import Document
from frappe.query_builder import Order
from frappe.utils import flt, get_datetime, get_timespan_date_range, getdate, now_datetime
from frappe.utils.data import format_date, get_filter
from frappe.utils.dateutils import get_from_date_from_timespan, get_period, get_period_beginning

from order_clerk import sales_statistics as stats
from order_clerk.permissions import can_read_amounts
from order_clerk.sales_rollup_query import RollupNotApplicable, RollupQuery

ORDER = "OC Order"
# The dimensions the rollup holds, as order fields.
ROLLUP_FIELDS = {"channel": "channel", "customer": "customer"}


def _report_filters(filters: list[frappe._dict]) -> frappe._dict | None:
	"""Filters on the orders (as get_filter gives them) as the sales reports' filters, or None
	where the rollup does not hold what they ask for. Only approved orders count."""
	result = frappe._dict(from_date=None, to_date=None)
	approved = False
	for f in filters:
		operator = (f.operator or "=").lower()
		if f.doctype != ORDER:
			return None
		if f.fieldname == "docstatus" and (operator, str(f.value)) in (("=", "1"), ("<", "2")):
			# "< 2" is Frappe's own "not cancelled", which approved orders are.
			approved = approved or operator == "="
		elif f.fieldname == "order_date" and (days := _date_range(operator, f.value)):
			first, last = days
			result.from_date = max(filter(None, (result.from_date, first)), default=None)
			result.to_date = min(filter(None, (result.to_date, last)), default=None)
		elif f.fieldname in ROLLUP_FIELDS and operator == "=" and f.value:
			result[ROLLUP_FIELDS[f.fieldname]] = f.value
		else:
			return None
	if not approved or (result.from_date and result.to_date and result.from_date > result.to_date):
		return None
	return result


def _date_range(operator: str, value) -> tuple | None:
	"""(first, last) day of an order date condition, either end None where open."""
	if operator == "timespan":
		days = get_timespan_date_range(str(value).lower())
		return (getdate(days[0]), getdate(days[1])) if days else None
	if operator == "between" and isinstance(value, list | tuple) and len(value) == 2 and all(value):
		return getdate(value[0]), getdate(value[1])
	if operator in (">=", "<=", "=") and value:
		day = getdate(value)
		return {">=": (day, None), "<=": (None, day), "=": (day, day)}[operator]
	return None


def rollup_query(filters, user: str, amounts: bool, group_by: str | None = None, period: str | None = None):
	"""The rollup's rows for `filters` (sales_rollup_query.RollupQuery), each inside one `period`,
	or None where the orders must be read instead."""
	if stats.user_permission_doctypes(user) or (amounts and not can_read_amounts(user)):
		return None
	report_filters = _report_filters(_filter_list(filters))
	if report_filters is None:
		return None
	try:
		report_filters.update(group_by=group_by, period=period)
		return RollupQuery(report_filters, user, with_items=False)
	except RollupNotApplicable:
		return None


def _check_read():
	if not frappe.has_permission(ORDER, "read"):
		frappe.throw(frappe._("You are not permitted to read orders."), frappe.PermissionError)


# the number card


@frappe.whitelist()
def sales_amount(filters: str | list | dict | None = None) -> dict:
	"""Custom number card: the amount of the approved orders matching `filters`."""
	_check_read()
	filters = frappe.parse_json(filters) or []
	sales = rollup_query(filters, frappe.session.user, amounts=True)
	if sales:
		value = flt(sales.query.select(sales.amount()).run()[0][0])
	else:
		card = {"document_type": ORDER, "function": "Sum", "aggregate_function_based_on": "grand_total"}
		value = frappe_card_result(card, filters)
	return {"value": value, "fieldtype": "Currency", **_route(filters)}


def _route(filters) -> dict:
	"""Where the card leads: the orders it counts, as a Document Type card does."""
	route_options = {
		f"{f.doctype}.{f.fieldname}": [f.operator, f.value] for f in _filter_list(filters) if f.doctype
	}
	return {"route": ["List", ORDER], "route_options": route_options}


def _filter_list(filters) -> list[frappe._dict]:
	if isinstance(filters, dict):
		return [get_filter(ORDER, {field: value}) for field, value in filters.items()]
	return [get_filter(ORDER, f) for f in filters or []]


# the charts: Frappe's dashboard_chart.get, with the rows from the rollup where it holds them


def chart_data(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | None = None,
	filters: str | list | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
) -> dict | None:
	"""A chart of approved orders: a time series of the chart's value field (summed) or of their
	number by its date field, or their number (or summed field) per value of its group-by field."""
	_check_read()
	if chart_name:
		chart = frappe.get_doc("Dashboard Chart", chart_name)
	elif not isinstance(chart, Document):
		chart = frappe._dict(frappe.parse_json(chart))
	timespan = timespan or chart.timespan
	if timespan == "Select Date Range":
		from_date = get_datetime(from_date) if from_date else chart.from_date
		to_date = get_datetime(to_date) if to_date else get_datetime(chart.to_date)
	filters = frappe.parse_json(filters) or frappe.parse_json(chart.filters_json) or []
	filters = _filter_list(filters)
	# Approved orders only, whatever the filters say.
	filters = [f for f in filters if f.fieldname != "docstatus"] + [frappe._dict(
		doctype=ORDER, fieldname="docstatus", operator="=", value=1)]  # fmt: skip
	filters = [[f.doctype, f.fieldname, f.operator, f.value, False] for f in filters]
	if chart.timeseries:
		return _time_series(
			chart, filters, timespan, time_interval or chart.time_interval, from_date, to_date
		)
	return _groups(chart, filters)


def _time_series(chart, filters, timespan, timegrain, from_date, to_date) -> dict:
	if not from_date:
		from_date = get_period_beginning(get_from_date_from_timespan(to_date, timespan), timegrain)
	if not to_date:
		to_date = now_datetime()
	from_date = from_date.strftime("%Y-%m-%d")
	chart_type = "Sum" if chart.value_based_on else "Count"
	filters = [
		*filters,
		[ORDER, chart.based_on, ">=", from_date, False],
		[ORDER, chart.based_on, "<=", to_date, False],
	]
	# Frappe adds up each day's sum as a whole number: read the days, never longer spans.
	sales = (
		chart.based_on == "order_date"
		and chart.value_based_on in ("grand_total", None, "")
		and rollup_query(filters, frappe.session.user, amounts=chart_type == "Sum", period=stats.DAILY)
	)
	if sales:
		day = sales.date
		value = sales.amount() if chart_type == "Sum" else sales.order_count()
		query = sales.query.select(day, value, sales.order_count())
		data = query.groupby(day).orderby(day).run(as_list=True)
	else:
		data = frappe.get_list(
			ORDER,
			fields=[chart.based_on, f"SUM({chart.value_based_on or '1'})", "COUNT(*)"],
			filters=filters,
			group_by=chart.based_on,
			order_by=chart.based_on,
			as_list=True,
		)
	result = frappe_chart.get_result(data, timegrain, from_date, to_date, chart_type)
	return {
		"labels": [
			format_date(get_period(r[0], timegrain), parse_day_first=True)
			if timegrain in ("Daily", "Weekly")
			else get_period(r[0], timegrain)
			for r in result
		],
		"datasets": [{"name": chart.name, "values": [r[1] for r in result]}],
	}


def _groups(chart, filters) -> dict | None:
	field = chart.group_by_based_on
	sales = (
		field in ROLLUP_FIELDS
		and (chart.group_by_type or "Count") == "Count"
		and rollup_query(filters, frappe.session.user, amounts=False, group_by=field.title())
	)
	if not sales:
		definition = frappe._dict(chart, chart_type="Group By", document_type=ORDER)
		return frappe_chart.get_group_by_chart_config(definition, filters)
	key = sales.dimension[field.title()][0]
	count = sales.order_count()
	query = sales.query.select(key, count).groupby(key).orderby(count, order=Order.desc).orderby(key)
	data = query.run()
	if not data:
		return None
	return {
		"labels": [name or None for name, _count in data],
		"datasets": [{"name": chart.name, "values": [int(count) for _name, count in data]}],
	}
