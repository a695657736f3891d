"""The orders mailbox, and answers to an intake's sender (order_clerk.capture.mailbox, .replies).

The mailbox tests start a real IMAP server (pymap, in memory) on 127.0.0.1, put messages in it
over IMAP, and let Frappe's own Email Account pull them; the intakes are then read by a real
background worker. Frappe's pull commits each message, so what those tests make is committed,
with unique names, and the Email Account is switched off at the end.
"""

import base64
import email
import email.utils
import imaplib
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import frappe
import pytest
from frappe.email.doctype.email_account.email_account import pull_from_email_account
from frappe.utils import convert_utc_to_system_timezone, get_datetime

from order_clerk.capture import replies, service
from order_clerk.exceptions import CannotAnswerSenderError, SenderAlreadyAnsweredError
from order_clerk.order_clerk.doctype.oc_intake import oc_intake
from tests.capture_helpers import bearing_buyer, order_csv
from tests.test_background import own_queues, run_worker
from tests.utils import unique

PASSWORD = "orders-secret"


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@pytest.fixture
def imap_server():
	"""A pymap IMAP server (in-memory backend) with one mailbox user, the orders address."""
	address = f"{unique('orders').lower()}@mailbox.example.com"
	port = _free_port()
	log_path = os.path.join(os.environ.get("OC_TEST_OUTPUT") or "/tmp", f"pymap-{port}.log")
	log = open(log_path, "w")
	process = subprocess.Popen(
		[
			os.path.join(os.path.dirname(sys.executable), "pymap"),
			"--host",
			"127.0.0.1",
			"--port",
			str(port),
			"--no-tls",
			"dict",
			"--demo-user",
			address,
			"--demo-password",
			PASSWORD,
		],
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	try:
		for _attempt in range(300):
			try:
				socket.create_connection(("127.0.0.1", port), timeout=1).close()
				break
			except OSError:
				assert process.poll() is None, open(log_path).read()
				time.sleep(0.1)
		yield frappe._dict(host="127.0.0.1", port=port, address=address)
	finally:
		process.terminate()
		process.wait(timeout=30)
		log.close()


def imap(server) -> imaplib.IMAP4:
	connection = imaplib.IMAP4(server.host, server.port)
	connection.login(server.address, PASSWORD)
	return connection


def deliver(server, message: EmailMessage) -> None:
	"""Put a message into the mailbox's INBOX over IMAP, unread.

	The subject goes as one encoded word, as mail clients write a Chinese subject: Frappe keeps
	only the first word of a subject that mixes encoded and plain words."""
	subject = "=?utf-8?b?" + base64.b64encode(str(message["Subject"]).encode()).decode() + "?="
	raw = re.sub(
		rb"^Subject: .*(?:\r?\n[ \t].*)*",
		b"Subject: " + subject.encode(),
		message.as_bytes(),
		count=1,
		flags=re.M,
	)
	connection = imap(server)
	status, _answer = connection.append("INBOX", None, None, raw)
	assert status == "OK"
	connection.logout()


def mark_all_unread(server) -> None:
	connection = imap(server)
	connection.select("INBOX")
	connection.store("1:*", "-FLAGS", "\\Seen")
	connection.logout()


@pytest.fixture
def orders_mailbox(imap_server):
	"""An Email Account pulling the IMAP server's INBOX, named as the orders mailbox in OC Settings."""
	frappe.set_user("Administrator")
	previous = frappe.db.get_single_value("OC Settings", "orders_email_account", cache=False)
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": unique("Orders Mailbox"),
			"email_id": imap_server.address,
			"password": PASSWORD,
			"enable_incoming": 1,
			"use_imap": 1,
			"email_server": imap_server.host,
			"incoming_port": str(imap_server.port),
			"use_ssl": 0,
			"use_starttls": 0,
			"email_sync_option": "UNSEEN",
			"initial_sync_count": "100",
			"imap_folder": [{"folder_name": "INBOX"}],
			"enable_outgoing": 0,
			"create_contact": 0,
		}
	).insert(ignore_permissions=True)  # connects to the server to check the settings
	frappe.db.set_single_value("OC Settings", "orders_email_account", account.name)
	frappe.db.commit()
	try:
		yield account
	finally:
		frappe.db.rollback()
		frappe.set_user("Administrator")
		frappe.db.set_value("Email Account", account.name, "enable_incoming", 0)
		frappe.db.set_single_value("OC Settings", "orders_email_account", previous)
		frappe.db.commit()


