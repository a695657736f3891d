"""The intake's review screen in a real browser: the original beside the order read from it.

A customer's purchase order from the public corpus arrives and waits as Needs Attention; the
clerk sees the sheet beside the extracted values, the missing delivery date marked, corrects it
and a product in place and converts. The server made the order with the corrections and learned
the customer's part number. A sheet in headings the reader does not know is read again once the
clerk says what its columns mean. Screenshots go to <test output>/screenshots/capture/.
"""

import io
import json
import os
import re

import frappe
import openpyxl
import pytest
from frappe.utils import getdate
from playwright.sync_api import expect

from order_clerk.capture import evaluation, service
from tests.capture_helpers import (
	OWN_HEADINGS,
	make_capture_customer,
	make_capture_product,
	own_headings_sheet,
)
from tests.desk import screenshot_dir
from tests.utils import unique

CORPUS = os.environ.get("OC_CAPTURE_CORPUS") or os.path.join(
	os.path.dirname(os.path.realpath(__file__)), "..", "..", "shared", "intake-corpus"
)
# An English-layout order sheet with the customer's own part numbers; its required date is left
# out, so the order waits for a person.
DOCUMENT = "p-009"
SUBJECT = "<b>PO</b> 4500353256"
REMARK = "<b>urgent</b>"


def corpus_document(po: str) -> bytes:
	"""The corpus sheet with a PO number of this run (an order's reference is unique per channel),
	no required date, and markup in a line's remarks."""
	book = openpyxl.load_workbook(os.path.join(CORPUS, "docs", f"{DOCUMENT}.xlsx"))
	sheet = book["PO"]
	assert sheet["A4"].value == "PO No.:" and sheet["I11"].value == "Remarks"
	assert sheet["A7"].value == "Required Date:"
	sheet["C4"] = po
	sheet["C7"] = None
	sheet["I13"] = REMARK
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()


@pytest.fixture
def waiting_intake(desk_users):
	"""The corpus document, sent by a customer of this test, read and waiting; committed."""
	evaluation.load_masters(CORPUS)
	customer = frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": unique("天津博格传动"),
			"contact_person": "张明辉",
			"phone": "022-23871560",
			"email": f"{unique('buyer')}@capture-browser.example.com",
			"delivery_address": "天津市西青区经济技术开发区赛达新兴产业园B2座",
			"payment_terms": "月结30天",
		}
	).insert()
	with open(os.path.join(CORPUS, "docs", f"{DOCUMENT}.meta.json"), encoding="utf-8") as f:
		meta = json.load(f)
	frappe.set_user(desk_users.users["en", "clerk"])
	intake = service.receive(
		corpus_document(unique("4500353256")),
		f"{DOCUMENT}.xlsx",
		meta["channel"],
		customer.email,
		received_on=getdate(meta["received"]),
		subject=SUBJECT,
	)
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	return frappe._dict(intake=intake, customer=customer.name)


