"""The desk in a real browser, end to end: headless Chromium driven through Playwright.

A clerk enters an order through the form, a reviewer approves it from the Actions menu, the
clerk drafts its outbound slip and a warehouse user confirms it: once in English and once with
the users' language set to Chinese. Each step leaves a screenshot in
<test output>/screenshots/<lang>/NN-step.png.

The browser is Debian's /usr/bin/chromium; Playwright never downloads one. The records the
server must see are committed, with unique names, as in the other tests against the server.
"""

import re

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate
from playwright.sync_api import expect

from tests.desk import TEXT, TIMEOUT_MS, screenshot_dir
from tests.utils import (
	act,
	make_customer,
	make_order,
	make_product,
	make_warehouse,
	receive_stock,
	unique,
)

# Master data of the order, in the language of the run, as a clerk would have it.
MASTER_DATA = {
	"en": {
		"customer": {"customer_name": "East China Machinery", "contact_person": "Zhang Wei"},
		"bearing": {"product_name": "Deep Groove Ball Bearing", "specification": "6204-2RS", "uom": "PCS"},
		"motor": {"product_name": "Induction Motor", "specification": "Y2-90L-4 1.5kW", "uom": "SET"},
	},
	"zh": {
		"customer": {
			"customer_name": "华东机电有限公司",
			"contact_person": "张伟",
			"payment_terms": "月结30天",
			"delivery_address": "上海市浦东新区张江路88号",
		},
		"bearing": {"product_name": "深沟球轴承", "specification": "6204-2RS", "uom": "个"},
		"motor": {"product_name": "三相异步电动机", "specification": "Y2-90L-4 1.5kW", "uom": "台"},
	},
}


