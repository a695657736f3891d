"""The sales number card and charts read the sales rollup and give what their Document Type
definitions gave, to every user."""

import json

import frappe
import pytest
from frappe.desk.doctype.dashboard_chart import dashboard_chart as frappe_chart
from frappe.desk.doctype.number_card.number_card import get_result as frappe_card_result
from frappe.utils import add_days, add_months, get_first_day, nowdate

from order_clerk import sales_dashboard
from order_clerk.order_clerk.dashboard_chart_source.approved_sales import approved_sales
from tests.utils import act, api_order_facts, make_customer, make_order, make_product

PROFILES = ("Administrator", "clerk", "clerk2", "reviewer", "finance", "warehouse", "integrator", "norole")


def as_document_type(name: str, chart_type: str) -> str:
	"""The chart as it was defined before it read the rollup."""
	definition = {**frappe.get_doc("Dashboard Chart", name).as_dict(), "chart_type": chart_type, "source": ""}
	return json.dumps(definition, default=str)


def outcome(function, *args, **kwargs):
	"""What a call gives: its result, or the kind of error it raises."""
	try:
		return function(*args, **kwargs)
	except Exception as e:
		return type(e)


def figures(chart, ranked: bool):
	"""A chart's labels with their values, in order; for a ranking, groups of equal value in any
	order, as Frappe's own GROUP BY ... ORDER BY count DESC gives them."""
	if not isinstance(chart, dict) or not ranked:
		return chart
	values = chart["datasets"][0]["values"]
	assert values == sorted(values, reverse=True)
	pairs = list(zip(chart["labels"], values, strict=True))
	return [sorted(pair for pair in pairs if pair[1] == value) for value in dict.fromkeys(values)]


def card_from_orders(filters):
	card = frappe.get_doc("Number Card", "Sales This Month").as_dict()
	return frappe_card_result(dict(card, type="Document Type"), filters)


@pytest.fixture
def sales(people):
	"""Approved, cancelled and pending orders this month and in the months before, by two clerks
	and an integrator, on several channels."""
	customer, other = make_customer(), make_customer()
	product = make_product(rate=12.35)
	today = nowdate()
	for clerk, order_date, channel, qty, state in (
		("clerk", today, "Phone", 3.5, "Approve"),
		("clerk2", get_first_day(today), "Email", 2, "Approve"),
		("clerk", add_months(today, -1), "Fax", 7, "Approve"),
		("clerk2", add_months(today, -5), "Phone", 1.25, "Approve"),
		("clerk", today, "Sales Rep", 11, "Cancel"),
		("clerk2", today, "Phone", 4, "Submit for Review"),
		("integrator", today, "API", 6, "Approve"),
	):
		frappe.set_user(people[clerk])
		order = make_order(
			customer if qty != 2 else other,
			product,
			order_date=order_date,
			delivery_date=add_days(order_date, 10),
			items=[{"product": product, "qty": qty, "rate": 12.35}],
			# Integrators learn no customer defaults: their orders state everything.
			**api_order_facts(channel=channel),
		)
		act(order.name, "Submit for Review")
		if state != "Submit for Review":
			frappe.set_user(people.reviewer)
			act(order.name, "Approve")
		if state == "Cancel":
			frappe.get_doc("OC Order", order.name).cancel()
	frappe.set_user("Administrator")
	return frappe._dict(customer=customer, other=other)


def test_the_card_and_charts_give_every_user_what_the_orders_gave(sales, people):
	card_filters = frappe.get_doc("Number Card", "Sales This Month").filters_json
	monthly = as_document_type("Monthly Sales", "Sum")
	channels = as_document_type("Orders by Channel", "Group By")
	for profile in PROFILES:
		frappe.set_user(people.get(profile, profile))
		card = outcome(sales_dashboard.sales_amount, card_filters)
		expected = outcome(card_from_orders, card_filters)
		assert (card["value"] if isinstance(card, dict) else card) == expected, profile
		for chart, original in (("Monthly Sales", monthly), ("Orders by Channel", channels)):
			ours = json.dumps(frappe.get_doc("Dashboard Chart", chart).as_dict(), default=str)
			ranked = chart == "Orders by Channel"
			mine = figures(outcome(approved_sales.get, chart=ours, no_cache=1), ranked)
			theirs = figures(outcome(frappe_chart.get, chart=original, no_cache=1), ranked)
			assert mine == theirs, json.dumps([profile, chart, mine, theirs], default=str)
	frappe.set_user("Administrator")
	# Something to compare: this month's approved orders, and channels to rank.
	assert card_from_orders(card_filters) >= 12.35 * 3.5
	by_channel = approved_sales.get(chart=channels, no_cache=1)["datasets"][0]["values"]
	assert by_channel == sorted(by_channel, reverse=True) and sum(by_channel) >= 5


