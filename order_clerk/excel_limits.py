"""Limits on an uploaded import workbook (README: "Importing orders from Excel").

A workbook is a zip of XML that anyone can write by hand: before openpyxl reads it, its size,
its unpacked size, its compression ratio and the rows and columns its sheets really use are
checked against the limits below, so that no file can tie up or exhaust a worker. The sheet's
own declaration of its size (<dimension>) is refused when beyond the limits and never trusted
otherwise.
"""

import io
import re
import zipfile
from xml.etree import ElementTree

import frappe
from frappe import _
from frappe.utils import escape_html
from openpyxl.utils import column_index_from_string

from order_clerk.exceptions import WorkbookTooLargeError

# Limits on an uploaded workbook (README: "Importing orders from Excel").
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # for a part of more than RATIO_FROM_BYTES unpacked
RATIO_FROM_BYTES = 1024 * 1024
MAX_ROWS = 20_000  # per sheet, header included
MAX_COLUMNS = 50

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def check_limits(content: bytes, file_name: str) -> int:
	"""Refuse a workbook beyond the import limits, before anything parses it; its unpacked size."""
	if len(content) > MAX_FILE_BYTES:
		_refuse(
			_("{0} is {1}; an import file may be at most {2}.").format(
				escape_html(file_name), _size(len(content)), _size(MAX_FILE_BYTES)
			)
		)
	try:
		archive = zipfile.ZipFile(io.BytesIO(content))
		parts = archive.infolist()
	except (zipfile.BadZipFile, ValueError, OSError):
		not_a_workbook(file_name)
	unpacked = sum(part.file_size for part in parts)
	if unpacked > MAX_UNPACKED_BYTES:
		_refuse(
			_("{0} unpacks to {1}; an import file may unpack to at most {2}.").format(
				escape_html(file_name), _size(unpacked), _size(MAX_UNPACKED_BYTES)
			)
		)
	for part in parts:
		if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_COMPRESSION_RATIO * part.compress_size:
			_refuse(
				_(
					"{0} is compressed more than {1} to 1; an import file may be compressed at most {1} to 1."
				).format(escape_html(file_name), MAX_COMPRESSION_RATIO)
			)
	for part in parts:
		# Every part, wherever the workbook says its sheets are: only sheets hold rows and cells.
		_check_sheet_extent(archive, part, file_name)
	return unpacked


def _check_sheet_extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo, file_name: str):
	"""The rows and columns a sheet declares and those it really uses, within the limits."""
	row_number = column_number = 0
	open_elements = []
	try:
		with archive.open(part) as source:
			for event, element in ElementTree.iterparse(source, events=("start", "end")):
				if event == "end":
					# Forget each element once read, so that memory does not grow with the part.
					open_elements.pop()
					if open_elements:
						open_elements[-1].remove(element)
					continue
				open_elements.append(element)
				if element.tag == f"{SHEET_NS}dimension":
					last = (element.get("ref") or "").split(":")[-1]
					if last:
						_check_extent(file_name, *_cell_position(last), declared=True)
				elif element.tag == f"{SHEET_NS}row":
					row_number = int(element.get("r") or row_number + 1)
					column_number = 0
					_check_extent(file_name, row_number, 0)
				elif element.tag == f"{SHEET_NS}c":
					ref = element.get("r")
					column_number = _cell_position(ref)[1] if ref else column_number + 1
					_check_extent(file_name, row_number, column_number)
	except ElementTree.ParseError:
		if part.filename.endswith(".xml"):
			not_a_workbook(file_name)
	except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
		# Damaged, encrypted or compressed in a way zipfile cannot read.
		not_a_workbook(file_name)


def _cell_position(ref: str) -> tuple[int, int]:
	"""(row, column) of a reference such as B7 or $XFD$1048576."""
	match = CELL_REF.match(ref.strip())
	if not match:
		raise ValueError(ref)
	return int(match.group(2)), column_index_from_string(match.group(1).upper())


def _check_extent(file_name: str, row: int, column: int, declared: bool = False):
	if row > MAX_ROWS:
		message = (
			_("{0} declares a sheet of {1} rows; an import file may have at most {2} rows per sheet.")
			if declared
			else _(
				"{0} has a sheet with {1} rows or more; an import file may have at most {2} rows per sheet."
			)
		)
		_refuse(message.format(escape_html(file_name), row, MAX_ROWS))
	if column > MAX_COLUMNS:
		message = (
			_("{0} declares a sheet of {1} columns; an import file may have at most {2} columns per sheet.")
			if declared
			else _(
				"{0} has a sheet with {1} columns or more; an import file may have at most {2} columns per sheet."
			)
		)
		_refuse(message.format(escape_html(file_name), column, MAX_COLUMNS))


def _size(size: int) -> str:
	return _("{0} MB").format(f"{size / 1024 / 1024:.1f}")


def _refuse(message: str):
	frappe.throw(message, WorkbookTooLargeError, title=_("File Too Large"))


def not_a_workbook(file_name: str):
	frappe.throw(
		_("{0} is not an Excel workbook (.xlsx).").format(escape_html(file_name)), title=_("Invalid File")
	)
