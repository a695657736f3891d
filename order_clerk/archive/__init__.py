"""Archive records: every document of a finished order gathered, hashed, sealed and verifiable.

Gathering renders a PDF of each document in its standard print format and copies the files
already attached (original order, signed receipts, invoice copies). Every item's bytes are kept
in a private file of the archive's own, attached to the record and named by its SHA-256, so
the record never depends on a URL someone else could re-point; the item also remembers the
file it was copied from. Sealing accepts the record only when every copy and every source
still has the hash taken at gathering; verification later checks both (order_clerk.immutability
keeps them from being deleted, replaced or published). Gathering runs as a background job and
is idempotent: an item whose copy is intact keeps it, so a second run adds only what is
missing or changed and never duplicates a row.
"""

import os
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import add_years, cint, flt, now_datetime, nowdate
from frappe.utils.pdf import get_pdf

from order_clerk import status as statuses
from order_clerk.approval_trail import approval_trail
from order_clerk.archive.files import (
	ATTACHED_KINDS,
	copy_intact,
	keep_copy,
	sha256_of,
	take_copy,
)
from order_clerk.archive.verification import verify, verify_sealed_records
from order_clerk.exceptions import ArchiveIncompleteError, ArchiveSealedError
from order_clerk.notify import users_with_role
from order_clerk.printing.log import filing_copy
from order_clerk.roles import ORDER_CLERK

# What other modules, hooks and jobs use; the copies and the verification have modules of
# their own (files, verification).
__all__ = [
	"ATTACHED_KINDS",
	"OPEN_EXCEPTION_STATES",
	"SEALED_DOCTYPES",
	"SIGNED",
	"ArchiveIncompleteError",
	"ArchiveSealedError",
	"default_retention_years",
	"gather",
	"guard_sealed",
	"is_ready",
	"missing",
	"order_documents",
	"orders_of",
	"print_and_copy_records",
	"propose_archives",
	"seal_dates",
	"sealed_record_of",
	"start_gathering",
	"verify",
	"verify_sealed_records",
]


class Expected(NamedTuple):
	kind: str
	document_type: str
	document_name: str
	file_url: str | None  # an existing file, or None to render one
	required: bool


SIGNED = statuses.SIGNED_STATES
# The documents of an order that its seal locks.
SEALED_DOCTYPES = ("OC Order", "OC Outbound Slip", "OC Delivery Note", "OC Invoice Request")
OPEN_EXCEPTION_STATES = statuses.OPEN_EXCEPTION_STATES


def order_documents(order: str) -> frappe._dict:
	"""The submitted documents of an order, in the order they happened."""
	slips = frappe.get_all(
		"OC Outbound Slip", filters={"order": order, "docstatus": 1}, pluck="name", order_by="creation"
	)
	notes = frappe.get_all(
		"OC Delivery Note",
		filters={"order": order, "docstatus": 1},
		fields=["name", "sign_status", "signed_receipt"],
		order_by="creation",
	)
	requests = frappe.get_all(
		"OC Invoice Request",
		filters=[["OC Invoice Request Note", "order", "=", order], ["docstatus", "=", 1]],
		fields=["name", "status", "invoice_copy"],
		order_by="creation",
		distinct=True,
	)
	return frappe._dict(slips=slips, notes=notes, requests=requests)


def expected_items(order) -> list[Expected]:
	docs = order_documents(order.name)
	items = [Expected("Order", "OC Order", order.name, None, True)]
	if order.original_order:
		items.append(Expected("Original Order", "OC Order", order.name, order.original_order, True))
	items.append(Expected("Approval Trail", "OC Order", order.name, None, True))
	items += [Expected("Outbound Slip", "OC Outbound Slip", slip, None, True) for slip in docs.slips]
	for note in docs.notes:
		items.append(Expected("Delivery Note", "OC Delivery Note", note.name, None, True))
		if note.sign_status in SIGNED:
			items.append(Expected("Signed Receipt", "OC Delivery Note", note.name, note.signed_receipt, True))
	for request in docs.requests:
		items.append(Expected("Invoice Request", "OC Invoice Request", request.name, None, True))
		if request.status == "Issued":
			items.append(
				Expected("Invoice Copy", "OC Invoice Request", request.name, request.invoice_copy, True)
			)
	items.append(Expected("Print and Copy Records", "OC Order", order.name, None, True))
	return items


