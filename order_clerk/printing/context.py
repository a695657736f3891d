"""Everything a print format of the app needs, in one call: oc_print_context(doc, ...) in Jinja.

A format renders, for each copy in `copies`, one page frame (templates/print/macros.html)
with the company header, the copy's label, the draft or reprint marks, its own body, and
the signature blocks.
"""

import frappe
from frappe import _
from frappe.utils import format_datetime, get_fullname, now_datetime

from order_clerk.permissions import can_read_amounts
from order_clerk.printing.copies import get_print_copies
from order_clerk.printing.formatting import format_amount, format_quantity
from order_clerk.printing.header import company_header
from order_clerk.printing.log import print_status
from order_clerk.printing.page import get_page_size, page_css
from order_clerk.printing.qr import qr_code_data_uri
from order_clerk.printing.settings import get_print_settings
from order_clerk.printing.signatures import signature_blocks


def oc_print_context(doc, number=None, copies_of=None, signatures=None, prices_of=None) -> frappe._dict:
	"""The print context of `doc`.

	number: the document number to print and encode in the QR code; the name by default.
	copies_of: the DocType whose copies (OC Settings) to print; the document's by default.
	signatures: (kind, user, date[, written name]) entries of order_clerk.printing.signatures.
	prices_of: the document whose prices the print shows when they are not the printed
	document's own (an outbound slip shows its order's rates); the print shows them only to
	a user who may read them there.
	"""
	settings = get_print_settings()
	page = get_page_size(settings)
	number = number or doc.name
	if prices_of is None:
		prices_visible = user_may_see_prices(doc)
	else:
		prices_visible = prices_of.has_permission("read") and user_may_see_prices(prices_of)
	copies = [
		copy._replace(shows_prices=copy.shows_prices and prices_visible)
		for copy in get_print_copies(copies_of or doc.doctype, settings)
	]
	return frappe._dict(
		company=company_header(settings),
		page=page,
		page_css=page_css(page),
		number=number,
		qr=qr_code_data_uri(number),
		mark=document_mark(doc),
		status=print_status(doc),
		copies=copies,
		prices_visible=prices_visible,
		signatures=signature_blocks(signatures),
		printed_by=get_fullname(frappe.session.user),
		printed_on=format_datetime(now_datetime()),
		quantity=format_quantity,
		amount=format_amount,
	)


def document_mark(doc) -> str:
	"""The watermark of a document that is not in force: only a submitted one prints clean."""
	if doc.docstatus == 0:
		return _("DRAFT")
	if doc.docstatus == 2:
		return _("CANCELLED")
	return ""


def user_may_see_prices(doc) -> bool:
	"""False when a Currency field of the document or its lines is above the user's permlevels.

	A print shows every field it names, whoever prints: what the desk hides by permission
	level (prices from the warehouse) must be left out here too.
	"""
	if doc.flags.get("oc_customer_copy"):
		# The customer's own order, printed for its contact on the portal (order_clerk.portal).
		return True
	return can_read_amounts(doctype=doc.doctype)