def test_filters_the_rollup_holds_are_read_from_it_and_others_from_the_orders(sales, people):
	this_month = [["OC Order", "docstatus", "=", "1"], ["OC Order", "order_date", "Timespan", "this month"]]
	for extra in (
		[["OC Order", "customer", "=", sales.customer]],
		[["OC Order", "channel", "=", "Phone"]],
		[["OC Order", "order_date", "between", [add_months(nowdate(), -6), nowdate()]]],
		# Not in the rollup: read from the orders.
		[["OC Order", "delivery_date", ">=", nowdate()]],
		[["OC Order", "owner", "=", people.clerk]],
	):
		filters = this_month + extra
		assert sales_dashboard.sales_amount(filters)["value"] == card_from_orders(filters), extra
	assert sales_dashboard.rollup_query(this_month, "Administrator", amounts=True)
	for unanswerable in (
		this_month[1:],  # drafts and orders under review would count
		[*this_month, ["OC Order", "delivery_date", ">=", nowdate()]],
	):
		assert sales_dashboard.rollup_query(unanswerable, "Administrator", amounts=True) is None
	frappe.set_user(people.warehouse)
	assert sales_dashboard.rollup_query(this_month, people.warehouse, amounts=True) is None
	assert sales_dashboard.rollup_query(this_month, people.warehouse, amounts=False)


def test_the_card_and_charts_read_the_rollup(sales):
	card_filters = frappe.get_doc("Number Card", "Sales This Month").filters_json
	channels = json.dumps(frappe.get_doc("Dashboard Chart", "Orders by Channel").as_dict(), default=str)
	monthly = json.dumps(frappe.get_doc("Dashboard Chart", "Monthly Sales").as_dict(), default=str)
	before = (
		sales_dashboard.sales_amount(card_filters)["value"],
		approved_sales.get(chart=channels, no_cache=1),
		approved_sales.get(chart=monthly, no_cache=1)["datasets"][0]["values"][-1],
	)
	# A change to the rollup alone shows: it is what they read.
	frappe.db.sql(
		"""update `tabOC Sales Rollup` set amount = amount + 1000, orders = orders + 1
		where span = 'Month' and day = %s""",
		get_first_day(nowdate()),
	)
	frappe.db.sql(
		"update `tabOC Sales Rollup` set amount = amount + 1000 where span = 'Day' and day = %s", nowdate()
	)
	assert sales_dashboard.sales_amount(card_filters)["value"] == before[0] + 1000
	after = approved_sales.get(chart=channels, no_cache=1)
	assert sum(after["datasets"][0]["values"]) > sum(before[1]["datasets"][0]["values"])
	assert approved_sales.get(chart=monthly, no_cache=1)["datasets"][0]["values"][-1] == before[2] + 1000


def test_users_with_user_permissions_get_the_orders_figures(sales, people):
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": people.finance,
			"allow": "OC Customer",
			"for_value": sales.customer,
		}
	).insert(ignore_permissions=True)
	try:
		frappe.set_user(people.finance)
		card_filters = frappe.get_doc("Number Card", "Sales This Month").filters_json
		assert sales_dashboard.rollup_query(card_filters, people.finance, amounts=True) is None
		assert sales_dashboard.sales_amount(card_filters)["value"] == card_from_orders(card_filters)
	finally:
		frappe.db.rollback()
		frappe.cache.hdel("user_permissions", people.finance)


def test_the_card_leads_to_the_orders_it_counts():
	card_filters = frappe.get_doc("Number Card", "Sales This Month").filters_json
	result = sales_dashboard.sales_amount(card_filters)
	assert result["fieldtype"] == "Currency"
	assert result["route"] == ["List", "OC Order"]
	assert result["route_options"] == {
		"OC Order.docstatus": ["=", "1"],
		"OC Order.order_date": ["Timespan", "this month"],
	}


def test_charts_are_drawn_by_name_as_the_desk_asks_for_them(sales):
	channels = json.dumps(frappe.get_doc("Dashboard Chart", "Orders by Channel").as_dict(), default=str)
	fresh = approved_sales.get(chart=channels, no_cache=1)
	# Through Frappe's cache_source, as the chart widget calls it.
	assert approved_sales.get(chart_name="Orders by Channel") == fresh
	assert approved_sales.get(chart_name="Orders by Channel", refresh=1) == fresh
