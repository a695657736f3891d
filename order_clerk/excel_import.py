"""Order intake from a filled-in import workbook (see order_clerk.excel_sheets).

Each external reference becomes one draft order, inserted like any other order so that the
same validation applies. All or nothing: every problem is collected with its sheet, row and
column, and a file with any problem creates no order; the problems come back marked in a copy
of the workbook. Orders already taken in from the same channel and external reference with the
same content are reported as already imported, so uploading a file again creates nothing new.
Files with more than BACKGROUND_LINES lines, or larger than BACKGROUND_BYTES unpacked, are
imported by a background job.

An uploaded workbook is checked against the limits of order_clerk.excel_limits before openpyxl
reads it.
"""

import io

import frappe
import openpyxl
from frappe import _
from frappe.utils import escape_html, flt, nowdate, strip_html
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from order_clerk import bulk_orders
from order_clerk import excel_sheets as sheets
from order_clerk.excel_limits import (
	MAX_COLUMNS,
	check_limits,
	not_a_workbook,
)
from order_clerk.excel_reader import OrderGroup, Problem, WorkbookReader, ignore_declared_size
from order_clerk.order_clerk.doctype.oc_order.intake import intake_key_of
from order_clerk.spreadsheet import neutralise_formulas

BACKGROUND_LINES = 500
BACKGROUND_BYTES = 5 * 1024 * 1024  # unpacked

PROGRESS_EVERY = 50
# One progress bar for the whole import: checking the orders fills the first 90 %, writing
# them in bulk the rest.
CHECKING_SHARE = 90

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


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
		not_a_workbook(file_name)
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
	"""Check every order as an insert does, then write them all in bulk (order_clerk.bulk_orders);
	any refusal writes nothing."""
	payloads = [order_payload(group) for group in groups]
	savepoint = "order_excel_import"
	frappe.db.savepoint(savepoint)
	# Masters, prices and taken references once for the file; a block of names from the series.
	master_data = bulk_orders.MasterData(payloads)
	names = bulk_orders.reserve_names(len(payloads)) if payloads else []
	docs = []
	for done, (group, payload, name) in enumerate(zip(groups, payloads, names, strict=True), start=1):
		try:
			docs.append(bulk_orders.prepare(payload, master_data, name))
		except (frappe.ValidationError, frappe.DuplicateEntryError) as e:
			frappe.local.message_log = []
			reader.order_problem(
				group,
				"external_ref",
				_("Order {0} was refused: {1}").format(group.external_ref, strip_html(str(e))),
			)
		if progress and (done % PROGRESS_EVERY == 0 or done == len(groups)):
			_publish_progress(
				_("{0} of {1} orders checked").format(done, len(groups)), done / len(groups) * CHECKING_SHARE
			)
	if not reader.problems:
		rows = sum(1 + len(doc.get_all_children()) for doc in docs)

		def written(count: int):
			share = CHECKING_SHARE + count / rows * (100 - CHECKING_SHARE)
			_publish_progress(_("{0} of {1} rows written").format(count, rows), share)

		try:
			bulk_orders.write(docs, written if progress else None)
		except (frappe.ValidationError, frappe.DuplicateEntryError) as e:
			frappe.local.message_log = []
			reader.problem(sheets.ORDERS_SHEET, 1, "", _("External Reference"), strip_html(str(e)))
	if reader.problems:
		frappe.db.rollback(save_point=savepoint)
		return []
	frappe.db.release_savepoint(savepoint)
	return [doc.name for doc in docs]


def _publish_progress(description: str, percent: float):
	frappe.publish_progress(percent, title=_("Importing Orders"), description=description)


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
		not_a_workbook(file_name)
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
