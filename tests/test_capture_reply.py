"""The sender's reply to our questions completes the intake (order_clerk.capture.sender_reply), and
an order the system sent to review answers its sender with the order's own acknowledgement
(order_clerk.capture.replies).

The first test pulls the reply through a real IMAP server and Frappe's own Email Account and lets
a real worker read it (see tests/test_capture_mail.py); what it makes is committed, with unique
names. The others take mail in through Frappe's inbound-mail path without a server, and roll back.
"""

from datetime import datetime, timedelta, timezone

import frappe
import pytest
from frappe.utils import get_datetime

from order_clerk.capture import replies, sender_reply, service
from order_clerk.exceptions import IntakeAlreadyDecidedError, NoReplyToReadError, SenderAlreadyAnsweredError
from order_clerk.order_clerk.doctype.oc_intake import oc_intake
from tests import test_capture_mail as capture_mail
from tests.capture_helpers import make_capture_customer, make_capture_product
from tests.test_capture_mail import deliver, inbound, mail, pull, queued_mail
from tests.utils import unique

# The mailbox fixtures of the mail tests: a real IMAP server, and Frappe's Email Accounts.
imap_server = capture_mail.imap_server
orders_mailbox = capture_mail.orders_mailbox
other_account = capture_mail.other_account

METHOD = "/api/method/order_clerk.order_clerk.doctype.oc_intake.oc_intake.read_reply"


@pytest.fixture(autouse=True)
def settings_read_afresh():
	"""Frappe keeps the single values it has read in memory past a rollback: what a test set in
	OC Settings must not be read by the next test (nor written back by a fixture as the "previous")."""
	yield
	frappe.db.rollback()
	frappe.db.value_cache.pop("OC Settings", None)


@pytest.fixture
def shop(people):
	"""恒丰轴承, whose record has no payment terms to default to, and a bearing it orders."""
	frappe.set_user("Administrator")
	customer = make_capture_customer(
		"恒丰轴承", "周建国", "hfzc.example.com", "安徽省合肥市包河区繁华大道1208号", ""
	)
	product = make_capture_product("RPL", "圆锥滚子轴承", "30×62×17.25", "套", 18.6)
	return customer, product


def sent_at(hours: int = 2):
	return (datetime.now(timezone.utc) - timedelta(hours=hours)).replace(microsecond=0)


def order_mail(customer, product, to: str, po: str, date_line: str = "", lines: str | None = None):
	"""A customer's order in prose: no payment terms, and a delivery date only where given."""
	body = f"您好，订单号：{po}\n"
	body += lines if lines is not None else f"1. 圆锥滚子轴承 {product.specification} 十二套，单价18.6元\n"
	body += date_line + "\n周建国\n"
	return mail(customer.email, to, f"采购订单 {po}", body, sent_at(3))


def answer(customer, to: str, po: str, question: str, text: str):
	"""The customer's reply to what we sent, with our message quoted below as mail clients do."""
	our = frappe.get_doc("Communication", question)
	quoted = (
		f"{text}\n\n-----原始邮件-----\n发件人: orders\n主题: {our.subject}\n"
		"交货日期：2031-01-31\n付款方式：现款现货\n第1行 数量 999\n"
	)
	reply = mail(customer.email, to, f"回复：采购订单 {po}", quoted, sent_at(1))
	reply["In-Reply-To"] = f"<{our.message_id}>"
	return reply


def values(intake, fact: str) -> tuple:
	read = intake.get_extraction()[fact]
	return read["value"], read["source"]


def timeline_notes(intake: str) -> list[str]:
	return frappe.get_all(
		"Comment",
		filters={"reference_doctype": "OC Intake", "reference_name": intake, "comment_type": "Info"},
		pluck="content",
	)