@pytest.fixture
def buyer(people):
	frappe.set_user("Administrator")
	return bearing_buyer("hlwj.example.com")


def mail(sender: str, to: str, subject: str, body: str, sent, attachments=()) -> EmailMessage:
	message = EmailMessage()
	message["From"] = email.utils.formataddr(("采购部", sender))
	message["To"] = to
	message["Subject"] = subject
	message["Date"] = email.utils.format_datetime(sent)
	message["Message-ID"] = email.utils.make_msgid(domain="hlwj.example.com")
	message.set_content(body)
	for filename, content, maintype, subtype in attachments:
		message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
	return message


def intakes_of(sender: str) -> list:
	return frappe.get_all(
		"OC Intake",
		filters={"sender": sender},
		fields=[
			"name",
			"status",
			"subject",
			"customer",
			"customer_po",
			"order",
			"communication",
			"received_on",
		],
		order_by="creation asc",
	)


def pull(account) -> None:
	"""Frappe's own pull job for the account, then a real worker reads what it queued."""
	with own_queues() as bench_id:
		pull_from_email_account(account.name)
		frappe.db.commit()
	run_worker(bench_id)
	frappe.db.rollback()  # a fresh view of what the worker committed


def test_every_email_to_the_orders_mailbox_becomes_an_intake_read_whole(imap_server, orders_mailbox, buyer):
	customer, product = buyer
	po_body, po_sheet, po_other = unique("PO"), unique("PO"), unique("PO")
	# Sent yesterday, in UTC: the intake is received at the time the message was sent.
	sent = (datetime.now(timezone.utc) - timedelta(days=1)).replace(microsecond=0)
	prose = (
		f"您好，订单号：{po_body}\n1. 圆锥滚子轴承 {product.specification} 十二套，单价18.6元\n"
		"交货日期 2030-12-20\n\n周建国\n"
	)
	in_prose = mail(customer.email, imap_server.address, "采购订单", prose, sent)
	# The order is the attached sheet; a second attachment is read too.
	in_sheet = mail(
		customer.email,
		imap_server.address,
		f"采购订单 {po_sheet}",
		"您好，订单见附件，谢谢。",
		sent,
		attachments=[
			("订单.csv", order_csv(po_sheet, product.name, 40, 18.6), "text", "csv"),
			("备注.txt", "请开增值税专用发票。".encode(), "text", "plain"),
		],
	)
	# Same sender, same subject as the first: still an order of its own, never merged into it.
	same_subject = mail(
		customer.email,
		imap_server.address,
		"采购订单",
		f"订单号：{po_other}\n圆锥滚子轴承 {product.specification} 五套，单价18.6元\n交货日期 2030-12-22\n",
		sent,
	)
	stranger = f"{unique('x').lower()}@nobody.example.com"
	unknown = mail(stranger, imap_server.address, "询价及订货", "请送轴承若干，价格另议。", sent)
	for message in (in_prose, in_sheet, same_subject, unknown):
		deliver(imap_server, message)

	pull(orders_mailbox)

	intakes = intakes_of(customer.email)
	assert len(intakes) == 3, intakes
	by_po = {intake.customer_po: intake for intake in intakes}
	assert set(by_po) == {po_body, po_sheet, po_other}, intakes
	expected_received = convert_utc_to_system_timezone(sent.replace(tzinfo=None)).replace(tzinfo=None)
	for intake in intakes:
		assert intake.customer == customer.name
		assert intake.communication, intake
		communication = frappe.get_doc("Communication", intake.communication)
		assert (communication.reference_doctype, communication.reference_name) == ("OC Intake", intake.name)
		assert communication.email_account == orders_mailbox.name
		assert get_datetime(intake.received_on) == expected_received
	assert by_po[po_sheet].subject == f"采购订单 {po_sheet}"
	assert by_po[po_body].subject == by_po[po_other].subject == "采购订单"

	# The body and every attachment were read: the sheet's order, the note beside it.
	sheet = frappe.get_doc("OC Intake", by_po[po_sheet].name)
	attached = sorted(
		frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Communication", "attached_to_name": sheet.communication},
			pluck="file_name",
		)
	)
	# Frappe names a second file of the same name 订单<hash>.csv.
	assert [name.rsplit(".", 1)[-1] for name in attached] == ["txt", "csv"], attached
	pages = [page.name for page in service.read_pages(sheet)]
	assert pages == [f"采购订单 {po_sheet}", *sorted(attached, key=lambda name: name.endswith(".txt"))]
	lines = sheet.get_extraction()["lines"]
	assert [(line["product"]["value"], line["qty"]["value"]) for line in lines] == [(product.name, 40)]
	prose_lines = frappe.get_doc("OC Intake", by_po[po_body].name).get_extraction()["lines"]
	assert [(line["product"]["value"], line["qty"]["value"]) for line in prose_lines] == [(product.name, 12)]

	# The clear sheet became a draft order in review, with the e-mail and its files as originals.
	assert sheet.status == "Converted", sheet.problems
	order = frappe.get_doc("OC Order", sheet.order)
	assert (order.customer, order.external_ref, order.channel) == (customer.name, po_sheet, "Email")
	assert [(row.product, row.qty) for row in order.items] == [(product.name, 40)]
	originals = frappe.get_all(
		"File", filters={"attached_to_doctype": "OC Order", "attached_to_name": order.name}, pluck="file_name"
	)
	assert sorted(originals) == sorted(attached)
	assert order.original_order
	assert frappe.db.exists(
		"Communication Link",
		{"parent": sheet.communication, "link_doctype": "OC Order", "link_name": order.name},
	)

	# An unknown sender's mail is an intake that waits for a person.
	(stranger_intake,) = intakes_of(stranger)
	assert stranger_intake.status == "Needs Attention" and not stranger_intake.order

	# Pulled again (the server shows them all unread again): nothing new.
	mark_all_unread(imap_server)
	pull(orders_mailbox)
	assert [i.name for i in intakes_of(customer.email)] == [i.name for i in intakes]
	assert len(intakes_of(stranger)) == 1
	assert frappe.db.count("OC Order", {"external_ref": ("in", [po_body, po_sheet, po_other])}) == len(
		{i.order for i in intakes if i.order}
	)

	# The customer answers our acknowledgement (sent as the order went to review when OC Settings
	# says so, else by the clerk): the answer joins that intake's thread.
	acknowledgement = frappe.db.get_value(
		"Communication",
		{"reference_doctype": "OC Intake", "reference_name": sheet.name, "sent_or_received": "Sent"},
	) or oc_intake.acknowledge(sheet.name)
	frappe.db.commit()
	our_message_id = frappe.db.get_value("Communication", acknowledgement, "message_id")
	answer = mail(
		customer.email, imap_server.address, f"回复：采购订单 {po_sheet}", "数量没问题，谢谢。", sent
	)
	answer["In-Reply-To"] = f"<{our_message_id}>"
	deliver(imap_server, answer)
	pull(orders_mailbox)
	assert len(intakes_of(customer.email)) == 3
	answered = frappe.get_all(
		"Communication",
		filters={"message_id": answer["Message-ID"].strip("<>")},
		fields=["reference_doctype", "reference_name", "in_reply_to"],
	)
	assert answered == [
		{"reference_doctype": "OC Intake", "reference_name": sheet.name, "in_reply_to": acknowledgement}
	]


