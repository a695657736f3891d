"""Reviewers approve from their mail: Frappe's workflow-action e-mails, switched in OC Settings,
queued in the real email queue, and their signed links followed through the real web server."""

import email
import re
from email import policy

import frappe
import pytest
import requests
from frappe.workflow.doctype.workflow_action.workflow_action import (
	get_confirm_workflow_action_url,
	get_next_possible_transitions,
	send_workflow_action_email,
)

from order_clerk import demo_data, review
from order_clerk.roles import ORDER_CLERK, ORDER_REVIEWER, WAREHOUSE_OPERATOR
from tests.utils import act, keep_user, make_customer, make_order, make_product, unique

LINK = re.compile(r"""https?://[^\s"'<>]+workflow_action\.apply_action\?[^\s"'<>]+""")


# This module's own users, kept from run to run and saved only when their roles differ.
USERS = {
	"clerk": (demo_data.CLERK, [ORDER_CLERK]),
	"reviewer": (demo_data.REVIEWER, [ORDER_REVIEWER]),
	"reviewer2": ("oc-mail-reviewer2@test.example.com", [ORDER_REVIEWER]),
	"clerk_reviewer": ("oc-mail-clerk-reviewer@test.example.com", [ORDER_CLERK, ORDER_REVIEWER]),
	"warehouse": (demo_data.WAREHOUSE, [WAREHOUSE_OPERATOR]),
}


@pytest.fixture(scope="module")
def people():
	for address, roles in USERS.values():
		keep_user(address, roles)
	return frappe._dict({profile: email for profile, (email, _roles) in USERS.items()})


def workflow_email_flag() -> int:
	return frappe.db.get_value("Workflow", review.WORKFLOW_NAME, "send_email_alert")


def switch_emails(on: bool):
	settings = frappe.get_doc("OC Settings")
	settings.email_reviewers = int(on)
	settings.save(ignore_permissions=True)


def queued_to(order: str) -> dict[str, str]:
	"""The workflow-action e-mails queued about the order: recipient -> the text of their mails."""
	mails = {}
	for queue in frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "OC Order", "reference_name": order},
		fields=["name", "message"],
	):
		message = email.message_from_string(queue.message, policy=policy.default)
		html = message.get_body(("html", "plain"))
		text = html.get_content() if html else ""
		if "apply_action" not in text:
			continue  # the acknowledgement to the customer
		for recipient in frappe.get_all(
			"Email Queue Recipient", filters={"parent": queue.name}, pluck="recipient"
		):
			mails[recipient] = mails.get(recipient, "") + text
	return mails


def links(text: str) -> dict[str, str]:
	"""The mail's action links by action."""
	found = {}
	for link in LINK.findall(text):
		link = link.replace("&amp;", "&")
		action = re.search(r"[?&]action=([^&]+)", link).group(1)
		found[requests.utils.unquote(action).replace("+", " ")] = link
	return found


def pending_order(people, maker_submits: str | None = None):
	"""An order the clerk made, sent to review by the clerk or by `maker_submits`."""
	frappe.set_user("Administrator")
	customer, product = make_customer(), make_product(rate=100)
	frappe.set_user(people.clerk)
	order = make_order(customer, product, external_ref=unique("MAIL"))
	frappe.set_user(maker_submits or people.clerk)
	act(order.name, review.SUBMIT_FOR_REVIEW)
	frappe.set_user("Administrator")
	return frappe.get_doc("OC Order", order.name)


