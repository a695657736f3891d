"""The archive's own copies: files on disk, their SHA-256, and the private copies an archive
record keeps of what it gathered (order_clerk.archive)."""

import hashlib
import os

import frappe
from frappe import _

from order_clerk.exceptions import ArchiveSealedError

# Items copied from a file attached to a document; the others are rendered.
ATTACHED_KINDS = ("Original Order", "Signed Receipt", "Invoice Copy")


def _path_of(file_url: str | None) -> str | None:
	"""The path on disk behind a local file URL, or None for anything else."""
	for prefix, folder in (("/private/files/", ("private", "files")), ("/files/", ("public", "files"))):
		if file_url and file_url.startswith(prefix):
			base = os.path.realpath(frappe.get_site_path(*folder))
			path = os.path.realpath(os.path.join(base, file_url[len(prefix) :]))
			return path if path.startswith(base + os.sep) else None
	return None


def _read(file_url: str | None) -> bytes | None:
	path = _path_of(file_url)
	try:
		with open(path, "rb") as f:
			return f.read()
	except (OSError, TypeError):
		return None


def sha256_of(file_url: str | None, attached_to=None) -> str | None:
	"""The SHA-256 of a file's bytes, or None when the file (or its File record) is gone.

	attached_to: a document the File record must be attached to (the archive's own copies).
	"""
	if not file_url:
		return None
	filters = {"file_url": file_url}
	if attached_to is not None:
		filters.update(attached_to_doctype=attached_to.doctype, attached_to_name=attached_to.name)
	if not frappe.db.exists("File", filters):
		return None
	content = _read(file_url)
	return None if content is None else hashlib.sha256(content).hexdigest()


def keep_copy(record, content: bytes | str, extension: str) -> tuple[str, str]:
	"""The archive's own private copy of these bytes, attached to the record and named by their
	SHA-256; returns its URL and hash.

	Written directly rather than through File.insert, which would share the bytes of an identical
	earlier upload (the very file being copied) instead of keeping a copy.
	"""
	if isinstance(content, str):
		content = content.encode()
	digest = hashlib.sha256(content).hexdigest()
	file_name = f"{record.name}-{digest}{extension.lower()}"
	file_url = f"/private/files/{file_name}"
	path = _path_of(file_url)
	if os.path.exists(path):
		with open(path, "rb") as f:
			if hashlib.sha256(f.read()).hexdigest() != digest:
				frappe.throw(
					_(
						"The archive's copy {0} no longer matches its name: it has been altered on disk."
					).format(file_name),
					ArchiveSealedError,
				)
	else:
		with open(path, "wb") as f:
			f.write(content)
			os.fsync(f.fileno())
		frappe.db.after_rollback.add(lambda: os.path.exists(path) and os.remove(path))
	owner = {"file_url": file_url, "attached_to_doctype": record.doctype, "attached_to_name": record.name}
	if not frappe.db.exists("File", owner):
		file = frappe.get_doc(
			{
				"doctype": "File",
				**owner,
				"file_name": file_name,
				"is_private": 1,
				"folder": "Home/Attachments",
				"file_size": len(content),
				"file_type": extension.lstrip(".").upper(),
				"content_hash": hashlib.md5(content).hexdigest(),
			}
		)
		file.name = frappe.generate_hash(length=10)
		file.set_user_and_timestamp()
		file.db_insert()
	return file_url, digest


def copy_intact(record, row) -> bool:
	"""The item's file is the archive's own and still has the hash taken at gathering."""
	return bool(row.file and row.sha256 and sha256_of(row.file, record) == row.sha256)


def take_copy(record, row, source: str | None):
	"""Copy an attached file into the archive, unless the copy already holds its current bytes."""
	row.source_file = source
	if copy_intact(record, row) and sha256_of(source) == row.sha256:
		return
	content = _read(source) if sha256_of(source) else None
	if content is None:
		row.file = row.sha256 = None
		return
	row.file, row.sha256 = keep_copy(record, content, os.path.splitext(source)[1])
