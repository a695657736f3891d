"""The demo as a newcomer meets it: each demo user logs in to a real browser and lands on their
own workspace, in Chinese (or English for the English clerk), with the demo's orders there."""

import re

import frappe
import pytest
from frappe.utils.password import update_password
from playwright.sync_api import expect

from order_clerk import demo, demo_data
from tests.conftest import SITE
from tests.test_browser import TIMEOUT_MS

# user -> (workspace route, a word of its language on the page)
LANDINGS = {
	"clerk@example.com": ("order-clerk", "订单"),
	"reviewer@example.com": ("order-review", "订单"),
	"warehouse@example.com": ("warehouse", "出库单"),
	"finance@example.com": ("finance", "开票"),
	"english.clerk@example.com": ("order-clerk", "Order"),
}


@pytest.fixture(scope="module")
def demo_site(server, served_site):
	"""The demo's users and story, built on the tests' site by the demo's own set-up code
	(idempotent), with a password known to this test. Committed: the server sees it."""
	frappe.set_user("Administrator")
	password = f"{frappe.generate_hash(length=12)}-Oc1"
	demo.setup_demo_users(demo.DEMO_USERS, password)
	demo.setup_masters()
	demo_data.build()
	for email in LANDINGS:
		update_password(email, password)
	frappe.db.commit()
	return password


@pytest.fixture(scope="module")
def served_site(server):
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://{SITE}:{server.rsplit(':', 1)[1]}"
	yield
	frappe.local.conf.host_name = previous


@pytest.mark.parametrize("email", list(LANDINGS))
def test_each_demo_user_lands_on_their_workspace_in_their_language(email, demo_site, server, chromium):
	route, word = LANDINGS[email]
	context = chromium.new_context(
		base_url=f"http://{SITE}:{server.rsplit(':', 1)[1]}", viewport={"width": 1440, "height": 1000}
	)
	context.set_default_timeout(TIMEOUT_MS)
	page = context.new_page()
	try:
		page.goto("/login")
		page.locator("#login_email").fill(email)
		page.locator("#login_password").fill(demo_site)
		page.locator(".btn-login").first.click()
		page.wait_for_url(re.compile(rf"/app/{route}$"))
		assert "setup-wizard" not in page.url
		expect(page.locator(".layout-main-section")).to_contain_text(word)
		assert page.evaluate("frappe.boot.lang") == frappe.db.get_value("User", email, "language")
		# The demo's orders are there to act on: the list is not empty.
		page.goto("/app/oc-order")
		expect(page.locator(".list-row-container").first).to_be_visible()
	finally:
		context.close()
