"""Customers' own sheet layouts, learned from what the clerk confirmed.

When the clerk converts an intake read from a spreadsheet, the lines the clerk confirmed (or
corrected) are looked for in the sheet: the column holding every line's quantity is the
quantity column, and so on. Where the reader did not recognise a column's heading, or took it
for something else, the heading's meaning is kept for that customer (OC Customer Layout), and
the customer's next sheet in that layout is read without help. Only what every line agrees on
is learned; a column that could mean two things teaches nothing.
"""

import frappe

from order_clerk.capture.items import column_roles
from order_clerk.capture.readers import Cell
from order_clerk.capture.text import UNITS, normalize, parse_number, unit_of

# The layout's Select options and the reader's column roles (order_clerk.capture.items).
ROLE_OF = {
	"Part No.": "code",
	"Product Name": "name",
	"Specification": "spec",
	"Unit": "unit",
	"Quantity": "qty",
	"Rate": "rate",
	"Amount": "amount",
	"Remark": "remark",
	"Not Used": "ignore",
}
COLUMN_OF = {role: column for column, role in ROLE_OF.items()}
KNOWN_UNITS = {unit_of(u) for u in UNITS}


def load_layouts() -> dict[str, dict[str, str]]:
	"""customer -> normalised heading -> column role."""
	layouts: dict[str, dict[str, str]] = {}
	for row in frappe.get_all("OC Customer Layout", fields=["customer", "header_text", "column"]):
		role = ROLE_OF.get(row.column)
		if role:
			layouts.setdefault(row.customer, {})[normalize(row.header_text)] = role
	return layouts


def layout_of(customer: str | None) -> dict[str, str]:
	"""One customer's layout: normalised heading -> column role."""
	if not customer:
		return {}
	return {
		normalize(row.header_text): ROLE_OF[row.column]
		for row in frappe.get_all(
			"OC Customer Layout", filters={"customer": customer}, fields=["header_text", "column"]
		)
		if row.column in ROLE_OF
	}


def keep_mapping(intake, customer: str, columns: dict[str, str]) -> None:
	"""Keep the meaning the clerk gave each heading (heading -> OC Customer Layout column) for the
	customer, learned from `intake`: it replaces what the heading meant before."""
	known = _known_rows(customer)
	for text, column in columns.items():
		_keep_row(known, intake, customer, text, column, relearned=True)


def _known_rows(customer: str) -> dict[str, str]:
	"""The customer's layout rows: normalised heading -> row name."""
	return {
		normalize(row.header_text): row.name
		for row in frappe.get_all(
			"OC Customer Layout", filters={"customer": customer}, fields=["name", "header_text"]
		)
	}


