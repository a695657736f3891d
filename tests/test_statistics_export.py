"""The statistics workbook holds the reports' own figures, formatted."""

import datetime
import io

import frappe
import openpyxl
import pytest

from order_clerk import api
from order_clerk.order_clerk.report.best_selling_products import best_selling_products
from order_clerk.order_clerk.report.order_statistics import order_statistics
from tests.sales_data import FROM_DATE, TO_DATE


def export(**filters) -> openpyxl.Workbook:
	frappe.local.response = frappe._dict()
	api.export_statistics(**filters)
	response = frappe.local.response
	assert response.type == "binary"
	assert response.filename == f"order-statistics-{filters['from_date']}-{filters['to_date']}.xlsx"
	return openpyxl.load_workbook(io.BytesIO(response.filecontent))


def cell_value(value):
	# Excel has no date type of its own: openpyxl reads dates back as datetimes.
	return value.date() if isinstance(value, datetime.datetime) else value


def sheet_rows(sheet) -> list[tuple]:
	return [tuple(cell_value(v) for v in row) for row in sheet.iter_rows(values_only=True)]


def expected_rows(columns, data, summary, total_label) -> list[tuple]:
	totals = {card["fieldname"]: card["value"] for card in summary if card.get("fieldname")}
	total_row = [totals.get(column["fieldname"]) for column in columns]
	total_row[0] = total_label
	return [
		tuple(column["label"] for column in columns),
		*[tuple(row.get(column["fieldname"]) for column in columns) for row in data],
		tuple(total_row),
	]


@pytest.mark.parametrize("profile", ["clerk", "warehouse"])
def test_export_holds_the_figures_of_both_reports(sales, people, profile):
	frappe.set_user(people[profile])
	filters = {
		"from_date": str(FROM_DATE),
		"to_date": str(TO_DATE),
		"customer": sales.customers["a"],
		"period": "Weekly",
		"group_by": "Product",
		"top_n": 2,
	}
	book = export(**filters)
	assert book.sheetnames == ["Order Statistics", "Best-Selling Products"]

	columns, data, _message, _chart, summary = order_statistics.execute(dict(filters))
	sheet = book["Order Statistics"]
	assert sheet_rows(sheet) == expected_rows(columns, data, summary, "Total")
	assert sheet.freeze_panes == "A2"
	assert len(data) == 6
	assert sheet.max_row == len(data) + 2

	columns, data, _message, _chart, summary = best_selling_products.execute(dict(filters))
	sheet = book["Best-Selling Products"]
	assert sheet_rows(sheet) == expected_rows(columns, data, summary, "All products")
	assert sheet.freeze_panes == "A2"
	assert len(data) == 2

	labels = [cell.value for cell in book["Order Statistics"][1]]
	assert ("Amount" in labels) == (profile == "clerk")


def test_export_formats(sales, people):
	frappe.set_user(people.finance)
	book = export(from_date=str(FROM_DATE), to_date=str(TO_DATE), customer=sales.customers["b"])
	statistics = book["Order Statistics"]
	header = [cell.value for cell in statistics[1]]
	assert header == ["Period", "Period Start", "Customer", "Name", "Number of Orders", "Quantity", "Amount"]
	assert all(cell.font.b for cell in statistics[1])
	formats = {header[index]: statistics.cell(row=2, column=index + 1).number_format for index in range(7)}
	assert (formats["Period Start"], formats["Number of Orders"], formats["Quantity"], formats["Amount"]) == (
		"yyyy-mm-dd",
		"#,##0",
		"#,##0.###",
		"#,##0.00",
	)
	totals = [cell.value for cell in statistics[statistics.max_row]]
	assert totals == ["Total", None, None, None, 4, 21, 774]
	best = book["Best-Selling Products"]
	assert best.cell(row=2, column=7).number_format == '0.00"%"'
	assert [cell.value for cell in best[best.max_row]][:1] == ["All products"]


def test_export_needs_the_reports(people):
	for profile in ("integrator", "norole"):
		frappe.set_user(people[profile])
		with pytest.raises(frappe.PermissionError):
			api.export_statistics(from_date="2025-01-01", to_date="2025-01-31")


def workbook_rows(**filters) -> dict:
	book = export(**filters)
	return {name: sheet_rows(book[name]) for name in book.sheetnames}


@pytest.mark.parametrize("profile", ["clerk", "warehouse", "finance"])
def test_export_reads_the_rollup_with_the_figures_of_the_lines(sales, people, profile):
	filters = {
		"from_date": str(FROM_DATE),
		"to_date": str(TO_DATE),
		"period": "Monthly",
		"group_by": "Customer",
	}
	frappe.set_user(people[profile])
	from_rollup = workbook_rows(**filters)
	frappe.flags.oc_sales_from_lines = True
	try:
		from_lines = workbook_rows(**filters)
	finally:
		frappe.flags.oc_sales_from_lines = False
	assert from_rollup == from_lines
	assert len(from_rollup["Order Statistics"]) > 3
	# What it reads is the rollup: a change there alone shows in the workbook.
	frappe.db.sql(
		"update `tabOC Sales Rollup` set qty = qty + 1000 where customer = %s", sales.customers["a"]
	)
	assert workbook_rows(**filters) != from_rollup
