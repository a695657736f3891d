"""The order review workflow: states, transitions, what each step does (approving and
cancelling included), and who is a maker.

The Workflow record that drives the desk's Actions menu is built from these tables at
install (order_clerk.install). The controller checks every state change against the same
tables, so the rules hold on every path (desk, REST, frappe.client, /api/v2) even if a
site edits or switches off the Workflow record.

The makers of an order (who created it, changed its content or submitted it for review, in
any round) are rows of its `makers` table (OC Order Maker), written only here, on the server:
whatever rows or review fields a client sends are replaced by the saved order's on every save.
"""

from collections.abc import Callable
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, getdate, now_datetime, nowdate

from order_clerk import credit
from order_clerk.exceptions import IllegalTransitionError, IncompleteOrderError, ReviewPermissionError
from order_clerk.notify import assign, users_with_role
from order_clerk.numbering import next_number
from order_clerk.roles import ORDER_CLERK, ORDER_INTEGRATOR, ORDER_REVIEWER, WAREHOUSE_OPERATOR, has_role

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

# What a maker did: the actions of the OC Order Maker table.
CREATED = "Created"
CHANGED = "Changed"
SUBMITTED = "Submitted for Review"

# Fields of the order that only the server writes. On every save they are the saved order's,
# whatever a client sent; the steps below set them. (prepared_by and submitted_for_review_*
# are derived from the maker rows.)
SERVER_OWNED_FIELDS = (
	"owner",
	"approved_by",
	"approved_on",
	"rejected_by",
	"rejected_on",
	"acknowledged_on",
	# confirmed by the customer on the portal (order_clerk.portal)
	"customer_confirmed_by",
	"customer_confirmed_name",
	"customer_confirmed_on",
	"customer_confirmed_ip",
	# set at approval by order_clerk.credit
	"credit_override_reason",
	"credit_approved_by",
	"credit_limit_at_approval",
	"exposure_at_approval",
)


def find_transition(current: str, target: str) -> Transition:
	"""The transition from `current` to `target` that the session user may take, or an error."""
	candidates = [t for t in TRANSITIONS if t.state == current and t.next_state == target]
	if not candidates:
		frappe.throw(
			_("An order cannot move from {0} to {1}.").format(_(current), _(target)),
			IllegalTransitionError,
			title=_("Not Allowed"),
		)
	for transition in candidates:
		if has_role(*transition.roles):
			return transition
	transition = candidates[0]
	frappe.throw(
		_("Only {0} may {1} an order.").format(
			", ".join(_(role) for role in transition.roles), _(transition.action).lower()
		),
		ReviewPermissionError,
		title=_("Not Permitted"),
	)


# the steps: what each action does to the order, beside the table that allows it


def require_complete(doc, refusal: str) -> None:
	"""Refuse with `refusal` ("… {0} … {1}": the order, what is missing) unless all seven facts are in."""
	missing = doc.get_missing_facts()
	if missing:
		frappe.throw(
			refusal.format(doc.name, "; ".join(fact["message"] for fact in missing)),
			IncompleteOrderError,
			title=_("Order Incomplete"),
		)


def submit_for_review(doc) -> None:
	require_complete(doc, _("Order {0} cannot go to review yet. Missing: {1}"))
	add_maker(doc, SUBMITTED)
	# The last rejection stays in the version history; the next review starts with a clean slate.
	doc.rejection_reason = doc.rejected_by = doc.rejected_on = None


def request_clarification(doc) -> None:
	if not any(not (row.answer or "").strip() for row in doc.clarifications):
		frappe.throw(
			_("Add the question you are asking to the clarification log first."),
			IncompleteOrderError,
			title=_("No Open Question"),
		)


def clarified(doc) -> None:
	open_rows = [str(row.idx) for row in doc.clarifications if not (row.answer or "").strip()]
	if open_rows:
		frappe.throw(
			_("Record the answers to the open questions first (rows {0}).").format(", ".join(open_rows)),
			IncompleteOrderError,
			title=_("Open Questions"),
		)


def reject(doc) -> None:
	if not (doc.rejection_reason or "").strip():
		frappe.throw(
			_("Give the reason for rejecting order {0} in Rejection Reason.").format(doc.name),
			IncompleteOrderError,
			title=_("Reason Required"),
		)
	doc.rejected_by = frappe.session.user
	doc.rejected_on = now_datetime()
	doc.add_comment("Comment", _("Rejected: {0}").format(doc.rejection_reason))


def checked_at_submit(doc) -> None:
	"""Approve and Cancel change the docstatus: `approve` and `cancel` below, which the
	controller's before_submit and before_cancel run on every path to docstatus 1 or 2."""


STEPS: dict[str, Callable] = {
	SUBMIT_FOR_REVIEW: submit_for_review,
	REQUEST_CLARIFICATION: request_clarification,
	CLARIFIED: clarified,
	APPROVE: checked_at_submit,
	REJECT: reject,
	CANCEL: checked_at_submit,
}


def take_step(doc, transition: Transition) -> None:
	STEPS[transition.action](doc)


# approval and cancellation