def _save_file(record, file_name: str, content: bytes) -> str:
	return keep_copy(record, content, os.path.splitext(file_name)[1] or ".pdf")[0]


def render(record, item: Expected) -> str:
	"""Render the item to a PDF attached to the archive record; returns its file URL."""
	if item.kind == "Approval Trail":
		html = frappe.render_template(
			"order_clerk/templates/archive/approval_trail.html", approval_trail(item.document_name)
		)
		pdf = get_pdf(html)
	elif item.kind == "Print and Copy Records":
		html = frappe.render_template(
			"order_clerk/templates/archive/print_and_copy_records.html",
			print_and_copy_records(item.document_name),
		)
		pdf = get_pdf(html)
	else:
		with filing_copy():
			pdf = frappe.get_print(item.document_type, item.document_name, as_pdf=True)
	slug = frappe.scrub(item.kind).replace("_", "-")
	return _save_file(record, f"{record.name}-{slug}-{item.document_name}.pdf", pdf)


def print_and_copy_records(order: str) -> dict:
	docs = order_documents(order)
	copies = frappe.get_all(
		"OC Copy Record",
		filters={"parent": ("in", docs.slips + [n.name for n in docs.notes] or [""])},
		fields=["parenttype", "parent", "copy", "handed_to", "handed_on", "recorded_by"],
		order_by="parent, idx",
	)
	names = [order, *docs.slips, *(n.name for n in docs.notes), *(r.name for r in docs.requests)]
	prints = frappe.get_all(
		"OC Print Log", filters={"reference_name": ("in", names)}, fields=["*"], order_by="creation"
	)
	return {"order": order, "copies": copies, "prints": prints}


def gather(record_name: str):
	"""The background job: fill the record with every document of its order."""
	record = frappe.get_doc("OC Archive Record", record_name)
	if record.docstatus != 0:
		return
	order = frappe.get_doc("OC Order", record.order)
	wanted = expected_items(order)
	keep = {(i.kind, i.document_type, i.document_name) for i in wanted}
	rows = {(r.kind, r.document_type, r.document_name): r for r in record.items}
	record.items = [r for key, r in rows.items() if key in keep]
	for done, item in enumerate(wanted, start=1):
		key = (item.kind, item.document_type, item.document_name)
		row = rows.get(key)
		if row is None:
			row = record.append(
				"items",
				{"kind": item.kind, "document_type": item.document_type, "document_name": item.document_name},
			)
		row.required = 1 if item.required else 0
		if item.kind in ATTACHED_KINDS:
			take_copy(record, row, item.file_url)
		elif not copy_intact(record, row):
			row.file = render(record, item)
			row.sha256 = sha256_of(row.file, record)
		progress = flt(done / len(wanted) * 100, 1)
		frappe.db.set_value("OC Archive Record", record.name, "progress", progress, update_modified=False)
		frappe.publish_progress(
			progress,
			title=_("Gathering {0}").format(record.name),
			doctype=record.doctype,
			docname=record.name,
		)
	record.gathered_on = now_datetime()
	record.progress = 100
	record.flags.ignore_permissions = True
	record.flags.from_gather = True
	record.save()


def missing(record, order) -> list[str]:
	"""What keeps the record from being sealed, each named."""
	problems = []
	if flt(order.per_delivered) < 100:
		problems.append(
			_("Order {0} is not fully delivered and signed ({1}% signed).").format(
				order.name, flt(order.per_delivered)
			)
		)
	docs = order_documents(order.name)
	for note in docs.notes:
		if note.sign_status == "Pending":
			problems.append(_("Delivery note {0} awaits the customer's sign-off.").format(note.name))
	if cint(frappe.db.get_single_value("OC Settings", "invoice_required_for_archive")):
		for note in docs.notes:
			if note.sign_status in SIGNED and not _issued_invoice_for(note.name):
				problems.append(_("Delivery note {0} has no issued invoice.").format(note.name))
	if not record.gathered_on:
		problems.append(_("The documents have not been gathered yet."))
	for row in record.items:
		if row.required and not (row.file and row.sha256):
			problems.append(_("{0} of {1} has no file.").format(_(row.kind), row.document_name))
		elif row.file and not copy_intact(record, row):
			problems.append(
				_("The archive's copy of {0} of {1} has changed since it was gathered; gather again.").format(
					_(row.kind), row.document_name
				)
			)
		elif row.source_file and sha256_of(row.source_file) != row.sha256:
			problems.append(
				_("{0} of {1} has changed since it was gathered; gather again.").format(
					_(row.kind), row.document_name
				)
			)
	for exception in frappe.get_all(
		"OC Order Exception",
		filters={"order": order.name, "status": ("in", OPEN_EXCEPTION_STATES)},
		pluck="name",
		order_by="creation",
	):
		problems.append(_("Exception {0} on order {1} is still open.").format(exception, order.name))
	return problems


