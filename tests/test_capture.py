"""Order capture: customers' own documents read into draft orders (order_clerk.capture)."""

import base64
import io
import os
import shutil
import subprocess
from datetime import date

import frappe
import openpyxl
import pytest

from order_clerk.capture import mailbox, service
from order_clerk.capture.dates import parse_date
from order_clerk.capture.extract import extract
from order_clerk.capture.matching import Masters, match_customer, match_product
from order_clerk.capture.readers import read_document
from order_clerk.capture.text import same_count
from tests.capture_helpers import bearing_buyer, order_csv
from tests.utils import unique

# The public corpus lives in the project's shared folder, beside the checkout.
CORPUS = os.environ.get("OC_CAPTURE_CORPUS") or os.path.join(
	os.path.dirname(os.path.realpath(__file__)), "..", "..", "shared", "intake-corpus"
)

RECEIVED = date(2024, 11, 6)  # a Wednesday


def masters() -> Masters:
	customers = [
		{
			"customer_name": "合肥华联五金有限公司",
			"contact_person": "周建国",
			"phone": "0551-65321876",
			"email": "zhoujg@hlwj.com.cn",
			"delivery_address": "安徽省合肥市包河区繁华大道1208号",
			"payment_terms": "月结30天",
		},
		{
			"customer_name": "合肥华联五金制品有限公司",
			"contact_person": "王强",
			"phone": "0551-11111111",
			"email": "wq@other.example.com",
			"delivery_address": "安徽省合肥市蜀山区",
			"payment_terms": "款到发货",
		},
	]
	products = [
		{
			"product_code": "FST-HB-M8X30",
			"product_name": "六角头螺栓",
			"specification": "M8×30 GB/T5783 8.8级",
			"uom": "个",
			"standard_rate": 0.28,
		},
		{
			"product_code": "FST-HB-M8X40",
			"product_name": "六角头螺栓",
			"specification": "M8×40 GB/T5783 8.8级",
			"uom": "个",
			"standard_rate": 0.35,
		},
		{
			"product_code": "FST-HN-M8",
			"product_name": "六角螺母",
			"specification": "M8 GB/T6170 8级",
			"uom": "个",
			"standard_rate": 0.06,
		},
		{
			"product_code": "BRG-6203-2RS",
			"product_name": "深沟球轴承",
			"specification": "6203-2RS 17×40×12",
			"uom": "套",
			"standard_rate": 4.1,
		},
		{
			"product_code": "PKG-TAPE-48",
			"product_name": "封箱胶带",
			"specification": "48mm×100m 透明",
			"uom": "卷",
			"standard_rate": 3.5,
		},
	]
	items = [{"customer": "合肥华联五金有限公司", "customer_item_code": "HL-0042", "product": "BRG-6203-2RS"}]
	return Masters(customers, products, items, own_names=("上海瑞丰工业品贸易有限公司",))


# dates


@pytest.mark.parametrize(
	"text, expected",
	[
		("2024年11月25日", date(2024, 11, 25)),
		("交货日期：2024/12/02", date(2024, 12, 2)),
		("要求收到订单后10天内交货", date(2024, 11, 16)),
		("下周五前送到", date(2024, 11, 15)),
		("12月15日前", date(2024, 12, 15)),
		("2周内交货", date(2024, 11, 20)),
		("本月底前", date(2024, 11, 30)),
	],
)
def test_delivery_dates_absolute_and_relative(text, expected):
	assert parse_date(text, RECEIVED)[0] == expected


def test_a_month_day_already_past_is_next_year():
	assert parse_date("1月3日前", RECEIVED)[0] == date(2025, 1, 3)


# matching


def test_the_sender_decides_the_customer_and_a_similar_name_is_not_guessed():
	m = masters()
	assert match_customer(m, "zhoujg@hlwj.com.cn", "").value == "合肥华联五金有限公司"
	unknown = match_customer(m, "buyer@unknown.example.com", "北京某某贸易有限公司 采购订单")
	assert unknown.value is None and unknown.confidence == 0
	# Named in the document by an unknown address: found, but a person confirms.
	named = match_customer(m, "someone@gmail.example.com", "合肥华联五金有限公司 采购订单")
	assert named.value == "合肥华联五金有限公司" and named.confidence < service.TOUCHLESS_CONFIDENCE


