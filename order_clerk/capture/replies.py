"""Answers to an intake's sender: the acknowledgement of the draft order made from it, and the
questions about what could not be read for sure.

Both go through Frappe's email queue (sent once the request commits) as a reply to the sender's
e-mail, and appear on the intake's timeline; the acknowledgement on the order's too. They are
written in the language the sender wrote in: Chinese for an order written in Chinese.
"""

import re

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import cint, now_datetime, strip_html, validate_email_address

from order_clerk import review
from order_clerk.capture import service
from order_clerk.capture.mailbox import orders_email_account
from order_clerk.exceptions import CannotAnswerSenderError, SenderAlreadyAnsweredError
from order_clerk.notify import has_outgoing_email

CJK = re.compile(r"[\u3400-\u9fff]")
INTAKE = "OC Intake"


def reply_language(intake) -> str:
	"""Chinese when the sender wrote in Chinese, else the site's language."""
	written = [intake.subject or ""]
	written += [line.get("text") or "" for line in intake.get_extraction().get("lines") or []]
	if intake.communication:
		written.append(frappe.db.get_value("Communication", intake.communication, "content") or "")
	if any(CJK.search(text) for text in written):
		return "zh"
	return frappe.db.get_single_value("System Settings", "language") or "en"


def sender_address(intake) -> str:
	address = (intake.sender or "").strip()
	if not address or not validate_email_address(address):
		frappe.throw(
			_("Intake {0} has no sender e-mail address to answer.").format(intake.name),
			CannotAnswerSenderError,
			title=_("No Sender Address"),
		)
	return address


def reply_subject(intake, title: str) -> str:
	"""A reply's subject: the sender's own subject first, so their mail client threads it."""
	original = strip_html(intake.subject or "").strip()
	subject = _("Re: {0} — {1}").format(original, title) if original else title
	return strip_html(subject)


def queue_reply(intake, subject: str, message: str, link_order: str | None = None) -> str:
	"""The reply as a Communication on the intake, queued in reply to the sender's message."""
	from frappe.core.doctype.communication.email import _make

	recipient = sender_address(intake)
	if not has_outgoing_email():
		frappe.throw(
			_("No e-mail can be sent: the site has no outgoing email account."),
			CannotAnswerSenderError,
			title=_("No Outgoing Email"),
		)
	communication = frappe.get_doc(
		"Communication",
		_make(
			doctype=INTAKE,
			name=intake.name,
			subject=subject,
			content=message,
			recipients=[recipient],
			communication_medium="Email",
			sent_or_received="Sent",
			send_email=False,
		)["name"],
	)
	in_reply_to = None
	if intake.communication:
		communication.db_set("in_reply_to", intake.communication, update_modified=False)
		message_id = frappe.db.get_value("Communication", intake.communication, "message_id")
		in_reply_to = f"<{message_id}>" if message_id else None
	if link_order:
		communication.add_link("OC Order", link_order)
		communication.save(ignore_permissions=True)
	# The sender's answer comes back to the orders mailbox, threaded to this Communication.
	mailbox = orders_email_account()
	frappe.sendmail(
		recipients=[recipient],
		subject=subject,
		message=message,
		reference_doctype=INTAKE,
		reference_name=intake.name,
		communication=communication.name,
		message_id=communication.message_id,
		in_reply_to=in_reply_to,
		reply_to=frappe.db.get_value("Email Account", mailbox, "email_id") if mailbox else None,
		delayed=True,
	)
	return communication.name


# acknowledgement


def acknowledge(intake) -> str:
	"""Answer the sender with the summary of the draft order made from the intake."""
	if intake.status != "Converted" or not intake.order:
		frappe.throw(
			_("Intake {0} has not become an order yet; there is nothing to acknowledge.").format(intake.name),
			CannotAnswerSenderError,
		)
	if intake.acknowledged_on:
		frappe.throw(
			_("The sender of intake {0} was already answered on {1}.").format(
				intake.name, frappe.utils.format_datetime(intake.acknowledged_on)
			),
			SenderAlreadyAnsweredError,
		)
	order = frappe.get_doc("OC Order", intake.order)
	with print_language(reply_language(intake)):
		subject = reply_subject(
			intake, _("Your order {0} is entered").format(order.customer_po or order.name)
		)
		message = frappe.render_template(
			"order_clerk/templates/emails/intake_acknowledgement.html",
			{"doc": order, "received_on": intake.received_on},
		)
	return answer_once(intake, order, subject, message)


def acknowledge_in_review(intake) -> str:
	"""Answer the sender of an order the system sent to review with the order's own
	acknowledgement (as an order acknowledges its customer on going to review), in their thread."""
	from order_clerk.order_clerk.doctype.oc_order.intake import acknowledgement

	order = frappe.get_doc("OC Order", intake.order)
	with print_language(reply_language(intake)):
		title, message = acknowledgement(order, intake.received_on)
		subject = reply_subject(intake, title)
	return answer_once(intake, order, subject, message)


def answer_once(intake, order, subject: str, message: str) -> str:
	"""Queue the answer and record it on the intake and its order: neither answers again."""
	name = queue_reply(intake, subject, message, link_order=order.name)
	now = now_datetime()
	intake.db_set("acknowledged_on", now, update_modified=False)
	if not order.acknowledged_on:
		# The order's own acknowledgement on going to review would say the same again.
		order.db_set("acknowledged_on", now, update_modified=False)
	return name


