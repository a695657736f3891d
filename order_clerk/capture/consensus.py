"""What a scanned page says, by the agreement of several OCR readings and by checks.

One OCR reading can misread any character, and two readings can misread the same one the same
way. So a value read from a scan is taken without a person only when it is checked by something
other than the scan:

- the customer is known by the number the fax came from, or named alike by QUORUM readings on a
  fax from its own lines (its number on record but for the last two digits);
- a payment term, delivery address or contact is the one on record for the customer, read so in
  at least one reading (a misread character never turns a string into another known string);
  one that no reading states is the customer's default only when no reading states one;
- the PO number and the delivery date are read the same by at least QUORUM readings, at least
  twice as many as read them any other way;
- each line's product is read the same by QUORUM readings, its quantity and price multiply to
  the amount the same reading gives for the line, and the lines add up to a total that two
  readings give alike.

Everything else is shown to the clerk as the reading nearest to all the others (or as the value on
record, when that reading is a character or two from it with the same digits), with a confidence
under the touchless threshold and a note on what to check.
"""

import itertools
import re
from collections import Counter
from dataclasses import replace

from frappe import _
from frappe.utils import flt
from rapidfuzz.distance import Levenshtein

from order_clerk.capture.model import (
	OCR_CEILING,
	TOUCHLESS_CONFIDENCE,
	Extraction,
	Line,
	Value,
	fact_labels,
)
from order_clerk.capture.readers import Page

QUORUM = 3
CHECKED = 0.95
VOTED = ("customer_po", "delivery_date")
ON_RECORD = ("payment_terms", "delivery_address", "contact_person")


def readings_of(pages: list[Page]) -> list[list[Page]]:
	"""The document as each other OCR reading saw it."""
	count = max((len(page.readings) for page in pages if page.ocr), default=0)
	return [
		[
			replace(page, lines=page.readings[k], readings=[])
			if page.ocr and k < len(page.readings)
			else page
			for page in pages
		]
		for k in range(count)
	]


def _key(value) -> str:
	"""Readings agree only on the same characters, case and punctuation included."""
	return re.sub(r"\s+", "", str(value)) if value not in (None, "") else ""


def _closest(values: list[Value]) -> Value | None:
	"""Of readings that do not agree, the one nearest to all the others (the fewest characters to
	change): the best guess to show the clerk."""
	stated = [v for v in values if _key(v.value)]
	if not stated:
		return None
	return min(stated, key=lambda v: sum(Levenshtein.distance(_key(v.value), _key(o.value)) for o in stated))


def _same_lines(sender: str, phone: str | None) -> bool:
	"""Whether a number is on the same lines as one on record: all but its last two digits."""
	sent, known = re.sub(r"\D", "", sender or ""), re.sub(r"\D", "", phone or "")
	return len(sent) >= 7 and len(sent) == len(known) and sent[:-2] == known[:-2]