@pytest.fixture
def committed_settings():
	"""OC Settings as a test sets and commits them (the worker reads them), put back afterwards."""
	fields = ("acknowledge_intakes", "send_acknowledgement")
	before = {field: frappe.db.get_single_value("OC Settings", field, cache=False) for field in fields}

	def set_(**values):
		frappe.db.set_single_value("OC Settings", values)
		frappe.db.commit()

	yield set_
	frappe.db.rollback()
	frappe.db.set_single_value("OC Settings", before)
	frappe.db.commit()


def test_a_reply_pulled_by_imap_gives_the_missing_date_and_terms_and_the_intake_becomes_an_order(
	imap_server, orders_mailbox, shop, people, committed_settings
):
	customer, product = shop
	committed_settings(acknowledge_intakes=0, send_acknowledgement=1)
	po = unique("PO")
	deliver(imap_server, order_mail(customer, product, imap_server.address, po))
	pull(orders_mailbox)
	(name,) = frappe.get_all("OC Intake", filters={"sender": customer.email}, pluck="name")
	intake = frappe.get_doc("OC Intake", name)
	assert intake.status == "Needs Attention", intake.problems
	assert values(intake, "delivery_date")[0] is None and values(intake, "payment_terms")[0] is None

	frappe.set_user(people.clerk)
	question = oc_intake.send_clarification(intake.name)
	frappe.set_user("Administrator")
	frappe.db.commit()
	deliver(
		imap_server,
		answer(
			customer,
			imap_server.address,
			po,
			question,
			"您好，补充如下：\n交货日期：2030-12-20\n付款方式：月结60天\n谢谢！",
		),
	)
	pull(orders_mailbox)

	# No new intake: the reply is in the thread, and it was read for what was asked.
	assert frappe.get_all("OC Intake", filters={"sender": customer.email}, pluck="name") == [name]
	intake.reload()
	assert intake.status == "Converted", intake.problems
	# The reply's own lines, not the quoted question (which names other values).
	# Places count the lines as Frappe keeps a plain-text message (a blank line between two), as
	# the places in the order's own e-mail do.
	assert values(intake, "delivery_date") == ("2030-12-20", "reply line 3")
	assert values(intake, "payment_terms") == ("月结60天", "reply line 5")
	# What the reply did not mention is as the order's own e-mail said it.
	assert values(intake, "customer_po")[0] == po
	lines = intake.get_extraction()["lines"]
	assert [(line["product"]["value"], line["qty"]["value"]) for line in lines] == [(product.name, 12)]
	order = frappe.get_doc("OC Order", intake.order)
	assert order.workflow_state == "Pending Review"
	assert (str(order.delivery_date), order.payment_terms, order.customer_po) == (
		"2030-12-20",
		"月结60天",
		po,
	)
	(note,) = timeline_notes(intake.name)
	assert "2030" in note and "月结60天" in note and "reply line 5" in note
	# Touchless: the sender is answered once, with the order's own acknowledgement, in the thread.
	assert intake.acknowledged_on and order.acknowledged_on
	acknowledgements = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "OC Intake",
			"reference_name": intake.name,
			"sent_or_received": "Sent",
			"name": ("!=", question),
		},
		fields=["name", "in_reply_to"],
	)
	assert [a.in_reply_to for a in acknowledgements] == [intake.communication]
	assert not frappe.db.exists(
		"Email Queue", {"reference_doctype": "OC Order", "reference_name": order.name}
	)


@pytest.fixture
def mailbox(other_account):
	"""The orders mailbox, in this test's transaction: mail comes in by Frappe's inbound path."""
	frappe.db.set_single_value("OC Settings", "orders_email_account", other_account.name)
	return other_account


def waiting_intake(mailbox, customer, product, lines: str | None = None):
	"""An intake read from an order e-mail that leaves out the delivery date and payment terms."""
	po = unique("PO")
	received = inbound(mailbox, order_mail(customer, product, mailbox.email_id, po, lines=lines))
	intake = frappe.get_doc("OC Intake", received.reference_name)
	service.process_intake(intake)
	assert intake.status == "Needs Attention", intake.problems
	return intake, po