def approve(doc) -> None:
	"""What approving an order checks and does, on every path to docstatus 1, in this order:
	the order is pending review; the user may approve (the Approve transition's roles); the user
	made none of it (maker-checker); every fact is there; the customer's credit allows it
	(order_clerk.credit). Then who approved and when are recorded, and the order number is
	taken last, inside the transaction, so a failed approval takes none."""
	before = doc.get_doc_before_save()
	current = before.workflow_state if before else None
	if current != PENDING_REVIEW:
		frappe.throw(
			_("Order {0} is {1}; only an order pending review can be approved.").format(
				doc.name, _(current or DRAFT)
			),
			IllegalTransitionError,
			title=_("Not Allowed"),
		)
	find_transition(PENDING_REVIEW, APPROVED)
	check_checker(doc, APPROVE)
	require_complete(doc, _("Order {0} cannot be approved. Missing: {1}"))
	credit.check_credit(doc)
	doc.workflow_state = APPROVED
	doc.approved_by = frappe.session.user
	doc.approved_on = now_datetime()
	doc.order_no = take_order_number()
	doc.set_status()


def take_order_number() -> str:
	"""The next number of this year's sequence (prefix and digits in OC Settings)."""
	settings = frappe.get_cached_doc("OC Settings")
	return next_number(
		settings.order_no_prefix or "SO", getdate(nowdate()).year, cint(settings.order_no_digits) or 5
	)


def after_approval(doc) -> None:
	"""on_submit: the warehouse is told to prepare the goods (the sales rollup counts the order
	in the same transaction: order_clerk.sales_rollup, by doc_events)."""
	assign(
		doc,
		users_with_role(WAREHOUSE_OPERATOR),
		_("Prepare the goods of order {0} for {1}, due {2}.").format(
			doc.order_no, doc.customer_name or doc.customer, doc.delivery_date
		),
	)


def cancel(doc) -> None:
	"""before_cancel: only a reviewer cancels an approved order; it frees the channel's external
	reference for a corrected order."""
	if not has_role(ORDER_REVIEWER):
		frappe.throw(
			_("Only an Order Reviewer may cancel an approved order."),
			ReviewPermissionError,
			title=_("Not Permitted"),
		)
	keep_server_trail(doc)
	doc.workflow_state = CANCELLED
	doc.intake_key = None
	doc.set_status()


# the maker trail


def keep_server_trail(doc) -> None:
	"""The maker rows and review fields are the saved order's, whatever the client sent."""
	if doc.is_new():
		doc.set("makers", [])
		for field in SERVER_OWNED_FIELDS:
			if field != "owner":
				doc.set(field, None)
		return
	before = doc.get_doc_before_save() or frappe.get_doc(doc.doctype, doc.name)
	for field in SERVER_OWNED_FIELDS:
		doc.set(field, before.get(field))
	rows = [row.as_dict() for row in before.get("makers")]
	if not rows and before.docstatus == 0:
		# Saved before the table existed and never migrated: who made it still counts. (An
		# approved order keeps its rows as they are: Frappe refuses new ones after submit.)
		rows = legacy_maker_rows(before)
	doc.set("makers", rows)
	for row in doc.makers:
		row.docstatus = doc.docstatus  # submitted or cancelled with the order
	if rows:
		set_maker_fields(doc)
	else:
		for field in MAKER_FIELDS:
			doc.set(field, before.get(field))


def legacy_maker_rows(order) -> list[dict]:
	"""Maker rows for an order saved before the table existed, from its old text fields."""
	rows = [{"user": order.owner, "action": CREATED, "acted_on": order.creation}]
	for user in (order.get("prepared_by") or "").splitlines():
		if user.strip() and user.strip() != order.owner:
			rows.append({"user": user.strip(), "action": CHANGED, "acted_on": order.creation})
	if order.get("submitted_for_review_by"):
		rows.append(
			{
				"user": order.submitted_for_review_by,
				"action": SUBMITTED,
				"acted_on": order.get("submitted_for_review_on") or order.creation,
			}
		)
	return rows


def add_maker(doc, action: str) -> None:
	"""Record that the session user created, changed or submitted the order."""
	user = doc.owner if action == CREATED else frappe.session.user
	already = any(row.user == user and row.action in (CREATED, CHANGED) for row in doc.makers)
	if action != SUBMITTED and already:
		return
	doc.append("makers", {"user": user, "action": action, "acted_on": now_datetime()})
	set_maker_fields(doc)


MAKER_FIELDS = ("prepared_by", "submitted_for_review_by", "submitted_for_review_on")


def set_maker_fields(doc) -> None:
	"""prepared_by and submitted_for_review_by/on, read-only views of the maker rows."""
	preparers = [row.user for row in doc.makers if row.action in (CREATED, CHANGED)]
	doc.prepared_by = "\n".join(dict.fromkeys(preparers))
	submissions = [row for row in doc.makers if row.action == SUBMITTED]
	last = submissions[-1] if submissions else frappe._dict()
	doc.submitted_for_review_by, doc.submitted_for_review_on = last.get("user"), last.get("acted_on")


def makers_of(doc) -> set[str]:
	"""Everyone who created the order, changed its content, or submitted it in any round."""
	return {row.user for row in doc.get("makers")} | {doc.owner}


def orders_awaiting_review_by(user: str) -> list[str]:
	"""Orders pending review that `user` did not make, so may approve (oldest first)."""
	order, maker = DocType("OC Order"), DocType("OC Order Maker")
	made_by_user = (
		frappe.qb.from_(maker)
		.select(maker.parent)
		.where((maker.parenttype == "OC Order") & (maker.user == user))
	)
	return (
		frappe.qb.from_(order)
		.select(order.name)
		.where((order.workflow_state == PENDING_REVIEW) & (order.docstatus == 0) & (order.owner != user))
		.where(order.name.notin(made_by_user))
		.orderby(order.creation)
		.run(pluck=True)
	)


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
