"""The desk in a real browser, end to end: headless Chromium driven through Playwright.

A clerk enters an order through the form, a reviewer approves it from the Actions menu, the
clerk drafts its outbound slip and a warehouse user confirms it: once in English and once with
the users' language set to Chinese. Each step leaves a screenshot in
<test output>/screenshots/<lang>/NN-step.png.

The browser is Debian's /usr/bin/chromium; Playwright never downloads one. The records the
server must see are committed, with unique names, as in the other tests against the server.
"""

import os
import re
import shutil

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate
from frappe.utils.password import update_password
from playwright.sync_api import Page, expect

from tests.conftest import BENCH_DIR, SITE
from tests.utils import (
	act,
	make_api_user,
	make_customer,
	make_order,
	make_product,
	make_warehouse,
	receive_stock,
	unique,
)

# Generous: the machine is small and shared, and the first desk load builds caches.
TIMEOUT_MS = 90_000
# Assertions wait as long as actions do: the machine may be busy.
expect.set_options(timeout=TIMEOUT_MS)

DESK_PROFILES = {
	"clerk": ["Order Clerk"],
	"reviewer": ["Order Reviewer"],
	"warehouse": ["Warehouse Operator"],
}

# What the desk must show, in each language; the Chinese comes from order_clerk/locale/zh.po
# (and Frappe's own translations for Frappe's words, such as 操作 and 提交).
TEXT = {
	"en": {
		"order": "OC Order",
		"customer": "Customer",
		"delivery_date": "Delivery Date",
		"complete": "All seven facts confirmed",
		"deviation_reason": "Row 2: Reason for the price deviation of 20.0% from the reference price",
		"price_deviations": "Price Deviations",
		"reason": "Express motor winding requested by the customer",
		"submit_for_review": "Submit for Review",
		"approve": "Approve",
		"draft": "Draft",
		"needs_clarification": "Needs Clarification",
		"pending_review": "Pending Review",
		"to_ship": "To Ship",
		"rejected": "Rejected",
		"create": "Create",
		"outbound_slip": "Outbound Slip",
		"slip": "OC Outbound Slip",
		"warehouse": "Warehouse",
		"my_drafts": "My Drafts",
		"awaiting_my_review": "Awaiting My Review",
	},
	"zh": {
		"order": "销售订单",
		"customer": "客户",
		"delivery_date": "交货日期",
		"complete": "七项要素已全部确认",
		"deviation_reason": "第2行：单价偏离参考价 20.0% 的原因",
		"price_deviations": "价格偏差",
		"reason": "客户要求电机加急绕线",
		"submit_for_review": "提交审核",
		"approve": "审核通过",
		"draft": "草稿",
		"needs_clarification": "待确认",
		"pending_review": "待审核",
		"to_ship": "待发货",
		"rejected": "已驳回",
		"create": "创建",
		"outbound_slip": "出库单",
		"slip": "出库单",
		"warehouse": "仓库",
		"my_drafts": "我的草稿",
		"awaiting_my_review": "待我审核",
	},
}


def screenshot_dir(lang: str) -> str:
	path = os.path.join(os.environ.get("OC_TEST_OUTPUT") or BENCH_DIR, "screenshots", lang)
	shutil.rmtree(path, ignore_errors=True)
	os.makedirs(path)
	return path


@pytest.fixture(scope="session")
def desk_users(credentials):
	"""Per language, a clerk, a reviewer and a warehouse user who log in with a password.

	Users of their own, so that the Chinese language stays with them and no other test's
	messages change. After `credentials`, which makes the session's System Manager first.
	"""
	password = f"{frappe.generate_hash(length=12)}-Oc1"
	users = {}
	for lang in TEXT:
		for profile, roles in DESK_PROFILES.items():
			email = make_api_user(f"browser_{lang}_{profile}", roles)[0]
			user = frappe.get_doc("User", email)
			user.language = lang
			user.save(ignore_permissions=True)
			update_password(email, password)
			users[lang, profile] = email
	frappe.db.commit()  # seen by the server process
	return frappe._dict(users=users, password=password)


@pytest.fixture
def desk(request, server, chromium, desk_users):
	"""Opens a logged-in desk for a user; closes every browser context at the end, after a
	screenshot of each when the test failed."""
	base_url = f"http://{SITE}:{server.rsplit(':', 1)[1]}"
	failed_before = request.session.testsfailed
	desks = []

	def open_desk(lang: str, profile: str, shots: str) -> "Desk":
		context = chromium.new_context(base_url=base_url, viewport={"width": 1440, "height": 1000})
		context.set_default_timeout(TIMEOUT_MS)
		opened = Desk(context.new_page(), lang, shots)
		desks.append((profile, opened))
		opened.login(desk_users.users[lang, profile], desk_users.password)
		return opened

	yield open_desk
	for profile, opened in desks:
		if request.session.testsfailed > failed_before:
			opened.page.screenshot(path=os.path.join(opened.shots, f"failed-{profile}.png"), full_page=True)
		opened.page.context.close()