def reply_in_thread(mailbox, customer, intake, po: str, text: str, people):
	frappe.set_user(people.clerk)
	question = oc_intake.send_clarification(intake.name)
	frappe.set_user("Administrator")
	received = inbound(mailbox, answer(customer, mailbox.email_id, po, question, text))
	assert (received.reference_doctype, received.reference_name) == ("OC Intake", intake.name)
	return received


def test_a_reply_that_answers_part_leaves_the_intake_waiting_with_fewer_questions(mailbox, shop, people):
	customer, product = shop
	# Line 1 names no product we can tell apart; line 2 is read for sure.
	lines = f"1. 料号HF-0091 轴承 二十套\n2. 圆锥滚子轴承 {product.specification} 十套，单价18.6元\n"
	intake, po = waiting_intake(mailbox, customer, product, lines=lines)
	asked_before = replies.questions(intake)
	labels = service.fact_labels()
	check_date = frappe._("Check {0}.").format(labels["delivery_date"])
	check_terms = frappe._("Check {0}.").format(labels["payment_terms"])
	assert check_date in intake.problems and check_terms in intake.problems

	reply_in_thread(
		mailbox,
		customer,
		intake,
		po,
		f"您好：\n交货日期：12月20日\n第1行 是 圆锥滚子轴承 {product.specification}",
		people,
	)
	frappe.set_user(people.clerk)
	answered = oc_intake.read_reply(intake.name)

	intake.reload()
	assert intake.status == "Needs Attention" and not intake.order
	assert answered["status"] == "Needs Attention"
	date_value, date_source = values(intake, "delivery_date")
	assert date_value.endswith("-12-20") and date_source == "reply line 3"
	assert values(intake, "payment_terms")[0] is None  # not stated: still asked
	line = intake.get_extraction()["lines"][0]
	assert (line["product"]["value"], line["product"]["source"]) == (product.name, "reply line 5")
	assert line["qty"]["value"] == 20  # as the order said it
	assert line["rate"]["value"] == 18.6  # the product's price, as a fresh reading defaults it
	assert check_date not in intake.problems and check_terms in intake.problems
	assert "HF-0091" not in intake.problems  # the unread line is read now
	asked_after = replies.questions(intake)
	assert len(asked_after) < len(asked_before), (asked_before, asked_after)
	assert len(answered["changes"]) == 2
	(note,) = timeline_notes(intake.name)
	assert "reply line 5" in note

	# Read again, the same reply changes nothing more, and says so.
	again = oc_intake.read_reply(intake.name)
	assert again["changes"] == [] and again["status"] == "Needs Attention"
	# The review screen offers the clerk to read it again.
	assert "read_reply" in oc_intake.get_review(intake.name)["actions"]


def test_a_line_the_reply_names_by_number_takes_its_quantity_and_the_order_is_made(mailbox, shop, people):
	customer, product = shop
	# A quantity without its unit is read with doubt, and asked about.
	lines = f"1. 圆锥滚子轴承 {product.specification} 500，单价18.6元\n"
	intake, po = waiting_intake(mailbox, customer, product, lines=lines)
	reply_in_thread(
		mailbox,
		customer,
		intake,
		po,
		"第1行 数量 600\n交货日期：2030-12-22\n付款方式：月结30天",
		people,
	)
	frappe.set_user(people.clerk)
	answered = oc_intake.read_reply(intake.name)
	intake.reload()
	assert answered["status"] == "Converted", intake.problems
	order = frappe.get_doc("OC Order", intake.order)
	assert [(row.product, row.qty, row.rate) for row in order.items] == [(product.name, 600, 18.6)]
	assert any("600" in change and "reply line 1" in change for change in answered["changes"])
	assert order.workflow_state == "Pending Review"


