"""The Workflow Action a new order opens (who may act on it next), recorded without re-reading
the workflow for every order.

Frappe's on_update hook (frappe.workflow...workflow_action.process_workflow_actions) keeps one
open Workflow Action per document and state. For each save it reads the workflow's transitions
and each next state's "optional" flag from the database (the flag through get_cached_value with
filters, which caches nothing), looks for actions to complete, and inserts the record as a full
document. For a new order there is nothing to complete, and the transitions are those of the
cached Workflow record; the controller records the action here, from that record, before the
hook runs (a controller's method runs before the hooks), and the hook, finding it, returns.
The Excel import records the actions of all its orders with one INSERT per table.
"""

import frappe
from frappe.desk.notifications import clear_doctype_notifications
from frappe.model.workflow import get_workflow_name, is_transition_condition_satisfied, send_email_alert
from frappe.utils.background_jobs import enqueue
from frappe.workflow.doctype.workflow_action.workflow_action import send_workflow_action_email


def open_actions(docs: list) -> list:
	"""The Workflow Action each new document opens, as process_workflow_actions would insert it
	(not yet written), and its e-mails queued as that hook queues them."""
	if not docs:
		return []
	name = get_workflow_name(docs[0].doctype)
	if not name:
		return []
	workflow = frappe.get_cached_doc("Workflow", name)
	optional = {state.state for state in workflow.states if state.is_optional_state}
	actions = []
	for doc in docs:
		state = doc.get(workflow.workflow_state_field)
		transitions = [
			t
			for t in workflow.transitions
			if t.state == state and t.next_state not in optional and is_transition_condition_satisfied(t, doc)
		]
		if not transitions:
			continue
		action = frappe.get_doc(
			{
				"doctype": "Workflow Action",
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"workflow_state": state,
				"status": "Open",
				"permitted_roles": [{"role": role} for role in dict.fromkeys(t.allowed for t in transitions)],
			}
		)
		action.set_new_name()
		action.set_parent_in_children()
		action.set_user_and_timestamp()
		actions.append(action)
		if send_email_alert(name):
			transitions = [frappe._dict(t.as_dict()) for t in transitions]
			enqueue(
				send_workflow_action_email,
				queue="short",
				doc=doc,
				transitions=transitions,
				enqueue_after_commit=True,
				now=frappe.flags.in_test,
			)
	clear_doctype_notifications("Workflow Action")
	return actions


def record_open_action(doc) -> None:
	"""Write the Workflow Action a newly inserted order opens: one INSERT per table."""
	from order_clerk.bulk_orders import insert_rows

	insert_rows(open_actions([doc]))
