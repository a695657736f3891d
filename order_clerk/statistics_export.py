"""Order Statistics and Best-Selling Products for a period as one formatted workbook.

The figures are the reports' own: each sheet is written from the report's execute() with the
same filters, so the workbook shows exactly what the user would see in the desk, and nothing
the user may not see there. The totals row takes its figures from the report's summary, which
SQL computed (an order with several products counts once in the total).
"""

import io

from frappe import _
from openpyxl import Workbook
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from order_clerk.order_clerk.report.best_selling_products import best_selling_products
from order_clerk.order_clerk.report.order_statistics import order_statistics
from order_clerk.spreadsheet import neutralise_workbook

NUMBER_FORMATS = {
	"Int": "#,##0",
	"Float": "#,##0.###",
	"Currency": "#,##0.00",
	"Percent": '0.00"%"',
	"Date": "yyyy-mm-dd",
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))


def build_workbook(filters: dict) -> bytes:
	workbook = Workbook()
	columns, data, _message, _chart, summary = order_statistics.execute(dict(filters))
	write_sheet(workbook.active, _("Order Statistics"), columns, data, summary, _("Total"))
	columns, data, _message, _chart, summary = best_selling_products.execute(dict(filters))
	write_sheet(
		workbook.create_sheet(), _("Best-Selling Products"), columns, data, summary, _("All products")
	)
	# Customer, product and clerk names are typed by users.
	neutralise_workbook(workbook)
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


def write_sheet(
	sheet, title: str, columns: list[dict], data: list[dict], summary: list[dict], total_label: str
):
	# Excel allows 31 characters in a sheet name.
	sheet.title = title[:31]
	sheet.append([column["label"] for column in columns])
	for cell in sheet[1]:
		cell.font = Font(bold=True)
		cell.fill = HEADER_FILL
	sheet.freeze_panes = "A2"
	for row in data:
		sheet.append([row.get(column["fieldname"]) for column in columns])
	totals = {item["fieldname"]: item["value"] for item in summary if item.get("fieldname")}
	sheet.append([totals.get(column["fieldname"]) for column in columns])
	total_row = sheet.max_row
	sheet.cell(row=total_row, column=1, value=total_label)
	for cell in sheet[total_row]:
		cell.font = Font(bold=True)
		cell.border = TOTAL_BORDER
	for index, column in enumerate(columns, start=1):
		letter = get_column_letter(index)
		sheet.column_dimensions[letter].width = max(10, round(column.get("width", 100) / 7))
		number_format = NUMBER_FORMATS.get(column["fieldtype"])
		if number_format:
			for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
				cell.number_format = number_format
