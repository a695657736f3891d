"""Rules Frappe leaves to each app on paths a controller never sees.

- A child row (an order line, a slip line, an archive item…) is written and deleted only
  through its parent document: `PUT` or `DELETE /api/resource/<child>/<name>` would change an
  approved order line by line, past every rule of the parent's controller.
- Amending is a permission of its own: Frappe 15 lets anyone who may create a document insert
  an amendment of a cancelled one.
- Attaching a file to a document needs write permission on it: Frappe 15's upload checks the
  permission but ignores the answer.
"""

import frappe
from frappe import _

MODULE = "Order Clerk"


def is_app_doctype(doctype: str | None) -> bool:
	return bool(doctype) and frappe.get_meta(doctype).module == MODULE


def refuse_child_on_its_own(doc, method=None):
	"""before_validate / on_trash of a child row: a parent's own save never runs these."""
	if not doc.meta.istable or not is_app_doctype(doc.doctype):
		return
	frappe.throw(
		_("A row of {0} changes only through its {1}.").format(
			_(doc.doctype), _(doc.parenttype or _("document"))
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def check_amend_permission(doc, method=None):
	"""before_insert: an amendment needs the amend permission, not just create."""
	if not doc.get("amended_from") or doc.meta.istable or not is_app_doctype(doc.doctype):
		return
	if doc.flags.ignore_permissions:
		return
	if not frappe.has_permission(doc.doctype, "amend"):
		frappe.throw(
			_("You may not amend {0} {1}.").format(_(doc.doctype), doc.amended_from),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def check_attach_permission(file, method=None):
	"""File before_insert: attaching to an app document needs write permission on it."""
	if file.flags.ignore_permissions or file.get("is_folder"):
		return
	if not is_app_doctype(file.attached_to_doctype) or not file.attached_to_name:
		return
	if not frappe.db.exists(file.attached_to_doctype, file.attached_to_name):
		return  # a new document's attachment is relinked when the document is saved
	target = frappe.get_doc(file.attached_to_doctype, file.attached_to_name)
	if not target.has_permission("write") and not (target.docstatus == 1 and target.has_permission("submit")):
		frappe.throw(
			_("You may not attach files to {0} {1}.").format(
				_(file.attached_to_doctype), file.attached_to_name
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
