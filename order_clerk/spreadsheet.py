"""Workbooks the app hands out: what a user typed stays text when someone opens it in Excel.

A cell whose text starts with "=", "+", "-" or "@" (or a tab or carriage return before one)
is read by spreadsheet programs as a formula, which can fetch URLs or run commands on the
reader's machine (formula injection). openpyxl itself turns a string starting with "=" into a
formula. Such strings are written as text cells with Excel's quote prefix, so they stay text
even when the reader edits the cell. Numbers, negative ones included, stay numbers.
"""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
	return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def write_as_text(cell):
	"""Store the cell's string as text, never as a formula."""
	cell.data_type = "s"
	cell.quotePrefix = True


def neutralise_formulas(worksheet):
	"""Every formula-like string of a worksheet the app wrote becomes text."""
	for row in worksheet.iter_rows():
		for cell in row:
			if is_formula_like(cell.value):
				write_as_text(cell)


def neutralise_workbook(workbook):
	for worksheet in workbook.worksheets:
		neutralise_formulas(worksheet)
