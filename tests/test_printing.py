"""The order confirmation and the shared print machinery, rendered to PDF by Frappe's own path.

Every PDF here goes through frappe.get_print(..., as_pdf=True): printview, the print format,
wkhtmltopdf. What is checked is read back from the PDF: its text, images and pages.
"""

import io

import frappe
import pytest
from PIL import Image

from tests.print_helpers import (
	ORDER_CONFIRMATION,
	TOTAL_IN_WORDS,
	approve,
	decode_qr_image,
	flat,
	make_print_order,
	page_texts,
	print_logs,
	render_pdf,
	set_print_settings,
	words,
)
from tests.utils import unique

pytestmark = [pytest.mark.rest, pytest.mark.usefixtures("pdf_site")]

A4_POINTS = (595, 842)
CONTINUOUS_POINTS = (683, 397)  # 241 x 140 mm

COPIES_TEMPLATE = """
{%- import "order_clerk/templates/print/macros.html" as oc -%}
{%- set ctx = oc_print_context(doc, copies_of="COPIES_OF") -%}
{% call(copy) oc.document(ctx, "Copies") %}
	{{ oc.line_table(ctx, doc.items, [
		{"label": "Qty", "field": "qty", "kind": "quantity"},
		{"label": "Price", "field": "rate", "kind": "amount", "price": true},
		{"label": "Amount", "field": "amount", "kind": "amount", "price": true},
	], copy.shows_prices, {"qty": doc.total_qty, "amount": doc.grand_total}) }}
	{{ oc.amount_in_words(ctx, doc.grand_total, copy.shows_prices) }}
{% endcall %}
"""


def copies_format(copies_of: str) -> str:
	"""A print format of OC Order that prints the copies of another DocType, for these tests."""
	name = unique("OC Copies Test")
	frappe.get_doc(
		{
			"doctype": "Print Format",
			"name": name,
			"doc_type": "OC Order",
			"module": "Order Clerk",
			"standard": "No",
			"custom_format": 1,
			"print_format_type": "Jinja",
			"html": COPIES_TEMPLATE.replace("COPIES_OF", copies_of),
		}
	).insert(ignore_permissions=True)
	return name


def page_size(reader, index=0) -> tuple[int, int]:
	box = reader.pages[index].mediabox
	return round(float(box.width)), round(float(box.height))


def images(reader, index=0) -> list[Image.Image]:
	return [image.image for image in reader.pages[index].images]


# the order confirmation


def test_order_confirmation_is_the_default_format_of_orders():
	assert frappe.get_meta("OC Order").default_print_format == ORDER_CONFIRMATION
	print_format = frappe.get_doc("Print Format", ORDER_CONFIRMATION)
	assert (print_format.standard, print_format.print_format_type, print_format.doc_type) == (
		"Yes",
		"Jinja",
		"OC Order",
	)


def test_draft_prints_with_the_draft_mark_and_its_draft_name(people):
	order = make_print_order(people)
	reader = render_pdf("OC Order", order.name)
	assert len(reader.pages) == 1
	text = flat(reader.pages[0].extract_text())
	assert "销售订单确认书" in text
	assert f"{order.name}（草稿）" in text
	assert "草稿" in text.replace(f"{order.name}（草稿）", "")  # the watermark too
	assert TOTAL_IN_WORDS in text
	assert "补打" not in text


def test_approved_order_prints_clean_with_its_order_number(people):
	order = approve(make_print_order(people), people)
	frappe.set_user(people.clerk)
	text = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	assert order.order_no in text
	assert order.name not in text
	assert "草稿" not in text
	assert "DRAFT" not in text
	assert "12,345.67" in text
	assert f"合计人民币（大写）：{TOTAL_IN_WORDS}" in text
	assert "2,500.00" in text and "9,845.67" in text


def test_signature_blocks_name_who_prepared_and_who_approved(people):
	order = approve(make_print_order(people), people)
	text = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	maker, checker = frappe.utils.get_fullname(people.clerk), frappe.utils.get_fullname(people.reviewer)
	assert f"制单：{maker}" in text
	assert f"审核：{checker}" in text
	assert "客户确认（签章）：" in text


def test_qr_code_of_the_order_number_is_an_image_in_the_pdf(people):
	order = approve(make_print_order(people), people)
	pictures = images(render_pdf("OC Order", order.name))
	assert len(pictures) == 1  # no logo is set: the one image is the QR code
	assert decode_qr_image(pictures[0], order.order_no)
	assert not decode_qr_image(pictures[0], order.name)


def test_chinese_text_comes_back_from_the_pdf_as_written(people):
	order = make_print_order(people, remarks="送货前请电话联系仓库门卫")
	text = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	for written in (
		order.customer_name,
		"六角螺栓",
		"三相异步电动机",
		"M8×30",
		"上海市浦东新区张江路88号",
		"送货前请电话联系仓库门卫",
	):
		assert written in text, written
	# CJK fonts that share glyphs with the radical blocks give back ⾦ for 金, ⻆ for 角.
	assert not [char for char in text if 0x2E80 <= ord(char) <= 0x2FDF]


