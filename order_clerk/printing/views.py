"""Frappe's print endpoints that would bypass the print log, wrapped (override_whitelisted_methods).

- get_html_and_style (the desk's print preview) and get_rendered_raw_commands render whatever
  document the client sends as JSON: for the app's printed DocTypes they render the stored
  document only, so nobody prints an "approved" order that was never approved.
- A preview of an approved document is a clean print of it, so it counts as one: it is
  logged and numbered like any other (order_clerk.printing.log).
- frappe.utils.weasyprint.download_pdf does not call the document's before_print: the
  wrapper records the print itself.
"""

import frappe
from frappe import _
from frappe.utils import weasyprint
from frappe.www import printview

from order_clerk.printing.log import is_printed_doctype, record_print


@frappe.whitelist()
def get_html_and_style(
	doc: str,
	name: str | None = None,
	print_format: str | None = None,
	no_letterhead: bool | None = None,
	letterhead: str | None = None,
	trigger_print: bool = False,
	style: str | None = None,
	settings: str | None = None,
):
	doctype, name = _stored(doc, name)
	return printview.get_html_and_style(
		doctype, name, print_format, no_letterhead, letterhead, trigger_print, style, settings
	)


@frappe.whitelist()
def get_rendered_raw_commands(doc: str, name: str | None = None, print_format: str | None = None):
	doctype, name = _stored(doc, name)
	return printview.get_rendered_raw_commands(doctype, name, print_format)


@frappe.whitelist()
def download_weasyprint_pdf(doctype: str, name: str, print_format: str, letterhead: str | None = None):
	document = frappe.get_doc(doctype, name)
	document.check_permission("print")
	if is_printed_doctype(doctype):
		record_print(document)
	return weasyprint.download_pdf(doctype, name, print_format, letterhead)


def _stored(doc: str, name: str | None) -> tuple:
	"""(doctype, name) of the document to render: as Frappe takes them, or, when the client
	sent a whole document of the app's printed DocTypes, the stored one of that name."""
	if isinstance(name, str) and name:
		return doc, name
	sent = frappe.parse_json(doc)
	if not isinstance(sent, dict) or not sent.get("doctype"):
		frappe.throw(_("Give the document type and name of the document to print."))
	if not is_printed_doctype(sent.get("doctype")):
		return frappe.as_json(sent), None
	if not sent.get("name") or not frappe.db.exists(sent.get("doctype"), sent.get("name")):
		frappe.throw(
			_("Save {0} before printing it.").format(_(sent.get("doctype"))),
			frappe.DoesNotExistError,
		)
	return sent.get("doctype"), sent.get("name")
