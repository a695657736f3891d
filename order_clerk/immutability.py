"""What nobody may change once it counts: approved documents, the masters they name, and the
files behind a sealed archive.

Renames are checked twice: `before_rename` gives the clear answer, and `after_rename` refuses a
rename that skipped validation (Document.rename is whitelisted with `validate_rename`), so the
transaction rolls back on every path. A user may be renamed (a new e-mail address), but the
app's submitted and cancelled documents keep the name they recorded of who made, approved,
issued or sealed them: Frappe rewrites every link to a renamed user, and `after_rename` puts
those back.

A file is evidence when it belongs to an archive record, to a document of a sealed order, or
is named by an attach field of an approved (or cancelled) document. Evidence keeps its bytes,
its URL and its privacy: no path of Frappe deletes, replaces, re-points or publishes it.
"""

import frappe
from frappe import _
from frappe.utils import cint

from order_clerk import archive
from order_clerk.exceptions import EvidenceFileError, RenameNotPermittedError, RenameRefusedError

MODULE = "Order Clerk"
USER = "User"
ARCHIVE_RECORD = "OC Archive Record"
# The File fields that say where the bytes are, who may see them and what they belong to.
FILE_IDENTITY = (
	"file_url",
	"file_name",
	"is_private",
	"content_hash",
	"attached_to_doctype",
	"attached_to_name",
	"attached_to_field",
)


def _is_app_doctype(doctype: str) -> bool:
	return frappe.get_meta(doctype).module == MODULE


def _guards_name(doctype: str) -> bool:
	"""The app's own DocTypes, and the users its documents name."""
	return doctype == USER or _is_app_doctype(doctype)


# renames


def before_rename(doc, method=None, old=None, new=None, merge=False):
	"""doc_events["*"]: approved documents and the masters they name keep their names."""
	if doc.doctype == "File":
		guard_file(doc, _("renamed"))
		return
	if not _guards_name(doc.doctype):
		return
	check_rename_permission(doc.doctype, old or doc.name)
	if doc.doctype == USER:
		frappe.flags.oc_sealed_user_links = sealed_links_to_user(old or doc.name)
	else:
		refuse_rename(doc.doctype, old or doc.name, doc.docstatus, merge)
	frappe.flags.oc_rename_checked = (doc.doctype, old or doc.name)


def check_rename_permission(doctype: str, name: str):
	"""Frappe checks write permission after this hook: a user who may not rename must not learn
	from refuse_rename which submitted documents name the record."""
	if not frappe.has_permission(doctype, "write"):
		frappe.throw(
			_("You may not rename {0} {1}: you need write permission on {0}.").format(_(doctype), name),
			RenameNotPermittedError,
			title=_("Not Permitted"),
		)


def after_rename(doc, method=None, old=None, new=None, merge=False):
	"""doc_events["*"]: a rename of the app's documents (or a user) that skipped before_rename is undone."""
	if not _guards_name(doc.doctype):
		return
	checked, frappe.flags.oc_rename_checked = frappe.flags.oc_rename_checked, None
	if checked != (doc.doctype, old):
		frappe.throw(
			_("{0} {1} can only be renamed with its checks; nothing was renamed.").format(
				_(doc.doctype), old
			),
			RenameRefusedError,
			title=_("Not Renamed"),
		)
	if doc.doctype == USER:
		links, frappe.flags.oc_sealed_user_links = frappe.flags.oc_sealed_user_links or [], None
		keep_sealed_user_links(links, old)


def sealed_links_to_user(user: str) -> list[tuple[str, str, list[str]]]:
	"""(DocType, field, names) of the app's submitted or cancelled documents, and of their rows,
	whose User link names `user`."""
	from frappe.model.rename_doc import get_link_fields

	found = []
	for field in get_link_fields(USER):
		meta = frappe.get_meta(field["parent"])
		if field.get("issingle") or meta.module != MODULE or not (meta.is_submittable or meta.istable):
			continue
		table = frappe.qb.DocType(field["parent"])
		names = (
			frappe.qb.from_(table)
			.select(table.name)
			.where((table[field["fieldname"]] == user) & (table.docstatus > 0))
			.run(pluck=True)
		)
		if names:
			found.append((field["parent"], field["fieldname"], names))
	return found


def keep_sealed_user_links(links: list[tuple[str, str, list[str]]], old: str):
	"""Put back the name a sealed document recorded, after Frappe rewrote it to the new one."""
	for doctype, fieldname, names in links:
		table = frappe.qb.DocType(doctype)
		frappe.qb.update(table).set(table[fieldname], old).where(table.name.isin(names)).run()


