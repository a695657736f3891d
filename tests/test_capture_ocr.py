"""Faxes and scans: several OCR readings, and only what they agree on and the checks confirm is
taken without a person (order_clerk.capture.ocr, order_clerk.capture.consensus)."""

import io
import random

import frappe
import pytest
from PIL import Image, ImageDraw, ImageFont

from order_clerk.capture import consensus, ocr, service
from order_clerk.capture.model import Extraction, Line, Value
from tests.capture_helpers import make_capture_product
from tests.utils import unique

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
ADDRESS = "安徽省合肥市包河区繁华大道1208号华联工业园3号仓库"
MASTER = {
	"customer_name": "华联五金",
	"contact_person": "周建国",
	"delivery_address": ADDRESS,
	"payment_terms": "月结30天",
}


# what the readings agree on


def reading(po=None, address=None, lines=(), total=None, customer="华联五金") -> Extraction:
	result = Extraction(
		customer=Value(customer, 0.95, "sender", "sender number"),
		customer_po=Value(po, 0.95, "image line 2"),
		delivery_date=Value("2030-12-20", 0.95, "image line 3"),
		payment_terms=Value("月结30天", 0.95, "image line 5"),
		delivery_address=Value(address, 0.95, "image line 4"),
		contact_person=Value("周建国", 0.95, "image line 6"),
		stated_total=total,
	)
	for product, qty, rate, amount in lines:
		result.lines.append(
			Line(
				product=Value(product, 0.99, "image line 8"),
				qty=Value(qty, 0.95, "image line 8"),
				rate=Value(rate, 0.95, "image line 8"),
				amount=amount,
			)
		)
	return result


LINES = (("BRG-A", 200.0, 18.6, 3720.0), ("BRG-B", 50.0, 4.1, 205.0))


def settled(readings: list[Extraction]) -> Extraction:
	first, *others = readings
	consensus.settle(first, others, [MASTER])
	return first


def test_a_po_number_is_taken_when_three_readings_agree_and_twice_as_many_as_any_other():
	result = settled([reading("HL-PO-7", ADDRESS, LINES, 3925.0) for _ in range(3)] + [reading("HL-P0-7")])
	assert (result.customer_po.value, result.customer_po.confidence) == ("HL-PO-7", consensus.CHECKED)
	assert not result.problems


@pytest.mark.parametrize(
	"values",
	[
		# Two readings can misread alike.
		["HL-PO-7", "HL-PO-7", "HL-P0-7", None],
		# Three against two is no clear majority.
		["HL-PO-7", "HL-PO-7", "HL-PO-7", "HL-P0-7", "HL-P0-7"],
		# Case and punctuation count: HL-po-7 is not HL-PO-7.
		["HL-po-7", "HL-PO-7", "HL-PO-7", "HL-po-7"],
	],
)
def test_a_po_number_the_readings_do_not_agree_on_is_left_for_a_person(values):
	result = settled([reading(value, ADDRESS, LINES, 3925.0) for value in values])
	assert result.customer_po.confidence < service.TOUCHLESS_CONFIDENCE
	assert any("Customer PO No." in problem for problem in result.problems)


@pytest.mark.parametrize(
	"sender, taken",
	[
		("0551-65321877", True),  # the fax line beside the phone on record
		("0551-65321999", False),
		("0571-65321877", False),
		("", False),
	],
)
def test_a_customer_named_on_the_page_is_taken_only_from_a_fax_on_its_own_lines(sender, taken):
	readings = [reading("P-1", ADDRESS, LINES, 3925.0) for _ in range(4)]
	for r in readings:
		r.customer = Value("华联五金", 0.9, "", "name in document")
	first, *others = readings
	consensus.settle(first, others, [{**MASTER, "phone": "0551-65321876"}], None, sender)
	assert first.customer.value == "华联五金"
	assert (first.customer.confidence >= service.TOUCHLESS_CONFIDENCE) is taken
	assert any("Customer" in problem for problem in first.problems) is not taken


def test_an_address_on_record_is_taken_from_the_record_even_if_most_readings_misread_it():
	misread = ADDRESS.replace("繁华", "紫华")
	result = settled([reading("P-1", misread, LINES, 3925.0) for _ in range(3)] + [reading("P-1", ADDRESS)])
	assert (result.delivery_address.value, result.delivery_address.confidence) == (ADDRESS, consensus.CHECKED)
	assert result.delivery_address.note == "as on record"


def test_a_new_address_from_a_scan_is_shown_but_always_checked_by_a_person():
	new = "安徽省合肥市蜀山区长江西路99号"
	result = settled([reading("P-1", new, LINES, 3925.0) for _ in range(5)])
	assert result.delivery_address.value == new
	assert result.delivery_address.confidence < service.TOUCHLESS_CONFIDENCE
	assert any("Delivery Address" in problem for problem in result.problems)


