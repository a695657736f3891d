"""Workbooks in and out: what users typed stays text, and no upload can tie up a worker.

Out: every workbook the app hands out (import template, error report, statistics export)
writes a string that starts with =, +, -, @, a tab or a carriage return as a text cell with
Excel's quote prefix, never as a formula; numbers stay numbers. Asserted on the saved file.

In: an uploaded workbook beyond the limits of order_clerk.excel_import (size, unpacked size,
compression ratio, rows and columns, declared or real) is refused with a 417 naming the
limit, before openpyxl parses it. The hostile files are built here, byte by byte.
"""

import io
import os
import re
import time
import zipfile

import frappe
import openpyxl
import pytest
from frappe.utils import nowdate

from order_clerk import api, excel_import, excel_limits
from order_clerk.excel_sheets import build_template
from tests.utils import approved_order, make_customer, make_product, server_messages, unique

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL_REF = re.compile(r"^([A-Z]+)([0-9]+)$")


def hostile(prefix: str) -> str:
	return f"{prefix}{unique('x')}"


# the saved file, read as Excel reads it


def sheet_parts(content: bytes) -> dict[str, str]:
	"""Sheet title -> its XML part, from the workbook's own relationships."""
	book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
	parts = {sheet.title: sheet._worksheet_path for sheet in book.worksheets}
	book.close()
	return parts


def cells_with_text(content: bytes, sheet: str, text: str) -> list[dict]:
	"""Each cell of `sheet` whose formula or value is `text`, as the XML stores it."""
	from xml.etree import ElementTree

	archive = zipfile.ZipFile(io.BytesIO(content))
	styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
	xfs = styles.find(f"{MAIN}cellXfs").findall(f"{MAIN}xf")
	root = ElementTree.fromstring(archive.read(sheet_parts(content)[sheet].lstrip("/")))
	found = []
	for cell in root.iter(f"{MAIN}c"):
		formula = cell.find(f"{MAIN}f")
		inline = cell.find(f"{MAIN}is/{MAIN}t")
		value = cell.find(f"{MAIN}v")
		stored = next((e.text for e in (formula, inline, value) if e is not None), None)
		if stored in (text, text.lstrip("=")):
			xf = xfs[int(cell.get("s", 0))]
			found.append(
				{
					"ref": cell.get("r"),
					"type": cell.get("t"),
					"formula": formula is not None,
					"quote_prefix": xf.get("quotePrefix") in ("1", "true"),
				}
			)
	return found


def assert_written_as_text(content: bytes, sheet: str, text: str):
	found = cells_with_text(content, sheet, text)
	assert found, f"{text!r} is not on sheet {sheet}"
	for cell in found:
		assert (cell["formula"], cell["type"], cell["quote_prefix"]) == (False, "inlineStr", True), cell
	# And as openpyxl reads it back: a string, not a formula.
	book = openpyxl.load_workbook(io.BytesIO(content))
	for cell in found:
		assert (book[sheet][cell["ref"]].data_type, book[sheet][cell["ref"]].value) == ("s", text)


# workbooks the app hands out


def test_import_template_writes_formula_like_product_codes_as_text(people):
	frappe.set_user("Administrator")
	codes = [make_product(product_code=hostile(prefix)) for prefix in ("=1+2*", "@SUM(1)", "+1+", "-1+")]
	frappe.set_user(people.clerk)
	content = build_template()
	for code in codes:
		assert_written_as_text(content, "Lists", code)


def test_error_report_writes_what_the_uploader_typed_as_text(people):
	frappe.set_user("Administrator")
	customer, product = make_customer(), make_product()
	header = hostile("=HYPERLINK(1)&")
	quantity = hostile("=2*3+")
	book = openpyxl.Workbook()
	book.active.title = "Orders"
	book.active.append(["external_ref", "customer", header])
	ref = unique("XL")
	book.active.append([ref, customer, "red"])
	book.active["C1"].data_type = "s"
	lines = book.create_sheet("Lines")
	lines.append(["external_ref", "product", "qty", "rate"])
	lines.append([ref, product, quantity, -3])
	lines["C2"].data_type = "s"  # text in the uploaded file, as the header above
	buffer = io.BytesIO()
	book.save(buffer)
	frappe.set_user(people.clerk)
	result = excel_import.import_workbook(buffer.getvalue())
	assert result["status"] == "Failed"
	messages = [error["message"] for error in result["errors"]]
	assert f"{quantity} is not a number." in messages
	assert "The unit price cannot be negative." in messages

	report = excel_import.read_file(result["error_file"])[0]
	assert_written_as_text(report, "Errors", header)
	assert_written_as_text(report, "Errors", f"{quantity} is not a number.")
	marked = openpyxl.load_workbook(io.BytesIO(report))
	# Numbers stay numbers: the listing's row numbers, and the uploader's negative price.
	assert {row[1] for row in marked["Errors"].iter_rows(min_row=2, values_only=True)} == {1, 2}
	assert (marked["Lines"]["D2"].data_type, marked["Lines"]["D2"].value) == ("n", -3)


