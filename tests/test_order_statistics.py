"""Order Statistics against figures computed independently from a known data set."""

import datetime

import frappe
import pytest

from order_clerk.order_clerk.report.order_statistics.order_statistics import execute
from tests.sales_data import expected_statistics, run_report

D = datetime.date
GROUPS = ("Channel", "Customer", "Clerk", "Product")


def run(sales, customer: str, **filters) -> tuple:
	return run_report(execute, sales, customer, **filters)


def figures(data) -> dict:
	return {
		(row["period_start"], row["group_value"]): (row["order_count"], row["qty"], row["amount"])
		for row in data
	}


@pytest.mark.parametrize("period", ["Daily", "Weekly", "Monthly", "Quarterly"])
def test_figures_by_period_and_group(sales, period):
	for group_by in GROUPS:
		for customer in ("a", "b"):
			_columns, data, _message, _chart, _summary = run(
				sales, customer, period=period, group_by=group_by
			)
			expected = expected_statistics(sales, period, group_by, customer)
			assert figures(data) == expected, (period, group_by, customer)
			# One row per period and group, in period order.
			assert len(data) == len(expected)
			assert [row["period_start"] for row in data] == sorted(row["period_start"] for row in data)


def test_iso_week_edges(sales):
	_columns, data, *_ = run(sales, "a", period="Weekly", group_by="Customer")
	assert [(row["period"], row["period_start"], row["order_count"], row["qty"]) for row in data] == [
		("2024-W52", D(2024, 12, 23), 1, 12.0),  # Sunday 2024-12-29
		("2025-W01", D(2024, 12, 30), 1, 4.0),  # Monday 2024-12-30 starts ISO week 2025-W01
		("2025-W05", D(2025, 1, 27), 2, 23.0),  # Friday 2025-01-31 and Saturday 2025-02-01
	]
	_columns, data, *_ = run(sales, "b", period="Weekly", group_by="Customer")
	# Tuesday 2024-12-31 and Wednesday 2025-01-01: one week across the turn of the year.
	assert (data[0]["period"], data[0]["order_count"], data[0]["amount"]) == ("2025-W01", 2, 300.0 + 266.0)


def test_month_and_quarter_edges(sales):
	_columns, data, *_ = run(sales, "a", period="Monthly", group_by="Customer")
	assert [(row["period"], row["order_count"], row["amount"]) for row in data] == [
		("2024-12", 2, 325.0 + 50.0),
		("2025-01", 1, 250.0 + 66.5),  # 2025-01-31
		("2025-02", 1, 100.0),  # 2025-02-01
	]
	_columns, data, *_ = run(sales, "b", period="Quarterly", group_by="Customer")
	assert [(row["period"], row["period_start"], row["order_count"], row["amount"]) for row in data] == [
		("2024-Q4", D(2024, 10, 1), 1, 300.0),
		("2025-Q1", D(2025, 1, 1), 2, 266.0 + 75.0),  # 2025-01-01 and 2025-03-31
		("2025-Q2", D(2025, 4, 1), 1, 133.0),  # 2025-04-01
	]


def test_a_period_cut_by_the_range_counts_only_days_inside(sales):
	january = {"from_date": D(2025, 1, 1), "to_date": D(2025, 1, 31)}
	_columns, data, *_ = run(sales, "a", period="Weekly", group_by="Customer", **january)
	# Week 2025-W05 runs to Sunday 2025-02-02; the order of Saturday 2025-02-01 is outside.
	assert [(row["period"], row["order_count"], row["qty"]) for row in data] == [("2025-W05", 1, 22.0)]
	_columns, data, *_ = run(sales, "b", period="Weekly", group_by="Customer", **january)
	assert [(row["period"], row["order_count"], row["qty"]) for row in data] == [("2025-W01", 1, 8.0)]
	for customer in ("a", "b"):
		_columns, data, *_ = run(sales, customer, period="Monthly", group_by="Product", **january)
		assert figures(data) == expected_statistics(sales, "Monthly", "Product", customer, **january)


def test_empty_range(sales):
	columns, data, _message, chart, summary = run(
		sales, "a", period="Weekly", from_date=D(2025, 5, 1), to_date=D(2025, 5, 31)
	)
	assert data == []
	assert chart["data"] == {"labels": [], "datasets": [{"name": "Amount", "values": []}]}
	assert [(card["label"], card["value"]) for card in summary] == [
		("Number of Orders", 0),
		("Quantity", 0.0),
		("Amount", 0.0),
		("Average Order Amount", 0),
	]
	assert [c["fieldname"] for c in columns] == [
		"period",
		"period_start",
		"group_value",
		"group_name",
		"order_count",
		"qty",
		"amount",
	]


def test_summary_and_chart_hold_the_totals(sales):
	_columns, _data, _message, chart, summary = run(sales, "a", period="Monthly", group_by="Product")
	# Three approved orders of customer A hold product X, one of them also Z: the order count
	# is of orders, not of lines.
	assert [(card["label"], card["value"]) for card in summary] == [
		("Number of Orders", 4),
		("Quantity", 39.0),
		("Amount", 791.5),
		("Average Order Amount", 197.88),
	]
	assert chart["data"]["labels"] == ["2024-12", "2025-01", "2025-02"]
	assert chart["data"]["datasets"][0]["values"] == [375.0, 316.5, 100.0]
	assert chart["type"] == "line"


def test_unapproved_orders_only_on_request_and_cancelled_never(sales):
	for customer in ("a", "b"):
		for include in (0, 1):
			_columns, data, *_ = run(
				sales, customer, period="Monthly", group_by="Channel", include_unapproved=include
			)
			expected = expected_statistics(
				sales, "Monthly", "Channel", customer, include_unapproved=bool(include)
			)
			assert figures(data) == expected, (customer, include)
	_columns, data, *_ = run(sales, "a", period="Monthly", group_by="Customer", include_unapproved=1)
	assert [(row["period"], row["order_count"]) for row in data] == [
		("2024-12", 2),
		("2025-01", 2),  # with the draft of 2025-01-15
		("2025-02", 1),
	]


def test_other_filters(sales):
	_columns, data, *_ = run(sales, "b", period="Quarterly", group_by="Channel", channel="Sales Rep")
	assert figures(data) == {
		(D(2025, 1, 1), "Sales Rep"): (1, 6.0, 75.0),
		(D(2025, 4, 1), "Sales Rep"): (1, 4.0, 133.0),
	}
	_columns, data, *_ = run(sales, "a", period="Quarterly", group_by="Clerk", clerk=sales.people.clerk2)
	assert figures(data) == expected_statistics(
		sales, "Quarterly", "Clerk", "a", only_owner=sales.people.clerk2
	)
	assert {row["group_name"] for row in data} == {"clerk2"}
	_columns, data, *_ = run(sales, "a", period="Monthly", group_by="Customer", product=sales.products["x"])
	assert [(row["period"], row["order_count"], row["qty"], row["amount"]) for row in data] == [
		("2024-12", 2, 14.0, 175.0),
		("2025-01", 1, 20.0, 250.0),
	]


@pytest.mark.parametrize(
	"filters",
	[
		{"from_date": "2025-02-01", "to_date": "2025-01-01"},
		{"from_date": "2025-01-01", "to_date": "2025-02-01", "period": "Hourly"},
		{"from_date": "2025-01-01", "to_date": "2025-02-01", "group_by": "Colour"},
		{"from_date": "2025-01-01"},
	],
)
def test_bad_filters_are_refused(filters):
	with pytest.raises(frappe.ValidationError):
		execute(filters)
