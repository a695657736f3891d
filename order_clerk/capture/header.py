"""The order's header facts: PO number, delivery date, payment terms, address and contact."""

import re
from datetime import date

from order_clerk.capture.dates import parse_date
from order_clerk.capture.model import DEFAULTED, Extraction, Value, rows_of
from order_clerk.capture.readers import Cell, Page

LABELS = {
	"customer_po": r"(?<![A-Za-z0-9\-])(?:(?:我司|客户)?(?:采购)?(?:订单|合同|订购单)(?:编?号|\s*No\.?)|采购单号|单号|PO\s*(?:No\.?|号|#)?|Order\s*No\.?)",
	"delivery_date": r"交货日期|交货期|交期|到货日期|送货日期|要求到货(?:日期)?|交货时间|交付日期|需求日期|要货日期|Delivery(?:\s*Date)?|Req(?:uired|uested)?[\s_]*(?:Delivery[\s_]*)?Date|Need[\s_]*Date",
	"payment_terms": r"付款方式|付款条件|结算方式|付款条款|Payment(?:\s*Terms)?",
	"delivery_address": r"送货地址|收货地址|交货地点|交货地址|送货地点|收货地点|Ship\s*To|Deliver\s*To",
	"contact_person": r"收货联系人|收货人|现场联系人?|联系人|委托代理人|Buyer|采购员|经办人",
}
# Contact labels by preference: the receiver names the person for this order.
CONTACT_ORDER = ("收货联系人", "收货人", "现场联系", "联系人", "委托代理人", "Buyer", "采购员", "经办人")
ANY_LABEL = re.compile(
	"|".join(f"(?:{p})" for p in LABELS.values())
	+ r"|订单日期|下单日期|日期|联系电话|电话|手机|传真|邮箱|供\s*应\s*商|Tel|Fax|Date|E-?mail",
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
SUPPLIER_BLOCK = re.compile(r"供\s*应\s*商|卖方|供方|Vendor|Supplier", re.I)
# A buyer's and a seller's block side by side: 买方（需方） … 卖方（供方）
BUYER_THEN_SELLER = re.compile(r"(?:买方|需方|Buyer).*(?:卖方|供方|Seller|Vendor|Supplier)", re.I)


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


def read_header(result: Extraction, order_pages: list[Page], all_pages: list[Page], received: date):
	contacts: list[tuple[int, str, str]] = []
	for page in order_pages:
		confidence = 0.95
		previous_supplier = side_by_side = False
		for text, cells, where in rows_of(page):
			supplier_line = bool(SUPPLIER_BLOCK.search(text))
			if supplier_line and BUYER_THEN_SELLER.search(text):
				# Below this, a line naming two people names the buyer's first, the seller's second.
				side_by_side = True
				continue
			if not (supplier_line or previous_supplier):
				found = list(_contacts_in(text))
				for label, name in found[:1] if side_by_side and len(found) == 2 else found:
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
						# Complete as written, or completed by the line it wraps onto.
						sure = confidence if ADDRESS_END.search(address) else 0.7
						if address != value:
							sure = min(sure, 0.9)
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
		rest = text[match.end() :]
		name = NAME_VALUE.match(rest)
		if name:
			# A name written against the next label (刘长青电话：…) ends where the label starts.
			label = ANY_LABEL.search(rest, 2)
			cut = label and label.start() < name.end()
			yield match.group(1), name.group()[: label.start()] if cut else name.group()


def read_prose_facts(result: Extraction, all_pages: list[Page], received: date):
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


def apply_defaults(result: Extraction, master: dict | None, sender: str, pages: list[Page]):
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
