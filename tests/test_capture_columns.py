"""The clerk maps the columns of a customer's sheet in the review screen (order_clerk.capture.columns):
the mapping is kept for the customer, the intake is read again through it, and the customer's
next sheet in that layout is read right at once."""

import io
import json

import frappe
import openpyxl
import pytest
from frappe.utils import get_datetime

from order_clerk.capture import service
from order_clerk.exceptions import ColumnMappingError
from order_clerk.order_clerk.doctype.oc_intake.oc_intake import get_review, map_columns, reject
from tests.capture_helpers import (
	make_capture_customer,
	make_capture_product,
	order_csv,
	own_headings_sheet,
)
from tests.utils import unique

METHOD = "/api/method/order_clerk.order_clerk.doctype.oc_intake.oc_intake.map_columns"
MAPPING = {"物资说明": "Product Name", "需求件数": "Quantity", "结算价": "Rate"}


@pytest.fixture
def yard(people):
	"""A customer who sends its own sheets, and two of our products."""
	frappe.set_user("Administrator")
	customer = make_capture_customer(
		"远航船舶配件", "黄志强", "columns.example.com", "浙江省舟山市定海区临城街道海天大道99号", "月结30天"
	)
	products = [
		make_capture_product("COL", "不锈钢球阀", "DN25 PN16", "个", 86, mark="C"),
		make_capture_product("COL", "法兰垫片", "DN25 石棉", "片", 2.5, mark="C"),
	]
	frappe.set_user(people.clerk)
	return customer, products


def table_sheet(headings, line) -> bytes:
	"""A sheet of one line under the headings, with its order number and delivery date above."""
	book = openpyxl.Workbook()
	rows = book.active
	rows.append(["订单号", unique("PO")])
	rows.append(["交货日期", "2030-12-20"])
	rows.append(list(headings))
	rows.append(line)
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()


def receive(customer, lines, sender=None):
	"""A sheet of the lines in the customer's own headings, which the reader does not know."""
	return service.receive(
		own_headings_sheet(unique("PO"), lines), "po.xlsx", "Email", sender or customer.email
	)


def layout(customer) -> dict:
	return {
		row.header_text: (row.column, row.learned_from)
		for row in frappe.get_all(
			"OC Customer Layout",
			filters={"customer": customer.name},
			fields=["header_text", "column", "learned_from"],
		)
	}


def meanings(screen) -> dict:
	return {column["heading"]: column["meaning"] for column in screen["columns"]["columns"]}


def items(order: str) -> list[tuple]:
	return [(row.product, row.qty, row.rate) for row in frappe.get_doc("OC Order", order).items]


def test_the_clerk_maps_unknown_headings_and_the_intake_is_read_again_through_them(yard):
	customer, (valve, gasket) = yard
	lines = [(valve, 12, 86), (gasket, 200, 2.5)]
	intake = receive(customer, lines)
	assert intake.status == "Needs Attention"

	# The screen shows the table's headings as the reader understood them, and what each may mean.
	screen = get_review(intake.name)
	assert meanings(screen) == {
		"序": "",
		"物资说明": "Remark",
		"型号规格": "Specification",
		"需求件数": "",
		"结算价": "",
	}
	assert [c["where"] for c in screen["columns"]["columns"]] == [f"Sheet!{c}5" for c in "ABCDE"]
	assert [m["value"] for m in screen["columns"]["meanings"]] == [
		"Part No.",
		"Product Name",
		"Specification",
		"Unit",
		"Quantity",
		"Rate",
		"Amount",
		"Remark",
		"Not Used",
	]
	assert screen["columns"]["refusal"] is None and "map_columns" in screen["actions"]

	answer = map_columns(intake.name, json.dumps(MAPPING))
	intake.reload()
	assert answer == {"status": "Converted", "order": intake.order, "mapped": sorted(MAPPING)}
	assert intake.status == "Converted", intake.problems
	assert items(intake.order) == [(valve.name, 12, 86), (gasket.name, 200, 2.5)]
	assert layout(customer) == {heading: (meaning, intake.name) for heading, meaning in MAPPING.items()}

	# A converted intake shows its columns as read, and they are no longer mapped.
	screen = get_review(intake.name)
	assert meanings(screen) == {"序": "", "型号规格": "Specification", **MAPPING}
	assert screen["columns"]["refusal"] and "map_columns" not in screen["actions"]

	# The customer's next sheet in that layout is read right at once.
	nxt = receive(customer, [(gasket, 500, 2.5), (valve, 3, 86)])
	assert nxt.status == "Converted", nxt.problems
	assert items(nxt.order) == [(gasket.name, 500, 2.5), (valve.name, 3, 86)]