def queued_mail(communication: str) -> tuple[list[str], email.message.Message, str]:
	"""The Email Queue record of a Communication: its recipients, the MIME message and its HTML."""
	queue = frappe.get_doc("Email Queue", {"communication": communication})
	message = email.message_from_string(queue.message)
	html = "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in message.walk()
		if part.get_content_type() == "text/html"
	)
	return [row.recipient for row in queue.recipients], message, html


def converted_intake(buyer, po: str, qty: int = 50):
	customer, product = buyer
	intake = service.receive(order_csv(po, product.name, qty, 18.6), "订单.csv", "Email", customer.email)
	assert intake.status == "Converted", intake.problems
	return intake


def test_acknowledge_answers_the_sender_with_the_orders_summary_in_chinese(buyer, people):
	customer, product = buyer
	po = unique("PO")
	# No automatic answer: the clerk's button is what this test is about.
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 0, "send_acknowledgement": 0})
	intake = converted_intake(buyer, po, qty=50)
	frappe.set_user(people.clerk)
	assert "acknowledge" in oc_intake.get_review(intake.name)["actions"]

	communication = oc_intake.acknowledge(intake.name)

	recipients, message, html = queued_mail(communication)
	assert recipients == [customer.email]
	assert po in str(email.header.make_header(email.header.decode_header(message["Subject"])))
	for text in (po, "圆锥滚子轴承", product.specification, "50", "930.00", "合计", "交货日期"):
		assert text in html, text
	sent = frappe.get_doc("Communication", communication)
	assert (sent.sent_or_received, sent.reference_doctype, sent.reference_name) == (
		"Sent",
		"OC Intake",
		intake.name,
	)
	assert [(link.link_doctype, link.link_name) for link in sent.timeline_links] == [
		("OC Order", intake.order)
	]
	intake.reload()
	assert intake.acknowledged_on
	assert frappe.db.get_value("OC Order", intake.order, "acknowledged_on")
	# Once is enough; the button is gone and a second call is refused (HTTP 409).
	assert "acknowledge" not in oc_intake.get_review(intake.name)["actions"]
	with pytest.raises(SenderAlreadyAnsweredError):
		oc_intake.acknowledge(intake.name)
	assert frappe.db.count("Email Queue", {"reference_name": intake.name}) == 1