def test_a_reply_listing_the_lines_an_order_left_out_completes_it(mailbox, shop, people):
	customer, product = shop
	intake, po = waiting_intake(mailbox, customer, product, lines="请送下列货物，清单见后。\n")
	assert intake.get_extraction()["lines"] == []
	reply_in_thread(
		mailbox,
		customer,
		intake,
		po,
		f"清单如下：\n圆锥滚子轴承 {product.specification} 二十套，单价18.6元\n"
		"交货日期：2030-12-20\n付款方式：月结30天",
		people,
	)
	frappe.set_user(people.clerk)
	answered = oc_intake.read_reply(intake.name)
	intake.reload()
	assert answered["status"] == "Converted", intake.problems
	(line,) = intake.get_extraction()["lines"]
	assert (line["product"]["value"], line["qty"]["value"], line["qty"]["source"]) == (
		product.name,
		20,
		"reply line 3",
	)
	order = frappe.get_doc("OC Order", intake.order)
	assert [(row.product, row.qty, row.rate) for row in order.items] == [(product.name, 20, 18.6)]


def test_a_reply_contradicting_a_value_read_for_sure_is_left_for_a_person(mailbox, shop, people):
	customer, product = shop
	intake, po = waiting_intake(mailbox, customer, product)
	reply_in_thread(
		mailbox,
		customer,
		intake,
		po,
		f"交货日期：2030-12-20\n付款方式：月结30天\n订单号：{unique('PO')}",
		people,
	)
	frappe.set_user(people.clerk)
	answered = oc_intake.read_reply(intake.name)
	intake.reload()
	assert answered["status"] == "Needs Attention" and not intake.order
	assert values(intake, "customer_po")[0] == po  # read for sure from the order: not replaced
	assert values(intake, "payment_terms")[0] == "月结30天"
	assert po in intake.problems


def complete_order_by_mail(mailbox, customer, product):
	"""An order e-mail that states everything: read, it becomes an order sent to review."""
	po = unique("PO")
	received = inbound(
		mailbox,
		order_mail(customer, product, mailbox.email_id, po, "交货日期：2030-12-20\n付款方式：月结30天"),
	)
	intake = frappe.get_doc("OC Intake", received.reference_name)
	service.process_intake(intake)
	intake.reload()
	assert intake.status == "Converted", intake.problems
	return intake, po


def test_a_reply_to_a_converted_intake_changes_nothing(mailbox, shop, people):
	customer, product = shop
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 0, "send_acknowledgement": 1})
	intake, po = complete_order_by_mail(mailbox, customer, product)
	(acknowledgement,) = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "OC Intake", "reference_name": intake.name, "sent_or_received": "Sent"},
		pluck="name",
	)
	before = (intake.status, intake.extraction, intake.problems)
	order_before = frappe.db.get_value(
		"OC Order", intake.order, ["delivery_date", "payment_terms", "modified"]
	)

	reply = inbound(mailbox, answer(customer, mailbox.email_id, po, acknowledgement, "交货日期：2031-01-15"))
	assert reply.reference_name == intake.name
	assert sender_reply.read_reply(intake, reply.name) == []  # as the background job would
	frappe.set_user(people.clerk)
	with pytest.raises(IntakeAlreadyDecidedError):
		oc_intake.read_reply(intake.name)

	intake.reload()
	assert (intake.status, intake.extraction, intake.problems) == before
	assert frappe.db.get_value("OC Order", intake.order, ["delivery_date", "payment_terms", "modified"]) == (
		order_before
	)
	assert timeline_notes(intake.name) == []


def test_without_a_reply_there_is_nothing_to_read(mailbox, shop, people):
	customer, product = shop
	intake, _po = waiting_intake(mailbox, customer, product)
	frappe.set_user(people.clerk)
	assert "read_reply" not in oc_intake.get_review(intake.name)["actions"]
	with pytest.raises(NoReplyToReadError):
		oc_intake.read_reply(intake.name)
	frappe.set_user(people.warehouse)
	with pytest.raises(frappe.PermissionError):
		oc_intake.read_reply(intake.name)
	assert frappe.db.get_value("OC Intake", intake.name, "status") == "Needs Attention"


