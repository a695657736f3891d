# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, nowdate

from order_clerk import archive
from order_clerk import status as statuses
from order_clerk.numbering import next_number
from order_clerk.roles import ORDER_REVIEWER, require_role
from order_clerk.exceptions import DuplicateArchiveRecordError


ITEM_FIELDS = ("kind", "document_type", "document_name", "file", "source_file", "sha256", "required")


class OCArchiveRecord(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_archive_item.oc_archive_item import OCArchiveItem

		amended_from: DF.Link | None
		archive_no: DF.Data | None
		box: DF.Data | None
		cabinet: DF.Data | None
		customer: DF.Link | None
		destroy_after: DF.Date | None
		gathered_on: DF.Datetime | None
		items: DF.Table[OCArchiveItem]
		last_verified_on: DF.Datetime | None
		missing_items: DF.SmallText | None
		order: DF.Link
		order_date: DF.Date | None
		order_no: DF.Data | None
		progress: DF.Percent
		retention_years: DF.Literal["10", "30"]
		sealed_by: DF.Link | None
		sealed_on: DF.Datetime | None
		status: DF.Literal["Draft", "Gathering", "Incomplete", "Ready", "Sealed", "Cancelled"]
		verification_status: DF.Literal["", "Intact", "Mismatch"]
	# end: auto-generated types

	def validate(self):
		self.validate_order()
		self.validate_items_unchanged()
		self.retention_years = self.retention_years or archive.default_retention_years()
		self.set_checklist()

	def before_submit(self):
		require_role((ORDER_REVIEWER,), _("seal archive records"))
		# The seal keeps the hashes taken at gathering: a copy or source changed since then is
		# a problem to gather again, never a new hash to accept.
		problems = archive.missing(self, frappe.get_doc("OC Order", self.order))
		if problems:
			frappe.throw(
				_("Archive record {0} cannot be sealed yet:").format(self.name)
				+ "<ul>"
				+ "".join(f"<li>{p}</li>" for p in problems)
				+ "</ul>",
				archive.ArchiveIncompleteError,
				title=_("Incomplete"),
			)
		self.archive_no = next_number("ARC", getdate(nowdate()).year)
		self.sealed_by, self.sealed_on = frappe.session.user, now_datetime()
		archive.seal_dates(self)
		self.status = "Sealed"

	def on_submit(self):
		# Sealed: the order is Completed (order_clerk.status), and nothing is left to do on it.
		statuses.refresh("OC Order", self.order, ready_to_archive=0, is_overdue=0)

	def before_cancel(self):
		frappe.throw(_("A sealed archive record cannot be cancelled."), archive.ArchiveSealedError)

	def validate_order(self):
		if frappe.db.get_value("OC Order", self.order, "docstatus") != 1:
			frappe.throw(_("Only approved orders are archived; {0} is not approved.").format(self.order))
		other = frappe.db.get_value(
			"OC Archive Record", {"order": self.order, "name": ("!=", self.name)}, "name"
		)
		if other:
			self.raise_duplicate(other)

	def raise_duplicate(self, other: str):
		frappe.throw(
			_("Order {0} already has archive record {1}.").format(self.order, other),
			DuplicateArchiveRecordError,
			title=_("Duplicate Archive Record"),
		)

	def show_unique_validation_message(self, e):
		# Two records made at once both pass validate_order; the unique index on the order
		# stops the second, which gets the same answer as a retry would.
		if "unique_archive_order" in str(e):
			other = frappe.db.get_value("OC Archive Record", {"order": self.order}, "name", for_update=True)
			self.raise_duplicate(other or _("(being created)"))
		super().show_unique_validation_message(e)

	def validate_items_unchanged(self):
		"""Only the gathering job fills the contents; nobody edits them by hand."""
		if self.flags.from_gather:
			return
		before = self.get_doc_before_save()
		old = [tuple(str(r.get(f) or "") for f in ITEM_FIELDS) for r in (before.items if before else [])]
		new = [tuple(str(r.get(f) or "") for f in ITEM_FIELDS) for r in self.items]
		if old != new:
			frappe.throw(
				_("The contents of an archive record are gathered by the system; use Gather Documents."),
				frappe.PermissionError,
			)

	def set_checklist(self):
		if self.docstatus == 1:
			return
		problems = archive.missing(self, frappe.get_doc("OC Order", self.order))
		self.missing_items = "\n".join(frappe.utils.strip_html(p) for p in problems)
		if not self.gathered_on:
			self.status = "Gathering" if self.status == "Gathering" else "Draft"
		else:
			self.status = "Incomplete" if problems else "Ready"


def on_doctype_update():
	# One archive record per order, also for two made at the same moment (records are never
	# cancelled, so the order alone is the key). The field's own "unique" would name the index
	# after the reserved word `order`.
	frappe.db.add_unique("OC Archive Record", ["`order`"], "unique_archive_order")
