"""The columns of a document's table as the reader understands them, and the clerk's mapping.

The review screen shows each heading of the order's table with its meaning, as the reader gives
it (order_clerk.capture.items.column_roles: the customer's layout first, then the headings every
customer uses). The clerk may give a column another meaning: the mapping is kept for the
customer in OC Customer Layout, where the layouts learned on conversion live, and the intake is
read again through it and decided as any reading is (service.process_intake). The customer's
next sheet with those headings is read through the mapping.
"""

import json

import frappe
from frappe import _
from frappe.utils import escape_html

from order_clerk.capture import layouts, service
from order_clerk.capture.items import _header_row as reader_header_row
from order_clerk.capture.items import column_roles
from order_clerk.capture.readers import Cell
from order_clerk.capture.text import normalize, parse_number
from order_clerk.exceptions import ColumnMappingError
from order_clerk.roles import ORDER_CLERK, has_role

NOT_USED = "Not Used"
# The rows of a table looked at for its headings (the review screen shows as many).
MAX_ROWS = 300
# A row of headings the reader does not know: at least this many cells of words, above a row
# with a number.
MIN_HEADINGS = 3


def meanings() -> list[dict]:
	"""What a column may mean: OC Customer Layout's options, in their order."""
	return [{"value": column, "label": _(column)} for column in layouts.ROLE_OF]


def read_as_labels() -> dict[str, str]:
	"""Roles the reader gives a column that a layout does not hold: shown, not offered."""
	facts = service.fact_labels()
	return {
		"po": facts["customer_po"],
		"date": facts["delivery_date"],
		"address": facts["delivery_address"],
		"order_date": _("Order Date"),
		"index": _("Line No."),
	}


def sheet_tables(pages) -> list[list[list[Cell]]]:
	"""The tables of the document's sheets (an e-mail's attached sheets too)."""
	return [page.tables[0][:MAX_ROWS] for page in pages if page.kind == "sheet" and page.tables]


def heading_row(tables, learned: dict[str, str]) -> list[Cell] | None:
	"""The row of headings of the order's table: the one the reader reads the lines under, else
	the row of most headings with a number in the row below it (headings the reader does not know)."""
	for table in tables:
		for row in table:
			if reader_header_row(row, learned):
				return row
	best, most = None, MIN_HEADINGS - 1
	for table in tables:
		for index, row in enumerate(table):
			headings = sum(1 for cell in row if cell.text and parse_number(cell.text) is None)
			if headings <= most:
				continue
			below = next((r for r in table[index + 1 :] if any(cell.text for cell in r)), None)
			if below and any(parse_number(cell.text) is not None for cell in below if cell.text):
				best, most = row, headings
	return best


def understood(heading: list[Cell], learned: dict[str, str]) -> list[dict]:
	"""Each heading of the row with its meaning (an OC Customer Layout option, or "" with what
	else the reader took it for, if anything)."""
	role_at = {index: role for role, index in column_roles(heading, learned).items()}
	other = read_as_labels()
	columns = []
	for index, cell in enumerate(heading):
		if not cell.text:
			continue
		role = role_at.get(index)
		if role is None and learned.get(normalize(cell.text)) == "ignore":
			role = "ignore"
		columns.append(
			{
				"index": index,
				"heading": cell.text,
				"where": cell.where,
				"meaning": layouts.COLUMN_OF.get(role, ""),
				"read_as": other.get(role, ""),
			}
		)
	return columns


def may_map(intake) -> bool:
	return frappe.has_permission("OC Intake", "write", intake) and has_role(ORDER_CLERK, "System Manager")


def refusal(intake) -> str | None:
	"""Why the intake's columns cannot be mapped now, in words for the clerk; None if they can."""
	if intake.status in service.CLOSED:
		return _("Intake {0} is {1}; its columns are no longer mapped.").format(intake.name, _(intake.status))
	if not intake.customer:
		return _(
			"The customer of intake {0} is not known. Set the customer first (add the sender to the customer's record and read the document again): a column mapping is kept for a customer."
		).format(intake.name)
	return None