def test_a_reading_a_character_from_the_record_is_shown_as_the_record_but_still_checked():
	near = ADDRESS.replace("繁华", "紫华")
	result = settled([reading("P-1", near, LINES, 3925.0) for _ in range(4)])
	assert (result.delivery_address.value, result.delivery_address.note) == (ADDRESS, "near the record")
	assert result.delivery_address.confidence < service.TOUCHLESS_CONFIDENCE
	# Another number is another address, however close the rest.
	other = ADDRESS.replace("1208号", "1206号")
	result = settled([reading("P-1", other, LINES, 3925.0) for _ in range(4)])
	assert result.delivery_address.value == other


def test_a_default_is_kept_only_when_no_reading_states_a_value():
	defaulted = Value(ADDRESS, 0.9, "customer", "defaulted")
	readings = [reading("P-1", None, LINES, 3925.0) for _ in range(4)]
	for r in readings:
		r.delivery_address = defaulted
	assert settled(readings).delivery_address.confidence == 0.9
	readings = [reading("P-1", None, LINES, 3925.0) for _ in range(4)]
	for r in readings[:3]:
		r.delivery_address = Value(ADDRESS, 0.9, "customer", "defaulted")
	readings[3].delivery_address = Value("安徽省合肥市蜀山区长江西路99号", 0.95, "image line 4")
	result = settled(readings)
	assert result.delivery_address.value == "安徽省合肥市蜀山区长江西路99号"
	assert result.delivery_address.confidence < service.TOUCHLESS_CONFIDENCE


def test_lines_are_confirmed_by_their_amounts_and_the_documents_total():
	result = settled([reading("P-1", ADDRESS, LINES, 3925.0) for _ in range(3)])
	assert [(l.product.value, l.qty.value, l.rate.value) for l in result.lines] == [
		("BRG-A", 200.0, 18.6),
		("BRG-B", 50.0, 4.1),
	]
	assert all(v.confidence == consensus.CHECKED for l in result.lines for v in (l.product, l.qty, l.rate))


def test_a_price_and_amount_misread_alike_are_caught_by_the_total():
	# Most readings lose the decimal point of 4.10 and of its amount 205.00: each line still
	# multiplies out, but only the one right reading adds up to the total.
	wrong = (LINES[0], ("BRG-B", 50.0, 410.0, 20500.0))
	readings = [reading("P-1", ADDRESS, wrong, 3925.0) for _ in range(3)] + [
		reading("P-1", ADDRESS, LINES, 3925.0)
	]
	result = settled(readings)
	assert [l.rate.value for l in result.lines] == [18.6, 4.1]
	assert result.lines[1].rate.confidence == consensus.CHECKED


def test_without_a_total_the_price_near_the_products_own_is_the_guess_shown():
	wrong = (LINES[0], ("BRG-B", 50.0, 410.0, 20500.0))
	readings = [reading("P-1", ADDRESS, wrong) for _ in range(3)] + [reading("P-1", ADDRESS, LINES)]
	first, *others = readings
	consensus.settle(first, others, [MASTER], {"BRG-B": {"standard_rate": 4.2}})
	assert first.lines[1].rate.value == 4.1
	assert first.lines[1].rate.confidence < service.TOUCHLESS_CONFIDENCE


def test_lines_that_do_not_add_up_to_a_total_two_readings_give_are_left_for_a_person():
	for totals in ((3900.0, 3900.0, 3900.0), (3925.0, None, None)):
		result = settled([reading("P-1", ADDRESS, LINES, total) for total in totals])
		assert all(l.qty.confidence < service.TOUCHLESS_CONFIDENCE for l in result.lines)
		assert any("the lines" in problem for problem in result.problems)


def test_a_line_without_an_amount_cannot_be_confirmed():
	lines = (LINES[0], ("BRG-B", 50.0, 4.1, None))
	result = settled([reading("P-1", ADDRESS, lines, 3925.0) for _ in range(4)])
	assert result.lines[1].rate.confidence < service.TOUCHLESS_CONFIDENCE


@pytest.mark.parametrize("doubt", ["unit", "product", "price"])
def test_what_no_sum_confirms_stays_for_a_person_however_well_the_lines_add_up(doubt):
	readings = [reading("P-1", ADDRESS, LINES, 3925.0) for _ in range(4)]
	for r in readings:
		line = r.lines[1]
		if doubt == "unit":  # ordered in 箱, sold in 个, no pack size stated
			line.unit_unknown = True
		elif doubt == "product":  # one of several products of that name
			line.product.confidence = 0.3
		else:
			line.rate.note = "defaulted"
	result = settled(readings)
	assert result.lines[0].qty.confidence == consensus.CHECKED
	assert result.lines[1].qty.confidence < service.TOUCHLESS_CONFIDENCE


