"""Order intake from a filled-in import workbook (see order_clerk.excel_sheets).

Each external reference becomes one draft order, inserted like any other order so that the
same validation applies. All or nothing: every problem is collected with its sheet, row and
column, and a file with any problem creates no order; the problems come back marked in a copy
of the workbook. Orders already taken in from the same channel and external reference with the
same content are reported as already imported, so uploading a file again creates nothing new.
Files with more than BACKGROUND_LINES lines, or larger than BACKGROUND_BYTES unpacked, are
imported by a background job.

An uploaded workbook is a zip of XML that anyone can write by hand: before openpyxl reads it,
its size, its unpacked size, its compression ratio and the rows and columns its sheets really
use are checked against the limits below, so that no file can tie up or exhaust a worker. The
sheet's own declaration of its size (<dimension>) is refused when beyond the limits and never
trusted otherwise.
"""

import io
import re
import zipfile
from typing import NamedTuple
from xml.etree import ElementTree

import frappe
import openpyxl
from frappe import _
from frappe.utils import escape_html, flt, nowdate, strip_html
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter

from order_clerk import excel_sheets as sheets
from order_clerk.order_clerk.doctype.oc_order.intake import intake_key_of
from order_clerk.spreadsheet import neutralise_formulas

BACKGROUND_LINES = 500
BACKGROUND_BYTES = 5 * 1024 * 1024  # unpacked

# Limits on an uploaded workbook (README: "Importing orders from Excel").
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # for a part of more than RATIO_FROM_BYTES unpacked
RATIO_FROM_BYTES = 1024 * 1024
MAX_ROWS = 20_000  # per sheet, header included
MAX_COLUMNS = 50

SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
PROGRESS_EVERY = 50
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


class WorkbookTooLargeError(frappe.ValidationError):
	"""An uploaded workbook beyond one of the import limits."""


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


# limits


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
		_not_a_workbook(file_name)
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
			_not_a_workbook(file_name)
	except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
		# Damaged, encrypted or compressed in a way zipfile cannot read.
		_not_a_workbook(file_name)


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


def _not_a_workbook(file_name: str):
	frappe.throw(
		_("{0} is not an Excel workbook (.xlsx).").format(escape_html(file_name)), title=_("Invalid File")
	)


# intake


def import_workbook(
	content: bytes, file_name: str = "orders.xlsx", progress: bool = False, checked: bool = False
) -> dict:
	"""Create draft orders from the workbook, all or nothing; return what happened."""
	if not checked:
		check_limits(content, file_name)
	try:
		workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
	except Exception:
		_not_a_workbook(file_name)
	reader = WorkbookReader(workbook)
	groups = reader.read_groups()
	workbook.close()
	existing = find_existing(groups, reader) if not reader.problems else {}
	created = []
	if not reader.problems:
		created = create_orders([g for g in groups if g.external_ref not in existing], reader, progress)
	if reader.problems:
		problems = sorted(reader.problems, key=lambda p: (p.sheet, p.row, len(p.column), p.column))
		return {
			"status": "Failed",
			"orders": [],
			"already_imported": [],
			"errors": [p._asdict() for p in problems],
			"error_file": save_error_workbook(content, file_name, problems),
		}
	return {
		"status": "Imported",
		"orders": created,
		"already_imported": sorted(existing.values()),
		"errors": [],
		"error_file": None,
	}


def find_existing(groups: list[OrderGroup], reader: WorkbookReader) -> dict[str, str]:
	"""Orders already taken in under the groups' (channel, external reference): ref -> order.

	An existing order with other content is a problem, not a duplicate to skip.
	"""
	keys = {intake_key_of(frappe._dict(channel=g.channel, external_ref=g.external_ref)): g for g in groups}
	orders = frappe.get_all(
		"OC Order",
		filters={"intake_key": ("in", list(keys) or [""])},
		fields=["name", "intake_key", "customer"],
	)
	lines = frappe.get_all(
		"OC Order Item",
		filters={"parenttype": "OC Order", "parent": ("in", [o.name for o in orders] or [""])},
		fields=["parent", "product", "qty", "rate"],
		order_by="idx asc",
	)
	lines_by_order = {}
	for line in lines:
		lines_by_order.setdefault(line.parent, []).append(line)
	existing = {}
	for order in orders:
		group = keys[order.intake_key]
		if _same_content(group, order, lines_by_order.get(order.name, [])):
			existing[group.external_ref] = order.name
		else:
			reader.order_problem(
				group,
				"external_ref",
				_("Order {0} already has channel {1} and external reference {2}, with other content.").format(
					order.name, _(group.channel), group.external_ref
				),
			)
	return existing


def _same_content(group: OrderGroup, order, order_lines) -> bool:
	if group.values.get("customer") != order.customer or len(group.lines) != len(order_lines):
		return False
	for (line, _row, _letters), stored in zip(group.lines, order_lines, strict=True):
		if line["product"] != stored.product or flt(line["qty"], 6) != flt(stored.qty, 6):
			return False
		if line.get("rate") is not None and flt(line["rate"], 6) != flt(stored.rate, 6):
			return False
	return True


