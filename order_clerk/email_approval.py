"""Approving and rejecting orders from the reviewers' e-mail.

When `OC Settings` switches it on (install.sync_workflow_email_alert), Frappe e-mails the next
actors of each workflow state, with a signed link per action: apply_action shows a confirmation
page, confirm_action applies the action as the e-mail's recipient. Both are Frappe's own
whitelisted methods, for guests: the signature on the link is the credential.

For orders, both are wrapped here (hooks.py override_whitelisted_methods) so that the e-mail path
ends in the same controller checks as the desk and answers with a readable page instead of a
traceback: a maker who follows an Approve link is refused (maker-checker), and Reject, which needs
a reason the link cannot carry, sends the reviewer to the order's form, where the desk asks for it.
Nothing is changed by a refused link. Links of other DocTypes go to Frappe's methods unchanged.
"""

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import escape_html, get_url_to_form, strip_html
from frappe.utils.verified_command import verify_request
from frappe.workflow.doctype.workflow_action import workflow_action

from order_clerk import review

ORDER = "OC Order"


@frappe.whitelist(allow_guest=True, methods=["GET"])
def apply_action(
	action: str,
	doctype: str,
	docname: str,
	current_state: str,
	user: str | None = None,
	last_modified: str | None = None,
):
	"""The page an e-mail's action link opens: confirm, or the reason the action cannot be taken."""
	if doctype != ORDER:
		return workflow_action.apply_action(action, doctype, docname, current_state, user, last_modified)
	if not verify_request():
		return
	order = frappe.get_doc(ORDER, docname)
	if order.workflow_state == current_state:
		refusal = _refusal(order, action, user)
		if refusal:
			return _refuse(order, refusal)
	return workflow_action.apply_action(action, doctype, docname, current_state, user, last_modified)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def confirm_action(doctype: str, docname: str, user: str, action: str):
	"""Apply the action as the e-mail's recipient, through the controller's checks."""
	if doctype != ORDER:
		return workflow_action.confirm_action(doctype, docname, user, action)
	if not verify_request():
		return
	logged_in_user = frappe.session.user
	if logged_in_user == "Guest" and user:
		frappe.set_user(user)
	try:
		order = frappe.get_doc(ORDER, docname)
		refusal = _refusal(order, action, frappe.session.user)
		if refusal:
			return _refuse(order, refusal)
		try:
			done = apply_workflow(order, action)
		except (frappe.ValidationError, frappe.PermissionError) as e:
			frappe.db.rollback()
			return _refuse(order, str(e) or _("This action is not allowed."))
		frappe.db.commit()  # a GET request does not commit on its own
		workflow_action.return_success_page(done)
	finally:
		if logged_in_user == "Guest":
			frappe.set_user(logged_in_user)


def _refusal(order, action: str, user: str | None) -> str | None:
	"""Why `user` cannot take `action` on the order from an e-mail, or None."""
	if action == review.REJECT:
		return _(
			"Rejecting order {0} needs a reason for the clerk. Open the order and choose Reject there: "
			"the form asks for the reason."
		).format(order.name)
	if action in review.CHECKER_ACTIONS and user and user in review.makers_of(order):
		return _(
			"You prepared or submitted order {0}, so you cannot approve it. Another reviewer must approve it."
		).format(order.name)
	return None


def _refuse(order, message: str):
	frappe.local.message_log = []
	link = get_url_to_form(ORDER, order.name)
	frappe.respond_as_web_page(
		_("Not Allowed"),
		"<p>{}</p><p><a href='{}'>{}</a></p>".format(
			escape_html(strip_html(message)),
			escape_html(link),
			escape_html(_("Open order {0}").format(order.name)),
		),
		indicator_color="red",
		http_status_code=403,
	)