def test_the_setting_switches_the_reviewers_mail(people, printing, served_site):
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_id": f"{unique('orders')}@example.com",
			"email_account_name": unique("Orders"),
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"smtp_port": 25,
		}
	).insert(ignore_permissions=True)

	# Off by default: no mail, though the site can send.
	assert (frappe.db.get_single_value("OC Settings", "email_reviewers"), workflow_email_flag()) == (0, 0)
	quiet = pending_order(people)
	assert queued_to(quiet.name) == {}

	switch_emails(True)  # saving the settings turns the workflow's mail on
	assert workflow_email_flag() == 1
	order = pending_order(people)
	mails = queued_to(order.name)
	# Every reviewer is offered Approve and Reject; the clerk (mailed about the draft, as Frappe
	# mails the next actors of each state) is offered neither, the warehouse nothing.
	assert {people.reviewer, people.reviewer2, people.clerk_reviewer} <= set(mails)
	for reviewer in (people.reviewer, people.reviewer2, people.clerk_reviewer):
		assert {review.APPROVE, review.REJECT} <= set(links(mails[reviewer])), reviewer
	assert not {review.APPROVE, review.REJECT} & set(links(mails.get(people.clerk, "")))
	assert people.warehouse not in mails


def test_settings_and_workflow_agree_after_migrate(people):
	from order_clerk.install import sync_workflow_email_alert

	frappe.db.set_single_value("OC Settings", "email_reviewers", 1)
	sync_workflow_email_alert()
	assert workflow_email_flag() == 1
	frappe.db.set_single_value("OC Settings", "email_reviewers", 0)
	sync_workflow_email_alert()
	assert workflow_email_flag() == 0


@pytest.fixture
def mailed(people, printing, served_site):
	"""An order the clerk made and a clerk who is also a reviewer sent to review, committed (the
	server must see it), and the workflow-action mails Frappe queues for it."""
	order = pending_order(people, maker_submits=people.clerk_reviewer)
	transitions = get_next_possible_transitions(review.WORKFLOW_NAME, order.workflow_state, order)
	send_workflow_action_email(order, transitions)
	frappe.db.commit()
	return frappe._dict(order=order, mails=queued_to(order.name))


def state(order: str) -> tuple:
	frappe.db.rollback()  # see what the server committed
	return frappe.db.get_value("OC Order", order, ["workflow_state", "docstatus", "approved_by"])


def follow(link: str) -> requests.Response:
	"""A click on the link in a mail client: no login."""
	return requests.get(link, timeout=120)


@pytest.mark.rest
def test_links_in_the_mail_obey_the_desk(mailed, people):
	order = mailed.order.name
	pending = ("Pending Review", 0, None)

	# The one who sent it to review got an Approve link (Frappe excludes only the order's
	# owner), and is refused when following it, as in the desk.
	maker_links = links(mailed.mails[people.clerk_reviewer])
	refused = follow(maker_links[review.APPROVE])
	assert refused.status_code == 403
	assert "cannot approve it" in refused.text
	doc = frappe.get_doc("OC Order", order)
	confirm = follow(get_confirm_workflow_action_url(doc, review.APPROVE, people.clerk_reviewer))
	assert confirm.status_code == 403 and "cannot approve it" in confirm.text
	assert state(order) == pending

	# Reject needs a reason, which a link cannot carry: the reviewer is sent to the form.
	reviewer_links = links(mailed.mails[people.reviewer])
	reject = follow(reviewer_links[review.REJECT])
	assert (
		reject.status_code == 403
		and "needs a reason" in reject.text
		and f"/app/oc-order/{order}" in reject.text
	)
	confirm = follow(get_confirm_workflow_action_url(doc, review.REJECT, people.reviewer))
	assert confirm.status_code == 403 and "needs a reason" in confirm.text
	assert state(order) == pending

	# A link whose signature does not match changes nothing.
	forged = follow(reviewer_links[review.APPROVE].replace("&_signature=", "&_signature=0"))
	assert "Invalid Link" in forged.text
	assert state(order) == pending

	# Another reviewer approves: the confirmation page, then the approval under their name.
	page = follow(reviewer_links[review.APPROVE])
	assert page.status_code == 200 and "confirm_action" in page.text
	done = follow(get_confirm_workflow_action_url(doc, review.APPROVE, people.reviewer))
	assert done.status_code == 200
	assert state(order) == ("Approved", 1, people.reviewer)
	assert frappe.db.get_value("OC Order", order, "order_no")

	# The link is used up: following it again changes nothing.
	again = follow(reviewer_links[review.APPROVE])
	assert "Link Expired" in again.text or "已过期" in again.text