def test_a_thousands_comma_read_as_a_point_is_repaired_and_dates_are_left_alone():
	def repair(text):
		return ocr.THOUSANDS_AS_POINTS.sub(lambda m: m[1] + m[2].replace(".", ",") + m[3], text)

	assert repair("2 台 1267.20 2.534.40") == "2 台 1267.20 2,534.40"
	assert repair("合计 ¥11.813.40") == "合计 ¥11,813.40"
	assert repair("交货期 2024.11.28 单价 1.26") == "交货期 2024.11.28 单价 1.26"


def test_a_fine_scan_is_read_as_it_is_and_a_fax_enlarged():
	fine = Image.new("L", (4000, 3000), 205)
	assert ocr.clean(fine, 3).size == (4000, 3000)
	small = Image.new("L", (1500, 760), 205)
	assert ocr.clean(small, 3).size == (4500, 2280)


# a fax received on the site


def fax(po: str, code: str, address: str, total: str) -> bytes:
	"""A grey, speckled fax with a ruled table, as a fax machine prints it."""
	font = ImageFont.truetype(FONT, 30)
	image = Image.new("L", (1500, 760), 205)
	draw = ImageDraw.Draw(image)
	rows = [
		f"订单号: {po}",
		"交货日期: 2030年12月20日",
		f"送货地址: {address}",
		"联系人: 周建国    付款方式: 月结30天",
		"序号  料号        品名            数量    单价      金额",
		f"1     {code}   圆锥滚子轴承    200     18.60     3720.00",
		f"合计                                         {total}",
	]
	for index, text in enumerate(rows):
		draw.text((60, 60 + index * 90), text, font=font, fill=60)
	for y in (400, 490, 580, 670):  # the table's rules, between its rows
		draw.line((40, y, 1460, y), fill=60, width=3)
	noise = random.Random(7)
	for _ in range(9000):
		image.putpixel((noise.randrange(1500), noise.randrange(760)), noise.choice((60, 120, 255)))
	buffer = io.BytesIO()
	image.save(buffer, format="PNG")
	return buffer.getvalue()


@pytest.fixture
def fax_buyer(people):
	frappe.set_user(people.clerk)
	number = "0551-6" + "".join(random.choices("0123456789", k=7))
	customer = frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": unique("华联五金"),
			"contact_person": "周建国",
			"phone": number,
			"delivery_address": ADDRESS,
			"payment_terms": "月结30天",
		}
	).insert()
	product = make_capture_product("FAX", "圆锥滚子轴承", "30×62×17.25", "套", 18.6)
	code = "HX-" + "".join(random.choices("0123456789", k=5))
	frappe.get_doc(
		{
			"doctype": "OC Customer Item",
			"customer": customer.name,
			"customer_item_code": code,
			"product": product.name,
		}
	).insert()
	return customer, product, code, number


def test_a_fax_that_every_check_confirms_becomes_an_order_and_one_that_fails_a_check_waits(fax_buyer):
	customer, product, code, number = fax_buyer
	po = "FX-" + "".join(random.choices("0123456789", k=6))
	intake = service.receive(fax(po, code, ADDRESS, "3720.00"), "fax.png", "Fax", number)
	assert intake.status == "Converted", intake.problems
	order = frappe.get_doc("OC Order", intake.order)
	assert (order.customer, order.customer_po, str(order.delivery_date)) == (customer.name, po, "2030-12-20")
	assert (order.delivery_address, order.contact_person, order.payment_terms) == (
		ADDRESS,
		"周建国",
		"月结30天",
	)
	assert [(row.product, row.qty, row.rate) for row in order.items] == [(product.name, 200, 18.6)]

	# A new address and a total the line does not add up to: read, shown, and left for a person.
	other = "安徽省合肥市蜀山区长江西路99号"
	po2 = "FX-" + "".join(random.choices("0123456789", k=6))
	waiting = service.receive(fax(po2, code, other, "3702.00"), "fax.png", "Fax", number)
	assert waiting.status == "Needs Attention" and not waiting.order
	data = waiting.get_extraction()
	assert data["customer_po"]["value"] == po2
	assert data["delivery_address"]["value"] == other
	assert data["delivery_address"]["confidence"] < service.TOUCHLESS_CONFIDENCE
	assert data["lines"][0]["qty"]["confidence"] < service.TOUCHLESS_CONFIDENCE
	assert "Delivery Address" in waiting.problems and "the lines" in waiting.problems
