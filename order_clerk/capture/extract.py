"""A read document -> the order it states: header facts and lines, each with a confidence
and the place in the document it came from."""

from datetime import date

from frappe import _

from order_clerk.capture import consensus, matching
from order_clerk.capture.header import apply_defaults, read_header, read_prose_facts
from order_clerk.capture.items import read_lines, stated_total
from order_clerk.capture.model import DEFAULTED, Extraction, Value
from order_clerk.capture.readers import Page
from order_clerk.capture.text import PACK_UNITS, pack_sizes, same_count, unit_of


def extract(pages: list[Page], masters: matching.Masters, sender: str, received: date) -> Extraction:
	result = _extract(pages, masters, sender, received)
	if any(p.ocr for p in _order_pages(pages)):
		# A scan: what the other readings and the checks confirm (order_clerk.capture.consensus).
		others = [_extract(alt, masters, sender, received) for alt in consensus.readings_of(pages)]
		consensus.settle(result, others, masters.customers, masters.product_by_code, sender)
	return result


def _extract(pages: list[Page], masters: matching.Masters, sender: str, received: date) -> Extraction:
	result = Extraction()
	order_pages = _order_pages(pages)
	text = "\n".join(p.all_text() for p in order_pages)
	customer = matching.match_customer(masters, sender, "\n".join(p.all_text() for p in pages))
	result.customer = Value(
		customer.value, customer.confidence, "sender" if "sender" in customer.how else "", customer.how
	)
	master = next((c for c in masters.customers if c["customer_name"] == customer.value), None)
	read_header(result, order_pages, pages, received)
	apply_defaults(result, master, sender, pages)
	for page in order_pages:
		result.lines.extend(read_lines(page, masters, customer.value, result, received))
	read_prose_facts(result, pages, received)
	result.stated_total = stated_total(order_pages)
	_convert_units(result, masters, text)
	_rates_from_master(result, masters)
	_check(result)
	return result


def _order_pages(pages: list[Page]) -> list[Page]:
	"""Where an e-mail carries the order as an attachment, the attachment is the order."""
	attachments = [p for p in pages[1:] if p.kind in ("sheet", "pdf", "image")]
	if pages and pages[0].kind == "text" and attachments:
		return attachments
	return pages


def _convert_units(result: Extraction, masters: matching.Masters, text: str):
	"""Quantities ordered in packs become the product's unit where the pack size is stated."""
	for line in result.lines:
		product = masters.product_by_code.get(line.product.value)
		if not product or not line.uom or same_count(line.uom, product["uom"]):
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
		line.unit_unknown = True


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
					if not line.unit_unknown:
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
