"""Answering an intake's sender from its form, in a real browser, on the Chinese desk.

A clerk asks the sender of an intake that needs attention in a dialog opened with the questions
already written, and acknowledges a converted intake with its button. The
e-mails wait in Frappe's email queue. Screenshots go to <test output>/screenshots/capture-mail/.
"""

import frappe
import pytest
from playwright.sync_api import expect

from order_clerk.capture import service
from tests.capture_helpers import bearing_buyer, order_csv
from tests.desk import screenshot_dir
from tests.utils import unique


@pytest.fixture
def intakes(desk_users):
	"""An intake waiting for a person and one converted to an order, of one customer; committed."""
	frappe.set_user("Administrator")
	customer, product = bearing_buyer("hlwj.example.com")
	# The automatic answer of an order sent to review is not what this test is about.
	answers = ("acknowledge_intakes", "send_acknowledgement")
	settings = {field: frappe.db.get_single_value("OC Settings", field, cache=False) for field in answers}
	frappe.db.set_single_value("OC Settings", dict.fromkeys(answers, 0))
	frappe.set_user(desk_users.users["zh", "clerk"])
	text = f"您好，请送以下货物：\n1. 料号XK-77 圆锥滚子轴承 二十套\n2. 圆锥滚子轴承 {product.specification} 十套，单价18.6元\n"
	waiting = service.receive(text.encode(), "订单.txt", "Email", customer.email)
	converted = service.receive(
		order_csv(unique("PO"), product.name, 30, 18.6), "订单.csv", "Email", customer.email
	)
	assert (waiting.status, converted.status) == ("Needs Attention", "Converted"), converted.problems
	frappe.db.set_single_value("OC Settings", settings)
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	return frappe._dict(customer=customer, waiting=waiting, converted=converted)


def sent_from(intake: str) -> list[dict]:
	frappe.db.rollback()  # a fresh snapshot: what the server committed
	return frappe.get_all(
		"Communication",
		filters={"reference_doctype": "OC Intake", "reference_name": intake, "sent_or_received": "Sent"},
		fields=["name", "subject", "recipients", "content"],
	)


def test_the_clerk_asks_the_sender_and_acknowledges_from_the_intake(desk, intakes):
	clerk = desk("zh", "clerk", screenshot_dir("capture-mail"))
	page = clerk.page

	# Ask the sender: a dialog opens addressed to them, with the questions written in Chinese.
	clerk.open_form(f"oc-intake/{intakes.waiting.name}", intakes.waiting.name)
	ask = page.locator("button.oc-clarify:visible")
	expect(ask).to_have_text("询问发件人")
	ask.click()
	page.wait_for_function(
		"() => window.cur_dialog && cur_dialog.display"
		" && (cur_dialog.get_value('message') || '').includes('第1行')"
	)
	assert page.evaluate("() => cur_dialog.get_value('recipients')").strip(", ") == intakes.customer.email
	assert page.evaluate("() => cur_dialog.get_value('subject')") == "回复：订单.txt — 关于您订单的几个问题"
	content = page.evaluate("() => cur_dialog.get_value('message')")
	assert "客户采购单号：您的订单中未注明，请告知。" in content and "第1行" in content, content
	clerk.shot("01-ask-the-sender", dialog=True)
	page.locator(".oc-clarification .modal-footer .btn-primary:visible").click()
	expect(page.locator(".alert-message").filter(has_text="问题已排队发送给")).to_be_visible()
	page.wait_for_function("() => !cur_dialog || !cur_dialog.display")
	clerk.wait_idle()
	(asked,) = sent_from(intakes.waiting.name)
	assert asked.recipients.strip(", ") == intakes.customer.email and "客户采购单号" in asked.content
	assert frappe.db.exists("Email Queue", {"communication": asked.name})

	# Acknowledge: once, with the order's summary; the button is gone afterwards.
	clerk.open_form(f"oc-intake/{intakes.converted.name}", intakes.converted.name)
	expect(page.locator("button.oc-clarify:visible")).to_have_count(0)
	acknowledge = page.locator("button.oc-acknowledge:visible")
	expect(acknowledge).to_have_text("回复确认")
	acknowledge.click()
	expect(page.locator(".alert-message").filter(has_text="订单摘要已排队发送给")).to_be_visible()
	clerk.wait_form(intakes.converted.name)
	expect(page.locator("button.oc-acknowledge")).to_have_count(0)
	clerk.shot("02-acknowledged")
	(answer,) = sent_from(intakes.converted.name)
	assert answer.recipients.strip(", ") == intakes.customer.email
	assert "圆锥滚子轴承" in answer.content and "合计" in answer.content
	assert frappe.db.get_value("OC Intake", intakes.converted.name, "acknowledged_on")
