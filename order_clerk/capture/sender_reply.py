"""The sender's reply to our questions: what it states completes the intake, which is then decided
again exactly as a fresh reading is (service.decide).

The reply is read as its new text only (the quoted question left out), by the readers an order is
read with: header facts by their labels (交货日期：…, 付款方式：…, 送货地址：…), dates in prose, and
order lines in prose. A line our questions named by its number ("第2行 数量 500", as they number
the lines) answers that line. A value the reply states replaces one that was missing, read with
doubt or only defaulted from the customer's record, with the reply's line as its source and the
confidence it was read with; what the reply does not mention stays as it was. A value read for sure
that the reply contradicts is not replaced: a person settles it.
"""

import copy
import dataclasses
import re
from datetime import date

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import escape_html, flt, format_datetime, getdate, now_datetime

from order_clerk.capture import extract as reading
from order_clerk.capture import matching, replies, service
from order_clerk.capture.header import _label_value, read_header, read_prose_facts
from order_clerk.capture.items import COLUMN_NAMES, _parse_item_text, read_lines
from order_clerk.capture.model import Extraction, Line, Value
from order_clerk.capture.readers import Page, html_to_text, strip_quoted, text_page
from order_clerk.capture.text import NUMBER, QTY_WITH_UNIT, parse_number, unit_of
from order_clerk.exceptions import IntakeAlreadyDecidedError, NoReplyToReadError

INTAKE = "OC Intake"
WAITING = "Needs Attention"
FACTS = tuple(fact for fact in service.HEADER_FACTS if fact != "customer")
LINE_VALUES = ("product", "qty", "rate")
# A line of the order named by its number, as our questions name it (第2行, Line 2).
LINE_REFERENCE = re.compile(r"^\s*(?:第\s*(\d{1,3})\s*行|Line\s*(\d{1,3})\b)\s*[:：,，、.]?\s*", re.I)


# where the reply comes from


def on_reply(communication) -> None:
	"""An e-mail answering what the desk sent, in an intake's thread: read once the pull commits it."""
	if communication.reference_doctype != INTAKE or not communication.reference_name:
		return
	if frappe.db.get_value(INTAKE, communication.reference_name, "status") != WAITING:
		return  # a reply to a finished intake changes nothing
	frappe.enqueue(
		"order_clerk.capture.sender_reply.read_in_background",
		queue="long",
		intake=communication.reference_name,
		communication=communication.name,
		enqueue_after_commit=True,
	)


def read_in_background(intake: str, communication: str) -> None:
	doc = frappe.get_doc(INTAKE, intake)
	if doc.status == WAITING:
		read_reply(doc, communication)


def latest_reply(intake) -> str | None:
	"""The latest e-mail received in the intake's thread, other than the sender's order itself."""
	found = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": INTAKE,
			"reference_name": intake.name,
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"name": ("!=", intake.communication or ""),
		},
		order_by="communication_date desc, creation desc",
		pluck="name",
		limit=1,
	)
	return found[0] if found else None


def read_latest_reply(intake) -> dict:
	"""The clerk's call: read the sender's latest reply again and decide; the caller checked
	permission on the intake."""
	if intake.status in service.CLOSED:
		frappe.throw(
			_("Intake {0} is {1}; a reply from its sender changes nothing on it.").format(
				intake.name, _(intake.status)
			),
			IntakeAlreadyDecidedError,
			title=_("Intake Finished"),
		)
	if intake.status != WAITING:
		frappe.throw(
			_("Intake {0} is {1}; only an intake that needs attention is completed from a reply.").format(
				intake.name, _(intake.status)
			),
			NoReplyToReadError,
			title=_("Nothing to Complete"),
		)
	communication = latest_reply(intake)
	if not communication:
		frappe.throw(
			_("The sender of intake {0} has not replied in its thread yet.").format(intake.name),
			NoReplyToReadError,
			title=_("No Reply"),
		)
	changes = read_reply(intake, communication)
	return {"status": intake.status, "order": intake.order, "changes": changes, "problems": intake.problems}


# reading it


def read_reply(intake, communication: str) -> list[str]:
	"""Complete the intake from the reply and decide it again; what the reply changed, as written
	on the intake's timeline."""
	if intake.status != WAITING:
		return []
	mail = frappe.get_doc("Communication", communication)
	received = getdate(mail.communication_date or now_datetime())
	page = text_page(
		strip_quoted(html_to_text(mail.content)), mail.subject or mail.name, "text", "reply line"
	)
	masters = service.load_masters()
	data = intake.get_extraction() or Extraction().as_dict()
	customer = (data.get("customer") or {}).get("value")
	stated, numbered = read_answers(page, masters, customer, received)

	merged = copy.deepcopy(data)
	merged.setdefault("lines", [])
	changes, doubts, touched = [], [], []
	take_facts(merged, stated, changes, doubts)
	take_lines(merged, stated.lines, numbered, changes, doubts, touched, had_lines=bool(data.get("lines")))

	result = as_extraction(merged)
	completed = Extraction(lines=[result.lines[index] for index in touched])
	reading._convert_units(completed, masters, "")
	reading._rates_from_master(completed, masters)
	result.problems = []
	for line in result.lines:
		if not line.product.value:
			result.problems.append(unread_line(line))
	reading._check(result)
	kept = [p for p in data.get("problems") or [] if p not in derived_problems(as_extraction(data))]
	result.problems = list(dict.fromkeys(kept + result.problems + stated.problems + doubts))

	service.decide(intake, result.as_dict())
	note(intake, mail, changes, doubts)
	return changes


