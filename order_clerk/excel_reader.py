"""Reading a filled-in import workbook (order_clerk.excel_sheets) into orders: each external
reference becomes one group of header and lines, and every problem is kept with its sheet,
row and column (order_clerk.excel_import takes the groups in)."""

from typing import NamedTuple

import frappe
from frappe import _
from openpyxl.utils import get_column_letter

from order_clerk import excel_sheets as sheets


class Problem(NamedTuple):
	sheet: str
	row: int
	column: str  # letter, empty when the problem is with the sheet itself
	field: str
	message: str


class OrderGroup:
	"""One order of the workbook: its Orders row and its lines, each with the sheet rows."""

	def __init__(self, values: dict, row: int, letters: dict[str, str]):
		self.values = values
		self.row = row
		self.letters = letters
		self.lines: list[tuple[dict, int, dict[str, str]]] = []

	@property
	def external_ref(self) -> str:
		return self.values["external_ref"]

	@property
	def channel(self) -> str:
		return self.values.get("channel") or sheets.DEFAULT_CHANNEL


class WorkbookReader:
	"""Reads both sheets into order groups, collecting every problem instead of stopping."""

	def __init__(self, workbook):
		self.workbook = workbook
		self.problems: list[Problem] = []
		self.channel_options = sheets.channel_options()
		self.titles: dict[str, str] = {}

	def problem(self, sheet: str, row: int, column: str, field: str, message: str):
		title = self.titles.get(sheet) or sheets.sheet_title(sheet)
		self.problems.append(Problem(title, row, column, field, message))

	def read_sheet(self, sheet: str) -> list[tuple[dict, int, dict[str, str]]] | None:
		"""Rows of `sheet` as (values, row number, column letter by field); None if unreadable."""
		worksheet = sheets.find_sheet(self.workbook, sheet)
		if worksheet is None:
			self.problem(
				sheet, 1, "", "", _("The workbook has no sheet {0}.").format(sheets.sheet_title(sheet))
			)
			return None
		self.titles[sheet] = worksheet.title
		ignore_declared_size(worksheet)
		columns = self.read_header(sheet, worksheet)
		if columns is None:
			return None
		letters = {column.fieldname: get_column_letter(index) for index, column in columns.items()}
		rows = []
		cells_by_row = worksheet.iter_rows(min_row=2, max_col=max(columns), values_only=True)
		for row_number, cells in enumerate(cells_by_row, start=2):
			if all(value is None or str(value).strip() == "" for value in cells):
				continue
			values = {}
			for index, column in columns.items():
				raw = cells[index - 1] if index - 1 < len(cells) else None
				try:
					values[column.fieldname] = sheets.read_value(raw, column, self.channel_options)
				except sheets.CellError as e:
					self.problem(sheet, row_number, letters[column.fieldname], _(column.label), str(e))
					values[column.fieldname] = None
					continue
				if column.required and values[column.fieldname] is None:
					self.problem(
						sheet,
						row_number,
						letters[column.fieldname],
						_(column.label),
						_("{0} is required.").format(_(column.label)),
					)
			rows.append((values, row_number, letters))
		return rows

	def read_header(self, sheet: str, worksheet) -> dict | None:
		aliases = sheets.header_aliases(sheets.SHEET_COLUMNS[sheet])
		# Within the limits: check_limits refused a wider sheet before openpyxl read it.
		header = next(worksheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
		columns = {}
		for index, text in enumerate(header, start=1):
			if text is None or str(text).strip() == "":
				continue
			column = sheets.match_header(text, aliases)
			if column is None or column in columns.values():
				self.problem(
					sheet,
					1,
					get_column_letter(index),
					str(text),
					_("Column {0} is unknown or repeated; use the headers of the template.").format(text),
				)
				continue
			columns[index] = column
		missing = [c for c in sheets.SHEET_COLUMNS[sheet] if c.required and c not in columns.values()]
		for column in missing:
			self.problem(
				sheet,
				1,
				get_column_letter(len(header) + 1),
				_(column.label),
				_("Column {0} is missing.").format(_(column.label)),
			)
		return None if missing else columns

	def read_groups(self) -> list[OrderGroup]:
		groups: dict[str, OrderGroup] = {}
		for values, row, letters in self.read_sheet(sheets.ORDERS_SHEET) or []:
			ref = values.get("external_ref")
			if not ref:
				continue
			if ref in groups:
				self.problem(
					sheets.ORDERS_SHEET,
					row,
					letters["external_ref"],
					_("External Reference"),
					_("External reference {0} is already on row {1}.").format(ref, groups[ref].row),
				)
				continue
			groups[ref] = OrderGroup(values, row, letters)
		lines = self.read_sheet(sheets.LINES_SHEET)
		for values, row, letters in lines or []:
			ref = values.get("external_ref")
			if ref and ref not in groups:
				self.problem(
					sheets.LINES_SHEET,
					row,
					letters["external_ref"],
					_("External Reference"),
					_("No order on sheet {0} has external reference {1}.").format(
						sheets.sheet_title(sheets.ORDERS_SHEET), ref
					),
				)
			elif ref:
				groups[ref].lines.append((values, row, letters))
		for group in groups.values() if lines is not None else ():
			if not group.lines:
				self.order_problem(
					group, "external_ref", _("Order {0} has no lines.").format(group.external_ref)
				)
		self.check_dates(groups.values())
		self.check_masters(groups.values())
		return list(groups.values())

	def order_problem(self, group: OrderGroup, field: str, message: str):
		label = next(c.label for c in sheets.ORDER_COLUMNS if c.fieldname == field)
		self.problem(sheets.ORDERS_SHEET, group.row, group.letters.get(field, ""), _(label), message)

	def check_dates(self, groups):
		for group in groups:
			order_date = group.values.get("order_date")
			delivery_date = group.values.get("delivery_date")
			if order_date and delivery_date and delivery_date < order_date:
				self.order_problem(
					group,
					"delivery_date",
					_("Delivery Date {0} is before Order Date {1}.").format(delivery_date, order_date),
				)

	def check_masters(self, groups):
		"""Customers and products must exist and be enabled; two queries for the whole file."""
		customers = _enabled_names("OC Customer", {g.values.get("customer") for g in groups})
		products = _enabled_names(
			"OC Product", {line.get("product") for g in groups for line, _row, _letters in g.lines}
		)
		for group in groups:
			customer = group.values.get("customer")
			if customer and customer not in customers:
				self.order_problem(
					group, "customer", _("Customer {0} does not exist or is disabled.").format(customer)
				)
			for line, row, letters in group.lines:
				product = line.get("product")
				if product and product not in products:
					self.problem(
						sheets.LINES_SHEET,
						row,
						letters["product"],
						_("Product"),
						_("Product {0} does not exist or is disabled.").format(product),
					)


def ignore_declared_size(worksheet):
	"""Read a sheet by the cells it holds, not by the size it declares."""
	if hasattr(worksheet, "reset_dimensions"):
		worksheet.reset_dimensions()


def _enabled_names(doctype: str, names: set) -> set[str]:
	names = sorted(n for n in names if n)
	if not names:
		return set()
	return set(frappe.get_all(doctype, filters={"name": ("in", names), "disabled": 0}, pluck="name"))
