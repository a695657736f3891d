"""Helpers of the print tests: orders to print, PDFs through Frappe's own path, what they hold.

The fixtures that print in this process (`printing`, `pdf_site`) are in tests/conftest.py.
"""

import io
import re

import frappe
from frappe.translate import print_language
from pypdf import PdfReader

from order_clerk.printing.qr import QUIET_ZONE, qr_matrix
from tests.utils import act, make_customer, make_order, make_product, unique

ORDER_CONFIRMATION = "OC Order Confirmation"

# Two lines that come to 12,345.67: 200 x 12.50 + 1 x 9,845.67.
TOTAL = 12345.67
TOTAL_IN_WORDS = "壹万贰仟叁佰肆拾伍元陆角柒分"


def set_print_settings(**values):
	for field, value in values.items():
		frappe.db.set_single_value("OC Settings", field, value)


def make_print_order(people, **kwargs):
	"""A draft order made by the clerk, with Chinese names and a total of 12,345.67."""
	bolt = make_product(rate=12.5, product_name="六角螺栓", specification="M8×30 8.8级", uom="盒")
	motor = make_product(rate=9845.67, product_name="三相异步电动机", specification="Y2-90L-4", uom="台")
	customer = make_customer(
		customer_name=unique("金长门机电有限公司"), delivery_address="上海市浦东新区张江路88号"
	)
	frappe.set_user(people.clerk)
	payload = {
		"external_ref": unique("PO"),
		"items": [{"product": bolt, "qty": 200, "rate": 12.5}, {"product": motor, "qty": 1, "rate": 9845.67}],
		**kwargs,
	}
	return make_order(customer, bolt, **payload)


def approve(order, people):
	frappe.set_user(people.clerk)
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(order.name, "Approve")
	return frappe.get_doc("OC Order", order.name)


def render_pdf(doctype: str, name: str, print_format: str | None = None, lang: str = "zh") -> PdfReader:
	with print_language(lang):
		pdf = frappe.get_print(doctype, name, print_format=print_format, as_pdf=True)
	return PdfReader(io.BytesIO(pdf))


def flat(text: str) -> str:
	"""The text without any whitespace, for matching Chinese across PDF line and word breaks."""
	return re.sub(r"\s+", "", text)


def words(text: str) -> str:
	"""The text with every run of whitespace made one space, for matching English."""
	return " ".join(text.split())


def page_texts(reader: PdfReader) -> list[str]:
	return [page.extract_text() for page in reader.pages]


def print_logs(doctype: str, name: str) -> list[dict]:
	return frappe.get_all(
		"OC Print Log",
		filters={"reference_doctype": doctype, "reference_name": name},
		fields=["print_format", "printed_by", "printed_at", "print_count", "is_reprint"],
		order_by="print_count asc",
	)


def decode_qr_image(image, text: str) -> bool:
	"""Whether a QR image taken from a PDF has the modules of `text`'s QR code.

	No QR reader is at hand, so the image is sampled at the centre of each module and
	compared with the code the same text gives.
	"""
	expected = qr_matrix(text)
	size = len(expected) + 2 * QUIET_ZONE
	gray = image.convert("L")
	if gray.width != gray.height:
		return False
	module = gray.width / size
	for y, row in enumerate(expected):
		for x, dark in enumerate(row):
			centre = (int((x + QUIET_ZONE + 0.5) * module), int((y + QUIET_ZONE + 0.5) * module))
			if (gray.getpixel(centre) < 128) != bool(dark):
				return False
	return True
