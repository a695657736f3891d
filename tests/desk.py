"""The desk in a real browser: one user's tab, logged in, with the steps the browser tests take.

The fixtures that open it (`desk`, `desk_users`) are in tests/conftest.py.
"""

import os
import re
import shutil

from playwright.sync_api import Page, expect

from tests.conftest import BENCH_DIR

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