def test_reprint_is_marked_with_its_count_and_every_print_is_logged(people):
	order = make_print_order(people)
	frappe.set_user(people.clerk)
	first = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	second = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	frappe.set_user(people.reviewer)
	third = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	assert "补打" not in first
	assert "补打（第2次打印）" in second
	assert "补打（第3次打印）" in third
	logs = print_logs("OC Order", order.name)
	assert [(log.print_count, log.is_reprint, log.printed_by) for log in logs] == [
		(1, 0, people.clerk),
		(2, 1, people.clerk),
		(3, 1, people.reviewer),
	]
	assert {log.print_format for log in logs} == {ORDER_CONFIRMATION}
	assert all(log.printed_at for log in logs)


def test_english_site_prints_english_labels(people):
	order = make_print_order(people)
	render_pdf("OC Order", order.name, lang="en")
	text = words(render_pdf("OC Order", order.name, lang="en").pages[0].extract_text())
	assert "Order Confirmation" in text
	assert "DRAFT" in text
	assert "Reprint (print no. 2)" in text
	assert "Amount in words (RMB):" in text
	assert f"{order.name} (draft)" in text
	assert TOTAL_IN_WORDS in flat(text)
	assert "草稿" not in text


def test_warehouse_operator_prints_no_prices(people):
	order = approve(make_print_order(people), people)
	frappe.set_user(people.warehouse)
	text = flat(render_pdf("OC Order", order.name).pages[0].extract_text())
	assert "六角螺栓" in text and "200" in text
	for price in ("12.50", "2,500.00", "9,845.67", "12,345.67", TOTAL_IN_WORDS, "单价", "金额"):
		assert price not in text, price


def test_company_header_and_logo_from_settings(people):
	buffer = io.BytesIO()
	Image.new("RGB", (120, 40), (0, 70, 140)).save(buffer, format="PNG")
	logo = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{unique('logo')}.png",
			"is_private": 1,
			"content": buffer.getvalue(),
		}
	).insert()
	set_print_settings(
		company_name="华东贸易有限公司",
		company_address="上海市闵行区金都路1号\n201100",
		company_phone="021-5555 0000",
		company_logo=logo.file_url,
	)
	order = make_print_order(people)
	reader = render_pdf("OC Order", order.name)
	text = flat(reader.pages[0].extract_text())
	assert "华东贸易有限公司" in text
	assert "上海市闵行区金都路1号201100" in text
	assert "电话：021-55550000" in text
	# the private logo, inlined, and the square QR code
	assert sorted(image.size[0] == image.size[1] for image in images(reader)) == [False, True]


# page sizes


def test_a4_by_default_and_continuous_forms_when_chosen(people):
	order = make_print_order(people)
	set_print_settings(print_page_size="A4")
	assert page_size(render_pdf("OC Order", order.name)) == A4_POINTS
	set_print_settings(print_page_size="241 x 140 mm (continuous form)")
	reader = render_pdf("OC Order", order.name)
	assert page_size(reader) == CONTINUOUS_POINTS
	assert TOTAL_IN_WORDS in flat(page_texts(reader)[0])


# copies


def test_outbound_slip_copies_each_on_its_own_page_warehouse_without_prices(people):
	order = make_print_order(people)
	set_print_settings(outbound_slip_copies="Stub\nWarehouse Copy\nFinance Copy")
	reader = render_pdf("OC Order", order.name, print_format=copies_format("OC Outbound Slip"))
	texts = [flat(text) for text in page_texts(reader)]
	assert len(texts) == 3
	for number, (text, label) in enumerate(zip(texts, ("存根联", "仓库联", "财务联"), strict=True), start=1):
		assert label in text
		assert f"第{number}联/共3联" in text
		assert "草稿" in text
	stub, warehouse, finance = texts
	for priced in (stub, finance):
		assert "9,845.67" in priced and TOTAL_IN_WORDS in priced
	assert "200" in warehouse
	assert "合计201" in warehouse  # the total quantity stays
	for price in ("12.50", "9,845.67", "12,345.67", TOTAL_IN_WORDS):
		assert price not in warehouse, price


def test_delivery_note_copies_follow_the_settings(people):
	order = make_print_order(people)
	set_print_settings(delivery_note_copies="Stub\nCustomer Copy\nLogistics Copy\nFinance Copy")
	print_format = copies_format("OC Delivery Note")
	texts = [flat(text) for text in page_texts(render_pdf("OC Order", order.name, print_format))]
	labels = ("存根联", "客户签收联", "随货同行联", "财务联")
	assert len(texts) == len(labels)
	for text, label in zip(texts, labels, strict=True):
		assert label in text
	set_print_settings(delivery_note_copies="Customer Copy\nFinance Copy")
	texts = [words(text) for text in page_texts(render_pdf("OC Order", order.name, print_format, lang="en"))]
	assert len(texts) == 2
	assert "Customer Sign-off Copy" in texts[0] and "Copy 1 of 2" in texts[0]
	assert "Finance Copy" in texts[1] and "Copy 2 of 2" in texts[1]
	# One print of all its copies is one print of the document.
	assert [log.print_count for log in print_logs("OC Order", order.name)] == [1, 2]
