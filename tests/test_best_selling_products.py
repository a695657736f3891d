"""Best-Selling Products against figures computed independently from a known data set."""

import datetime

import frappe
import pytest
from frappe.utils import flt

from order_clerk.order_clerk.report.best_selling_products.best_selling_products import execute
from tests.sales_data import expected_products, run_report

D = datetime.date


def run(sales, customer: str, **filters) -> tuple:
	return run_report(execute, sales, customer, **filters)


def expected_rows(sales, customer: str, rank_by: str, top_n: int, **kwargs) -> list[tuple]:
	products = expected_products(sales, customer, **kwargs)
	total_qty = sum(qty for _orders, qty, _amount in products.values())
	total_amount = sum(amount for _orders, _qty, amount in products.values())
	measure = 1 if rank_by == "Quantity" else 2
	ranked = sorted(products.items(), key=lambda item: (-item[1][measure], item[0]))[:top_n]
	return [
		(
			rank,
			product,
			orders,
			qty,
			flt(qty * 100 / total_qty, 4),
			amount,
			flt(amount * 100 / total_amount, 4),
		)
		for rank, (product, (orders, qty, amount)) in enumerate(ranked, start=1)
	]


def rows(data) -> list[tuple]:
	return [
		(r["rank"], r["product"], r["order_count"], r["qty"], r["qty_share"], r["amount"], r["amount_share"])
		for r in data
	]


@pytest.mark.parametrize("rank_by", ["Quantity", "Amount"])
def test_top_products_with_their_share(sales, rank_by):
	measure = "qty" if rank_by == "Quantity" else "amount"
	for top_n in (1, 2, 10):
		for customer in ("a", "b"):
			_columns, data, _message, chart, _summary = run(sales, customer, rank_by=rank_by, top_n=top_n)
			expected = expected_rows(sales, customer, rank_by, top_n)
			assert rows(data) == expected, (customer, rank_by, top_n)
			assert len(data) == min(top_n, 3)
			assert chart["data"]["labels"] == [row[1] for row in expected]
			assert chart["data"]["datasets"][0]["values"] == [r[measure] for r in data]


def test_ranking_by_amount_differs_from_quantity(sales):
	by_qty = [row["product"] for row in run(sales, "b", rank_by="Quantity")[1]]
	by_amount = [row["product"] for row in run(sales, "b", rank_by="Amount")[1]]
	x, y, z = (sales.products[key] for key in "xyz")
	# Customer B bought 12 of Z (399.00), 6 of X (75.00) and 3 of Y (300.00).
	assert by_qty == [z, x, y]
	assert by_amount == [z, y, x]


def test_summary_covers_all_products_of_the_period(sales):
	_columns, data, _message, _chart, summary = run(sales, "b", top_n=1)
	assert len(data) == 1
	assert [(card["label"], card["value"]) for card in summary] == [
		("Products Sold", 3),
		("Total Quantity", 21.0),
		("Total Amount", 774.0),
	]
	assert data[0]["qty_share"] == flt(12 * 100 / 21, 4)


def test_unapproved_orders_only_on_request(sales):
	for include in (0, 1):
		_columns, data, *_ = run(sales, "b", include_unapproved=include)
		assert rows(data) == expected_rows(sales, "b", "Quantity", 10, include_unapproved=bool(include))
	# The pending order of 2025-02-10 adds 3 of Z; the cancelled one's 70 of X never count.
	assert run(sales, "b", include_unapproved=1)[1][0]["qty"] == 15.0


def test_range_edges_and_empty_range(sales):
	_columns, data, *_ = run(sales, "b", from_date=D(2025, 1, 1), to_date=D(2025, 3, 31))
	assert rows(data) == expected_rows(
		sales, "b", "Quantity", 10, from_date=D(2025, 1, 1), to_date=D(2025, 3, 31)
	)
	assert [row["product"] for row in data] == [sales.products["z"], sales.products["x"]]
	_columns, data, _message, chart, summary = run(
		sales, "a", from_date=D(2025, 6, 1), to_date=D(2025, 6, 30)
	)
	assert data == []
	assert chart["data"]["labels"] == []
	assert [card["value"] for card in summary] == [0, 0.0, 0.0]


def test_top_n_is_bounded(sales):
	assert len(run(sales, "a", top_n=0)[1]) == 1
	assert len(run(sales, "a", top_n=-5)[1]) == 1


def test_bad_rank_is_refused():
	with pytest.raises(frappe.ValidationError):
		execute({"from_date": "2025-01-01", "to_date": "2025-02-01", "rank_by": "Colour"})
