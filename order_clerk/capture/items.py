"""The order's lines: from a table with a header row, or from lines of text and prose."""

import re
from datetime import date

from frappe import _

from order_clerk.capture import matching
from order_clerk.capture.dates import parse_date
from order_clerk.capture.header import ANY_LABEL
from order_clerk.capture.model import TOTAL_ROW, Extraction, Line, Value, rows_of
from order_clerk.capture.readers import Cell, Page
from order_clerk.capture.text import PACK_SIZE, QTY_WITH_UNIT, normalize, parse_number, unit_of

COLUMN_NAMES = {
	"po": r"^(订单号|订单编号|采购单号|PO\s*No\.?|PO号|PO)$",
	"date": r"交货日期|交期|到货日期|送货日期|交付日期|需求日期|要货日期|Delivery|Req(?:uired|uested)?(?:Delivery)?Date|NeedDate",
	"address": r"收货地址|送货地址|交货地点|Ship\s*To",
	"order_date": r"下单日期|订单日期|PO\s*Date|Order\s*Date",
	"index": r"^(序号|No\.?|#|行号|项次)$",
	"code": r"物料编码|物料代码|料号|物料号|编码|Part\s*No|Item\s*(?:Code|No)|货号|商品编码|产品编码|存货编码",
	"name": r"物料名称|品名|名称|产品|商品|货物|Item|Description|Product",
	"spec": r"规格|型号|Spec",
	"unit": r"^单位$|计量单位|^Unit$|UOM",
	"qty": r"数量|Qty|Quantity|订购量|订货量",
	"rate": r"单价|Price|价格",
	"amount": r"金额|Amount|总价|小计",
	"remark": r"备注|Remark|说明",
}


def column_roles(cells: list[Cell], learned: dict[str, str] | None = None) -> dict[str, int]:
	"""role -> column index of a heading row: the customer's learned headings first, then the
	headings every customer uses."""
	columns: dict[str, int] = {}
	taken = set()
	for index, cell in enumerate(cells):
		role = (learned or {}).get(normalize(cell.text)) if cell.text else None
		if role and role not in columns:
			taken.add(index)
			if role != "ignore":
				columns[role] = index
	for index, cell in enumerate(cells):
		# ORDER_QTY, Unit_Price: exports write headings with underscores for spaces.
		text = re.sub(r"[\s_]+", "", cell.text)
		if index in taken or not text:
			continue
		for role, pattern in COLUMN_NAMES.items():
			if role not in columns and re.search(pattern, text, re.I):
				columns[role] = index
				break
	return columns


def _header_row(cells: list[Cell], learned: dict[str, str] | None = None) -> dict[str, int] | None:
	columns = column_roles(cells, learned)
	if "qty" in columns and ("name" in columns or "code" in columns or "spec" in columns):
		return columns
	return None


def read_lines(
	page: Page, masters: matching.Masters, customer: str | None, result: Extraction, received: date
) -> list[Line]:
	# A PDF's tables as its reader found them: columns are surer than numbers in a line of text.
	tables = page.tables if page.kind in ("sheet", "pdf") else []
	learned = masters.layouts.get(customer) if customer else None
	for table in tables:
		for index, row in enumerate(table):
			columns = _header_row(row, learned)
			if columns:
				lines = _table_lines(table[index + 1 :], columns, masters, customer, result, received)
				if lines or page.kind == "sheet":
					return lines
				break
	return _text_lines(page, masters, customer, result)


def _column_facts(rows, columns, result: Extraction, received: date):
	"""Orders exported one line per row repeat the order number, date and address in columns."""
	for role, fieldname in (
		("po", "customer_po"),
		("date", "delivery_date"),
		("address", "delivery_address"),
	):
		index = columns.get(role)
		if index is None or getattr(result, fieldname).value:
			continue
		values = {row[index].text for row in rows if index < len(row) and row[index].text}
		if not values:
			continue
		where = next(row[index].where for row in rows if index < len(row) and row[index].text)
		confidence = 0.95 if len(values) == 1 else 0.5
		value = sorted(values)[0]
		if fieldname == "delivery_date":
			found, how = parse_date(value, received)
			if found:
				result.delivery_date = Value(found, confidence, where, how)
		else:
			setattr(result, fieldname, Value(value, confidence, where))


