"""The approval trail of an order, for its archive: who did what, and when.

Built only from records users cannot write: the order's maker rows and review fields, which
only the server sets (order_clerk.review), and Frappe's Version history of the order, which
only the server records. Never from comments: anyone who can read an order can add one,
of any type, through run_doc_method add_comment.
"""

import json

import frappe
from frappe import _

from order_clerk import review

# The review action each change of state stands for.
ACTIONS = {(t.state, t.next_state): t.action for t in review.TRANSITIONS}


def approval_trail(order: str) -> dict:
	doc = frappe.get_doc("OC Order", order)
	steps = [(doc.creation, doc.owner, _("Entered"))]
	steps += [
		(row.acted_on, row.user, _("Changed the order's content"))
		for row in doc.makers
		if row.action == review.CHANGED
	]
	steps += review_steps(order)
	steps.sort(key=lambda step: step[0])
	return {"doc": doc, "steps": steps}


def review_steps(order: str) -> list[tuple]:
	"""Each change of the order's review state, from its version history."""
	versions = frappe.get_all(
		"Version",
		filters={"ref_doctype": "OC Order", "docname": order},
		fields=["owner", "creation", "data"],
		order_by="creation asc",
	)
	steps, reason = [], ""
	for version in versions:
		changed = {row[0]: row[1:] for row in json.loads(version.data or "{}").get("changed", [])}
		if "rejection_reason" in changed:
			reason = changed["rejection_reason"][1] or reason
		if "workflow_state" not in changed:
			continue
		old, new = changed["workflow_state"]
		action = ACTIONS.get((old, new))
		what = _(action) if action else _("{0} to {1}").format(_(old), _(new))
		if new == review.REJECTED and reason:
			what = _("Rejected: {0}").format(reason)
		override = (changed.get("credit_override_reason") or [None, None])[1]
		if new == review.APPROVED and override:
			what = _("Approved over the credit limit: {0}").format(override)
		steps.append((version.creation, version.owner, what))
	return steps
