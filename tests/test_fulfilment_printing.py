"""Outbound slips, delivery notes and invoice requests printed to PDF by Frappe's own path.

Every PDF goes through frappe.get_print(..., as_pdf=True) in the DocType's default format:
printview, the format, wkhtmltopdf. What is checked is read back from the PDF.
"""

import frappe
import pytest
from frappe.utils import get_fullname

from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request
from order_clerk.printing.lines import oc_outbound_slip_lines
from order_clerk.printing.signatures import signature_blocks
from tests.print_helpers import (
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
from tests.utils import make_note, make_slip, make_warehouse, receive_stock, sign, unique

pytestmark = [pytest.mark.rest, pytest.mark.usefixtures("pdf_site")]

SLIP, NOTE, REQUEST = "OC Outbound Slip", "OC Delivery Note", "OC Invoice Request"
SLIP_LABELS = ("存根联", "仓库联", "财务联")
NOTE_LABELS = ("存根联", "客户签收联", "随货同行联", "财务联")
# What only a priced copy shows: rates, amounts, the total and its words, the price columns.
PRICES = ("12.50", "2,500.00", "9,845.67", "12,345.67", TOTAL_IN_WORDS, "单价", "金额")
CONTINUOUS_POINTS = (683, 397)  # 241 x 140 mm


@pytest.fixture
def order(people):
	"""An approved order of 200 x 12.50 and 1 x 9,845.67, its goods in stock; copies and page
	size as OC Settings has them by default."""
	set_print_settings(
		outbound_slip_copies="Stub\nWarehouse Copy\nFinance Copy",
		delivery_note_copies="Stub\nCustomer Copy\nLogistics Copy\nFinance Copy",
		print_page_size="A4",
	)
	order = approve(make_print_order(people), people)
	frappe.set_user("Administrator")
	warehouse = make_warehouse()
	frappe.set_user(people.warehouse)
	for row in order.items:
		receive_stock(warehouse, row.product, row.qty)
	frappe.set_user("Administrator")
	order.warehouse = warehouse
	return order


def draft_slip(order, people, quantities=None) -> str:
	frappe.set_user(people.clerk)
	return make_slip(order.name, order.warehouse, quantities).name


def confirmed_slip(order, people, quantities=None) -> str:
	name = draft_slip(order, people, quantities)
	frappe.set_user(people.warehouse)
	frappe.get_doc(SLIP, name).submit()
	frappe.set_user(people.clerk)
	return name


def draft_note(order, people) -> str:
	slip = confirmed_slip(order, people)
	frappe.set_user(people.clerk)
	note = make_note(
		slip,
		carrier="顺丰速运",
		tracking_no=unique("SF"),
		vehicle_no="沪A·12345",
		driver="李师傅",
		driver_phone="139 0000 0002",
	)
	return note.name


def dispatched_note(order, people) -> str:
	name = draft_note(order, people)
	frappe.set_user(people.warehouse)
	frappe.get_doc(NOTE, name).submit()
	frappe.set_user(people.clerk)
	return name


def texts_of(doctype, name, lang="zh", clean=flat) -> list[str]:
	return [clean(text) for text in page_texts(render_pdf(doctype, name, lang=lang))]


def fullname(user) -> str:
	return get_fullname(user)


# the formats


@pytest.mark.parametrize("doctype", [SLIP, NOTE, REQUEST])
def test_each_document_prints_in_its_standard_jinja_format_by_default(doctype):
	assert frappe.get_meta(doctype).default_print_format == doctype
	print_format = frappe.get_doc("Print Format", doctype)
	assert (print_format.standard, print_format.print_format_type, print_format.doc_type) == (
		"Yes",
		"Jinja",
		doctype,
	)
	assert "order_clerk.printing.log.record_print" in frappe.get_hooks("doc_events")[doctype]["before_print"]


# outbound slip


def test_slip_prints_its_copies_each_on_a_page_and_the_warehouse_copy_without_prices(order, people):
	slip = draft_slip(order, people)
	texts = texts_of(SLIP, slip)
	assert len(texts) == 3
	for number, (text, label) in enumerate(zip(texts, SLIP_LABELS, strict=True), start=1):
		assert "出库单" in text
		assert label in text
		assert f"第{number}联/共3联" in text
		assert slip in text and order.order_no in text
		assert "六角螺栓" in text and "M8×30" in text and "三相异步电动机" in text
		assert "草稿" in text
		assert "合计201" in text  # the total quantity, on every copy
	stub, warehouse, finance = texts
	for priced in (stub, finance):
		for price in PRICES:
			assert price in priced, price
		assert f"合计人民币（大写）：{TOTAL_IN_WORDS}" in priced
	for price in PRICES:
		assert price not in warehouse, price


def test_slip_amounts_are_those_of_the_quantity_issued_at_the_order_rates(order, people):
	slip = confirmed_slip(order, people, {1: 50})  # 50 of the 200 bolts at 12.50
	stub = texts_of(SLIP, slip)[0]
	assert "625.00" in stub
	assert "陆佰贰拾伍元整" in stub
	assert "三相异步电动机" not in stub and TOTAL_IN_WORDS not in stub


def test_confirmed_slip_prints_clean_with_who_prepared_and_who_issued(order, people):
	slip = confirmed_slip(order, people)
	for text in texts_of(SLIP, slip):
		assert "草稿" not in text
		assert f"制单：{fullname(people.clerk)}" in text
		assert f"仓库：{fullname(people.warehouse)}" in text
		assert "审核：仓库：" in text  # nobody reviews a slip in the system: left for a pen


def test_slip_prices_follow_who_may_read_the_order_amounts(order, people):
	slip = confirmed_slip(order, people)
	frappe.set_user(people.warehouse)  # may not read the order's prices
	for text in texts_of(SLIP, slip):
		assert "六角螺栓" in text and "200" in text
		for price in PRICES:
			assert price not in text, price
	frappe.set_user(people.finance)
	stub, warehouse, finance = texts_of(SLIP, slip)
	assert TOTAL_IN_WORDS in stub and TOTAL_IN_WORDS in finance
	assert TOTAL_IN_WORDS not in warehouse


def test_slip_reprint_is_marked_on_every_copy_and_logged_once_per_print(order, people):
	slip = confirmed_slip(order, people)
	first = texts_of(SLIP, slip)
	second = texts_of(SLIP, slip)
	assert not [text for text in first if "补打" in text]
	assert len(second) == 3
	assert all("补打（第2次打印）" in text for text in second)
	logs = print_logs(SLIP, slip)
	assert [(log.print_count, log.is_reprint, log.print_format) for log in logs] == [
		(1, 0, SLIP),
		(2, 1, SLIP),
	]


def test_slip_lines_read_the_order_rates_only_when_asked(order, people):
	slip = frappe.get_doc(SLIP, draft_slip(order, people, {1: 50, 2: 1}))
	priced = oc_outbound_slip_lines(slip, with_prices=True)
	assert [(row.qty, row.rate, row.amount) for row in priced.rows] == [
		(50, 12.5, 625),
		(1, 9845.67, 9845.67),
	]
	assert (priced.total_qty, priced.total_amount) == (51, 10470.67)
	bare = oc_outbound_slip_lines(slip)
	assert [sorted(row) for row in bare.rows] == [
		["product", "product_name", "qty", "specification", "uom"]
	] * 2
	assert bare.total_amount is None


def test_signature_blocks_print_a_written_name_in_place_of_a_user(people):
	blocks = signature_blocks(
		[
			["prepared", people.clerk, "2026-11-20"],
			["carrier", None, None, "李师傅"],
			["customer", None, None, None],
		]
	)
	assert [(block.kind, block.name) for block in blocks] == [
		("prepared", fullname(people.clerk)),
		("carrier", "李师傅"),
		("customer", ""),
	]
	assert blocks[0].date and not blocks[1].date


def test_slip_in_english(order, people):
	slip = draft_slip(order, people)
	texts = texts_of(SLIP, slip, lang="en", clean=words)
	assert len(texts) == 3
	for number, (text, label) in enumerate(
		zip(texts, ("Stub", "Warehouse Copy", "Finance Copy"), strict=True)
	):
		assert "Outbound Slip" in text
		assert label in text
		assert f"Copy {number + 1} of 3" in text
		assert "DRAFT" in text
		assert "Prepared by:" in text and "Warehouse:" in text
	assert "Amount in words (RMB):" in texts[0]
	assert TOTAL_IN_WORDS in flat(texts[0])
	assert "Unit Price" not in texts[1] and "Amount in words" not in texts[1]
	assert not [text for text in texts if "草稿" in text or "存根联" in text]


def test_slip_on_continuous_forms_keeps_one_page_per_copy(order, people):
	set_print_settings(print_page_size="241 x 140 mm (continuous form)")
	slip = confirmed_slip(order, people)
	reader = render_pdf(SLIP, slip)
	assert len(reader.pages) == 3
	assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {
		CONTINUOUS_POINTS
	}
	assert TOTAL_IN_WORDS in flat(reader.pages[0].extract_text())


# delivery note


def test_note_prints_its_copies_with_the_shipment_and_a_qr_code_of_its_number(order, people):
	note = draft_note(order, people)
	reader = render_pdf(NOTE, note)
	texts = [flat(text) for text in page_texts(reader)]
	assert len(texts) == 4
	doc = frappe.get_doc(NOTE, note)
	for number, (text, label) in enumerate(zip(texts, NOTE_LABELS, strict=True), start=1):
		assert "发货单" in text
		assert label in text
		assert f"第{number}联/共4联" in text
		assert "草稿" in text
		for shown in (
			note,
			order.order_no,
			doc.outbound_slip,
			"顺丰速运",
			doc.tracking_no,
			"沪A·12345",
			"李师傅13900000002",
			"上海市浦东新区张江路88号",
			flat(f"{doc.contact_person} {doc.contact_phone}"),
			"六角螺栓",
			"合计201",
		):
			assert shown in text, shown
		assert "承运：李师傅" in text
		assert "请当面验收" in text
		for price in PRICES:
			assert price not in text, price  # a note shows no prices on any copy
	for index in range(4):
		pictures = [image.image for image in reader.pages[index].images]
		assert len(pictures) == 1  # no logo is set: the one image is the QR code
		assert decode_qr_image(pictures[0], note)


def test_signed_note_prints_the_quantities_received_and_who_signed(order, people):
	note = dispatched_note(order, people)
	sign(note, "Partly Signed", {1: 180, 2: 1}, by="王磊")
	texts = texts_of(NOTE, note)
	assert len(texts) == 4
	for text in texts:
		assert "草稿" not in text
		assert "签收状态：部分签收" in text
		assert "客户签收：王磊" in text
		assert f"仓库：{fullname(people.warehouse)}" in text
		assert "合计201181" in text  # shipped and received totals
		assert "请当面验收" not in text


def test_note_reprint_is_marked_with_its_count(order, people):
	note = dispatched_note(order, people)
	texts_of(NOTE, note)
	frappe.set_user(people.warehouse)
	texts = texts_of(NOTE, note)
	frappe.set_user(people.reviewer)
	third = texts_of(NOTE, note)
	assert all("补打（第2次打印）" in text for text in texts)
	assert all("补打（第3次打印）" in text for text in third)
	logs = print_logs(NOTE, note)
	assert [(log.print_count, log.printed_by) for log in logs] == [
		(1, people.clerk),
		(2, people.warehouse),
		(3, people.reviewer),
	]


def test_note_in_english(order, people):
	note = draft_note(order, people)
	texts = texts_of(NOTE, note, lang="en", clean=words)
	labels = ("Stub", "Customer Sign-off Copy", "Logistics Copy", "Finance Copy")
	assert len(texts) == len(labels)
	for text, label in zip(texts, labels, strict=True):
		assert "Delivery Note" in text and label in text and "DRAFT" in text
		for caption in (
			"Carrier:",
			"Tracking No:",
			"Vehicle No:",
			"Driver:",
			"Consignee:",
			"Received Quantity",
		):
			assert caption in text, caption
		assert "Customer Signature:" in text


# invoice request


def invoice_request(order, people, submit=False) -> str:
	note = dispatched_note(order, people)
	sign(note, "Partly Signed", {1: 180, 2: 1})  # 180 x 12.50 + 1 x 9,845.67 = 12,095.67
	request = new_invoice_request([note])
	request.remarks = "请开具增值税专用发票，随货寄出。"
	request.insert()
	if submit:
		request.submit()
	return request.name


def test_invoice_request_prints_the_signed_notes_and_the_total_in_words(order, people):
	name = invoice_request(order, people)
	note = frappe.get_doc(REQUEST, name).delivery_notes[0].delivery_note
	texts = texts_of(REQUEST, name)
	assert len(texts) == 1
	text = texts[0]
	assert "开票申请单" in text
	assert "草稿" in text
	for shown in (name, order.customer_name, note, order.order_no, "181", "12,095.67", "增值税专用发票"):
		assert shown in text, shown
	assert "合计人民币（大写）：壹万贰仟零玖拾伍元陆角柒分" in text
	assert f"制单：{fullname(people.clerk)}" in text
	assert "请开具增值税专用发票，随货寄出。" in text


def test_issued_invoice_request_prints_clean_with_the_invoice_and_who_issued_it(order, people):
	name = invoice_request(order, people, submit=True)
	frappe.set_user(people.finance)
	request = frappe.get_doc(REQUEST, name)
	request.update({"invoice_no": "04412345", "invoice_date": frappe.utils.nowdate()})
	request.invoice_copy = (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{unique('invoice')}.txt",
				"content": "invoice",
				"is_private": 1,
				"attached_to_doctype": REQUEST,
				"attached_to_name": name,
			}
		)
		.insert(ignore_permissions=True)
		.file_url
	)
	request.save()
	first = texts_of(REQUEST, name)[0]
	second = texts_of(REQUEST, name)[0]
	assert "草稿" not in first and "补打" not in first
	assert "发票号码：04412345" in first
	assert f"财务：{fullname(people.finance)}" in first
	assert "补打（第2次打印）" in second
	assert [log.printed_by for log in print_logs(REQUEST, name)] == [people.finance, people.finance]


def test_invoice_request_in_english(order, people):
	name = invoice_request(order, people)
	text = words(texts_of(REQUEST, name, lang="en", clean=str)[0])
	for shown in (
		"Invoice Request",
		"DRAFT",
		"VAT Special Invoice",
		"Signed Quantity",
		"Amount in words (RMB):",
		"12,095.67",
	):
		assert shown in text, shown
	assert "壹万贰仟零玖拾伍元陆角柒分" in flat(text)
