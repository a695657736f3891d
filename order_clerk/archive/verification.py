"""Verifying a sealed archive record: every copy and every source it was copied from still has
the hash taken at gathering (order_clerk.archive)."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from order_clerk.archive.files import ATTACHED_KINDS, sha256_of
from order_clerk.notify import assign, users_with_role
from order_clerk.roles import ORDER_REVIEWER


def _state(digest: str | None, expected: str | None) -> str:
	return "Missing" if digest is None else ("Intact" if digest == expected else "Changed")


def verify(record) -> list[dict]:
	"""Recompute every hash, of the archive's copy and of the file it was copied from; each item
	is intact, changed or missing."""
	results, now = [], now_datetime()
	for row in record.items:
		copy_state = source_state = None
		if not row.file:
			state = "Missing" if row.required else "Intact"
		else:
			# Records sealed before the archive kept copies hold the attached file itself.
			own = record if (row.source_file or row.kind not in ATTACHED_KINDS) else None
			state = copy_state = _state(sha256_of(row.file, own), row.sha256)
			if row.source_file:
				source_state = _state(sha256_of(row.source_file), row.sha256)
				if state == "Intact":
					state = source_state
		frappe.db.set_value("OC Archive Item", row.name, "verification", state, update_modified=False)
		row.verification = state
		results.append(
			{
				"kind": row.kind,
				"document_type": row.document_type,
				"document_name": row.document_name,
				"file": row.file,
				"source_file": row.source_file,
				"copy": copy_state,
				"source": source_state,
				"status": state,
			}
		)
	status = "Intact" if all(r["status"] == "Intact" for r in results) else "Mismatch"
	frappe.db.set_value(
		"OC Archive Record",
		record.name,
		{"last_verified_on": now, "verification_status": status},
		update_modified=False,
	)
	record.last_verified_on, record.verification_status = now, status
	return results


def verify_sealed_records():
	"""Daily: verify every sealed record; tell the reviewers about any mismatch."""
	for name in frappe.get_all("OC Archive Record", filters={"docstatus": 1}, pluck="name"):
		record = frappe.get_doc("OC Archive Record", name)
		results = verify(record)
		bad = [r for r in results if r["status"] != "Intact"]
		if bad:
			assign(
				record,
				users_with_role(ORDER_REVIEWER),
				_("Archive {0} failed verification: {1}").format(
					record.archive_no,
					", ".join(f"{r['kind']} {r['document_name']}: {_(r['status'])}" for r in bad),
				),
			)
