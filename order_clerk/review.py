"""The order review workflow: states, transitions and the maker-checker rule.

The Workflow record that drives the desk's Actions menu is built from these tables at
install (order_clerk.install). The controller checks every state change against the same
tables, so the rules hold on every path (desk, REST, frappe.client, /api/v2) even if a
site edits or switches off the Workflow record.
"""

from typing import NamedTuple

import frappe
from frappe import _

from order_clerk.exceptions import IllegalTransitionError, ReviewPermissionError
from order_clerk.roles import ORDER_CLERK, ORDER_INTEGRATOR, ORDER_REVIEWER

WORKFLOW_NAME = "OC Order Review"

DRAFT = "Draft"
NEEDS_CLARIFICATION = "Needs Clarification"
PENDING_REVIEW = "Pending Review"
APPROVED = "Approved"
REJECTED = "Rejected"
CANCELLED = "Cancelled"

SUBMIT_FOR_REVIEW = "Submit for Review"
REQUEST_CLARIFICATION = "Request Clarification"
CLARIFIED = "Clarified"
APPROVE = "Approve"
REJECT = "Reject"
CANCEL = "Cancel"


class State(NamedTuple):
	name: str
	docstatus: int
	edited_by: str
	style: str


class Transition(NamedTuple):
	state: str
	action: str
	next_state: str
	roles: tuple[str, ...]


STATES = (
	State(DRAFT, 0, ORDER_CLERK, ""),
	State(NEEDS_CLARIFICATION, 0, ORDER_CLERK, "Warning"),
	State(PENDING_REVIEW, 0, ORDER_REVIEWER, "Primary"),
	State(APPROVED, 1, ORDER_REVIEWER, "Success"),
	State(REJECTED, 0, ORDER_CLERK, "Danger"),
	State(CANCELLED, 2, ORDER_REVIEWER, "Inverse"),
)

TRANSITIONS = (
	Transition(DRAFT, SUBMIT_FOR_REVIEW, PENDING_REVIEW, (ORDER_CLERK, ORDER_INTEGRATOR)),
	Transition(DRAFT, REQUEST_CLARIFICATION, NEEDS_CLARIFICATION, (ORDER_CLERK,)),
	Transition(NEEDS_CLARIFICATION, CLARIFIED, DRAFT, (ORDER_CLERK,)),
	Transition(PENDING_REVIEW, APPROVE, APPROVED, (ORDER_REVIEWER,)),
	Transition(PENDING_REVIEW, REJECT, REJECTED, (ORDER_REVIEWER,)),
	Transition(REJECTED, SUBMIT_FOR_REVIEW, PENDING_REVIEW, (ORDER_CLERK,)),
	Transition(APPROVED, CANCEL, CANCELLED, (ORDER_REVIEWER,)),
)

# The actions that a maker of the order may never take on it.
CHECKER_ACTIONS = frozenset({APPROVE})

# States in which the clerk may change what was ordered.
EDITABLE_STATES = frozenset({DRAFT, NEEDS_CLARIFICATION, REJECTED})

STATE_DOCSTATUS = {state.name: state.docstatus for state in STATES}


def find_transition(current: str, target: str) -> Transition:
	"""The transition from `current` to `target` that the session user may take, or an error."""
	candidates = [t for t in TRANSITIONS if t.state == current and t.next_state == target]
	if not candidates:
		frappe.throw(
			_("An order cannot move from {0} to {1}.").format(_(current), _(target)),
			IllegalTransitionError,
			title=_("Not Allowed"),
		)
	user_roles = set(frappe.get_roles())
	for transition in candidates:
		if user_roles.intersection(transition.roles):
			return transition
	transition = candidates[0]
	frappe.throw(
		_("Only {0} may {1} an order.").format(
			", ".join(_(role) for role in transition.roles), _(transition.action).lower()
		),
		ReviewPermissionError,
		title=_("Not Permitted"),
	)


def makers_of(doc) -> set[str]:
	"""Everyone who created, changed or submitted the order's content."""
	makers = {doc.owner, doc.get("submitted_for_review_by")}
	makers.update(user.strip() for user in (doc.get("prepared_by") or "").splitlines())
	makers.discard(None)
	makers.discard("")
	return makers


def check_checker(doc, action: str) -> None:
	"""Maker-checker: whoever prepared the order cannot also approve it."""
	if action in CHECKER_ACTIONS and frappe.session.user in makers_of(doc):
		frappe.throw(
			_(
				"You prepared or submitted order {0}, so you cannot approve it. "
				"Another reviewer must approve it."
			).format(doc.name),
			ReviewPermissionError,
			title=_("Maker-Checker"),
		)
