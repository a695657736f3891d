"""Every print of a document is recorded in OC Print Log; the second and later are reprints (补打).

Frappe renders every print through frappe.www.printview.get_rendered_template, which calls
the document's `before_print` just after checking print permission: the browser print view
(/printview), PDFs (frappe.utils.print_format.download_pdf, download_multi_pdf, email
attachments, frappe.get_print) and raw printing all pass there. The `before_print` doc event
of each printed DocType (hooks.py) calls record_print, so the log holds whatever the format,
and the print format finds the document's print number on the document (print_status).

The desk's print preview (frappe.www.printview.get_html_and_style) renders through the same
path. Of a draft or cancelled document, which carries its 草稿 or 已作废 mark, it is not a
print: not recorded, and it shows the number the next print will carry. Of an approved
document it is a clean print like any other, and is recorded. Frappe's endpoints that render
a document sent by the client, or skip before_print, are wrapped in order_clerk.printing.views.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import now_datetime

from order_clerk.numbering import current_count, next_count

# Desk endpoints that render a print to show it on screen: a print only of an approved document.
PREVIEW_METHODS = frozenset({"frappe.www.printview.get_html_and_style"})


class PrintStatus(NamedTuple):
	count: int  # 1 for the first print of the document, 2 for the first reprint, ...
	is_reprint: bool
	recorded: bool  # False for a preview or an unsaved document

	@property
	def label(self) -> str:
		"""The reprint mark with the print's number; empty on a first print."""
		return _("Reprint (print no. {0})").format(self.count) if self.is_reprint else ""


@contextmanager
def filing_copy() -> Iterator[None]:
	"""Render the prints made inside this block as copies for the archive's file, not prints.

	The archive renders each document it seals to a PDF of its own: that is no print by a user,
	so it takes no print number, leaves no log entry and carries no reprint mark, and it is made
	whatever the print permission of the user whose action seals the archive.
	"""
	previous = frappe.flags.ignore_print_permissions, frappe.flags.oc_filing_copy
	frappe.flags.ignore_print_permissions = frappe.flags.oc_filing_copy = True
	try:
		yield
	finally:
		frappe.flags.ignore_print_permissions, frappe.flags.oc_filing_copy = previous


def record_print(doc, method=None, print_settings=None) -> None:
	"""`before_print` doc event: record this print and keep its number on the document."""
	if doc.is_new() or (_is_preview() and doc.docstatus != 1):
		doc.flags.oc_print_status = _status(doc, recorded=False)
		return
	if frappe.flags.get("oc_filing_copy"):
		doc.flags.oc_print_status = PrintStatus(print_count(doc.doctype, doc.name), False, False)
		return
	# A counter row per document, taken under a row lock until the print's transaction ends:
	# concurrent prints of a document get distinct numbers, and a failed print gives its
	# number back. (Counting the log's rows would need a lock on a range of its index.)
	count = next_count(_counter_key(doc.doctype, doc.name))
	status = PrintStatus(count, count > 1, True)
	frappe.get_doc(
		{
			"doctype": "OC Print Log",
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"print_format": _print_format_name(doc),
			"printed_by": frappe.session.user,
			"printed_at": now_datetime(),
			"print_count": status.count,
			"is_reprint": int(status.is_reprint),
		}
	).insert(ignore_permissions=True)
	if getattr(frappe.local, "request", None):
		# The print view and PDF downloads are GET requests, which Frappe rolls back unless
		# asked to commit; the request commits at its end, and not at all if the print fails.
		frappe.local.flags.commit = True
	doc.flags.oc_print_status = status


def is_printed_doctype(doctype: str) -> bool:
	"""Whether prints of this DocType are recorded (its before_print doc event is record_print)."""
	events = frappe.get_hooks("doc_events").get(doctype, {})
	return "order_clerk.printing.log.record_print" in events.get("before_print", [])


def print_status(doc) -> PrintStatus:
	"""The number of the print being rendered, or of the next print outside a print."""
	return doc.flags.get("oc_print_status") or _status(doc, recorded=False)


def print_count(doctype: str, name: str) -> int:
	"""How many times the document has been printed."""
	return current_count(_counter_key(doctype, name))


def _counter_key(doctype: str, name: str) -> str:
	# Names may be long; the counter's key may not.
	return "OC-PRINT-" + hashlib.sha1(f"{doctype}\n{name}".encode()).hexdigest()


def _status(doc, recorded: bool) -> PrintStatus:
	count = (0 if doc.is_new() else print_count(doc.doctype, doc.name)) + 1
	return PrintStatus(count, count > 1, recorded)


def _is_preview() -> bool:
	return frappe.form_dict.get("cmd") in PREVIEW_METHODS


def _print_format_name(doc) -> str:
	# The same choice printview makes: the requested format, else the DocType's default.
	return (
		frappe.form_dict.get("format")
		or frappe.form_dict.get("print_format")
		or frappe.get_meta(doc.doctype).default_print_format
		or "Standard"
	)