def _near(read: str, known: str) -> bool:
	"""A reading a character or two from a value on record, with the same digits."""
	digits = re.compile(r"\d+")
	return (
		len(known) >= 4
		and digits.findall(read) == digits.findall(known)
		and Levenshtein.distance(read, known) <= max(1, len(known) // 10)
	)


def _vote(values: list) -> tuple[object, bool]:
	"""The value most readings give, and whether they agree enough to take it."""
	counts = Counter(_key(v) for v in values if _key(v))
	if not counts:
		return None, False
	(top, votes), *rest = counts.most_common()
	second = rest[0][1] if rest else 0
	value = next(v for v in values if _key(v) == top)
	return value, votes >= QUORUM and votes >= 2 * second


def settle(
	result: Extraction,
	others: list[Extraction],
	customers: list[dict],
	products: dict | None = None,
	sender: str = "",
) -> None:
	"""Turn the first reading's extraction into what all readings and the checks support."""
	readings = [result, *others]
	doubts = []
	labels = fact_labels()
	master = None
	if "sender" not in (result.customer.note or ""):
		# Named on the page only: taken when the readings agree on the name and the fax came from
		# the customer's own lines (its number on record but for the last two digits, as a
		# company's fax line sits beside its phone); else a person confirms who sent it.
		result.customer.value, agreed = _vote([r.customer.value for r in readings])
		master = next((c for c in customers if c["customer_name"] == result.customer.value), None)
		if not (agreed and master and _same_lines(sender, master.get("phone"))):
			result.customer.confidence = min(result.customer.confidence, OCR_CEILING)
			if result.customer.value:
				doubts.append(labels["customer"])
	master = master or next((c for c in customers if c["customer_name"] == result.customer.value), None)
	for fieldname in VOTED:
		values = [getattr(r, fieldname) for r in readings]
		value, agreed = _vote([v.value for v in values])
		if agreed:
			chosen = next(v for v in values if _key(v.value) == _key(value))
		else:
			chosen = _closest(values) or getattr(result, fieldname)
		setattr(result, fieldname, Value(chosen.value, CHECKED if agreed else OCR_CEILING, chosen.source))
		if not agreed:
			doubts.append(labels[fieldname])
	for fieldname in ON_RECORD:
		values = [getattr(r, fieldname) for r in readings]
		known = _key((master or {}).get(fieldname))
		stated = [v for v in values if v.value and v.note != "defaulted"]
		on_record = next((v for v in stated if known and _key(v.value) == known), None)
		if on_record:
			setattr(result, fieldname, Value(master[fieldname], CHECKED, on_record.source, "as on record"))
		elif stated:
			chosen = _closest(stated)
			if known and _near(_key(chosen.value), known):
				# Most likely the record misread: shown as the record, for a person to confirm.
				chosen = Value(master[fieldname], OCR_CEILING, chosen.source, "near the record")
			setattr(result, fieldname, Value(chosen.value, OCR_CEILING, chosen.source, chosen.note))
			doubts.append(labels[fieldname])
	lines_checked = _settle_lines(result, readings, products or {})
	if not lines_checked:
		doubts.append(_("the lines"))
	result.problems = (
		[p for p in result.problems if p == _("No order lines were found.")]
		if result.lines
		else [_("No order lines were found.")]
	)
	if doubts:
		result.problems.append(
			_("Read by OCR; the readings and checks do not confirm: {0}.").format(", ".join(doubts))
		)


def _settle_lines(result: Extraction, readings: list[Extraction], products: dict) -> bool:
	"""The lines most readings agree on; checked when every line's product is agreed and, among
	the quantities and prices that multiply to their line's amount, one choice per line adds up
	to a total that two readings give alike."""
	count, agreed = _vote([len(r.lines) or None for r in readings])
	if not count:
		return False
	aligned = [r for r in readings if len(r.lines) == count]
	leading, options, same_lines = [], [], []
	for index in range(count):
		candidates = [r.lines[index] for r in aligned]
		product, product_agreed = _vote([line.product.value for line in candidates])
		agreed = agreed and product_agreed
		same = [line for line in candidates if line.product.value == product] or candidates
		leading.append(same[0])
		same_lines.append(same)
		price = flt((products.get(product) or {}).get("standard_rate"))
		# A decimal point lost in a price and its amount still multiplies out: a price near the
		# product's own comes first.
		options.append(sorted(_consistent(same), key=lambda line: not _near_price(line.rate.value, price)))
	totals = Counter(r.stated_total for r in readings if r.stated_total)
	choice = _adding_up(options, [total for total, votes in totals.most_common() if votes >= 2])
	settled = []
	for index, line in enumerate(leading):
		if choice:
			chosen = choice[index]
		elif options[index]:
			chosen = options[index][0]
		else:
			chosen = _most_read(
				same_lines[index], flt((products.get(line.product.value) or {}).get("standard_rate"))
			)
		settled.append(replace(chosen, product=replace(line.product)))
	checked = bool(agreed and choice)
	for line in settled:
		# The checks confirm what was read. A product told apart from its look-alikes only with
		# doubt, a price taken from the product, or a unit the product is not sold in: no sum
		# confirms those.
		sure = (
			line.product.confidence >= TOUCHLESS_CONFIDENCE
			and line.rate.note != "defaulted"
			and not line.unit_unknown
		)
		for value in (line.product, line.qty, line.rate):
			value.confidence = CHECKED if checked and sure else min(value.confidence, OCR_CEILING)
	result.lines = settled
	if choice:
		result.stated_total = sum(line.qty.value * line.rate.value for line in settled)
	return checked


def _near_price(rate, price: float) -> bool:
	return bool(rate and price and 0.5 <= rate / price <= 2)


def _most_read(lines: list[Line], price: float) -> Line:
	"""A line no check confirms: the quantity and the price most readings give (a price near the
	product's own before any other)."""
	qty = Counter(line.qty.value for line in lines if line.qty.value is not None).most_common(1)
	rates = [line.rate.value for line in lines if line.rate.value is not None]
	rate = Counter([r for r in rates if _near_price(r, price)] or rates).most_common(1)
	line = lines[0]
	return replace(
		line,
		qty=replace(line.qty, value=qty[0][0]) if qty else line.qty,
		rate=replace(line.rate, value=rate[0][0]) if rate else line.rate,
	)


def _consistent(lines: list[Line]) -> list[Line]:
	"""The readings of a line whose quantity × price is the amount read with them, one per
	distinct pair, the pair most readings give first."""
	pairs = Counter()
	first = {}
	for line in lines:
		if (
			line.amount is not None
			and line.qty.value is not None
			and line.rate.value is not None
			and abs(line.qty.value * line.rate.value - line.amount) <= 0.011
		):
			pair = (line.qty.value, line.rate.value)
			pairs[pair] += 1
			first.setdefault(pair, line)
	return [first[pair] for pair, _votes in pairs.most_common()]


def _adding_up(options: list[list[Line]], totals: list[float], limit: int = 4096) -> list[Line] | None:
	"""One line per position whose amounts add up to one of the totals."""
	if not totals or not all(options):
		return None
	combinations = 1
	for choices in options:
		combinations *= len(choices)
	if combinations > limit:
		return None
	for choice in itertools.product(*options):
		amount = sum(line.qty.value * line.rate.value for line in choice)
		if any(abs(amount - float(total)) <= 0.011 for total in totals):
			return list(choice)
	return None