def test_the_specification_decides_between_products_of_one_name():
	m = masters()
	assert match_product(m, "M8×40 六角头螺栓 两千个", None).value == "FST-HB-M8X40"
	assert match_product(m, "六角头螺栓 M8×30", None).value == "FST-HB-M8X30"
	# M8 inside M8×40 is no nut.
	assert match_product(m, "M8×40 六角头螺栓", None).value != "FST-HN-M8"
	ambiguous = match_product(m, "六角头螺栓 一千个", None)
	assert ambiguous.confidence < service.TOUCHLESS_CONFIDENCE


def test_the_customers_own_part_number_names_our_product():
	m = masters()
	match = match_product(m, "料号HL-0042 轴承 100套", "合肥华联五金有限公司")
	assert (match.value, match.how) == ("BRG-6203-2RS", "customer item code")
	# Another customer's part number means nothing.
	assert match_product(m, "料号HL-0042 100套", "合肥华联五金制品有限公司").value is None


# readers and extraction


def _xlsx(rows, merged=()) -> bytes:
	book = openpyxl.Workbook()
	sheet = book.active
	for row in rows:
		sheet.append(row)
	for cells in merged:
		sheet.merge_cells(cells)
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()


def test_a_spreadsheet_in_the_customers_layout():
	content = _xlsx(
		[
			["合肥华联五金有限公司"],
			["采购订单"],
			["订单编号:", "HL-PO-1", None, "交货日期:", "2024-11-20"],
			["付款方式: 月结30天"],
			["序号", "物料名称", "规格型号", "单位", "数量", "含税单价", "金额"],
			[1, "六角头螺栓", "M8×40 GB/T5783 8.8级", "个", 1000, 0.34, 340],
			[2, "深沟球轴承", "6203-2RS 17×40×12", "套", 20, 4.1, 82],
			["合计", None, None, None, None, None, 422],
		],
		merged=["A1:G1", "A2:G2"],
	)
	result = extract(read_document(content, "po.xlsx"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert result.customer.value == "合肥华联五金有限公司"
	assert result.customer_po.value == "HL-PO-1"
	assert result.delivery_date.value == date(2024, 11, 20)
	assert result.payment_terms.value == "月结30天"
	assert result.delivery_address.note == "defaulted"
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [
		("FST-HB-M8X40", 1000, 0.34),
		("BRG-6203-2RS", 20, 4.1),
	]
	assert result.lines[0].qty.source == "Sheet!E6"
	assert not result.problems


def test_a_gbk_csv_whose_total_does_not_add_up_needs_a_person():
	text = "订单号,PO-9\n交货日期,2024-11-30\n品名,规格,数量,单价,金额\n六角头螺栓,M8×40,100,0.35,35.00\n合计,,,,99.00\n"
	result = extract(read_document(text.encode("gbk"), "po.csv"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert result.customer_po.value == "PO-9"
	assert [(l.product.value, l.qty.value) for l in result.lines] == [("FST-HB-M8X40", 100)]
	assert any("99.00" in p for p in result.problems)


def test_an_email_in_prose_with_chinese_numerals_and_a_quoted_reply():
	body = (
		"王经理好：\n我司订单号：HL-241106，请备货：\n"
		"1. M8×40 六角头螺栓 两千个，单价0.35\n"
		"2. 料号HL-0042 五百套\n"
		"3. 封箱胶带 48mm×100m 10箱（每箱36卷）\n"
		"要求下周五前交货。\n周建国\n\n"
		"-----原始邮件-----\n发件人: sales\n1. M8×30 六角头螺栓 九千个\n"
	)
	message = (
		"From: =?utf-8?b?5ZGo5bu65Zu9?= <zhoujg@hlwj.com.cn>\nSubject: PO\n"
		"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\nMIME-Version: 1.0\n\n"
		+ base64.encodebytes(body.encode()).decode()
	)
	result = extract(read_document(message.encode(), "mail.eml"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert result.customer_po.value == "HL-241106"
	assert result.delivery_date.value == date(2024, 11, 15)
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [
		("FST-HB-M8X40", 2000, 0.35),
		("BRG-6203-2RS", 500, 4.1),
		("PKG-TAPE-48", 360, 3.5),
	]
	assert result.lines[2].qty.note == "converted from 箱"
	assert result.contact_person.value == "周建国"


def test_a_text_pdf_with_its_table():
	html = (
		"<html><body><h2>采购订单</h2><p>订单编号 HL-PDF-7</p><p>交货日期 2024-11-28</p>"
		"<table border='1' cellpadding='10'><tr><th>序号</th><th>名称</th><th>规格</th><th>单位</th><th>数量</th><th>单价</th><th>金额</th></tr>"
		"<tr><td>1</td><td>六角螺母</td><td>M8 GB/T6170 8级</td><td>个</td><td>500</td><td>0.06</td><td>30.00</td></tr>"
		"</table><p>合计 30.00</p></body></html>"
	)
	from frappe.utils.pdf import get_pdf

	result = extract(read_document(get_pdf(html), "po.pdf"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert result.customer_po.value == "HL-PDF-7"
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [("FST-HN-M8", 500, 0.06)]


def test_an_export_with_underscored_headings_and_a_required_date():
	text = (
		"PO_NO,PO_DATE,ITEM_NO,ITEM_DESC,ITEM_SPEC,ORDER_QTY,UOM,UNIT_PRICE,LINE_AMOUNT,REQ_DATE\n"
		"HL-EX-5,2024/11/06,HL-0042,深沟球轴承,6203-2RS,200,套,4.10,820.00,2024/11/29\n"
		"HL-EX-5,2024/11/06,X-1,六角螺母,M8 GB/T6170 8级,500,个,0.06,30.00,2024/11/29\n"
	)
	result = extract(read_document(text.encode(), "po.csv"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert (result.customer_po.value, result.delivery_date.value) == ("HL-EX-5", date(2024, 11, 29))
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [
		("BRG-6203-2RS", 200, 4.1),
		("FST-HN-M8", 500, 0.06),
	]
	assert not result.problems


def test_a_pdf_table_is_read_by_its_columns_and_a_row_left_unsplit_as_text():
	from frappe.utils.pdf import get_pdf

	html = (
		"<html><body><p>采购订单 No. HL-PDF-9</p><p>Required Date: 2024-11-28</p>"
		"<table border='1' cellpadding='8'><tr><th>项次</th><th>品名规格</th><th>单位</th><th>数量</th>"
		"<th>单价</th><th>金额</th></tr>"
		"<tr><td>1</td><td>深沟球轴承 6203-2RS 17×40×12</td><td>套</td><td>1200</td><td>4.10</td><td>4,920.00</td></tr>"
		"<tr><td colspan='6'>2 六角螺母 M8 GB/T6170 8级 500个 0.06 30.00</td></tr>"
		"</table><p>合计 4,950.00</p></body></html>"
	)
	result = extract(read_document(get_pdf(html), "po.pdf"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert (result.customer_po.value, result.delivery_date.value) == ("HL-PDF-9", date(2024, 11, 28))
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [
		("BRG-6203-2RS", 1200, 4.1),
		("FST-HN-M8", 500, 0.06),
	]
	assert all(l.qty.confidence >= service.TOUCHLESS_CONFIDENCE for l in result.lines)
	assert not result.problems


def test_the_buyers_contact_in_buyer_and_seller_blocks_side_by_side():
	text = (
		"订 购 单\n买方（需方） 卖方（供方）\n名称 合肥华联五金有限公司 名称 上海瑞丰工业品贸易有限公司\n"
		"联系人 周建明 联系人 李娜\n订单号：HL-SBS-1 交货期：2024-12-02\n"
		"1. 六角螺母 M8 GB/T6170 8级 500个 单价0.06\n"
	)
	result = extract(read_document(text.encode(), "po.txt"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert (result.contact_person.value, result.contact_person.confidence) == ("周建明", 0.95)


@pytest.mark.parametrize(
	"unit, product_unit, same",
	[
		("UNIT", "台", True),
		("PCS", "台", True),
		("SET", "套", True),
		("ea", "个", True),
		("件", "支", True),
		("套", "个", False),  # a set may hold several pieces
		("对", "个", False),
		("箱", "个", False),
		("PCS", "千克", False),
	],
)
def test_a_word_for_one_piece_counts_the_same_in_the_products_unit(unit, product_unit, same):
	assert same_count(unit, product_unit) is same


def test_a_name_written_against_the_next_label_ends_where_the_label_starts():
	text = "订单号：HL-NL-1 交货期：2024-12-02\n收货人：刘长青电话：13792861145\n1. 六角螺母 M8 GB/T6170 8级 500个 单价0.06\n"
	result = extract(read_document(text.encode(), "po.txt"), masters(), "zhoujg@hlwj.com.cn", RECEIVED)
	assert result.contact_person.value == "刘长青"


def test_a_scanned_fax_whose_lines_nothing_confirms_is_never_converted_without_a_person():
	from PIL import Image, ImageDraw, ImageFont

	font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 40)
	image = Image.new("L", (1400, 300), 255)
	draw = ImageDraw.Draw(image)
	draw.text((40, 40), "订单号: HL-FAX-88", font=font, fill=0)
	draw.text((40, 140), "1. 六角螺母 M8 GB/T6170 8级 500个 单价0.06", font=font, fill=0)
	buffer = io.BytesIO()
	image.save(buffer, format="PNG")
	pages = read_document(buffer.getvalue(), "fax.png")
	assert pages[0].ocr and "HL-FAX-88" in pages[0].all_text()
	result = extract(pages, masters(), "0551-65321876", RECEIVED)
	assert result.customer.value == "合肥华联五金有限公司"
	assert all(l.qty.confidence < service.TOUCHLESS_CONFIDENCE for l in result.lines)


# the inbox on the site


@pytest.fixture
def buyer(people):
	customer, product = bearing_buyer("capture.example.com")
	frappe.set_user(people.clerk)
	return customer, product


def test_a_clear_document_becomes_a_draft_order_in_review(buyer):
	customer, product = buyer
	po = unique("PO")
	intake = service.receive(order_csv(po, product.name, 50, 18.6), "po.csv", "Email", customer.email)
	assert intake.status == "Converted", intake.problems
	order = frappe.get_doc("OC Order", intake.order)
	assert (order.customer, order.external_ref, order.workflow_state) == (customer.name, po, "Pending Review")
	assert [(row.product, row.qty, row.rate) for row in order.items] == [(product.name, 50, 18.6)]
	assert order.original_order
	# The same document again changes nothing; with other quantities it is a revision.
	again = service.receive(order_csv(po, product.name, 50, 18.6), "po.csv", "Email", customer.email)
	assert (again.status, again.duplicate_of, again.order) == ("Duplicate", intake.name, order.name)
	revised = service.receive(order_csv(po, product.name, 80, 18.6), "po.csv", "Email", customer.email)
	assert (revised.status, revised.duplicate_of, revised.order) == ("Revision", intake.name, None)
	assert frappe.db.count("OC Order", {"external_ref": po}) == 1


def test_an_unknown_sender_waits_for_a_person_and_nothing_is_ordered(buyer):
	_customer, product = buyer
	po = unique("PO")
	intake = service.receive(order_csv(po, product.name, 5, 18.6), "po.csv", "Email", "x@nobody.example.com")
	assert intake.status == "Needs Attention" and not intake.order
	assert not frappe.db.exists("OC Order", {"external_ref": po})


def test_a_correction_is_learned_for_the_customers_part_number(buyer):
	customer, product = buyer
	text = f"订单号：{unique('PO')}\n1. 料号XK-{customer.name[-4:]}-9 二十套，单价18.6\n交货日期 2030-12-20\n".encode()
	intake = service.receive(text, "po.txt", "Email", customer.email)
	assert intake.status == "Needs Attention"
	order = service.convert_intake(intake, {"lines": [{"product": product.name, "qty": 20, "rate": 18.6}]})
	assert frappe.db.get_value("OC Order", order, "workflow_state") == "Draft"
	learned = frappe.get_all(
		"OC Customer Item", filters={"customer": customer.name}, fields=["product", "learned_from"]
	)
	assert learned == [{"product": product.name, "learned_from": intake.name}]
	# The next order with that part number is read right without help.
	text2 = f"订单号：{unique('PO')}\n1. 料号XK-{customer.name[-4:]}-9 三十套，单价18.6\n交货日期 2030-12-20\n".encode()
	nxt = service.receive(text2, "po.txt", "Email", customer.email)
	assert nxt.status == "Converted", nxt.problems
	assert frappe.db.get_value("OC Order Item", {"parent": nxt.order}, "product") == product.name


@pytest.mark.rest
def test_integrators_push_documents_over_rest_and_bad_input_is_a_clear_error(buyer, rest_users):
	_customer, product = buyer
	frappe.db.commit()  # the server sees committed data only
	method = "/api/method/order_clerk.order_clerk.doctype.oc_intake.oc_intake.receive_document"
	content = base64.b64encode(order_csv(unique("PO"), product.name, 3, 18.6)).decode()
	pushed = rest_users["integrator"].post(
		method, {"filename": "po.csv", "content": content, "channel": "Fax", "sender": "0000-000"}
	)
	assert pushed.status_code == 200, pushed.text
	answer = pushed.json()["message"]
	assert answer["status"] == "Needs Attention" and not answer["order"]
	assert rest_users["integrator"].get(f"/api/resource/OC Intake/{answer['name']}").status_code == 200
	assert rest_users["integrator2"].get(f"/api/resource/OC Intake/{answer['name']}").status_code == 403
	bad = rest_users["integrator"].post(
		method, {"filename": "po.csv", "content": "not base64!", "channel": "API"}
	)
	assert bad.status_code == 417
	assert "base64" in bad.text
	refused = rest_users["warehouse"].post(
		method, {"filename": "po.csv", "content": content, "channel": "API"}
	)
	assert refused.status_code == 403


def test_the_evaluation_command_on_the_public_corpus():
	"""The command's own figures: no document is converted with a wrong value."""
	from tests.conftest import BENCH_DIR, SITE

	bench = os.environ.get("OC_BENCH_CLI") or shutil.which("bench") or "bench"
	assert os.path.isdir(CORPUS), f"No corpus at {CORPUS}"
	run = subprocess.run(
		[bench, "--site", SITE, "order-clerk-capture-eval", "--corpus", os.path.abspath(CORPUS)],
		cwd=BENCH_DIR,
		capture_output=True,
		text=True,
		timeout=1200,
	)
	print(run.stdout[-3000:])
	assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
	assert "false touchless    0" in run.stdout


def test_an_email_to_the_orders_mailbox_becomes_an_intake_and_is_read(buyer):
	"""Through Frappe's own inbound-mail path: the Email Account appends mail to OC Intake."""
	from frappe.email.receive import InboundMail

	customer, product = buyer
	frappe.set_user("Administrator")
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_account_name": unique("Orders"),
			"email_id": f"{unique('orders')}@capture.example.com",
			"append_to": "OC Intake",
			"enable_incoming": 0,
			"enable_outgoing": 0,
			"awaiting_password": 1,
		}
	).insert()
	po = unique("PO")
	body = f"您好，订单号：{po}\n1. 料号无 圆锥滚子轴承 {product.specification} 十二套，单价18.6元\n交货日期 2030-12-20\n"
	raw = (
		f"From: Buyer <{customer.email}>\nTo: {account.email_id}\nSubject: =?utf-8?b?"
		+ base64.b64encode(f"采购订单 {po}".encode()).decode()
		+ "?=\nMessage-ID: <"
		+ unique("m")
		+ "@capture.example.com>\nContent-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: base64\nMIME-Version: 1.0\n\n"
		+ base64.encodebytes(body.encode()).decode()
	)
	communication = InboundMail(raw.encode(), account).process()
	assert communication.reference_doctype == "OC Intake"
	intake = frappe.get_doc("OC Intake", communication.reference_name)
	assert (intake.sender, intake.communication, intake.status) == (customer.email, communication.name, "New")
	mailbox.read_mail(intake.name)
	intake.reload()
	assert intake.customer == customer.name and intake.customer_po == po
	data = intake.get_extraction()
	assert [(line["product"]["value"], line["qty"]["value"]) for line in data["lines"]] == [
		(product.name, 12)
	]