def _keep_row(known: dict, intake, customer: str, text: str, column: str, relearned: bool) -> None:
	"""The heading's row says `column`; a new row, or the existing one changed (and, when the clerk
	set it, marked as learned from `intake`). Part of the clerk's conversion or mapping, which
	checked the user's rights on the intake."""
	name = known.get(normalize(text))
	if name and relearned:
		layout = frappe.get_doc("OC Customer Layout", name)
		layout.update({"column": column, "learned_from": intake.name})
		layout.save(ignore_permissions=True)
	elif name:
		frappe.db.set_value("OC Customer Layout", name, "column", column)
	else:
		known[normalize(text)] = (
			frappe.get_doc(
				{
					"doctype": "OC Customer Layout",
					"customer": customer,
					"header_text": text,
					"column": column,
					"learned_from": intake.name,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)


def learn(intake, customer: str | None, lines: list[dict], pages, masters) -> list[str]:
	"""Remember the headings of `customer`'s sheet whose meaning the confirmed `lines` prove and
	the reader did not know. Returns the headings learned."""
	if not customer or not lines or any(line.get("qty") in (None, "") for line in lines):
		return []
	for page in pages:
		if page.kind != "sheet" or not page.tables:
			continue
		found = _layout_of(page.tables[0], lines, customer, masters)
		if found:
			heading, roles = found
			return _remember(intake, customer, heading, roles)
	return []


def _layout_of(table, lines, customer, masters):
	"""(heading row, {column index: role}) where every confirmed line is a row below the heading."""
	rows, start = [], 0
	for line in lines:
		index = next(
			(r for r in range(start, len(table)) if _holds(table[r], line)),
			None,
		)
		if index is None:
			return None
		rows.append(table[index])
		start = index + 1
	first = table.index(rows[0])
	heading = next(
		(table[r] for r in range(first - 1, -1, -1) if sum(1 for c in table[r] if _is_heading(c.text)) >= 2),
		None,
	)
	if heading is None:
		return None
	roles = {}
	for role, test in _tests(lines, customer, masters).items():
		columns = [
			c
			for c in range(len(heading))
			if c not in roles and heading[c].text and all(test(row, c, i) for i, row in enumerate(rows))
		]
		if len(columns) == 1:
			roles[columns[0]] = role
	return heading, roles


def _is_heading(text: str) -> bool:
	return bool(text) and parse_number(text) is None


def _holds(row, line) -> bool:
	numbers = [parse_number(c.text) for c in row]
	if not any(n is not None and abs(n - float(line["qty"])) < 1e-6 for n in numbers):
		return False
	rate = line.get("rate")
	return rate in (None, "") or any(n is not None and abs(n - float(rate)) < 1e-6 for n in numbers)


def _text(row, c) -> str:
	return row[c].text if c < len(row) else ""


def _tests(lines, customer, masters) -> dict:
	"""role -> test(row, column, line index): does the cell hold what the line says?"""

	def number(field):
		def test(row, c, i):
			value, want = parse_number(_text(row, c)), lines[i].get(field)
			return value is not None and want not in (None, "") and abs(value - float(want)) < 1e-6

		return test

	def amount(row, c, i):
		value = parse_number(_text(row, c))
		qty, rate = lines[i].get("qty"), lines[i].get("rate")
		return value is not None and rate not in (None, "") and abs(value - float(qty) * float(rate)) < 0.011

	def code(row, c, i):
		text, product = normalize(_text(row, c)), lines[i].get("product")
		codes = {normalize(product)} | {
			normalize(item["customer_item_code"])
			for item in masters.customer_items
			if item["customer"] == customer and item["product"] == product
		}
		return bool(text) and text in codes

	def name(row, c, i):
		product = masters.product_by_code.get(lines[i].get("product"))
		return bool(product) and normalize(product["product_name"]) in normalize(_text(row, c))

	def spec(row, c, i):
		tokens = masters._specs.get(lines[i].get("product")) or []
		text = normalize(_text(row, c))
		return bool(text) and any(token in text for token in tokens)

	def unit(row, c, i):
		return unit_of(_text(row, c)) in KNOWN_UNITS

	return {
		"qty": number("qty"),
		"rate": number("rate"),
		"amount": amount,
		"code": code,
		"name": name,
		"spec": spec,
		"unit": unit,
	}


def _remember(intake, customer: str, heading: list[Cell], roles: dict[int, str]) -> list[str]:
	builtin = {index: role for role, index in column_roles(heading).items()}
	known = _known_rows(customer)
	existing, learned = set(known), []

	def keep(text: str, column: str):
		_keep_row(known, intake, customer, text, column, relearned=False)
		learned.append(text)

	for index, role in roles.items():
		text = heading[index].text.strip()
		if builtin.get(index) != role and text and text not in learned:
			keep(text, COLUMN_OF[role])
	# A heading the reader took for a role that another column proved to hold means nothing.
	for index, role in builtin.items():
		text = heading[index].text.strip()
		if role in roles.values() and index not in roles and text and normalize(text) not in existing:
			keep(text, "Not Used")
	return learned
