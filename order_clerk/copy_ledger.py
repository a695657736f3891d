"""The ledger of paper copies (联) of an outbound slip or delivery note.

Rows may be added at any time, also after submission; a recorded row is never changed or
removed, and who recorded it is set by the server.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from order_clerk.exceptions import CopyLedgerError

FIELDS = ("copy", "handed_to", "handed_on", "remarks")


def validate_copies(doc):
	before = doc.get_doc_before_save()
	previous = {row.name: row for row in (before.get("copies") if before else [])}
	current = {row.name for row in doc.copies}
	for name, row in previous.items():
		if name not in current:
			frappe.throw(
				_("Copy record row {0} ({1}) cannot be removed.").format(row.idx, _(row.copy)),
				CopyLedgerError,
			)
	for row in doc.copies:
		old = previous.get(row.name)
		if old:
			if any(str(old.get(f) or "") != str(row.get(f) or "") for f in FIELDS):
				frappe.throw(
					_("Copy record row {0} ({1}) was already recorded and cannot be changed.").format(
						row.idx, _(old.copy)
					),
					CopyLedgerError,
				)
			row.recorded_by = old.recorded_by
		else:
			row.recorded_by = frappe.session.user
			row.handed_on = row.handed_on or now_datetime()