def test_statistics_export_writes_formula_like_names_as_text(people):
	frappe.set_user("Administrator")
	customer = make_customer(customer_name=hostile("=1+1*"))
	product = make_product(product_code=hostile("@SUM(2)"), product_name=hostile("-2+3*"))
	approved_order(people, customer=customer, product=product)
	frappe.set_user(people.clerk)
	frappe.local.response = frappe._dict()
	api.export_statistics(
		from_date=nowdate(), to_date=nowdate(), customer=customer, group_by="Customer", include_unapproved=1
	)
	content = frappe.local.response.filecontent
	assert_written_as_text(content, "Order Statistics", customer)
	assert_written_as_text(content, "Best-Selling Products", product)
	book = openpyxl.load_workbook(io.BytesIO(content))
	amounts = [row[-1] for row in book["Order Statistics"].iter_rows(min_row=2, values_only=True)]
	assert all(isinstance(amount, int | float) for amount in amounts), amounts


# uploads beyond the limits


def template_with_lines(lines: int = 1) -> bytes:
	book = openpyxl.load_workbook(io.BytesIO(build_template()))
	for row in range(2, lines + 2):
		book["Lines"].cell(row=row, column=1, value="REF")
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()


def replace_part(content: bytes, part: str, new: bytes | None = None, edit=None) -> bytes:
	"""The workbook with one of its parts replaced (or edited), everything else as it was."""
	source = zipfile.ZipFile(io.BytesIO(content))
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
		for info in source.infolist():
			data = source.read(info.filename)
			if info.filename == part:
				data = new if new is not None else edit(data)
			target.writestr(info.filename, data)
	return buffer.getvalue()


def add_parts(content: bytes, parts: dict[str, bytes]) -> bytes:
	buffer = io.BytesIO(content)
	with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
		for name, data in parts.items():
			archive.writestr(name, data)
	return buffer.getvalue()


def lines_part(content: bytes) -> str:
	return sheet_parts(content)["Lines"].lstrip("/")


def upload(content: bytes) -> str:
	return (
		frappe.get_doc(
			{"doctype": "File", "file_name": f"{unique('orders')}.xlsx", "content": content, "is_private": 1}
		)
		.insert()
		.file_url
	)


def refused(content: bytes, people) -> str:
	"""The message of the refusal, through the import endpoint; no order and no error file made."""
	frappe.set_user(people.clerk)
	file_url = upload(content)
	orders_before = frappe.db.count("OC Order")
	files_before = frappe.db.count("File", {"file_name": ("like", "%-errors.xlsx")})
	started = time.monotonic()
	with pytest.raises(excel_limits.WorkbookTooLargeError) as refusal:
		api.import_orders(file_url)
	assert time.monotonic() - started < 30
	assert frappe.db.count("OC Order") == orders_before
	assert frappe.db.count("File", {"file_name": ("like", "%-errors.xlsx")}) == files_before
	return str(refusal.value)


def test_a_file_larger_than_the_limit_is_refused(people):
	content = add_parts(
		template_with_lines(), {"xl/media/photo.bin": os.urandom(excel_limits.MAX_FILE_BYTES)}
	)
	assert len(content) > excel_limits.MAX_FILE_BYTES
	assert "an import file may be at most 5.0 MB" in refused(content, people)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(people):
	content = template_with_lines()
	sheet = zipfile.ZipFile(io.BytesIO(content)).read(lines_part(content))
	# 40 MB of blank rows that pack into some 40 kB.
	bomb = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (40 * 1024 * 1024))
	content = replace_part(content, lines_part(content), bomb)
	assert len(content) < 200_000
	assert "an import file may be compressed at most 100 to 1" in refused(content, people)


