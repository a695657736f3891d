"""A customer's revised purchase order on the intake's form, in a real browser: the changes line by
line against the draft it revises, and Apply Revision updating that draft. Screenshots go to
<test output>/screenshots/capture/."""

import frappe
import pytest
from playwright.sync_api import expect

from order_clerk.capture import service
from tests.capture_helpers import lines_csv, revising_shop
from tests.desk import screenshot_dir
from tests.utils import unique

MARKUP = "<b>加急</b>"


@pytest.fixture
def revision(desk_users):
	"""A draft order the clerk converted, and the customer's revision of it, read; committed."""
	customer, products = revising_shop(
		"revision-browser.example.com",
		"RB",
		(("调心球轴承", "35×72×17", 20), ("平垫圈", "M12 GB/T97.1", 0.1)),
	)
	bearing, washer = ((p.name, p.product_name) for p in products)
	po = unique("PO")
	frappe.set_user(desk_users.users["en", "clerk"])
	first = service.receive(
		lines_csv(po, [(*bearing, 50, 20), (*washer, 1000, 0.1)], None, total=False),
		"po.csv",
		"Email",
		customer.email,
	)
	order = service.convert_intake(first, {"delivery_date": "2030-12-20"})
	revised = service.receive(
		lines_csv(
			po,
			[(*bearing, 80, 20), (washer[0], f"{washer[1]} {MARKUP}", 1000, 0.1)],
			"2030-12-20",
			total=False,
		),
		"po.csv",
		"Email",
		customer.email,
	)
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	assert revised.status == "Revision", revised.problems
	return frappe._dict(intake=revised.name, order=order, bearing=bearing[0], washer=washer[0])


def test_the_clerk_sees_what_a_revision_changes_and_applies_it_to_the_draft(desk, revision):
	clerk = desk("en", "clerk", screenshot_dir("capture"))
	clerk.open_form(f"oc-intake/{revision.intake}", revision.intake)
	panel = clerk.page.locator(".oc-revision")
	expect(panel.locator(".oc-revision-outcome")).to_contain_text(f"updates draft order {revision.order}")
	changes = panel.locator(".oc-revision-changes tbody tr")
	expect(changes).to_have_count(1)
	row = changes.first
	expect(row).to_have_class("oc-change oc-change-changed")
	expect(row.locator("td")).to_have_text(["Changed", "1", revision.bearing, "Qty", "50", "80"])
	# The customer's text is shown as text, never as markup.
	expect(clerk.page.locator(".oc-review b")).to_have_count(0)
	clerk.shot("04-revision-changes")

	clerk.page.locator("button.oc-apply-revision:visible").click()
	clerk.page.locator(".modal:visible .btn-primary").click()
	clerk.page.wait_for_function("() => cur_frm && cur_frm.doc.status === 'Converted'")
	clerk.wait_idle()
	expect(clerk.page.locator("button.oc-apply-revision:visible")).to_have_count(0)
	clerk.shot("05-revision-applied")

	frappe.db.rollback()  # a fresh snapshot: what the server committed
	order = frappe.get_doc("OC Order", revision.order)
	assert [(row.product, row.qty) for row in order.items] == [
		(revision.bearing, 80),
		(revision.washer, 1000),
	]
	assert order.workflow_state == "Draft"
	assert frappe.db.get_value("OC Intake", revision.intake, ["status", "order"]) == (
		"Converted",
		revision.order,
	)