class Desk:
	"""One user's browser tab on the desk, with the steps the tests take."""

	def __init__(self, page: Page, lang: str, shots: str):
		self.page = page
		self.lang = lang
		self.text = TEXT[lang]
		self.shots = shots

	def login(self, email: str, password: str):
		self.page.goto("/login")
		self.page.locator("#login_email").fill(email)
		self.page.locator("#login_password").fill(password)
		self.page.locator(".btn-login").first.click()
		self.page.wait_for_url(re.compile(r"/app(/|$)"))
		self.wait_idle()

	def shot(self, name: str, dialog: bool = False):
		self.wait_idle()
		if not dialog:  # a dialog just closed fades out with its backdrop
			expect(self.page.locator(".modal-backdrop")).to_have_count(0)
		# From the top, once Frappe's own scrolling is over: the sticky navbar would otherwise
		# sit in the middle of the picture, where the page was scrolled to.
		self.page.wait_for_function("() => !$('html, body').is(':animated')")
		self.page.evaluate("window.scrollTo(0, 0)")
		self.page.screenshot(path=os.path.join(self.shots, f"{name}.png"), full_page=True)

	def wait_idle(self):
		"""Until no request is pending and the screen is not frozen."""
		self.page.wait_for_function(
			"() => window.frappe && frappe.dom && !frappe.dom.freeze_count"
			" && !(frappe.request && frappe.request.ajax_count)"
		)

	def open_form(self, route: str, name: str | None = None):
		self.page.goto(f"/app/{route}")
		self.wait_form(name)

	def wait_form(self, name: str | None = None):
		check = f"cur_frm.doc.name === {name!r}" if name else "true"
		self.page.wait_for_function(
			f"() => window.cur_frm && cur_frm.doc && {check} && cur_frm.$wrapper.is(':visible')"
		)
		self.wait_idle()

	def doc(self, field: str):
		return self.page.evaluate(f"() => cur_frm.doc[{field!r}]")

	def control(self, fieldname: str):
		return self.page.locator(f'.form-page .frappe-control[data-fieldname="{fieldname}"]:visible').first

	def headline(self):
		return self.page.locator(".form-message:visible").first

	def fill_link(self, container, value: str, stored: str):
		"""Types into a link field (a form field or a grid cell) and picks the suggestion;
		`stored` is the JavaScript expression that must then equal `value`."""
		container.click()
		container.locator("input").first.fill(value)
		container.locator(".awesomplete [role='option']").filter(has_text=value).first.click()
		self.page.wait_for_function(f"() => {stored} === {value!r}")

	def set_date(self, fieldname: str, value: str):
		field = self.control(fieldname).locator("input")
		field.fill(value)
		field.press("Escape")
		self.page.wait_for_function(f"() => cur_frm.doc[{fieldname!r}] === {value!r}")

	def grid_row(self, fieldname: str, idx: int):
		return self.control(fieldname).locator(f".grid-body .grid-row[data-idx='{idx}']")

	def add_row(self, fieldname: str, idx: int):
		self.control(fieldname).locator(".grid-add-row").click()
		row = self.grid_row(fieldname, idx)
		expect(row).to_be_visible()
		return row

	def fill_cell(self, row, fieldname: str, value: str):
		cell = row.locator(f".grid-static-col[data-fieldname='{fieldname}']")
		cell.click()
		field = cell.locator("input").first
		field.fill(value)
		# Not Tab: from the last column it would add a row.
		field.blur()

	def save(self):
		self.page.keyboard.press("Control+s")
		self.page.wait_for_function("() => cur_frm && !cur_frm.is_new() && !cur_frm.is_dirty()")
		self.wait_idle()

	def workflow_action(self, label: str):
		self.page.locator(".page-actions .actions-btn-group > button:visible").click()
		self.page.locator(".page-actions .actions-btn-group .dropdown-menu a:visible").filter(
			has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")
		).click()

	def inner_button(self, group: str, label: str):
		self.page.locator(".inner-group-button:visible").filter(has_text=group).locator("button").click()
		self.page.locator(".inner-group-button .dropdown-menu a:visible").filter(has_text=label).click()

	def saved_filter(self, name: str, label: str, states: list[str], order: str):
		"""Picks a saved filter in the list's sidebar; every row must then be in `states`."""
		button = self.page.locator(f".oc-saved-filters [data-saved-filter='{name}']")
		expect(button).to_have_text(label)
		button.click()
		rows = self.page.locator(".frappe-list .list-row-container")
		expect(rows.locator(f"a[data-name='{order}']").first).to_be_visible()
		others = "|".join(re.escape(state) for state in states)
		expect(
			rows.locator(".indicator-pill").filter(has_not_text=re.compile(rf"^\s*({others})\s*$"))
		).to_have_count(0)
		self.wait_idle()

	def expect_state(self, label: str):
		expect(self.page.locator(".page-head:visible .indicator-pill").first).to_have_text(label)


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
def world(request):
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
def test_order_from_entry_to_outbound_slip_in_the_browser(desk, world, lang):
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

	clerk.fill_link(clerk.control("customer"), world.customer, "cur_frm.doc.customer")
	# Payment terms and delivery address come from the customer, before saving.
	expect(clerk.control("payment_terms").locator("input")).to_have_value(world.payment_terms)
	clerk.set_date("delivery_date", delivery_date)

	first = clerk.add_row("items", 1)
	clerk.fill_link(
		first.locator(".grid-static-col[data-fieldname='product']"),
		world.bearing,
		"cur_frm.doc.items[0].product",
	)
	clerk.page.wait_for_function("() => cur_frm.doc.items[0].rate === 12.5")
	clerk.fill_cell(first, "qty", "200")
	first_line = clerk.doc("items")[0]
	assert (first_line["specification"], first_line["uom"], first_line["amount"]) == (
		world.bearing_data["specification"],
		world.bearing_data["uom"],
		2500,
	)

	second = clerk.add_row("items", 2)
	clerk.fill_link(
		second.locator(".grid-static-col[data-fieldname='product']"),
		world.motor,
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
	clerk.fill_link(warehouse, world.warehouse, "cur_frm.doc.warehouse")
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


def test_reject_asks_for_the_reason_in_the_browser(desk, desk_users, world):
	shots = screenshot_dir("en-reject")
	frappe.set_user(desk_users.users["en", "clerk"])
	order = make_order(world.customer, world.bearing, items=[{"product": world.bearing, "qty": 10}]).name
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