@pytest.fixture
def browser_world(request):
	"""Customer, products and stock of one order, committed for the server to see."""
	lang = request.node.callspec.params.get("lang", "en") if hasattr(request.node, "callspec") else "en"
	data = MASTER_DATA[lang]
	customer = {**data["customer"], "customer_name": unique(data["customer"]["customer_name"])}
	bearing = {**data["bearing"], "product_name": unique(data["bearing"]["product_name"])}
	motor = {**data["motor"], "product_name": unique(data["motor"]["product_name"])}
	world = frappe._dict(
		customer=make_customer(**customer),
		payment_terms=customer.get("payment_terms", "Net 30"),
		bearing=make_product(rate=12.5, **bearing),
		bearing_data=bearing,
		motor=make_product(rate=860, **motor),
		warehouse=make_warehouse(),
	)
	for product in (world.bearing, world.motor):
		receive_stock(world.warehouse, product, 1000)
	frappe.db.commit()  # seen by the server process
	return world


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_order_from_entry_to_outbound_slip_in_the_browser(desk, browser_world, lang):
	shots = screenshot_dir(lang)
	text = TEXT[lang]
	delivery_date = add_days(nowdate(), 14)

	# The clerk enters the order through the form.
	clerk = desk(lang, "clerk", shots)
	clerk.open_form("oc-order/new")
	expect(clerk.page.locator(".page-head:visible .title-area")).to_contain_text(text["order"])
	expect(clerk.control("customer").locator(".control-label")).to_have_text(text["customer"])
	expect(clerk.control("delivery_date").locator(".control-label")).to_have_text(text["delivery_date"])
	completeness = clerk.headline().locator(".oc-completeness")
	expect(completeness).to_have_attribute("data-complete", "0")
	expect(completeness).to_contain_text(text["customer"])
	expect(completeness).to_contain_text(text["delivery_date"])
	clerk.shot("01-clerk-new-order")

	clerk.fill_link(clerk.control("customer"), browser_world.customer, "cur_frm.doc.customer")
	# Payment terms and delivery address come from the customer, before saving.
	expect(clerk.control("payment_terms").locator("input")).to_have_value(browser_world.payment_terms)
	clerk.set_date("delivery_date", delivery_date)

	first = clerk.add_row("items", 1)
	clerk.fill_link(
		first.locator(".grid-static-col[data-fieldname='product']"),
		browser_world.bearing,
		"cur_frm.doc.items[0].product",
	)
	clerk.page.wait_for_function("() => cur_frm.doc.items[0].rate === 12.5")
	clerk.fill_cell(first, "qty", "200")
	first_line = clerk.doc("items")[0]
	assert (first_line["specification"], first_line["uom"], first_line["amount"]) == (
		browser_world.bearing_data["specification"],
		browser_world.bearing_data["uom"],
		2500,
	)

	second = clerk.add_row("items", 2)
	clerk.fill_link(
		second.locator(".grid-static-col[data-fieldname='product']"),
		browser_world.motor,
		"cur_frm.doc.items[1].product",
	)
	clerk.page.wait_for_function("() => cur_frm.doc.items[1].rate === 860")
	clerk.fill_cell(second, "qty", "3")
	clerk.fill_cell(second, "rate", "1032")  # 20 % above the reference price
	# Back to the first line: the second shows formatted again, its rate highlighted.
	first.locator(".grid-static-col[data-fieldname='qty']").click()

	# Amounts and totals follow the figures as they are entered.
	clerk.page.wait_for_function("() => cur_frm.doc.total_qty === 203 && cur_frm.doc.grand_total === 5596")
	assert clerk.doc("items")[1]["amount"] == 3096
	# The deviation needs its reason: listed as missing, and highlighted in the grid.
	expect(completeness).to_contain_text(text["deviation_reason"])
	expect(second.locator(".oc-price-deviation.text-danger").first).to_contain_text("+20.00%")
	expect(clerk.control("items").locator(".oc-price-deviations")).to_contain_text(text["price_deviations"])
	clerk.shot("02-clerk-deviation-without-reason")

	second.locator(".btn-open-row").click()
	reason = clerk.page.locator(
		".grid-row-open .frappe-control[data-fieldname='price_deviation_reason'] textarea"
	)
	reason.fill(text["reason"])
	reason.press("Tab")
	clerk.page.locator(".grid-row-open .grid-collapse-row").click()
	expect(completeness).to_have_attribute("data-complete", "1")
	expect(completeness).to_have_text(text["complete"])
	expect(clerk.headline()).to_have_class(re.compile(r"\bgreen\b"))
	expect(second.locator(".oc-price-deviation.text-warning").first).to_be_visible()
	clerk.shot("03-clerk-all-facts-confirmed")

	clerk.save()
	order = clerk.doc("name")
	assert re.fullmatch(r"ORD-\d{4}-\d{5}", order), order
	clerk.shot("04-clerk-order-saved")

	clerk.page.goto("/app/oc-order")
	clerk.saved_filter(
		"my-drafts",
		text["my_drafts"],
		[text["draft"], text["needs_clarification"], text["rejected"]],
		order,
	)
	clerk.shot("05-clerk-my-drafts")

	clerk.open_form(f"oc-order/{order}", order)
	clerk.workflow_action(text["submit_for_review"])
	clerk.expect_state(text["pending_review"])
	clerk.shot("06-clerk-submitted-for-review")

	# The reviewer finds it among the orders awaiting review and approves it.
	reviewer = desk(lang, "reviewer", shots)
	reviewer.page.goto("/app/oc-order")
	reviewer.saved_filter("awaiting-my-review", text["awaiting_my_review"], [text["pending_review"]], order)
	reviewer.shot("07-reviewer-awaiting-my-review")
	reviewer.page.locator(f".list-row-container a[data-name='{order}']").first.click()
	reviewer.wait_form(order)
	expect(reviewer.control("items").locator(".oc-price-deviations")).to_contain_text(text["reason"])
	reviewer.shot("08-reviewer-pending-order")
	reviewer.workflow_action(text["approve"])
	order_no = reviewer.control("order_no")
	expect(order_no).to_contain_text(re.compile(rf"SO-{getdate().year}-\d{{5}}"))
	assert reviewer.doc("workflow_state") == "Approved"
	# Approved, the order shows where it stands in fulfilment.
	reviewer.expect_state(text["to_ship"])
	reviewer.shot("09-reviewer-approved-with-order-number")

	# The clerk drafts the outbound slip from the order.
	clerk.open_form(f"oc-order/{order}", order)
	clerk.inner_button(text["create"], text["outbound_slip"])
	clerk.page.wait_for_function("() => cur_frm && cur_frm.doctype === 'OC Outbound Slip'")
	clerk.wait_form()
	expect(clerk.page.locator(".page-head:visible .title-area")).to_contain_text(text["slip"])
	warehouse = clerk.control("warehouse")
	expect(warehouse.locator(".control-label")).to_have_text(text["warehouse"])
	warehouse.locator("input").fill("")
	clerk.fill_link(warehouse, browser_world.warehouse, "cur_frm.doc.warehouse")
	clerk.save()
	slip = clerk.doc("name")
	assert clerk.doc("order") == order
	assert [row["qty"] for row in clerk.doc("items")] == [200, 3]
	clerk.shot("10-clerk-outbound-slip-drafted")

	# The warehouse confirms it.
	store = desk(lang, "warehouse", shots)
	store.open_form(f"oc-outbound-slip/{slip}", slip)
	store.page.locator(".page-actions .primary-action:visible").click()
	store.page.locator(".modal:visible .btn-primary").click()
	store.page.wait_for_function("() => cur_frm.doc.docstatus === 1")
	store.shot("11-warehouse-slip-confirmed")

	frappe.db.rollback()  # a fresh snapshot: the server committed all this
	approved = frappe.db.get_value("OC Order", order, ["workflow_state", "order_no", "status"], as_dict=True)
	assert approved.workflow_state == "Approved"
	assert approved.order_no in order_no.inner_text()
	assert approved.status == "Shipped"
	assert frappe.db.get_value("OC Outbound Slip", slip, ["docstatus", "status"]) == (1, "Issued")