def refuse_rename(doctype: str, name: str, docstatus: int, merge: bool = False):
	if cint(docstatus) == 1:
		frappe.throw(
			_("{0} {1} is submitted; a submitted document keeps its name for good.").format(_(doctype), name),
			RenameRefusedError,
			title=_("Not Renamed"),
		)
	if cint(docstatus) == 2:
		frappe.throw(
			_("{0} {1} is cancelled; a cancelled document keeps its name for good.").format(_(doctype), name),
			RenameRefusedError,
			title=_("Not Renamed"),
		)
	documents = submitted_documents_naming(doctype, name)
	if documents:
		message = (
			_(
				"{0} {1} is named by {2} submitted or cancelled documents, for example {3}; it cannot be merged."
			)
			if merge
			else _(
				"{0} {1} is named by {2} submitted or cancelled documents, for example {3}; it cannot be renamed."
			)
		)
		frappe.throw(
			message.format(_(doctype), name, len(documents), ", ".join(documents[:3])),
			RenameRefusedError,
			title=_("Not Renamed"),
		)


def submitted_documents_naming(doctype: str, name: str) -> list[str]:
	"""Submitted or cancelled documents with a link to this record, as "DocType name"."""
	from frappe.model.rename_doc import get_link_fields

	found = []
	for field in get_link_fields(doctype):
		if field.get("issingle"):
			continue
		meta = frappe.get_meta(field["parent"])
		if not (meta.is_submittable or meta.istable):
			continue
		table = frappe.qb.DocType(field["parent"])
		column = table.parent if meta.istable else table.name
		query = (
			frappe.qb.from_(table)
			.select(column)
			.distinct()
			.where((table[field["fieldname"]] == name) & (table.docstatus > 0))
		)
		if meta.istable:
			query = query.select(table.parenttype)
			found += [f"{_(row[1])} {row[0]}" for row in query.run()]
		else:
			found += [f"{_(field['parent'])} {row[0]}" for row in query.run()]
	return sorted(set(found))


# files


def _attach_fields() -> list[tuple[str, str]]:
	"""(DocType, fieldname) of every attach field of the app's submittable documents and their tables."""
	if frappe.flags.oc_attach_fields is None:
		doctypes = frappe.get_all(
			"DocType",
			filters={"module": MODULE, "issingle": 0},
			or_filters={"is_submittable": 1, "istable": 1},
			pluck="name",
		)
		frappe.flags.oc_attach_fields = [
			(row.parent, row.fieldname)
			for row in frappe.get_all(
				"DocField",
				filters={"parent": ("in", doctypes), "fieldtype": ("in", ["Attach", "Attach Image"])},
				fields=["parent", "fieldname"],
			)
		]
	return frappe.flags.oc_attach_fields


def _sealed_owner(doctype: str | None, name: str | None) -> str | None:
	"""Why a file attached to this document is evidence, or None."""
	if not (doctype and name):
		return None
	if doctype == ARCHIVE_RECORD:
		if frappe.db.exists(ARCHIVE_RECORD, name):
			return _("it belongs to archive record {0}").format(name)
		return None
	if doctype not in archive.SEALED_DOCTYPES or not frappe.db.exists(doctype, name):
		return None
	for order in archive.orders_of(frappe.get_doc(doctype, name)):
		record = archive.sealed_record_of(order)
		if record:
			return _("it belongs to {0} {1}, archived and sealed in {2}").format(_(doctype), name, record)
	return None


def evidence_reason(file_url: str | None) -> str | None:
	"""Why the file at this URL is evidence, or None when it is not."""
	if not file_url:
		return None
	for owner in frappe.get_all(
		"File",
		filters={"file_url": file_url},
		fields=["attached_to_doctype", "attached_to_name"],
		distinct=True,
	):
		reason = _sealed_owner(owner.attached_to_doctype, owner.attached_to_name)
		if reason:
			return reason
	for doctype, fieldname in _attach_fields():
		table = frappe.qb.DocType(doctype)
		istable = frappe.get_meta(doctype).istable
		columns = (table.parenttype, table.parent) if istable else (table.modified, table.name)
		found = (
			frappe.qb.from_(table)
			.select(*columns)
			.where((table[fieldname] == file_url) & (table.docstatus > 0))
			.limit(1)
			.run()
		)
		if found:
			return _("it is recorded on {0} {1}").format(_(found[0][0] if istable else doctype), found[0][1])
	return None


def _refuse(file_name: str, action: str, reason: str):
	frappe.throw(
		_("File {0} cannot be {1}: {2}. Files kept as evidence never change.").format(
			file_name, action, reason
		),
		EvidenceFileError,
		title=_("Kept as Evidence"),
	)