def _table_lines(rows, columns, masters, customer, result, received) -> list[Line]:
	data_rows = []
	for row in rows:
		joined = " ".join(c.text for c in row if c.text)
		if not joined or TOTAL_ROW.search(joined):
			if joined:
				break
			continue
		data_rows.append(row)
	_column_facts(data_rows, columns, result, received)
	lines = []
	for row in rows:
		texts = [c.text for c in row]
		joined = " ".join(t for t in texts if t)
		if not joined:
			continue
		if TOTAL_ROW.search(joined) or (texts and TOTAL_ROW.search(texts[0] or "")):
			break

		def cell(role, texts=texts):
			index = columns.get(role)
			return texts[index] if index is not None and index < len(texts) else ""

		description = " ".join(cell(r) for r in ("code", "name", "spec") if cell(r))
		qty = parse_number(cell("qty"))
		filled = [c for c in row if c.text]
		if qty is None and len(filled) == 1 and QTY_WITH_UNIT.search(filled[0].text):
			# A row the PDF's table reader did not split into cells: read it as a line of text.
			merged = _merged_row(filled[0], masters, customer, result)
			if merged:
				lines.append(merged)
			continue
		if not description or qty is None:
			continue
		match = matching.match_product(masters, description, customer, code_hint=cell("code"))
		where = row[columns["qty"]].where if columns["qty"] < len(row) else row[0].where
		line = Line(text=joined, uom=unit_of(cell("unit")), code=cell("code"))
		line.product = Value(match.value, match.confidence, where, match.how)
		line.qty = Value(qty, 0.97, where)
		rate = parse_number(cell("rate"))
		if rate is not None:
			line.rate = Value(rate, 0.97, where)
		line.amount = parse_number(cell("amount"))
		lines.append(line)
	return lines


def _merged_row(cell: Cell, masters, customer, result: Extraction) -> Line | None:
	match = matching.match_product(masters, cell.text, customer)
	line = _parse_item_text(cell.text, match, cell.where, ordered=True) if match.value else None
	if not line:
		result.problems.append(_("{0}: could not read the line “{1}”.").format(cell.where, cell.text))
	return line


ITEM_START = re.compile(
	r"^\s*(?:\d{1,3}\s*[.、)）:：]|\d{1,3}\s+|[（(]\d{1,3}[)）]|[一二三四五六七八九十]+[、.])"
)
STRUCTURED = re.compile(r"[A-Za-z0-9]")


def _text_lines(page: Page, masters, customer, result: Extraction) -> list[Line]:
	lines = []
	in_table = False
	for cell in page.lines:
		text = cell.text
		if _header_row([Cell(t, "") for t in re.split(r"\s+", text)]) or re.search(
			r"(品名|名称|物料).*(数量|Qty)", text
		):
			in_table = True
			continue
		if TOTAL_ROW.search(text):
			if in_table:
				break
			continue
		if ANY_LABEL.match(text) and not QTY_WITH_UNIT.search(text):
			continue
		match = matching.match_product(masters, text, customer)
		line = _parse_item_text(text, match, cell.where, ordered=in_table) if match.value else None
		if line:
			lines.append(line)
		elif ((in_table or ITEM_START.match(text)) and QTY_WITH_UNIT.search(text)) or (
			in_table and match.value
		):
			# It looks like an order line but could not be read: a person must look, and the
			# line stays, without a product, for the clerk to complete.
			result.problems.append(_("{0}: could not read the line “{1}”.").format(cell.where, text))
			unread = _parse_item_text(
				text, matching.Match(None, 0.0, "no product"), cell.where, ordered=in_table
			)
			if unread:
				lines.append(unread)
	return lines


# A bare number: not part of a code, a size, a grade or a date.
BARE_NUMBER = re.compile(
	r"(?<![A-Za-z0-9.×xX*/\-_Φφ])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![A-Za-z0-9.×xX*/\-_%²级号寸]|\s*(?:mm|kW|V\b))"
)
RATE_MARK = re.compile(
	r"(?:单价|价格|单价为|@|￥|¥)\s*[:：]?\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*元\s*(?:/|每)|(\d+(?:\.\d+)?)\s*元(?!整)"
)


