"""What the intake's review screen shows beside the extracted order: the original as the readers
saw it, the confidence below which a value is for a person to check, and what the user may do.

The screen highlights and sends corrections; deciding stays with the service. The columns of a
sheet, as the reader understood them, come from order_clerk.capture.columns.
"""

import frappe
from frappe import _

from order_clerk.capture import columns, replies, revisions, sender_reply, service
from order_clerk.capture.readers import Cell, extension_of
from order_clerk.roles import ORDER_CLERK

# Shown by the browser itself; everything the readers read is shown as they saw it.
IMAGES = {"png", "jpg", "jpeg", "gif", "webp"}
READ_AS_TEXT = {"xlsx", "xlsm", "xls", "csv", "txt", "eml"}
MAX_ROWS = 300
MAX_COLUMNS = 30
# The original never changes; reading it again for every opening of the form would.
CACHE_SECONDS = 3600


def review_screen(intake) -> dict:
	shown = original(intake)
	column_view = columns.view(intake, tables_of(shown))
	allowed = actions(intake)
	if column_view and not column_view["refusal"] and columns.may_map(intake):
		allowed.append("map_columns")
	return {
		"threshold": service.TOUCHLESS_CONFIDENCE,
		"labels": service.fact_labels(),
		"facts": list(service.HEADER_FACTS),
		"original": {key: value for key, value in shown.items() if key != "tables"},
		"columns": column_view,
		"actions": allowed,
		"revision": revisions.view(intake),
	}


def tables_of(shown: dict) -> list[list[list[Cell]]]:
	return [
		[[Cell(text, where) for text, where in row] for row in table] for table in shown.get("tables") or []
	]


def actions(intake) -> list[str]:
	"""The buttons the screen offers; the methods behind them check again."""
	if not frappe.has_permission("OC Intake", "write", intake):
		return []
	allowed = []
	revision = revisions.view(intake) if intake.status == "Revision" else None
	if revision and revision["outcome"] in ("update", "exception") and ORDER_CLERK in frappe.get_roles():
		allowed.append("apply_revision")
	# A revision of a live order is applied to it, never made into a second order.
	revises_live_order = bool(revision) and revision["outcome"] not in ("cancelled", "no order")
	if intake.status not in service.CLOSED:
		if intake.extraction and not revises_live_order and frappe.has_permission("OC Order", "create"):
			allowed.append("convert")
		if intake.source_file or intake.communication:
			allowed.append("process")
		if intake.status == sender_reply.WAITING and sender_reply.latest_reply(intake):
			allowed.append("read_reply")
	if intake.status not in ("Converted", "Rejected"):
		allowed.append("reject")
	return allowed + replies.reply_actions(intake)


def original(intake) -> dict:
	if intake.source_file:
		# Only a file attached to this intake is read here: the field itself takes any URL.
		file_name = frappe.db.get_value(
			"File",
			{
				"file_url": intake.source_file,
				"attached_to_doctype": "OC Intake",
				"attached_to_name": intake.name,
			},
			"file_name",
		)
		seen = seen_in(intake, intake.source_file) if kind_of(file_name) == "text" else {}
		return {
			"url": intake.source_file,
			"file_name": file_name or intake.source_file,
			"kind": kind_of(file_name),
			"pages": seen.get("pages") or [],
			"tables": seen.get("tables") or [],
		}
	if intake.communication:
		seen = seen_in(intake, intake.communication)
		return {
			"url": None,
			"file_name": intake.subject or intake.communication,
			"kind": "text",
			"pages": seen["pages"],
			"tables": seen["tables"],
		}
	return {"url": None, "file_name": None, "kind": None, "pages": []}


def kind_of(file_name: str | None) -> str:
	"""image and pdf: shown by the browser; text: shown as the readers saw it; file: a link."""
	extension = extension_of(file_name or "")
	if extension in IMAGES:
		return "image"
	if extension == "pdf":
		return "pdf"
	if file_name and extension in READ_AS_TEXT:
		return "text"
	return "file"


def seen_in(intake, source: str) -> dict:
	"""The document as the readers saw it: its pages to show, and its sheets' tables (for the columns)."""
	key = f"oc_intake_seen::{source}"
	seen = frappe.cache.get_value(key)
	if seen is None:
		try:
			pages = service.read_pages(intake)
		except frappe.ValidationError:
			frappe.clear_last_message()
			pages = []
		seen = {
			"pages": [page_view(page) for page in pages],
			"tables": [
				[[[cell.text, cell.where] for cell in row] for row in table]
				for table in columns.sheet_tables(pages)
			],
		}
		frappe.cache.set_value(key, seen, expires_in_sec=CACHE_SECONDS)
	return seen


def page_view(page) -> dict:
	"""A page as rows of (text, where) cells for a sheet, lines of (text, where) otherwise."""
	view = {"name": page.name, "kind": page.kind, "ocr": page.ocr, "title": page.name}
	if page.kind == "sheet" and page.tables:
		rows = page.tables[0][:MAX_ROWS]
		width = min(MAX_COLUMNS, max((i + 1 for row in rows for i, c in enumerate(row) if c.text), default=0))
		while rows and not any(cell.text for cell in rows[-1]):
			rows = rows[:-1]
		view["rows"] = [[[cell.text, cell.where] for cell in row[:width]] for row in rows]
		first = rows[0][0].where if rows and rows[0] else ""
		if "!" in first:
			view["title"] = _("{0}, sheet {1}").format(page.name, first.split("!", 1)[0])
	else:
		view["lines"] = [[line.text, line.where] for line in page.lines[:MAX_ROWS]]
	return view