def test_a_markup_po_number_is_text_in_the_acknowledgement(buyer, people):
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 0, "send_acknowledgement": 0})
	intake = converted_intake(buyer, unique("PO"))
	frappe.db.set_value("OC Order", intake.order, "customer_po", "<b>PO-1</b>")
	frappe.set_user(people.clerk)
	_recipients, _message, html = queued_mail(oc_intake.acknowledge(intake.name))
	assert "<b>PO-1" not in html and "&lt;b&gt;PO-1" in html


def test_the_sender_is_answered_automatically_when_settings_say_so(buyer):
	customer, _product = buyer
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 1, "send_acknowledgement": 0})
	po = unique("PO")
	intake = converted_intake(buyer, po)
	intake.reload()
	assert intake.acknowledged_on
	(communication,) = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "OC Intake", "reference_name": intake.name},
		pluck="name",
	)
	recipients, _message, html = queued_mail(communication)
	assert recipients == [customer.email] and po in html
	# Off: nothing is sent on conversion.
	frappe.db.set_single_value("OC Settings", "acknowledge_intakes", 0)
	quiet = converted_intake(buyer, unique("PO"))
	assert not frappe.db.exists("Email Queue", {"reference_name": quiet.name})


def test_only_a_converted_intake_with_a_sender_address_is_acknowledged(buyer, people):
	_customer, product = buyer
	waiting = service.receive(
		order_csv(unique("PO"), product.name, 5, 18.6), "po.csv", "Email", "x@nobody.example.com"
	)
	faxed = service.receive(order_csv(unique("PO"), product.name, 5, 18.6), "po.csv", "Fax", "0551-65321877")
	frappe.set_user(people.clerk)
	with pytest.raises(CannotAnswerSenderError):
		oc_intake.acknowledge(waiting.name)
	with pytest.raises(CannotAnswerSenderError):
		oc_intake.get_clarification(faxed.name)
	frappe.set_user(people.warehouse)
	with pytest.raises(frappe.PermissionError):
		oc_intake.get_clarification(waiting.name)
	assert not frappe.db.exists("Email Queue", {"reference_name": ("in", [waiting.name, faxed.name])})