def test_the_clerk_corrects_the_reading_beside_the_original_and_converts(desk, waiting_intake):
	intake = waiting_intake.intake
	read = intake.get_extraction()
	assert intake.status == "Needs Attention", intake.problems
	assert read["delivery_date"]["value"] is None
	line = read["lines"][1]
	assert line["code"] == "400-10042"
	corrected = "BRG-6204-2RS" if line["product"]["value"] != "BRG-6204-2RS" else "BRG-6204-ZZ"

	clerk = desk("en", "clerk", screenshot_dir("capture"))
	clerk.open_form(f"oc-intake/{intake.name}", intake.name)
	review = clerk.page.locator(".oc-review")

	# The original as the readers saw it, beside the extracted order.
	original = review.locator(".oc-review-original")
	expect(original.locator(".oc-sheet td").filter(has_text="PURCHASE ORDER")).to_be_visible()
	extracted = review.locator(".oc-review-extracted")
	expect(extracted.locator(".oc-review-lines tbody tr")).to_have_count(len(read["lines"]))
	left, right = original.bounding_box(), extracted.bounding_box()
	assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 5

	# What came in is shown as text, never as markup.
	meta = original.locator(".oc-review-meta")
	expect(meta).to_contain_text(SUBJECT)
	expect(meta.locator("b")).to_have_count(0)
	assert REMARK in line["text"]
	expect(extracted.locator("tr[data-line='2'] .oc-line-text")).to_contain_text(REMARK)
	expect(original.locator(".oc-sheet td").filter(has_text=REMARK)).to_have_count(1)
	expect(review.locator("b")).to_have_count(0)

	# Each value says where it was found; pointing at it marks the place in the original.
	po = extracted.locator(".oc-review-facts tr[data-fact='customer_po'] .oc-value")
	expect(po.locator(".oc-source")).to_have_text(read["customer_po"]["source"])
	po.hover()
	expect(original.locator(".oc-sheet td.oc-source-active")).to_have_text("PO No.:")

	# The missing delivery date is marked; the clerk fills it in and corrects a product in place.
	delivery = extracted.locator(".oc-review-facts tr[data-fact='delivery_date'] .oc-value")
	expect(delivery).to_have_class(re.compile(r"\boc-missing\b"))
	clerk.shot("01-intake-needs-attention")
	delivery_input = delivery.locator("input")
	delivery_input.fill(clerk.page.evaluate("() => frappe.datetime.str_to_user('2024-12-06')"))
	delivery_input.press("Escape")
	delivery_input.blur()
	clerk.page.wait_for_function(
		"() => cur_frm.oc_review.controls.facts.delivery_date.get_value() === '2024-12-06'"
	)
	product = extracted.locator(".oc-review-lines tbody tr[data-line='2'] .oc-value").first
	clerk.fill_link(product, corrected, "cur_frm.oc_review.controls.lines[1].product.get_value()")
	clerk.shot("02-intake-corrected")

	clerk.page.locator("button.oc-convert:visible").click()
	clerk.page.wait_for_function(
		"() => window.cur_frm && cur_frm.doctype === 'OC Order' && !cur_frm.is_new()"
	)
	clerk.wait_form()
	order_name = clerk.doc("name")
	clerk.shot("03-order-from-intake")

	frappe.db.rollback()  # a fresh snapshot: what the server committed
	order = frappe.get_doc("OC Order", order_name)
	assert (order.customer, order.customer_po) == (waiting_intake.customer, read["customer_po"]["value"])
	assert getdate(order.delivery_date) == getdate("2024-12-06")
	assert [row.product for row in order.items] == [
		corrected if index == 1 else read_line["product"]["value"]
		for index, read_line in enumerate(read["lines"])
	]
	assert frappe.db.get_value("OC Intake", intake.name, ["status", "order"]) == ("Converted", order_name)
	learned = frappe.get_all(
		"OC Customer Item",
		filters={"customer": waiting_intake.customer},
		fields=["customer_item_code", "product", "learned_from"],
	)
	assert learned == [{"customer_item_code": "400-10042", "product": corrected, "learned_from": intake.name}]


def test_the_clerk_maps_the_columns_of_a_sheet_and_it_is_read_again(desk, desk_users):
	"""A sheet in headings the reader does not know: the clerk says what three columns mean in the
	review screen, and the intake is read again through them and becomes an order."""
	customer = make_capture_customer(
		"远航船舶配件", "黄志强", "columns-browser.example.com", "浙江省舟山市定海区海天大道99号", "月结30天"
	)
	valve = make_capture_product("COLB", "不锈钢球阀", "DN25 PN16", "个", 86, mark="B")
	frappe.set_user(desk_users.users["en", "clerk"])
	intake = service.receive(
		own_headings_sheet(unique("PO"), [(valve, 12, 86)]), "po.xlsx", "Email", customer.email
	)
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	assert intake.status == "Needs Attention", intake.problems

	clerk = desk("en", "clerk", screenshot_dir("capture"))
	clerk.open_form(f"oc-intake/{intake.name}", intake.name)
	columns = clerk.page.locator(".oc-review .oc-columns")
	expect(columns.locator("tr.oc-column")).to_have_count(len(OWN_HEADINGS))
	quantity = columns.locator("tr.oc-column[data-heading='需求件数']")
	expect(quantity.locator("select option:checked")).to_have_text("Not read")
	mapping = {"物资说明": "Product Name", "需求件数": "Quantity", "结算价": "Rate"}
	for heading, meaning in mapping.items():
		columns.locator(f"tr.oc-column[data-heading='{heading}'] select").select_option(meaning)
	clerk.shot("04-columns-mapped")
	columns.locator("button.oc-map-columns").click()
	clerk.page.wait_for_function("() => window.cur_frm && cur_frm.doc.status === 'Converted'")
	# Converted: the columns are shown as read, no longer to be mapped.
	expect(quantity.locator(".oc-column-meaning-text")).to_have_text("Quantity")
	clerk.shot("05-columns-read-again")

	frappe.db.rollback()  # a fresh snapshot: what the server committed
	order = frappe.db.get_value("OC Intake", intake.name, "order")
	assert frappe.db.get_value("OC Intake", intake.name, "status") == "Converted"
	assert [(row.product, row.qty) for row in frappe.get_doc("OC Order", order).items] == [(valve.name, 12)]
	kept = frappe.get_all(
		"OC Customer Layout", filters={"customer": customer.name}, fields=["header_text", "column"]
	)
	assert {row.header_text: row.column for row in kept} == mapping
