"""The orders mailbox: every e-mail that a Frappe Email Account pulls from it becomes an intake.

Which account is the orders mailbox: the one named in OC Settings (Orders Mailbox), or any account
(or IMAP folder) that appends its mail to OC Intake. Frappe's pull makes a Communication for each
message, with its attachments; the intake takes the sender, the subject and the time the message
was sent, and is read (body and every attachment) by a background job once the pull has committed
the message whole. A message pulled again is found by its Message-ID and makes nothing new; a reply
to what the desk sent (an acknowledgement, a question) stays in its thread on that intake, and an
answer to an intake that needs attention is read for what it was asked (capture.sender_reply).
"""

import frappe
from frappe.utils import get_datetime, now_datetime

INTAKE = "OC Intake"


def orders_email_account() -> str | None:
	return frappe.db.get_single_value("OC Settings", "orders_email_account") or None


def on_communication(communication, method=None):
	"""Communication after_insert: an e-mail received in the orders mailbox becomes an intake."""
	if communication.sent_or_received != "Received" or communication.communication_medium != "Email":
		return
	appended = communication.reference_doctype == INTAKE
	account = communication.email_account
	if not appended and not (account and account == orders_email_account()):
		return
	if is_reply_to_us(communication):
		from order_clerk.capture import sender_reply

		sender_reply.on_reply(communication)
		return
	intake = intake_for(communication)
	if intake is None:
		return
	communication.db_set({"reference_doctype": INTAKE, "reference_name": intake.name}, update_modified=False)
	# Read once the pull has committed the message with its attachments, not before.
	frappe.enqueue(
		"order_clerk.capture.mailbox.read_mail",
		queue="long",
		intake=intake.name,
		enqueue_after_commit=True,
	)


def is_reply_to_us(communication) -> bool:
	"""A reply to an e-mail the desk sent belongs to that thread, not to a new intake."""
	if not communication.in_reply_to:
		return False
	return frappe.db.get_value("Communication", communication.in_reply_to, "sent_or_received") == "Sent"


def intake_for(communication):
	"""The intake of this message: the one Frappe made for it, else a new one. None when the same
	message (without a Message-ID to know it by) already has its intake."""
	if communication.reference_doctype == INTAKE and communication.reference_name:
		intake = frappe.get_doc(INTAKE, communication.reference_name)
		# Frappe appends mail with a similar subject from the same sender to an earlier record;
		# an order is never merged into another's intake.
		if not intake.communication and intake.status == "New":
			return fill_from_mail(intake, communication)
	if not communication.message_id and same_message_taken(communication):
		return None
	intake = frappe.new_doc(INTAKE)
	return fill_from_mail(intake, communication)


def same_message_taken(communication) -> bool:
	return bool(
		frappe.db.exists(
			"Communication",
			{
				"name": ("!=", communication.name),
				"sent_or_received": "Received",
				"email_account": communication.email_account,
				"sender": communication.sender,
				"subject": communication.subject,
				"communication_date": communication.communication_date,
				"reference_doctype": INTAKE,
			},
		)
	)


def fill_from_mail(intake, communication):
	intake.update(
		{
			"channel": "Email",
			"sender": communication.sender,
			"subject": (communication.subject or "")[:140],
			"received_on": get_datetime(communication.communication_date or now_datetime()),
			"communication": communication.name,
		}
	)
	intake.flags.ignore_mandatory = True
	intake.save(ignore_permissions=True) if not intake.is_new() else intake.insert(ignore_permissions=True)
	return intake


def read_mail(intake: str) -> None:
	"""The background job: read the message's body and attachments and decide."""
	from order_clerk.capture import service

	doc = frappe.get_doc(INTAKE, intake)
	if doc.status != "New":
		return
	try:
		service.process_intake(doc)
	except frappe.ValidationError as e:
		frappe.clear_last_message()
		doc.reload()
		doc.db_set({"status": "Needs Attention", "problems": str(e)})


def after_conversion(intake) -> None:
	"""The order made from an e-mail keeps the e-mail on its timeline and its attachments as originals."""
	if not intake.communication or not intake.order:
		return
	communication = frappe.get_doc("Communication", intake.communication)
	if not any(link.link_doctype == "OC Order" for link in communication.timeline_links):
		communication.add_link("OC Order", intake.order)
		communication.save(ignore_permissions=True)
	if intake.source_file:
		return  # the order has it already
	attached = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Communication", "attached_to_name": communication.name},
		fields=["file_url", "file_name"],
		order_by="creation asc",
	)
	for file in attached:
		frappe.get_doc(
			{
				"doctype": "File",
				"file_url": file.file_url,
				"file_name": file.file_name,
				"attached_to_doctype": "OC Order",
				"attached_to_name": intake.order,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
	if attached and not frappe.db.get_value("OC Order", intake.order, "original_order"):
		frappe.db.set_value(
			"OC Order", intake.order, "original_order", attached[0].file_url, update_modified=False
		)