def test_reject_asks_for_the_reason_in_the_browser(desk, desk_users, browser_world):
	shots = screenshot_dir("en-reject")
	frappe.set_user(desk_users.users["en", "clerk"])
	order = make_order(
		browser_world.customer, browser_world.bearing, items=[{"product": browser_world.bearing, "qty": 10}]
	).name
	act(order, "Submit for Review")
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process

	reviewer = desk("en", "reviewer", shots)
	reviewer.open_form(f"oc-order/{order}", order)

	# Closing the question leaves the order as it was, and the desk usable.
	reviewer.workflow_action("Reject")
	dialog = reviewer.page.locator(".modal:visible").filter(has_text="Rejection Reason")
	expect(dialog).to_be_visible()
	reviewer.shot("01-reviewer-asked-for-reason", dialog=True)
	# The dialog fades in; its close button, once visible, takes the click for sure.
	close = dialog.locator(".btn-modal-close")
	expect(close).to_be_visible(timeout=TIMEOUT_MS)
	close.click()
	expect(dialog).to_be_hidden(timeout=TIMEOUT_MS)
	reviewer.wait_idle()
	reviewer.expect_state("Pending Review")

	reviewer.workflow_action("Reject")
	dialog.locator("textarea").fill("Delivery date cannot be met; ask the customer for the 20th.")
	dialog.locator(".btn-primary").click()
	reviewer.expect_state("Rejected")
	expect(reviewer.headline().locator(".oc-rejection")).to_contain_text("ask the customer for the 20th")
	reviewer.shot("02-reviewer-rejected")

	frappe.db.rollback()
	rejected = frappe.db.get_value(
		"OC Order", order, ["workflow_state", "rejection_reason", "rejected_by"], as_dict=True
	)
	assert rejected == {
		"workflow_state": "Rejected",
		"rejection_reason": "Delivery date cannot be met; ask the customer for the 20th.",
		"rejected_by": desk_users.users["en", "reviewer"],
	}
