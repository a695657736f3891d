"""Data the app creates on a site: roles, the review workflow and default settings.

Everything here is idempotent and creates only what is missing, so install, reinstall and
migrate never duplicate records nor undo what a site has changed.
"""

import frappe
from frappe.query_builder import DocType
from frappe.utils import cint

from order_clerk import review
from order_clerk.roles import ALL_ROLES


def after_install():
	ensure_setup()


def after_migrate():
	ensure_setup()


def ensure_setup():
	ensure_roles()
	ensure_workflow()
	ensure_settings_defaults()
	sync_workflow_email_alert()


def ensure_roles():
	for role_name, desk_access in ALL_ROLES.items():
		if not frappe.db.exists("Role", role_name):
			frappe.get_doc({"doctype": "Role", "role_name": role_name, "desk_access": desk_access}).insert(
				ignore_permissions=True
			)


def ensure_workflow():
	for state in review.STATES:
		if not frappe.db.exists("Workflow State", state.name):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": state.name, "style": state.style}
			).insert(ignore_permissions=True)
	for action in {t.action for t in review.TRANSITIONS}:
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True
			)
	if frappe.db.exists("Workflow", review.WORKFLOW_NAME):
		return
	workflow = frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": review.WORKFLOW_NAME,
			"document_type": "OC Order",
			"workflow_state_field": "workflow_state",
			"is_active": 1,
			"override_status": 1,
			"send_email_alert": cint(frappe.db.get_single_value("OC Settings", "email_reviewers")),
		}
	)
	for state in review.STATES:
		workflow.append(
			"states", {"state": state.name, "doc_status": str(state.docstatus), "allow_edit": state.edited_by}
		)
	for transition in review.TRANSITIONS:
		for role in transition.roles:
			workflow.append(
				"transitions",
				{
					"state": transition.state,
					"action": transition.action,
					"next_state": transition.next_state,
					"allowed": role,
					"allow_self_approval": 0 if transition.action in review.CHECKER_ACTIONS else 1,
				},
			)
	workflow.insert(ignore_permissions=True)


def ensure_settings_defaults():
	"""Give each setting its default once; a value the site has set is left alone."""
	singles = DocType("Singles")
	stored = set(
		frappe.qb.from_(singles).select(singles.field).where(singles.doctype == "OC Settings").run(pluck=True)
	)
	for df in frappe.get_meta("OC Settings").fields:
		if df.default is not None and df.fieldname not in stored:
			frappe.db.set_single_value("OC Settings", df.fieldname, df.default)


def sync_workflow_email_alert():
	"""The review workflow e-mails its next actors exactly when OC Settings says so
	(`email_reviewers`): at install, on migrate and whenever the settings are saved."""
	if not frappe.db.exists("Workflow", review.WORKFLOW_NAME):
		return
	wanted = cint(frappe.db.get_single_value("OC Settings", "email_reviewers"))
	if cint(frappe.db.get_value("Workflow", review.WORKFLOW_NAME, "send_email_alert")) == wanted:
		return
	frappe.db.set_value("Workflow", review.WORKFLOW_NAME, "send_email_alert", wanted)
	# Frappe reads the flag through the document cache that every process of the site shares;
	# this drops it now, and again when the transaction commits or rolls back.
	frappe.clear_document_cache("Workflow", review.WORKFLOW_NAME)