def read_answers(page: Page, masters, customer: str | None, received: date) -> tuple[Extraction, dict]:
	"""The reply's facts and lines, and the answers it gives to lines named by their number."""
	stated = Extraction()
	read_header(stated, [page], [page], received)
	read_prose_facts(stated, [page], received)
	numbered, prose = {}, Page(name=page.name, kind=page.kind)
	for cell in page.lines:
		reference = LINE_REFERENCE.match(cell.text)
		if reference:
			number = int(reference.group(1) or reference.group(2))
			numbered[number] = line_answer(cell.text[reference.end() :], cell.where, masters, customer)
		else:
			prose.lines.append(cell)
	stated.lines = read_lines(prose, masters, customer, stated, received)
	return stated, numbered


def line_answer(text: str, where: str, masters, customer: str | None) -> Line:
	"""An answer about one line: its product, its quantity and price by their column names
	(数量 500, 单价 18.6) or as an order line writes them (五百套，单价18.6元)."""
	match = matching.match_product(masters, text, customer)
	line = _parse_item_text(text, match, where, ordered=False) or Line(text=text)
	line.product = Value(match.value, match.confidence, where, match.how) if match.value else Value()
	for role, key in (("qty", "qty"), ("rate", "rate")):
		number, unit = labelled_number(text, role)
		if number is not None:
			setattr(line, key, Value(number, 0.95, where))
			if key == "qty" and unit:
				line.uom = unit
	return line


def labelled_number(text: str, role: str) -> tuple[float | None, str]:
	"""The number after a column name in the text (数量：500, 单价 18.6元), with its unit."""
	found = _label_value(text, COLUMN_NAMES[role])
	if not found:
		return None, ""
	value = found[1]
	counted, number = QTY_WITH_UNIT.search(value), NUMBER.search(value)
	if counted and (not number or counted.start() <= number.start()):
		return parse_number(counted.group("num")), unit_of(counted.group("unit"))
	return (parse_number(number.group()), "") if number else (None, "")


# what the reply may change


def replaceable(read: dict) -> bool:
	"""Missing, doubtful, or only the customer's default: what the reply may state."""
	return (
		replies.blank(read.get("value"))
		or (read.get("confidence") or 0) < service.TOUCHLESS_CONFIDENCE
		or read.get("note") == "defaulted"
	)


def same(a, b) -> bool:
	if isinstance(a, int | float) or isinstance(b, int | float):
		return flt(a) == flt(b)
	return str(a).strip() == str(b).strip()


def value_dict(value: Value) -> dict:
	read = dataclasses.asdict(value)
	if isinstance(read["value"], date):
		read["value"] = read["value"].isoformat()
	return read


def take_facts(merged: dict, stated: Extraction, changes: list, doubts: list) -> None:
	labels = service.fact_labels()
	for fact in FACTS:
		new = getattr(stated, fact)
		if replies.blank(new.value):
			continue
		new_read, old = value_dict(new), merged.get(fact) or {}
		if replaceable(old):
			merged[fact] = new_read
			changes.append(
				_("{0}: {1} (from {2})").format(
					labels[fact], replies.shown(fact, new_read["value"]), new_read["source"]
				)
			)
		elif not same(old.get("value"), new_read["value"]):
			doubts.append(
				_("The reply gives {0} as {1}, but it was read as {2}; check it.").format(
					labels[fact], replies.shown(fact, new_read["value"]), replies.shown(fact, old["value"])
				)
			)


def shown(key: str, value) -> str:
	if key in ("qty", "rate"):
		return f"{flt(value):g}"
	return replies.shown(key, value)


def line_labels() -> dict[str, str]:
	return {"product": _("Product"), "qty": _("Quantity"), "rate": _("Unit Price")}