def _issued_invoice_for(delivery_note: str) -> bool:
	request, note = frappe.qb.DocType("OC Invoice Request"), frappe.qb.DocType("OC Invoice Request Note")
	return bool(
		frappe.qb.from_(note)
		.join(request)
		.on(note.parent == request.name)
		.select(request.name)
		.where(
			(note.delivery_note == delivery_note) & (request.docstatus == 1) & (request.status == "Issued")
		)
		.limit(1)
		.run()
	)


def is_ready(order) -> bool:
	"""Fully delivered and signed, invoiced where required: the archive's precondition."""
	if order.docstatus != 1 or order.status in statuses.CLOSED or flt(order.per_delivered) < 100:
		return False
	if not cint(frappe.db.get_single_value("OC Settings", "invoice_required_for_archive")):
		return True
	notes = order_documents(order.name).notes
	return all(_issued_invoice_for(n.name) for n in notes if n.sign_status in SIGNED)


def propose_archives():
	"""Daily: flag orders ready to archive and tell the clerks which ones."""
	candidates = frappe.get_all(
		"OC Order",
		filters={
			"docstatus": 1,
			"per_delivered": (">=", 100),
			"status": ("not in", list(statuses.CLOSED)),
		},
		pluck="name",
	)
	ready = [name for name in candidates if is_ready(frappe.get_doc("OC Order", name))]
	for name in ready:
		frappe.db.set_value("OC Order", name, "ready_to_archive", 1, update_modified=False)
	unfiled = [
		n for n in ready if not frappe.db.exists("OC Archive Record", {"order": n, "docstatus": ("<", 2)})
	]
	if unfiled:
		for user in users_with_role(ORDER_CLERK):
			frappe.get_doc(
				{
					"doctype": "Notification Log",
					"for_user": user,
					"type": "Alert",
					"document_type": "OC Order",
					"subject": _("{0} orders are ready to archive: {1}").format(
						len(unfiled), ", ".join(unfiled[:20])
					),
				}
			).insert(ignore_permissions=True)
	return ready


def sealed_record_of(order: str | None) -> str | None:
	if not order:
		return None
	return frappe.db.get_value("OC Archive Record", {"order": order, "docstatus": 1}, "name")


def orders_of(doc) -> list[str]:
	if doc.doctype == "OC Order":
		return [doc.name]
	if doc.doctype == "OC Invoice Request":
		return list({row.order for row in doc.delivery_notes if row.order})
	return [doc.get("order")] if doc.get("order") else []


def guard_sealed(doc, method=None):
	"""doc_events: nothing of a sealed order is cancelled, amended, changed or deleted."""
	for order in orders_of(doc):
		record = sealed_record_of(order)
		if record:
			frappe.throw(
				_("Order {0} is archived and sealed in {1}; {2} {3} can no longer change.").format(
					order, record, _(doc.doctype), doc.name
				),
				ArchiveSealedError,
				title=_("Archived"),
			)


def default_retention_years() -> str:
	"""How long an archive is kept unless its record says otherwise (OC Settings, else 10)."""
	return frappe.db.get_single_value("OC Settings", "default_retention_years") or "10"


def seal_dates(record):
	years = cint(record.retention_years or default_retention_years())
	record.retention_years = str(years)
	record.destroy_after = add_years(nowdate(), years)


def start_gathering(record):
	"""Queue the gathering job once, after the request commits."""
	frappe.db.set_value("OC Archive Record", record.name, {"status": "Gathering", "progress": 0})
	frappe.enqueue(
		"order_clerk.archive.gather",
		record_name=record.name,
		queue="long",
		job_id=f"order_clerk_archive::{record.name}",
		deduplicate=True,
		enqueue_after_commit=True,
	)