def went_to_review_untouched(order) -> bool:
	"""Touchless: the system made the order and sent it to review; a clerk's conversion is a draft."""
	return order.workflow_state == review.PENDING_REVIEW


def after_conversion(intake) -> None:
	"""Answer the sender once, in their thread, as soon as the intake becomes an order: an order the
	system sent to review with the order's own acknowledgement (when OC Settings asks for it or for
	an answer on conversion), a draft the clerk made with the intake's summary (when OC Settings
	says "Answer the Sender When an Intake Becomes an Order")."""
	if (
		intake.acknowledged_on
		or not intake.order
		or not validate_email_address((intake.sender or "").strip())
	):
		return
	order = frappe.get_doc("OC Order", intake.order)
	if order.acknowledged_on:
		return  # answered when it went to review
	settings = frappe.db.get_single_value
	on_conversion = cint(settings("OC Settings", "acknowledge_intakes"))
	if went_to_review_untouched(order):
		wanted = on_conversion or cint(settings("OC Settings", "send_acknowledgement"))
		answer = acknowledge_in_review
	else:
		wanted, answer = on_conversion, acknowledge
	if wanted and has_outgoing_email():
		answer(intake)


# clarification


def questions(intake) -> list[str]:
	"""What the sender is asked: each fact and line value missing or read with doubt."""
	data = intake.get_extraction()
	if not data:
		return []
	threshold = service.TOUCHLESS_CONFIDENCE
	labels = service.fact_labels()
	asked = []
	for fact in service.HEADER_FACTS:
		read = data.get(fact) or {}
		if not blank(read.get("value")) and (read.get("confidence") or 0) >= threshold:
			continue
		if blank(read.get("value")):
			asked.append(_("{0}: we could not find it in your order; please tell us.").format(labels[fact]))
		else:
			asked.append(
				_("{0}: we read {1}; is this right?").format(labels[fact], shown(fact, read["value"]))
			)
	lines = data.get("lines") or []
	if not lines:
		asked.append(_("We could not find the products and quantities in your order; please list them."))
	for number, line in enumerate(lines, start=1):
		asked += line_questions(number, line, threshold)
	return asked


def line_questions(number: int, line: dict, threshold: float) -> list[str]:
	text = (line.get("text") or line.get("code") or "").strip()[:80]
	product, qty, rate = (line.get(key) or {} for key in ("product", "qty", "rate"))
	asked = []
	if blank(product.get("value")):
		asked.append(
			_(
				"Line {0} ({1}): which product do you mean? Please give its code or full specification."
			).format(number, text)
		)
	elif (product.get("confidence") or 0) < threshold:
		asked.append(
			_("Line {0} ({1}): we read it as {2}; is this right?").format(
				number, text, shown("product", product["value"])
			)
		)
	for read, label in ((qty, _("the quantity")), (rate, _("the unit price"))):
		if blank(read.get("value")):
			asked.append(_("Line {0} ({1}): please tell us {2}.").format(number, text, label))
		elif (read.get("confidence") or 0) < threshold:
			asked.append(
				_("Line {0} ({1}): please confirm {2}; we read {3}.").format(
					number, text, label, read["value"]
				)
			)
	return asked


def blank(value) -> bool:
	return value is None or value == "" or value == []


def shown(fact: str, value) -> str:
	"""A value as the sender knows it: a product by its name and specification, not our code."""
	if fact == "product":
		product = frappe.db.get_value("OC Product", value, ["product_name", "specification"], as_dict=True)
		if product:
			return " ".join(filter(None, [product.product_name, product.specification]))
	if fact == "delivery_date":
		return frappe.utils.formatdate(value)
	return str(value)


def clarification(intake) -> dict:
	"""The e-mail the desk offers to the sender of an intake that needs attention."""
	if intake.status != "Needs Attention":
		frappe.throw(
			_("Intake {0} is {1}; only an intake that needs attention is asked about.").format(
				intake.name, _(intake.status)
			),
			CannotAnswerSenderError,
		)
	recipient = sender_address(intake)
	with print_language(reply_language(intake)):
		asked = questions(intake)
		subject = reply_subject(intake, _("Questions about your order"))
		message = frappe.render_template(
			"order_clerk/templates/emails/intake_clarification.html",
			{"questions": asked, "received_on": intake.received_on},
		)
	return {"recipients": recipient, "subject": subject, "message": message, "questions": asked}


def send_clarification(intake, subject: str | None = None, message: str | None = None) -> str:
	"""Queue the questions, as the desk offered them or as the clerk edited them."""
	offered = clarification(intake)
	subject = strip_html(subject or "").strip() or offered["subject"]
	message = frappe.utils.sanitize_html(message) if message and message.strip() else offered["message"]
	return queue_reply(intake, subject, message)


def reply_actions(intake) -> list[str]:
	"""The answers the desk offers for the intake (the methods behind them check again)."""
	if not frappe.has_permission(INTAKE, "email", intake) or not validate_email_address(
		(intake.sender or "").strip()
	):
		return []
	if intake.status == "Converted" and intake.order and not intake.acknowledged_on:
		return ["acknowledge"]
	if intake.status == "Needs Attention":
		return ["clarify"]
	return []