def take_lines(merged, answers, numbered, changes, doubts, touched, had_lines: bool) -> None:
	lines = merged["lines"]
	for number, answer in sorted(numbered.items()):
		if 1 <= number <= len(lines):
			take_line(lines, number - 1, answer, changes, doubts, touched)
		else:
			doubts.append(
				_("The reply answers line {0}, but the order has {1} lines; check it.").format(
					number, len(lines)
				)
			)
	for answer in answers:
		index = line_answered(lines, answer)
		if index is not None:
			take_line(lines, index, answer, changes, doubts, touched)
		elif not had_lines:
			# The order's lines were not found: the reply lists them.
			lines.append(line_dict(answer))
			touched.append(len(lines) - 1)
			changes.append(
				_("Line {0} added: {1} (from {2})").format(len(lines), answer.text, answer.product.source)
			)
		elif answer.product.value:
			doubts.append(
				_("{0}: the reply names “{1}”, which is no line we asked about; check it.").format(
					answer.product.source, answer.text
				)
			)


def line_answered(lines: list[dict], answer: Line) -> int | None:
	"""The line an answer in prose is about: the one of the same product, else the one line whose
	product is in question (of the same quantity, where several are)."""
	if not answer.product.value:
		return None
	for index, line in enumerate(lines):
		if line["product"].get("value") == answer.product.value:
			return index
	open_lines = [index for index, line in enumerate(lines) if replaceable(line["product"])]
	if answer.qty.value is not None:
		by_qty = [i for i in open_lines if same(lines[i]["qty"].get("value") or 0, answer.qty.value)]
		if len(by_qty) == 1:
			return by_qty[0]
	return open_lines[0] if len(open_lines) == 1 else None


def take_line(lines, index, answer: Line, changes, doubts, touched) -> None:
	line, labels, taken = lines[index], line_labels(), False
	for key in LINE_VALUES:
		new = getattr(answer, key)
		if replies.blank(new.value):
			continue
		old = line.get(key) or {}
		if replaceable(old):
			line[key] = value_dict(new)
			taken = True
			if key == "product" and (line.get("rate") or {}).get("note") == "defaulted":
				line["rate"] = value_dict(Value())  # the new product's price is defaulted instead
			if key == "qty" and answer.uom:
				line["uom"] = answer.uom
			changes.append(
				_("Line {0}, {1}: {2} (from {3})").format(
					index + 1, labels[key], shown(key, new.value), new.source
				)
			)
		elif not same(old.get("value"), new.value):
			doubts.append(
				_("The reply gives line {0}'s {1} as {2}, but it was read as {3}; check it.").format(
					index + 1, labels[key], shown(key, new.value), shown(key, old["value"])
				)
			)
	if taken and index not in touched:
		touched.append(index)


# the reading as the extractor's own objects, to check and decide it as a fresh one


def line_dict(line: Line) -> dict:
	return {**dataclasses.asdict(line), **{key: value_dict(getattr(line, key)) for key in LINE_VALUES}}


def as_value(read: dict | None) -> Value:
	names = {f.name for f in dataclasses.fields(Value)}
	return Value(**{k: v for k, v in (read or {}).items() if k in names})


def as_line(read: dict) -> Line:
	values = {}
	for f in dataclasses.fields(Line):
		if f.name in read:
			values[f.name] = as_value(read[f.name]) if f.name in LINE_VALUES else read[f.name]
	return Line(**values)


def as_extraction(data: dict) -> Extraction:
	values = {}
	for f in dataclasses.fields(Extraction):
		if f.name not in data:
			continue
		if f.name == "lines":
			values["lines"] = [as_line(line) for line in data["lines"]]
		elif isinstance(data[f.name], dict) and "confidence" in data[f.name]:
			values[f.name] = as_value(data[f.name])
		else:
			values[f.name] = copy.deepcopy(data[f.name])
	return Extraction(**values)


def unread_line(line: Line) -> str:
	# As the line reader words it (capture.items), so the same problem is told once.
	return _("{0}: could not read the line “{1}”.").format(line.product.source, line.text)


def derived_problems(result: Extraction) -> set[str]:
	"""The problems a reading derives from its values (a line without a product, the cross-checks),
	in the languages it may have been read in: the reply derives them again from its own values."""
	languages = {frappe.local.lang, frappe.db.get_single_value("System Settings", "language") or "en", "en"}
	found = set()
	for language in languages:
		with print_language(language):
			checked = copy.deepcopy(result)
			checked.problems = [unread_line(line) for line in checked.lines if not line.product.value]
			reading._check(checked)
			found.update(checked.problems)
	return found


def note(intake, mail, changes: list[str], doubts: list[str]) -> None:
	"""What the reply changed, on the intake's timeline."""
	when = format_datetime(mail.communication_date) if mail.communication_date else mail.name
	if changes:
		text = _("The sender's reply of {0} was read. It changed: {1}.").format(when, "; ".join(changes))
	else:
		text = _("The sender's reply of {0} was read; it changed nothing.").format(when)
	if doubts:
		text += "\n" + _("To check: {0}").format(" ".join(doubts))
	intake.add_comment("Info", escape_html(text).replace("\n", "<br>"))
