"""What an extraction says: each value with its confidence and where it was found."""

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from frappe import _

from order_clerk.capture.readers import Page

# A document becomes an order without a person when every value is at least this sure.
TOUCHLESS_CONFIDENCE = 0.9
# Confidence of a value the document does not state and the customer's master supplies.
DEFAULTED = 0.9
# Scanned pages and faxes: a value the readings and the checks do not confirm (capture.consensus)
# is never taken without a person.
OCR_CEILING = 0.6


def fact_labels() -> dict[str, str]:
	return {
		"customer": _("Customer"),
		"customer_po": _("Customer PO No."),
		"delivery_date": _("Delivery Date"),
		"payment_terms": _("Payment Terms"),
		"delivery_address": _("Delivery Address"),
		"contact_person": _("Contact Person"),
	}


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
	# Ordered in a unit the product is not sold in, with no pack size to convert by.
	unit_unknown: bool = False


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


TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|Total)|合计(?:金额)?[(（]?含?税?[)）]?|总金额", re.I)


def rows_of(page: Page):
	"""Each line of a page as (text, cells, where); sheets keep their cells."""
	if page.kind == "sheet" and page.tables:
		for row in page.tables[0]:
			cells = [c for c in row if c.text]
			if cells:
				yield " ".join(c.text for c in cells), row, cells[0].where
	else:
		for line in page.lines:
			yield line.text, None, line.where
