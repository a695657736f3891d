"""Telling people: assignments to roles and users, and emails to the customer.

Emails go through Frappe's email queue and appear on the document's timeline; nothing is
sent until the request commits.
"""

import frappe
from frappe import _
from frappe.desk.form.assign_to import add as add_assignment


def users_with_role(role: str) -> list[str]:
	has_role, user = frappe.qb.DocType("Has Role"), frappe.qb.DocType("User")
	return (
		frappe.qb.from_(has_role)
		.join(user)
		.on(has_role.parent == user.name)
		.select(user.name)
		.distinct()
		.where(
			(has_role.role == role)
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& user.name.notin(["Administrator", "Guest"])
		)
		.orderby(user.name)
		.run(pluck=True)
	)


def assign(doc, users: list[str], description: str) -> list[str]:
	"""Assign the document to users (a ToDo and a notification each); returns who got one."""
	users = [u for u in dict.fromkeys(users) if u and frappe.has_permission(doc=doc, user=u, ptype="read")]
	if users:
		add_assignment(
			{
				"assign_to": users,
				"doctype": doc.doctype,
				"name": doc.name,
				"description": description,
				"notify": 1,
			},
			ignore_permissions=True,
		)
	return users


def has_outgoing_email() -> bool:
	from frappe.email.doctype.email_account.email_account import EmailAccount

	return bool(EmailAccount.find_outgoing())


def email_customer(doc, recipient: str, subject: str, message: str) -> bool:
	"""Queue an email about `doc` and show it on its timeline; False when email is not set up."""
	from frappe.utils import get_formatted_email, strip_html

	# The timeline shows a subject as HTML: a PO number typed as markup stays text.
	subject = strip_html(subject)
	if not has_outgoing_email():
		frappe.msgprint(
			_("No email was sent to {0}: the site has no outgoing email account.").format(recipient),
			indicator="orange",
			alert=True,
		)
		return False
	# The e-mail as it shows on the document's timeline; the queue below sends it.
	communication = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Sent",
			"sender": get_formatted_email(frappe.session.user),
			"recipients": recipient,
			"subject": subject,
			"content": message,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
		}
	).insert(ignore_permissions=True)
	frappe.sendmail(
		recipients=[recipient],
		subject=subject,
		message=message,
		reference_doctype=doc.doctype,
		reference_name=doc.name,
		communication=communication.name,
		delayed=True,
	)
	return True