def test_a_clarification_asks_the_sender_about_each_missing_or_doubtful_value(buyer, people):
	customer, product = buyer
	text = (
		"您好，请送以下货物：\n1. 料号XK-77 圆锥滚子轴承 二十套\n"
		f"2. 圆锥滚子轴承 {product.specification} 十套，单价18.6元\n"
	).encode()
	intake = service.receive(text, "订单.txt", "Email", customer.email)
	assert intake.status == "Needs Attention"
	frappe.set_user(people.clerk)
	assert "clarify" in oc_intake.get_review(intake.name)["actions"]

	offered = oc_intake.get_clarification(intake.name)

	assert offered["recipients"] == customer.email
	asked = "\n".join(offered["questions"])
	# In the sender's language: the PO number and the delivery date are missing; line 1 names no
	# product we can tell and has no price.
	assert "客户采购单号" in asked and "交货日期" in asked, asked
	assert "第1行" in asked, asked
	assert "料号XK-77" in asked
	assert "第2行" not in asked, asked  # read for sure, not asked about
	for question in offered["questions"]:
		assert frappe.utils.escape_html(question) in offered["message"]
	assert offered["subject"] == "回复：订单.txt — 关于您订单的几个问题"

	communication = oc_intake.send_clarification(intake.name)
	recipients, _message, html = queued_mail(communication)
	assert recipients == [customer.email]
	assert "客户采购单号" in html and "第1行" in html
	sent = frappe.get_doc("Communication", communication)
	assert (sent.reference_doctype, sent.reference_name, sent.sent_or_received) == (
		"OC Intake",
		intake.name,
		"Sent",
	)
	# The clerk's own wording is sent as written (and cleaned of scripts).
	own = oc_intake.send_clarification(
		intake.name, "请确认交货日期", "<p>请确认交货日期。</p><script>x()</script>"
	)
	_recipients, _message, html = queued_mail(own)
	assert "请确认交货日期。" in html and "<script>" not in html


def test_an_intake_read_without_doubt_is_not_asked_about(buyer, people):
	intake = converted_intake(buyer, unique("PO"))
	frappe.set_user(people.clerk)
	assert "clarify" not in oc_intake.get_review(intake.name)["actions"]
	with pytest.raises(CannotAnswerSenderError):
		oc_intake.get_clarification(intake.name)
	assert replies.questions(intake) == []


def inbound(account, message: EmailMessage):
	"""A message as Frappe's pull hands it over (frappe.email.receive.InboundMail), without a server."""
	from frappe.email.receive import InboundMail

	return InboundMail(message.as_bytes(), account).process()


@pytest.fixture
def other_account():
	frappe.set_user("Administrator")
	return frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": unique("Support"),
			"email_id": f"{unique('support').lower()}@mailbox.example.com",
			"enable_incoming": 0,
			"enable_outgoing": 0,
			"awaiting_password": 1,
		}
	).insert()


def test_only_the_orders_mailbox_makes_intakes_and_a_message_without_id_makes_one(buyer, other_account):
	customer, product = buyer
	sent = (datetime.now(timezone.utc) - timedelta(hours=2)).replace(microsecond=0)
	body = f"订单号：{unique('PO')}\n圆锥滚子轴承 {product.specification} 五套，单价18.6元\n"
	# Mail to another account is none of the order desk's business.
	frappe.db.set_single_value("OC Settings", "orders_email_account", None)
	elsewhere = inbound(other_account, mail(customer.email, other_account.email_id, "发票问题", body, sent))
	assert not elsewhere.reference_doctype
	assert not frappe.db.exists("OC Intake", {"communication": elsewhere.name})
	# Once it is the orders mailbox, a message becomes an intake; the same message again, with no
	# Message-ID to know it by, makes no second one.
	frappe.db.set_single_value("OC Settings", "orders_email_account", other_account.name)
	message = mail(customer.email, other_account.email_id, "采购订单", body, sent)
	del message["Message-ID"]
	first = inbound(other_account, message)
	assert first.reference_doctype == "OC Intake"
	intake = frappe.get_doc("OC Intake", first.reference_name)
	assert (intake.communication, intake.sender, intake.subject, intake.status) == (
		first.name,
		customer.email,
		"采购订单",
		"New",
	)
	again = inbound(other_account, message)
	assert again.name != first.name and again.reference_name != intake.name
	assert frappe.db.count("OC Intake", {"sender": customer.email}) == 1