def test_another_customer_is_read_as_before(yard):
	customer, (valve, gasket) = yard
	lines = [(valve, 12, 86), (gasket, 200, 2.5)]
	map_columns(receive(customer, lines).name, MAPPING)
	frappe.set_user("Administrator")
	other = make_capture_customer(
		"东海渔业", "吴丽", "other-columns.example.com", "浙江省舟山市普陀区沈家门街道渔港路8号", "款到发货"
	)
	theirs = receive(other, lines)
	assert theirs.status == "Needs Attention"
	assert layout(other) == {}
	assert meanings(get_review(theirs.name))["需求件数"] == ""


def test_a_mapping_replaces_what_the_heading_meant_before(yard):
	customer, (valve, gasket) = yard
	lines = [(valve, 12, 86), (gasket, 200, 2.5)]
	first = receive(customer, lines)
	map_columns(first.name, {**MAPPING, "结算价": "Amount"})
	first.reload()
	assert first.status == "Needs Attention"  # no price column: each price from the product's record
	assert layout(customer)["结算价"] == ("Amount", first.name)

	second = receive(customer, lines)
	assert meanings(get_review(second.name))["结算价"] == "Amount"
	map_columns(second.name, {"结算价": "Rate"})
	assert layout(customer) == {
		"物资说明": ("Product Name", first.name),
		"需求件数": ("Quantity", first.name),
		"结算价": ("Rate", second.name),
	}
	assert frappe.db.get_value("OC Intake", second.name, "status") == "Converted"


def test_a_column_the_reader_knows_may_be_left_out(yard):
	"""The reader takes 库存数量 (the customer's own stock) for the quantity; the quantity ordered
	is in 订货数, and the amounts do not add up, so a person looks."""
	customer, (valve, _gasket) = yard
	intake = service.receive(
		table_sheet(
			("序", "品名", "规格", "库存数量", "订货数", "单价", "金额"),
			[1, valve.product_name, valve.specification, 99, 12, 86, 1032],
		),
		"po.xlsx",
		"Email",
		customer.email,
	)
	assert intake.status == "Needs Attention"
	assert meanings(get_review(intake.name))["库存数量"] == "Quantity"
	with pytest.raises(ColumnMappingError, match="库存数量"):
		map_columns(intake.name, {"订货数": "Quantity"})
	map_columns(intake.name, {"订货数": "Quantity", "库存数量": "Not Used"})
	intake.reload()
	assert intake.status == "Converted", intake.problems
	assert items(intake.order) == [(valve.name, 12, 86)]
	assert meanings(get_review(intake.name))["库存数量"] == "Not Used"


def test_a_column_reads_as_the_clerk_last_saw_it(yard):
	"""Leaving 数量 out would let the reader take 订购量 beside it for the quantity, which the
	clerk saw as not read: it is kept as not used, so the reading is what the clerk saw."""
	customer, (valve, _gasket) = yard
	intake = service.receive(
		table_sheet(
			("序", "品名", "规格", "数量", "订购量", "金额"),
			[1, valve.product_name, valve.specification, 99, 12, 1032],
		),
		"po.xlsx",
		"Email",
		customer.email,
	)
	assert intake.status == "Needs Attention"
	assert meanings(get_review(intake.name))["订购量"] == ""
	answer = map_columns(intake.name, {"数量": "Not Used"})
	assert answer["mapped"] == ["数量", "订购量"]
	assert layout(customer) == {"数量": ("Not Used", intake.name), "订购量": ("Not Used", intake.name)}


@pytest.mark.parametrize(
	("mapping", "named"),
	[
		({"需求件数": "Price"}, "需求件数"),
		({"需求件数": ["Quantity"]}, "需求件数"),
		({"交货期限": "Quantity"}, "交货期限"),
		({"需求件数": "Quantity", "结算价": "Quantity"}, "结算价"),
		# 型号规格 already means the specification.
		({"物资说明": "Specification"}, "型号规格"),
		({}, None),
		("not json", None),
	],
)
def test_a_wrong_mapping_is_refused_naming_the_column_and_nothing_is_kept(yard, mapping, named):
	customer, (valve, _gasket) = yard
	intake = receive(customer, [(valve, 12, 86)])
	modified = get_datetime(intake.modified)
	with pytest.raises(ColumnMappingError) as refused:
		map_columns(intake.name, mapping if isinstance(mapping, str) else json.dumps(mapping))
	if named:
		assert named in str(refused.value)
	assert layout(customer) == {}
	status, changed = frappe.db.get_value("OC Intake", intake.name, ["status", "modified"])
	assert (status, get_datetime(changed)) == ("Needs Attention", modified)


