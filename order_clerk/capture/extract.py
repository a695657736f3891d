"""A read document -> the order it states: header facts and lines, each with a confidence
and the place in the document it came from."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from frappe import _

from order_clerk.capture import matching
from order_clerk.capture.dates import parse_date
from order_clerk.capture.readers import Cell, Page
from order_clerk.capture.text import (
	PACK_SIZE,
	PACK_UNITS,
	QTY_WITH_UNIT,
	pack_sizes,
	parse_number,
	unit_of,
)

# Confidence of a value the document does not state and the customer's master supplies.
DEFAULTED = 0.9
# Scanned pages and faxes: OCR may misread any digit, so a person always looks.
OCR_CEILING = 0.6


@dataclass
class Value:
	value: object = None
	confidence: float = 0.0
	source: str = ""
	note: str = ""  # "defaulted", "relative", "converted from 箱", …


@dataclass
class Line:
	product: Value = field(default_factory=Value)
	qty: Value = field(default_factory=Value)
	rate: Value = field(default_factory=Value)
	uom: str = ""
	text: str = ""
	amount: float | None = None
	# The customer's own part number as the document writes it, to learn from a correction.
	code: str = ""


@dataclass
class Extraction:
	customer: Value = field(default_factory=Value)
	customer_po: Value = field(default_factory=Value)
	delivery_date: Value = field(default_factory=Value)
	payment_terms: Value = field(default_factory=Value)
	delivery_address: Value = field(default_factory=Value)
	contact_person: Value = field(default_factory=Value)
	lines: list[Line] = field(default_factory=list)
	stated_total: float | None = None
	problems: list[str] = field(default_factory=list)

	def as_dict(self) -> dict:
		data = asdict(self)
		if isinstance(self.delivery_date.value, date):
			data["delivery_date"]["value"] = self.delivery_date.value.isoformat()
		return data


LABELS = {
	"customer_po": r"(?<![A-Za-z0-9\-])(?:(?:我司|客户)?(?:采购)?(?:订单|合同|订购单)(?:编?号|No\.?)|采购单号|单号|PO\s*(?:No\.?|号|#)?|Order\s*No\.?)",
	"delivery_date": r"交货日期|交货期|交期|到货日期|送货日期|要求到货(?:日期)?|交货时间|Delivery(?:\s*Date)?",
	"payment_terms": r"付款方式|付款条件|结算方式|付款条款|Payment(?:\s*Terms)?",
	"delivery_address": r"送货地址|收货地址|交货地点|交货地址|送货地点|收货地点|Ship\s*To|Deliver\s*To",
	"contact_person": r"收货联系人|收货人|现场联系人?|联系人|委托代理人|Buyer|采购员|经办人",
}
# Contact labels by preference: the receiver names the person for this order.
CONTACT_ORDER = ("收货联系人", "收货人", "现场联系", "联系人", "委托代理人", "Buyer", "采购员", "经办人")
ANY_LABEL = re.compile(
	"|".join(f"(?:{p})" for p in LABELS.values())
	+ r"|订单日期|下单日期|日期|电话|手机|传真|邮箱|供\s*应\s*商|Tel|Fax|Date|E-?mail",
	re.I,
)
PO_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{3,}")
NAME_VALUE = re.compile(r"[\u4e00-\u9fff]{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+)*")
# Words that mean "the customer's usual": take the master's value.
USUAL = re.compile(
	r"同公司|老地址|原地址|公司地址|需方公司|我司仓库|我司地址|本公司|按合同|按原|老规矩|照旧|同前|惯例|长期协议"
)
# How a complete address ends; one that ends otherwise may go on in the next line.
ADDRESS_END = re.compile(r"[号库室楼层厂仓园区座栋门房间部处]$")
ADDRESS_LIKE = re.compile(r"[省市区县镇].*[路街道号园区]|[路街道]\d+号")
TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|Total)|合计(?:金额)?[(（]?含?税?[)）]?|总金额", re.I)
SUPPLIER_BLOCK = re.compile(r"供\s*应\s*商|卖方|供方|Vendor|Supplier", re.I)

COLUMN_NAMES = {
	"po": r"^(订单号|订单编号|采购单号|PO\s*No\.?|PO号|PO)$",
	"date": r"交货日期|交期|到货日期|送货日期|Delivery",
	"address": r"收货地址|送货地址|交货地点|Ship\s*To",
	"order_date": r"下单日期|订单日期",
	"index": r"^(序号|No\.?|#|行号|项次)$",
	"code": r"物料编码|物料代码|料号|物料号|编码|Part\s*No|Item\s*Code|货号|商品编码|产品编码|存货编码",
	"name": r"物料名称|品名|名称|产品|商品|货物|Item|Description|Product",
	"spec": r"规格|型号|Spec",
	"unit": r"^单位$|计量单位|^Unit$|UOM",
	"qty": r"数量|Qty|Quantity|订购量|订货量",
	"rate": r"单价|Price|价格",
	"amount": r"金额|Amount|总价|小计",
	"remark": r"备注|Remark|说明",
}


def _label_value(text: str, label_pattern: str) -> tuple[str, str] | None:
	"""(label, value) for the first `label: value` in `text`, the value ending at the next label."""
	match = re.search(rf"({label_pattern})(?![-_/][A-Za-z0-9])\s*[:：]?\s*", text, re.I)
	if not match:
		return None
	rest = text[match.end() :]
	# A bilingual label: 付款条件 Payment：…
	rest = re.sub(r"^[A-Za-z][A-Za-z .]{1,20}[:：]\s*", "", rest)
	following = ANY_LABEL.search(rest)
	value = rest[: following.start()] if following and following.start() > 0 else rest
	return match.group(1), value.strip(" :：;；,，")


def _rows(page: Page):
	"""Each line of a page as (text, cells, where); sheets keep their cells."""
	if page.kind == "sheet" and page.tables:
		for row in page.tables[0]:
			cells = [c for c in row if c.text]
			if cells:
				yield " ".join(c.text for c in cells), row, cells[0].where
	else:
		for line in page.lines:
			yield line.text, None, line.where


def extract(pages: list[Page], masters: matching.Masters, sender: str, received: date) -> Extraction:
	result = Extraction()
	order_pages = _order_pages(pages)
	text = "\n".join(p.all_text() for p in order_pages)
	ocr = any(p.ocr for p in order_pages)
	customer = matching.match_customer(masters, sender, "\n".join(p.all_text() for p in pages))
	result.customer = Value(
		customer.value, customer.confidence, "sender" if "sender" in customer.how else "", customer.how
	)
	master = next((c for c in masters.customers if c["customer_name"] == customer.value), None)
	_header(result, order_pages, pages, received)
	_defaults(result, master, sender, pages)
	for page in order_pages:
		result.lines.extend(_lines(page, masters, customer.value, result, received))
	_prose_facts(result, pages, received)
	result.stated_total = _stated_total(order_pages)
	_convert_units(result, masters, text)
	_rates_from_master(result, masters)
	_check(result)
	if ocr:
		_cap(result, OCR_CEILING, _("Read by OCR: check every value."))
	return result


def _order_pages(pages: list[Page]) -> list[Page]:
	"""Where an e-mail carries the order as an attachment, the attachment is the order."""
	attachments = [p for p in pages[1:] if p.kind in ("sheet", "pdf", "image")]
	if pages and pages[0].kind == "text" and attachments:
		return attachments
	return pages


def _header(result: Extraction, order_pages: list[Page], all_pages: list[Page], received: date):
	contacts: list[tuple[int, str, str]] = []
	for page in order_pages:
		confidence = 0.95
		previous_supplier = False
		for text, cells, where in _rows(page):
			supplier_line = bool(SUPPLIER_BLOCK.search(text))
			if not (supplier_line or previous_supplier):
				for label, name in _contacts_in(text):
					rank = next((i for i, l in enumerate(CONTACT_ORDER) if l.lower() in label.lower()), 99)
					contacts.append((rank, name, where))
			for fieldname, pattern in LABELS.items():
				if fieldname == "contact_person":
					continue
				found = _cell_label_value(cells, pattern) if cells else _label_value(text, pattern)
				if not found:
					continue
				_label, value = found
				current = getattr(result, fieldname)
				if current.value:
					continue
				if fieldname == "customer_po":
					po = PO_VALUE.search(value or "")
					if po and re.search(r"\d", po.group()):
						result.customer_po = Value(po.group(), confidence, where)
				elif fieldname == "delivery_date":
					found_date, how = parse_date(value, received)
					if found_date:
						result.delivery_date = Value(
							found_date, confidence if how == "absolute" else 0.9, where, how
						)
				elif fieldname == "payment_terms" and value:
					if USUAL.search(value):
						result.payment_terms = Value(None, 0, where, "usual")
					else:
						result.payment_terms = Value(value, confidence, where)
				elif fieldname == "delivery_address" and value:
					if USUAL.search(value) or not ADDRESS_LIKE.search(value):
						result.delivery_address = Value(None, 0, where, "usual")
					else:
						address = _join_wrapped(value, page, where)
						sure = confidence if ADDRESS_END.search(address) and address == value else 0.7
						result.delivery_address = Value(address, sure, where)
			previous_supplier = supplier_line and not re.search(LABELS["contact_person"], text)
	if contacts:
		contacts.sort(key=lambda c: c[0])
		best = contacts[0]
		rivals = {name for rank, name, _where in contacts if rank == best[0]}
		# Two people under the same label (buyer and seller blocks side by side): ask.
		result.contact_person = Value(best[1], 0.95 if len(rivals) == 1 else 0.7, best[2])


def _contacts_in(text: str):
	"""Every (label, name) of a contact in a line: 联系人：李娜 … 收货人：李明 gives both."""
	for match in re.finditer(rf"({LABELS['contact_person']})\s*[:：]?\s*", text, re.I):
		name = NAME_VALUE.match(text[match.end() :])
		if name:
			yield match.group(1), name.group()


def _prose_facts(result: Extraction, all_pages: list[Page], received: date):
	"""An order number or delivery date written in prose or in the subject."""
	for page in all_pages:
		for line in page.lines:
			if not result.customer_po.value:
				match = re.search(
					r"(?<![A-Za-z0-9\-])(?:订单|PO|单号)(?![-_/][A-Za-z0-9])[^A-Za-z0-9]{0,6}([A-Za-z0-9][A-Za-z0-9\-_/.]{3,})",
					line.text,
					re.I,
				)
				if match and re.search(r"\d", match.group(1)):
					result.customer_po = Value(match.group(1), 0.9, line.where)
			if not result.delivery_date.value and re.search(
				r"交货|交付|送到|送达|到货|交期|发货|前", line.text
			):
				found_date, how = parse_date(line.text, received)
				if found_date and found_date >= received:
					result.delivery_date = Value(found_date, 0.9, line.where, how)


def _cell_label_value(cells: list[Cell], pattern: str) -> tuple[str, str] | None:
	"""In a spreadsheet row: the value after the label in the same cell, else the next cell."""
	for index, cell in enumerate(cells):
		found = _label_value(cell.text, pattern)
		if not found:
			continue
		label, value = found
		if not re.match(rf"^\s*(?:{pattern})", cell.text, re.I):
			continue
		if value:
			return label, value
		following = [c.text for c in cells[index + 1 :] if c.text]
		if following and not re.fullmatch(rf"(?:{ANY_LABEL.pattern})\s*[:：]?", following[0], re.I):
			return label, following[0]
	return None


def _join_wrapped(value: str, page: Page, where: str) -> str:
	"""An address that wraps onto the next line of a PDF ends there, not mid-word."""
	if page.kind != "pdf":
		return value
	lines = page.lines
	for index, line in enumerate(lines[:-1]):
		if line.where == where:
			tail = lines[index + 1].text.split(" ")[-1]
			if (
				value
				and not ADDRESS_END.search(value)
				and len(tail) <= 6
				and re.fullmatch(r"[\u4e00-\u9fff]+", tail)
			):
				return value + tail
	return value


def _defaults(result: Extraction, master: dict | None, sender: str, pages: list[Page]):
	if not master:
		return
	for fieldname in ("payment_terms", "delivery_address"):
		current = getattr(result, fieldname)
		if not current.value and master.get(fieldname):
			setattr(result, fieldname, Value(master[fieldname], DEFAULTED, "customer", "defaulted"))
	if not result.contact_person.value:
		name = _sender_name(pages) or master.get("contact_person")
		if name:
			result.contact_person = Value(name, DEFAULTED, "sender", "defaulted")


def _sender_name(pages: list[Page]) -> str | None:
	for page in pages:
		for line in page.lines[-12:]:
			match = re.fullmatch(r"[\u4e00-\u9fff]{2,3}", line.text)
			if match:
				return match.group()
	return None


# line items


def _header_row(cells: list[Cell]) -> dict[str, int] | None:
	columns = {}
	for index, cell in enumerate(cells):
		text = re.sub(r"\s+", "", cell.text)
		for role, pattern in COLUMN_NAMES.items():
			if role not in columns and text and re.search(pattern, text, re.I):
				columns[role] = index
				break
	if "qty" in columns and ("name" in columns or "code" in columns or "spec" in columns):
		return columns
	return None


def _lines(
	page: Page, masters: matching.Masters, customer: str | None, result: Extraction, received: date
) -> list[Line]:
	tables = page.tables if page.kind == "sheet" else []
	for table in tables:
		for index, row in enumerate(table):
			columns = _header_row(row)
			if columns:
				return _table_lines(table[index + 1 :], columns, masters, customer, result, received)
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


def _stated_total(pages: list[Page]) -> float | None:
	for page in pages:
		for text, _cells, _where in _rows(page):
			if TOTAL_ROW.search(text) and "大写" not in text:
				values = [
					parse_number(n) for n in BARE_NUMBER.findall(text.replace("¥", " ").replace("￥", " "))
				]
				values = [v for v in values if v]
				if values:
					return max(values)
	return None


def _convert_units(result: Extraction, masters: matching.Masters, text: str):
	"""Quantities ordered in packs become the product's unit where the pack size is stated."""
	for line in result.lines:
		product = masters.product_by_code.get(line.product.value)
		if not product or not line.uom or unit_of(product["uom"]) == line.uom:
			continue
		if line.uom in PACK_UNITS:
			sizes = pack_sizes(line.text) or pack_sizes(product.get("specification") or "")
			factor = None
			if line.uom in sizes and sizes[line.uom][1] == unit_of(product["uom"]):
				factor = sizes[line.uom][0]
			for conversion in masters.conversions:
				if conversion["product"] == product["product_code"] and conversion["uom"] == line.uom:
					factor = factor or float(conversion["factor"])
			if factor:
				line.qty = Value(
					line.qty.value * factor,
					line.qty.confidence,
					line.qty.source,
					f"converted from {line.uom}",
				)
				if line.rate.value is not None:
					line.rate = Value(
						round(line.rate.value / factor, 4),
						line.rate.confidence,
						line.rate.source,
						line.qty.note,
					)
				line.uom = unit_of(product["uom"])
				continue
		line.qty.confidence = min(line.qty.confidence, 0.5)
		line.qty.note = _("ordered in {0}, sold in {1}").format(line.uom, product["uom"])