def view(intake, tables) -> dict | None:
	"""What the review screen shows of the columns; None when the document has no such table."""
	learned = layouts.layout_of(intake.customer)
	heading = heading_row(tables, learned)
	if heading is None:
		return None
	return {"columns": understood(heading, learned), "meanings": meanings(), "refusal": refusal(intake)}


def map_columns(intake, mapping: str | dict) -> dict:
	"""Give the columns named in `mapping` (heading -> meaning) their meanings, keep them for the
	intake's customer, and read the intake again through them. Nothing is kept on a refusal."""
	reason = refusal(intake)
	if reason:
		_refuse(reason)
	mapping = _parsed(mapping)
	learned = layouts.layout_of(intake.customer)
	heading = heading_row(sheet_tables(service.read_pages(intake)), learned)
	if heading is None:
		_refuse(_("Intake {0} has no table whose columns could be mapped.").format(intake.name))
	seen = understood(heading, learned)
	by_heading = {}
	for column in seen:
		by_heading.setdefault(normalize(column["heading"]), column)
	chosen = {}
	for text, meaning in mapping.items():
		column = by_heading.get(normalize(text))
		if column is None:
			_refuse(_("Column {0} is not a heading of the document's table.").format(escape_html(text)))
		if not isinstance(meaning, str) or meaning not in layouts.ROLE_OF:
			_refuse(
				_("Column {0}: {1} is not a meaning a column can have.").format(
					escape_html(text), escape_html(str(meaning))
				)
			)
		chosen[column["index"]] = meaning
	wanted = {
		column["index"]: (chosen[column["index"]], "")
		if column["index"] in chosen
		else (column["meaning"], column["read_as"])
		for column in seen
	}
	_check_one_column_each(seen, wanted)
	kept = _settled(heading, learned, chosen, wanted)
	layouts.keep_mapping(
		intake, intake.customer, {heading[index].text: column for index, column in kept.items()}
	)
	service.process_intake(intake)
	return {"status": intake.status, "order": intake.order, "mapped": sorted(heading[i].text for i in kept)}


def _parsed(mapping) -> dict:
	if isinstance(mapping, str):
		try:
			mapping = json.loads(mapping or "{}")
		except ValueError:
			mapping = None
	if not isinstance(mapping, dict) or not mapping:
		_refuse(_("Give each column to map as its heading and its meaning."))
	return mapping


def _check_one_column_each(seen, wanted):
	"""Two columns with one meaning would leave the reader to pick one: the clerk says which."""
	holder = {}
	for column in seen:
		meaning = wanted[column["index"]][0]
		if not meaning or meaning == NOT_USED:
			continue
		if meaning in holder:
			_refuse(
				_("Columns {0} and {1} would both mean {2}; give one of them another meaning or {3}.").format(
					escape_html(holder[meaning]), escape_html(column["heading"]), _(meaning), _(NOT_USED)
				)
			)
		holder[meaning] = column["heading"]


def _settled(heading, learned, chosen: dict[int, str], wanted: dict) -> dict[int, str]:
	"""The meanings to keep, so that the reader reads each column as the clerk last saw it: the
	columns mapped, and a column the mapping would move (a heading the reader knows takes up a
	meaning another column gave up), kept as it was."""
	kept = dict(chosen)
	for _round in range(len(heading)):
		trial = {**learned, **{normalize(heading[i].text): layouts.ROLE_OF[c] for i, c in kept.items()}}
		moved = [
			column["index"]
			for column in understood(heading, trial)
			if column["index"] not in kept
			and (column["meaning"], column["read_as"]) != wanted[column["index"]]
			and not wanted[column["index"]][1]
		]
		if not moved:
			break
		for index in moved:
			kept[index] = wanted[index][0] or NOT_USED
	return kept


def _refuse(message: str):
	"""The desk shows the message as HTML: headings, which come from the customer's document, are
	escaped where they are put into it."""
	frappe.throw(message, ColumnMappingError, title=_("Columns Not Mapped"))