def test_a_heading_is_named_as_text_in_a_refusal(yard):
	customer, (valve, _gasket) = yard
	intake = service.receive(
		table_sheet(
			("序", "品名", "规格", "数量", "<i>件数</i>", "金额"),
			[1, valve.product_name, valve.specification, 99, 12, 1032],
		),
		"po.xlsx",
		"Email",
		customer.email,
	)
	assert intake.status == "Needs Attention"
	with pytest.raises(ColumnMappingError) as refused:
		map_columns(intake.name, {"<i>件数</i>": "Quantity"})
	assert "&lt;i&gt;件数&lt;/i&gt;" in str(refused.value) and "<i>" not in str(refused.value)


def test_an_intake_without_a_known_customer_is_refused_until_the_customer_is_set(yard):
	customer, (valve, _gasket) = yard
	intake = receive(customer, [(valve, 12, 86)], sender=f"{unique('stranger')}@nowhere.example.com")
	assert not intake.customer
	screen = get_review(intake.name)
	assert "customer" in screen["columns"]["refusal"] and "map_columns" not in screen["actions"]
	with pytest.raises(ColumnMappingError, match="Set the customer first"):
		map_columns(intake.name, MAPPING)
	assert frappe.db.count("OC Customer Layout", {"learned_from": intake.name}) == 0


@pytest.mark.parametrize("closing", ["Rejected", "Duplicate", "Converted"])
def test_a_closed_intake_is_refused(yard, closing):
	customer, (valve, _gasket) = yard
	intake = receive(customer, [(valve, 12, 86)])
	if closing == "Rejected":
		reject(intake.name)
	else:
		intake.db_set("status", closing)
	with pytest.raises(ColumnMappingError, match=closing):
		map_columns(intake.name, MAPPING)
	assert layout(customer) == {}


def test_a_document_without_a_table_is_refused(yard):
	customer, _products = yard
	text = f"订单号：{unique('PO')}\n不锈钢球阀 DN25 PN16 十二个，单价86元\n".encode()
	intake = service.receive(text, "po.txt", "Email", customer.email)
	assert (intake.customer, intake.status) == (customer.name, "Needs Attention")
	assert get_review(intake.name)["columns"] is None
	with pytest.raises(ColumnMappingError, match="no table"):
		map_columns(intake.name, MAPPING)


def test_a_csv_in_known_headings_shows_what_each_column_means(yard):
	customer, (valve, _gasket) = yard
	intake = service.receive(order_csv(unique("PO"), valve.name, 3, 86), "po.csv", "Email", customer.email)
	assert meanings(get_review(intake.name)) == {
		"物料编码": "Part No.",
		"品名": "Product Name",
		"数量": "Quantity",
		"单位": "Unit",
		"单价": "Rate",
		"金额": "Amount",
	}


@pytest.mark.parametrize("profile", ["reviewer", "integrator", "warehouse"])
def test_only_an_order_clerk_who_may_write_the_intake_maps_columns(yard, people, profile):
	customer, (valve, _gasket) = yard
	intake = receive(customer, [(valve, 12, 86)])
	frappe.set_user(people[profile])
	with pytest.raises(frappe.PermissionError):
		map_columns(intake.name, MAPPING)
	frappe.set_user("Administrator")
	assert layout(customer) == {}


@pytest.mark.rest
def test_over_rest_a_refusal_is_417_a_stranger_403_and_a_get_changes_nothing(yard, rest_users):
	customer, (valve, gasket) = yard
	intake = receive(customer, [(valve, 12, 86), (gasket, 200, 2.5)])
	frappe.db.commit()  # the server sees committed data only
	clerk = rest_users["clerk"]
	twice = clerk.post(
		METHOD, {"name": intake.name, "mapping": {"需求件数": "Quantity", "结算价": "Quantity"}}
	)
	assert twice.status_code == 417 and "结算价" in twice.json()["exception"]
	assert rest_users["reviewer"].post(METHOD, {"name": intake.name, "mapping": MAPPING}).status_code == 403
	assert clerk.get(METHOD, name=intake.name, mapping=json.dumps(MAPPING)).status_code in (403, 405)
	frappe.db.rollback()
	assert layout(customer) == {}

	mapped = clerk.post(METHOD, {"name": intake.name, "mapping": MAPPING})
	assert mapped.status_code == 200, mapped.text
	assert mapped.json()["message"]["status"] == "Converted"
	frappe.db.rollback()
	assert {heading: column for heading, (column, _i) in layout(customer).items()} == MAPPING