def _rates_from_master(result: Extraction, masters: matching.Masters):
	for line in result.lines:
		product = masters.product_by_code.get(line.product.value)
		if line.rate.value is None and product and product.get("standard_rate"):
			line.rate = Value(float(product["standard_rate"]), DEFAULTED, "product", "defaulted")


def _check(result: Extraction):
	"""Cross-checks that make a person look: amounts that do not add up, lines without products."""
	for line in result.lines:
		if line.amount is not None and line.rate.value is not None and line.qty.value is not None:
			if abs(line.qty.value * line.rate.value - line.amount) > 0.011 and "converted" not in (
				line.qty.note or ""
			):
				line.rate.confidence = min(line.rate.confidence, 0.5)
				result.problems.append(_("{0}: quantity × price is not the amount.").format(line.text))
	if result.stated_total and result.lines:
		total = sum((line.qty.value or 0) * (line.rate.value or 0) for line in result.lines)
		if abs(total - result.stated_total) <= 0.011:
			# The document's own total confirms every quantity and price.
			for line in result.lines:
				if line.product.confidence >= 0.9 and line.rate.note != "defaulted":
					line.qty.confidence = max(line.qty.confidence, 0.95)
					line.rate.confidence = max(line.rate.confidence, 0.95)
		else:
			result.problems.append(
				_("The lines add up to {0}, the document says {1}.").format(
					f"{total:.2f}", f"{result.stated_total:.2f}"
				)
			)
			for line in result.lines:
				line.qty.confidence = min(line.qty.confidence, 0.6)
	if not result.lines:
		result.problems.append(_("No order lines were found."))


def _cap(result: Extraction, ceiling: float, note: str):
	for value in (
		result.customer_po,
		result.delivery_date,
		result.payment_terms,
		result.delivery_address,
		result.contact_person,
	):
		value.confidence = min(value.confidence, ceiling)
	for line in result.lines:
		for value in (line.product, line.qty, line.rate):
			value.confidence = min(value.confidence, ceiling)
	result.problems.append(note)