def create_orders(groups: list[OrderGroup], reader: WorkbookReader, progress: bool) -> list[str]:
	"""Insert every order inside a savepoint; on any refusal roll all of them back."""
	savepoint = "order_excel_import"
	frappe.db.savepoint(savepoint)
	created = []
	for done, group in enumerate(groups, start=1):
		try:
			created.append(frappe.get_doc(order_payload(group)).insert().name)
		except (frappe.ValidationError, frappe.DuplicateEntryError) as e:
			frappe.local.message_log = []
			reader.order_problem(
				group,
				"external_ref",
				_("Order {0} was refused: {1}").format(group.external_ref, strip_html(str(e))),
			)
		if progress and (done % PROGRESS_EVERY == 0 or done == len(groups)):
			frappe.publish_progress(
				done * 100 / len(groups),
				title=_("Importing Orders"),
				description=_("{0} of {1} orders checked").format(done, len(groups)),
			)
	if reader.problems:
		frappe.db.rollback(save_point=savepoint)
		return []
	frappe.db.release_savepoint(savepoint)
	return created


def order_payload(group: OrderGroup) -> dict:
	fields = [c.fieldname for c in sheets.ORDER_COLUMNS]
	payload = {field: group.values.get(field) for field in fields if group.values.get(field) is not None}
	payload.update(
		doctype="OC Order",
		channel=group.channel,
		order_date=group.values.get("order_date") or nowdate(),
		items=[
			{field: value for field, value in line.items() if field != "external_ref" and value is not None}
			for line, _row, _letters in group.lines
		],
	)
	return payload


def save_error_workbook(content: bytes, file_name: str, problems: list[Problem]) -> str:
	"""The uploaded workbook with each problem cell marked, and a first sheet listing them all."""
	workbook = openpyxl.load_workbook(io.BytesIO(content))
	listing = workbook.create_sheet(_("Errors"), 0)
	headers = (_("Sheet"), _("Row"), _("Column"), _("Field"), _("Error"))
	listing.append(headers)
	for cell in listing[1]:
		cell.font = Font(bold=True)
	listing.freeze_panes = "A2"
	for width, letter in zip((16, 8, 8, 24, 90), "ABCDE", strict=True):
		listing.column_dimensions[letter].width = width
	for problem in problems:
		listing.append([problem.sheet, problem.row, problem.column, problem.field, problem.message])
		if problem.column and problem.sheet in workbook.sheetnames:
			cell = workbook[problem.sheet][f"{problem.column}{problem.row}"]
			cell.fill = ERROR_FILL
			previous = cell.comment.text + "\n" if cell.comment else ""
			cell.comment = Comment(previous + problem.message, _("Order Import"))
	# Headers and messages quote what the uploader typed.
	neutralise_formulas(listing)
	buffer = io.BytesIO()
	workbook.save(buffer)
	stem = file_name.rsplit(".", 1)[0]
	error_file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{stem}-errors.xlsx",
			"content": buffer.getvalue(),
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	return error_file.file_url


# entry points


def count_lines(content: bytes, file_name: str = "orders.xlsx") -> int:
	try:
		workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
	except Exception:
		_not_a_workbook(file_name)
	worksheet = sheets.find_sheet(workbook, sheets.LINES_SHEET)
	count = 0
	if worksheet is not None:
		ignore_declared_size(worksheet)
		for cells in worksheet.iter_rows(min_row=2, max_col=MAX_COLUMNS, values_only=True):
			count += any(value is not None and str(value).strip() != "" for value in cells)
	workbook.close()
	return count


def read_file(file_url: str) -> tuple[bytes, str]:
	"""Content and name of an uploaded file the user may read."""
	for name in frappe.get_all("File", filters={"file_url": file_url}, pluck="name"):
		file_doc = frappe.get_doc("File", name)
		if file_doc.has_permission("read"):
			content = file_doc.get_content()
			# Frappe hands back text for a file that decodes as UTF-8: no workbook, but the
			# checks that follow say so instead of failing on the type.
			if isinstance(content, str):
				content = content.encode("utf-8")
			return content, file_doc.file_name
	frappe.throw(
		_("File {0} does not exist or you may not read it.").format(escape_html(file_url)),
		frappe.PermissionError,
	)


def import_file(file_url: str) -> dict:
	"""Import now, or queue a background job for a large file."""
	content, file_name = read_file(file_url)
	unpacked = check_limits(content, file_name)
	lines = count_lines(content, file_name)
	if lines > BACKGROUND_LINES or unpacked > BACKGROUND_BYTES:
		job_id = f"order-import-{frappe.generate_hash(length=10)}"
		frappe.enqueue(
			"order_clerk.excel_import.import_file_job",
			queue="long",
			timeout=3600,
			job_id=job_id,
			enqueue_after_commit=True,
			file_url=file_url,
		)
		return {"status": "Queued", "job_id": job_id, "lines": lines}
	return {**import_workbook(content, file_name, checked=True), "lines": lines}


def import_file_job(file_url: str) -> dict:
	"""Background job: import with progress, then tell the user the outcome."""
	content, file_name = read_file(file_url)
	result = import_workbook(content, file_name, progress=True)
	frappe.publish_realtime("order_import_finished", result, user=frappe.session.user, after_commit=True)
	return result