def test_a_file_that_unpacks_beyond_the_limit_is_refused(people):
	# Compressed well under 100 to 1, but 60 MB unpacked: random bytes among blanks.
	block = os.urandom(1000).hex().encode() + b" " * 58_000
	content = add_parts(template_with_lines(), {f"xl/media/filler{n}.bin": block * 100 for n in range(10)})
	assert len(content) < excel_limits.MAX_FILE_BYTES
	assert "an import file may unpack to at most 50.0 MB" in refused(content, people)


def test_a_huge_declared_dimension_is_refused(people):
	content = template_with_lines()
	content = replace_part(
		content,
		lines_part(content),
		edit=lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
	)
	message = refused(content, people)
	assert "declares a sheet of 1048576 rows; an import file may have at most 20000 rows per sheet" in message


def test_a_sheet_with_more_rows_than_it_declares_is_refused(people):
	content = template_with_lines()
	rows = "".join(
		f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>R</t></is></c></row>'
		for n in range(2, excel_limits.MAX_ROWS + 2)
	)
	sheet = (
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
		'<dimension ref="A1:F3"/><sheetData>'
		'<row r="1"><c r="A1" t="inlineStr"><is><t>External Reference</t></is></c></row>'
		f"{rows}</sheetData></worksheet>"
	)
	content = replace_part(content, lines_part(content), sheet.encode())
	assert "20001 rows or more; an import file may have at most 20000 rows per sheet" in refused(
		content, people
	)


def test_a_row_far_beyond_the_last_column_is_refused(people):
	content = template_with_lines()
	sheet = (
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
		'<dimension ref="A1:B2"/><sheetData>'
		'<row r="1"><c r="A1" t="inlineStr"><is><t>External Reference</t></is></c></row>'
		'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
		"</sheetData></worksheet>"
	)
	content = replace_part(content, lines_part(content), sheet.encode())
	assert "an import file may have at most" in refused(content, people)


def test_a_sheet_wider_than_the_limit_is_refused(people):
	content = template_with_lines()
	sheet = (
		'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
		'<row r="1"><c r="A1" t="inlineStr"><is><t>External Reference</t></is></c>'
		'<c r="AY1"><v>1</v></c></row></sheetData></worksheet>'
	)
	content = replace_part(content, lines_part(content), sheet.encode())
	assert (
		"has a sheet with 51 columns or more; an import file may have at most 50 columns per sheet"
		in refused(content, people)
	)


def test_the_refusal_is_a_417_naming_the_limit_over_rest(rest_users, credentials):
	content = template_with_lines()
	content = replace_part(
		content,
		lines_part(content),
		edit=lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml),
	)
	clerk = rest_users["clerk"]
	uploaded = clerk.session.post(
		f"{clerk.base_url}/api/method/upload_file",
		files={"file": ("hostile.xlsx", content)},
		data={"is_private": "1"},
		timeout=60,
	)
	assert uploaded.status_code == 200, uploaded.text
	response = clerk.post(
		"/api/method/order_clerk.api.import_orders", {"file_url": uploaded.json()["message"]["file_url"]}
	)
	assert response.status_code == 417, response.text
	assert response.json()["exc_type"] == "WorkbookTooLargeError"
	assert "an import file may have at most 20000 rows per sheet" in server_messages(response)


def test_a_workbook_within_the_limits_is_read_whatever_size_it_declares(people):
	"""A small file that declares a small size it does not have is read by its cells."""
	frappe.set_user("Administrator")
	customer, product = make_customer(), make_product()
	ref = unique("XL")
	book = openpyxl.load_workbook(io.BytesIO(build_template()))
	book["Orders"].cell(row=2, column=1, value=ref)
	book["Orders"].cell(row=2, column=3, value=customer)
	book["Lines"].cell(row=2, column=1, value=ref)
	book["Lines"].cell(row=2, column=2, value=product)
	book["Lines"].cell(row=2, column=3, value=4)
	buffer = io.BytesIO()
	book.save(buffer)
	content = buffer.getvalue()
	content = replace_part(
		content,
		lines_part(content),
		edit=lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml),
	)
	frappe.set_user(people.clerk)
	result = api.import_orders(upload(content))
	assert (result["status"], result["lines"], result["errors"]) == ("Imported", 1, []), result["errors"]
