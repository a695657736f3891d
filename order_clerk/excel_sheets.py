"""The order import workbook: its sheets and columns, the template, and reading its cells.

Sheet "Orders" holds one row per order (header fields), sheet "Lines" one row per order line;
both carry the order's external reference, which groups the lines into orders. Headers are
recognised by their English label, their label in the user's language, or the field name, so a
template downloaded in one language can be filled in and uploaded by a user of another.
"""

import datetime
import io
import math
from typing import NamedTuple

import frappe
from frappe import _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from order_clerk.spreadsheet import neutralise_workbook

ORDERS_SHEET = "Orders"
LINES_SHEET = "Lines"
LISTS_SHEET = "Lists"
DEFAULT_CHANNEL = "Excel Import"
TEMPLATE_ROWS = 1000


class Column(NamedTuple):
	fieldname: str
	label: str
	required: bool
	kind: str  # text, date, quantity, rate, channel, customer, product
	width: int


ORDER_COLUMNS = (
	Column("external_ref", "External Reference", True, "text", 22),
	Column("channel", "Channel", False, "channel", 16),
	Column("customer", "Customer", True, "customer", 30),
	Column("customer_po", "Customer PO", False, "text", 18),
	Column("order_date", "Order Date", False, "date", 14),
	Column("delivery_date", "Delivery Date", False, "date", 14),
	Column("payment_terms", "Payment Terms", False, "text", 18),
	Column("delivery_address", "Delivery Address", False, "text", 36),
	Column("contact_person", "Contact Person", False, "text", 16),
	Column("contact_phone", "Contact Phone", False, "text", 16),
	Column("contact_email", "Contact Email", False, "text", 26),
	Column("remarks", "Remarks", False, "text", 30),
)

LINE_COLUMNS = (
	Column("external_ref", "External Reference", True, "text", 22),
	Column("product", "Product", True, "product", 20),
	Column("qty", "Quantity", True, "quantity", 12),
	Column("rate", "Unit Price", False, "rate", 12),
	Column("specification", "Specification", False, "text", 22),
	Column("price_deviation_reason", "Price Deviation Reason", False, "text", 30),
)

SHEET_COLUMNS = {ORDERS_SHEET: ORDER_COLUMNS, LINES_SHEET: LINE_COLUMNS}

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")


def channels() -> list[str]:
	return frappe.get_meta("OC Order").get_field("channel").options.split("\n")


def sheet_title(sheet: str) -> str:
	"""The sheet's name in the user's language; the English name is read as well."""
	return _(sheet)


# template


def build_template() -> bytes:
	workbook = Workbook()
	orders = workbook.active
	orders.title = sheet_title(ORDERS_SHEET)
	lines = workbook.create_sheet(sheet_title(LINES_SHEET))
	lists = workbook.create_sheet(sheet_title(LISTS_SHEET))
	for sheet, columns in ((orders, ORDER_COLUMNS), (lines, LINE_COLUMNS)):
		_write_header(sheet, columns)

	channel_range = _write_list(lists, 1, _("Channel"), channels())
	# Only products the user may read: an integrator, which reads none, learns no product codes here.
	products = (
		frappe.get_list("OC Product", filters={"disabled": 0}, order_by="name", pluck="name")
		if frappe.has_permission("OC Product", "read")
		else []
	)
	product_range = _write_list(lists, 2, _("Product"), products)
	lists.sheet_state = "hidden"

	_add_list_validation(orders, ORDER_COLUMNS, "channel", channel_range)
	_add_list_validation(lines, LINE_COLUMNS, "product", product_range)

	neutralise_workbook(workbook)
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


def _write_header(sheet, columns: tuple[Column, ...]):
	for index, column in enumerate(columns, start=1):
		cell = sheet.cell(row=1, column=index, value=_(column.label))
		cell.fill = HEADER_FILL
		cell.font = REQUIRED_FONT if column.required else Font(bold=True)
		sheet.column_dimensions[get_column_letter(index)].width = column.width
		if column.kind == "date":
			for row in range(2, TEMPLATE_ROWS + 2):
				sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
	sheet.freeze_panes = "A2"


def _write_list(sheet, column: int, title: str, values: list[str]) -> str | None:
	sheet.cell(row=1, column=column, value=title)
	for row, value in enumerate(values, start=2):
		sheet.cell(row=row, column=column, value=value)
	if not values:
		return None
	letter = get_column_letter(column)
	return f"'{sheet.title}'!${letter}$2:${letter}${len(values) + 1}"


def _add_list_validation(sheet, columns, fieldname: str, source: str | None):
	if not source:
		return
	letter = get_column_letter(next(i for i, c in enumerate(columns, start=1) if c.fieldname == fieldname))
	validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
	validation.error = _("Choose a value from the list.")
	validation.errorTitle = _("Invalid Value")
	validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
	sheet.add_data_validation(validation)


# reading


def find_sheet(workbook, sheet: str):
	for name in (sheet, sheet_title(sheet)):
		if name in workbook.sheetnames:
			return workbook[name]
	return None


def header_aliases(columns: tuple[Column, ...]) -> dict[str, Column]:
	aliases = {}
	for column in columns:
		for alias in (column.fieldname, column.label, _(column.label)):
			aliases[_normalise_header(alias)] = column
	return aliases


def _normalise_header(text) -> str:
	return str(text or "").strip().rstrip("*").strip().casefold()


def match_header(text, aliases: dict[str, Column]) -> Column | None:
	return aliases.get(_normalise_header(text))


class CellError(ValueError):
	"""A cell whose value cannot be read as its column needs."""


def read_value(value, column: Column, channel_options: dict[str, str]):
	"""The cell's value as the order needs it, None when empty, or CellError."""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None
	if column.kind == "date":
		return _read_date(value)
	if column.kind in ("quantity", "rate"):
		return _read_number(value, column)
	text = _read_text(value)
	if column.kind == "channel":
		channel = channel_options.get(text.casefold())
		if not channel:
			raise CellError(
				_("Channel {0} is not one of {1}.").format(text, ", ".join(channel_options.values()))
			)
		return channel
	return text


def channel_options() -> dict[str, str]:
	"""Each channel under its own name and its name in the user's language."""
	options = {}
	for channel in channels():
		options[channel.casefold()] = channel
		options[_(channel).casefold()] = channel
	return options


def _read_text(value) -> str:
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	if isinstance(value, datetime.datetime | datetime.date):
		value = value.isoformat()
	return str(value).strip()


def _read_date(value) -> datetime.date:
	if isinstance(value, datetime.datetime):
		return value.date()
	if isinstance(value, datetime.date):
		return value
	text = str(value).strip().replace("/", "-").replace(".", "-")
	try:
		year, month, day = (int(part) for part in text.split("-"))
		return datetime.date(year, month, day)
	except ValueError:
		raise CellError(_("{0} is not a date; write it as YYYY-MM-DD.").format(value)) from None


def _read_number(value, column: Column) -> float:
	if isinstance(value, bool):
		number = None
	elif isinstance(value, int | float):
		number = float(value)
	else:
		try:
			number = float(str(value).strip().replace(",", ""))
		except ValueError:
			number = None
	if number is None or not math.isfinite(number):
		raise CellError(_("{0} is not a number.").format(value))
	if column.kind == "quantity" and number <= 0:
		raise CellError(_("The quantity must be greater than 0."))
	if column.kind == "rate" and number < 0:
		raise CellError(_("The unit price cannot be negative."))
	return number