def _strip_product_text(text: str, match: matching.Match) -> str:
	"""The line without the product's code, name and specification (their digits are no quantity)."""
	result = text
	for span in sorted(match.spans, key=len, reverse=True):
		pattern = "".join(r"\s*[×xX*＊]\s*" if ch == "x" else (re.escape(ch) + r"\s*") for ch in span)
		result = re.sub(pattern, " ", result, flags=re.I)
	return result


def _parse_item_text(text: str, match: matching.Match, where: str, ordered: bool) -> Line | None:
	line = Line(text=text)
	line.product = Value(match.value, match.confidence, where, match.how)
	code = re.search(r"(?:料号|编码|货号|Part\s*No\.?)\s*[:：]?\s*([A-Za-z0-9][A-Za-z0-9.\-]+)", text, re.I)
	line.code = code.group(1) if code else ""
	rest = _strip_product_text(text, match)
	rest = re.sub(r"^\s*(?:\d{1,3}\s*[.、)）:：]|[（(]\d{1,3}[)）]|\d{1,3}\s+)", " ", rest)
	rest = re.sub(r"[(（][^)）]*(?:料号|编码|型号)[^)）]*[)）]", " ", rest)
	rest = re.sub(r"(?:料号|编码|货号)\s*[:：]?\s*[A-Za-z0-9.\-]+", " ", rest)
	rate = None
	rate_match = RATE_MARK.search(rest)
	if rate_match:
		rate = float(next(g for g in rate_match.groups() if g))
		rest = rest[: rate_match.start()] + " " + rest[rate_match.end() :]
	qty = unit = None
	for q in QTY_WITH_UNIT.finditer(rest):
		value = parse_number(q.group("num"))
		if value is not None:
			qty, unit = value, unit_of(q.group("unit"))
			rest = rest[: q.start()] + " " + rest[q.end() :]
			break
	rest = PACK_SIZE.sub(" ", rest)
	numbers = [float(n.replace(",", "")) for n in BARE_NUMBER.findall(rest)]
	verified = False
	rate_confidence = 0.95
	if qty is None and rate is None and len(numbers) >= 2:
		qty, rate, amount = _solve(numbers)
		line.amount = amount
		verified = amount is not None
	elif qty is not None and rate is None and numbers:
		if len(numbers) >= 2 and abs(qty * numbers[0] - numbers[1]) < 0.011:
			rate, line.amount = numbers[0], numbers[1]
		elif ordered or len(numbers) == 1:
			rate = numbers[0]
			# A bare number in prose may be anything: a person looks unless the total confirms it.
			rate_confidence = 0.95 if ordered else 0.7
	elif qty is None and rate is not None and numbers:
		qty = numbers[0]
	if qty is None:
		return None
	line.qty = Value(qty, 0.95 if unit or verified else 0.85, where)
	line.uom = unit or ""
	if rate is not None:
		line.rate = Value(rate, rate_confidence, where)
	if line.amount is None and numbers:
		candidates = [n for n in numbers if rate is not None and abs(qty * rate - n) < 0.011]
		line.amount = candidates[0] if candidates else None
	return line


def _solve(numbers: list[float]):
	"""Quantity, rate and amount among a table row's numbers: the triple with qty × rate = amount."""
	for i, q in enumerate(numbers):
		for j, r in enumerate(numbers):
			if j == i:
				continue
			for k, a in enumerate(numbers):
				if k in (i, j) or a == 0:
					continue
				if abs(q * r - a) < 0.011 and i < k and j < k:
					return q, r, a
	return numbers[0], numbers[1], None


def stated_total(pages: list[Page]) -> float | None:
	for page in pages:
		for text, _cells, _where in rows_of(page):
			if TOTAL_ROW.search(text) and "大写" not in text:
				values = [
					parse_number(n) for n in BARE_NUMBER.findall(text.replace("¥", " ").replace("￥", " "))
				]
				values = [v for v in values if v]
				if values:
					return max(values)
	return None