def guard_file(file, action: str):
	reason = evidence_reason(file.file_url)
	if reason:
		_refuse(file.file_name or file.file_url, action, reason)


def file_has_permission(doc, ptype=None, user=None, debug=False):
	"""has_permission["File"]: evidence is read-only for everyone; None leaves the rest to Frappe."""
	if ptype in ("write", "delete", "cancel", "submit", "amend") and evidence_reason(doc.get("file_url")):
		return False
	return None


def file_before_insert(file, method=None):
	"""A new File never attaches to sealed documents nor takes over the URL of evidence."""
	if file.get("is_folder"):
		return
	if file.attached_to_doctype == ARCHIVE_RECORD and not file.flags.oc_archive_copy:
		frappe.throw(
			_("Only the archive adds files to archive record {0}.").format(file.attached_to_name),
			EvidenceFileError,
			title=_("Kept as Evidence"),
		)
	if file.attached_to_doctype != ARCHIVE_RECORD:
		reason = _sealed_owner(file.attached_to_doctype, file.attached_to_name)
		if reason:
			frappe.throw(
				_("No file can be added to {0} {1}: {2}.").format(
					_(file.attached_to_doctype), file.attached_to_name, reason
				),
				EvidenceFileError,
				title=_("Kept as Evidence"),
			)
	if file.flags.oc_archive_copy:
		return
	reason = evidence_reason(file.file_url)
	if not reason or _names_it(file):
		return
	if _readable(file.file_url):
		# Frappe shares the bytes of an identical earlier upload (or of a URL it was given);
		# evidence shares them with nobody, so the new File gets bytes of its own.
		_write_own_copy(file)
	else:
		_refuse(file.file_name or file.file_url, _("attached elsewhere"), reason)


def _readable(file_url: str) -> bool:
	"""The user may read a File of this URL already (a new File must not be a way in)."""
	return any(
		frappe.has_permission("File", "read", doc=frappe.get_doc("File", name))
		for name in frappe.get_all("File", filters={"file_url": file_url}, pluck="name")
	)


def _names_it(file) -> bool:
	"""The new File only records that the document it is attached to names this URL."""
	if not (file.attached_to_doctype and file.attached_to_name and file.attached_to_field):
		return False
	meta = frappe.get_meta(file.attached_to_doctype)
	if not meta.has_field(file.attached_to_field):
		return False
	return (
		frappe.db.get_value(file.attached_to_doctype, file.attached_to_name, file.attached_to_field)
		== file.file_url
	)


def _write_own_copy(file):
	from frappe.core.doctype.file.utils import generate_file_name

	file.file_name = generate_file_name(
		file.file_name, suffix=frappe.generate_hash(length=6), is_private=cint(file.is_private)
	)
	file.save_file_on_filesystem()
	file.flags.new_file = True


def file_before_validate(file, method=None):
	"""Evidence keeps its URL, its name, its bytes, its privacy and what it is attached to."""
	if file.is_new() or file.get("is_folder"):
		return
	before = file.get_doc_before_save()
	if not before:
		return
	changed = [f for f in FILE_IDENTITY if str(before.get(f) or "") != str(file.get(f) or "")]
	if not changed:
		return
	reason = evidence_reason(before.file_url)
	if not reason and "is_private" in changed and before.content_hash:
		# Frappe moves every File with the same bytes along with this one.
		for url in frappe.get_all(
			"File", filters={"content_hash": before.content_hash}, pluck="file_url", distinct=True
		):
			reason = evidence_reason(url)
			if reason:
				break
	if reason:
		action = _("made public") if "is_private" in changed else _("changed")
		_refuse(before.file_name or before.file_url, action, reason)


def file_on_trash(file, method=None):
	if not file.get("is_folder"):
		guard_file(file, _("deleted"))


def write_file(file):
	"""Hook write_file: nothing overwrites the bytes of evidence (File.optimize_file, say)."""
	url = f"/private/files/{file.file_name}" if cint(file.is_private) else f"/files/{file.file_name}"
	if not file.flags.oc_archive_copy:
		reason = evidence_reason(url)
		if reason:
			_refuse(file.file_name, _("replaced"), reason)
	return file.save_file_on_filesystem()


def delete_file_data_content(file, only_thumbnail=False):
	"""Hook delete_file_data_content: the bytes of evidence stay on disk, whoever asks."""
	if not only_thumbnail:
		reason = evidence_reason(file.file_url)
		if reason:
			_refuse(file.file_name or file.file_url, _("deleted"), reason)
	file.delete_file_from_filesystem(only_thumbnail=only_thumbnail)