@pytest.mark.rest
def test_over_rest_only_who_may_write_the_intake_reads_a_reply_and_only_by_post(shop, rest_users):
	customer, product = shop
	text = f"您好，订单号：{unique('PO')}\n1. 圆锥滚子轴承 {product.specification} 十二套，单价18.6元\n"
	intake = service.receive(text.encode(), "订单.txt", "Email", customer.email)
	assert intake.status == "Needs Attention"
	frappe.db.commit()  # the server sees committed data only
	try:
		for profile in ("warehouse", "reviewer", "integrator"):
			refused = rest_users[profile].post(METHOD, {"name": intake.name})
			assert refused.status_code == 403, (profile, refused.text)
		by_get = rest_users["clerk"].get(METHOD, name=intake.name)
		assert by_get.status_code in (403, 405), by_get.text
		# The clerk may: there is no reply yet, and the answer says so (not an error of the server).
		clerk = rest_users["clerk"].post(METHOD, {"name": intake.name})
		assert clerk.status_code == 417, clerk.text
		assert intake.name in clerk.text
		frappe.db.rollback()
		assert frappe.db.get_value("OC Intake", intake.name, ["status", "modified"]) == (
			"Needs Attention",
			get_datetime(intake.modified),
		)
	finally:
		frappe.db.set_value("OC Intake", intake.name, "status", "Rejected")
		frappe.db.commit()


def test_a_touchless_order_answers_its_sender_once_with_its_own_acknowledgement(mailbox, shop, people):
	customer, product = shop
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 1, "send_acknowledgement": 1})
	intake, po = complete_order_by_mail(mailbox, customer, product)
	order = frappe.get_doc("OC Order", intake.order)
	assert order.workflow_state == "Pending Review"

	(sent,) = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "OC Intake", "reference_name": intake.name, "sent_or_received": "Sent"},
		fields=["name", "in_reply_to", "subject"],
	)
	assert sent.in_reply_to == intake.communication  # in the sender's thread
	recipients, message, html = queued_mail(sent.name)
	assert recipients == [customer.email]
	assert message["In-Reply-To"].strip("<>") == frappe.db.get_value(
		"Communication", intake.communication, "message_id"
	)
	# The order's own acknowledgement (received, now being reviewed), in the sender's language.
	assert "我们已收到您的订单" in sent.subject and po in sent.subject
	assert "目前正在审核" in html and order.name in html
	assert "已录入" not in sent.subject
	assert intake.acknowledged_on and order.acknowledged_on
	# Once: no e-mail of the order's own, and neither answers again.
	assert not frappe.db.exists(
		"Email Queue", {"reference_doctype": "OC Order", "reference_name": order.name}
	)
	order.send_acknowledgement()
	replies.after_conversion(intake)
	frappe.set_user(people.clerk)
	with pytest.raises(SenderAlreadyAnsweredError):
		oc_intake.acknowledge(intake.name)
	assert frappe.db.count("Email Queue", {"reference_name": ("in", [intake.name, order.name])}) == 1


def test_a_draft_the_clerk_converts_is_answered_with_the_intakes_summary(mailbox, shop, people):
	customer, product = shop
	frappe.db.set_single_value("OC Settings", {"acknowledge_intakes": 1, "send_acknowledgement": 1})
	intake, po = waiting_intake(mailbox, customer, product)
	frappe.set_user(people.clerk)
	name = oc_intake.convert(intake.name, {"delivery_date": "2030-12-20", "payment_terms": "月结30天"})
	assert frappe.db.get_value("OC Order", name, "workflow_state") == "Draft"
	(sent,) = frappe.get_all(
		"Communication",
		filters={"reference_doctype": "OC Intake", "reference_name": intake.name, "sent_or_received": "Sent"},
		fields=["name", "subject"],
		order_by="creation desc",
		limit=1,
	)
	assert "已录入" in sent.subject and po in sent.subject
	assert frappe.db.get_value("OC Order", name, "acknowledged_on")
