"""Order import from Excel: the template, the drafts it creates, refusals and idempotence."""

import datetime
import io

import frappe
import openpyxl
import pytest

from order_clerk import api, excel_import
from order_clerk.excel_sheets import build_template
from tests.utils import make_customer, make_product, unique, workbook

D = datetime.date


@pytest.fixture
def masters():
	frappe.set_user("Administrator")
	return frappe._dict(
		customer=make_customer(),
		other_customer=make_customer(),
		bolt=make_product(rate=12.5),
		nut=make_product(rate=3),
	)


def upload(content: bytes) -> str:
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{unique('orders')}.xlsx", "content": content, "is_private": 1}
	).insert()
	return file.file_url


def orders_with_refs(*refs) -> list[str]:
	return frappe.get_all("OC Order", filters={"external_ref": ("in", refs)}, pluck="name", order_by="name")


def good_file(masters, ref1, ref2) -> bytes:
	return workbook(
		orders=[
			[ref1, None, masters.customer, "PO-778", D(2025, 3, 3), D(2025, 3, 20), "Net 60", None, None, None, None, "urgent"],
			[ref2, "Email", masters.other_customer, None, "2025-03-04", "2025/03/25"],
		],
		lines=[
			[ref1, masters.bolt, 100, 12.5],
			[ref2, masters.nut, "40", None, "M8 zinc"],
			[ref1, masters.nut, 20.5, 3],
		],
	)  # fmt: skip


def test_template_has_both_sheets_and_validation_lists(masters, people):
	frappe.set_user(people.clerk)
	book = openpyxl.load_workbook(io.BytesIO(build_template()))
	assert book.sheetnames == ["Orders", "Lines", "Lists"]
	assert [c.value for c in book["Orders"][1]][:6] == [
		"External Reference",
		"Channel",
		"Customer",
		"Customer PO",
		"Order Date",
		"Delivery Date",
	]
	assert [c.value for c in book["Lines"][1]] == [
		"External Reference",
		"Product",
		"Quantity",
		"Unit Price",
		"Specification",
		"Price Deviation Reason",
	]
	assert book["Lists"].sheet_state == "hidden"
	channels = [c.value for c in book["Lists"]["A"][1:] if c.value]
	assert channels == ["Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"]
	products = [c.value for c in book["Lists"]["B"][1:] if c.value]
	assert masters.bolt in products and masters.nut in products
	(channel_rule,) = book["Orders"].data_validations.dataValidation
	assert (channel_rule.type, channel_rule.formula1, str(channel_rule.sqref)) == (
		"list",
		"='Lists'!$A$2:$A$8",
		"B2:B1001",
	)
	(product_rule,) = book["Lines"].data_validations.dataValidation
	assert (product_rule.formula1, str(product_rule.sqref)) == (
		f"='Lists'!$B$2:$B${len(products) + 1}",
		"B2:B1001",
	)


def test_import_creates_drafts_grouped_by_external_reference(masters, people):
	ref1, ref2 = unique("XL"), unique("XL")
	frappe.set_user(people.clerk)
	result = api.import_orders(upload(good_file(masters, ref1, ref2)))
	assert (result["status"], result["errors"], result["already_imported"], result["lines"]) == (
		"Imported",
		[],
		[],
		3,
	)
	assert sorted(result["orders"]) == orders_with_refs(ref1, ref2)
	first = frappe.get_doc("OC Order", {"external_ref": ref1})
	second = frappe.get_doc("OC Order", {"external_ref": ref2})
	assert (first.channel, first.customer, first.customer_po, first.remarks) == (
		"Excel Import",
		masters.customer,
		"PO-778",
		"urgent",
	)
	assert (first.order_date, first.delivery_date, first.payment_terms) == (
		D(2025, 3, 3),
		D(2025, 3, 20),
		"Net 60",
	)
	assert [(r.product, r.qty, r.rate, r.amount) for r in first.items] == [
		(masters.bolt, 100, 12.5, 1250),
		(masters.nut, 20.5, 3, 61.5),
	]
	assert (first.grand_total, first.docstatus, first.workflow_state, first.owner) == (
		1311.5,
		0,
		"Draft",
		people.clerk,
	)
	assert (second.channel, second.order_date, second.delivery_date) == (
		"Email",
		D(2025, 3, 4),
		D(2025, 3, 25),
	)
	# No rate given: the product's standard rate, as for any order.
	assert [(r.product, r.qty, r.rate, r.specification) for r in second.items] == [
		(masters.nut, 40, 3, "M8 zinc")
	]


def test_uploading_the_same_file_again_creates_nothing(masters, people):
	ref1, ref2 = unique("XL"), unique("XL")
	frappe.set_user(people.clerk)
	file_url = upload(good_file(masters, ref1, ref2))
	created = api.import_orders(file_url)["orders"]
	again = api.import_orders(file_url)
	assert (again["status"], again["orders"], again["errors"]) == ("Imported", [], [])
	assert again["already_imported"] == sorted(created)
	assert orders_with_refs(ref1, ref2) == sorted(created)


def test_an_existing_order_with_other_content_is_an_error(masters, people):
	ref1, ref2, new = unique("XL"), unique("XL"), unique("XL")
	frappe.set_user(people.clerk)
	api.import_orders(upload(good_file(masters, ref1, ref2)))
	existing = frappe.db.get_value("OC Order", {"external_ref": ref1})
	changed = workbook(
		orders=[[new, None, masters.customer], [ref1, None, masters.customer]],
		lines=[[new, masters.bolt, 1], [ref1, masters.bolt, 999]],
	)
	result = excel_import.import_workbook(changed)
	assert result["status"] == "Failed"
	assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in result["errors"]] == [
		(
			"Orders",
			3,
			"A",
			f"Order {existing} already has channel Excel Import and external reference {ref1}, with other content.",
		)
	]
	assert orders_with_refs(new) == []
	assert frappe.db.get_value("OC Order Item", {"parent": existing, "idx": 1}, "qty") == 100


def test_a_file_with_errors_creates_nothing_and_names_each_cell(masters, people):
	good, bad, lonely = unique("XL"), unique("XL"), unique("XL")
	content = workbook(
		orders=[
			[good, None, masters.customer, None, "2025-03-01", "2025-03-10"],
			[bad, "Telegram", "No Such Customer", None, "2025-02-30", "2025-03-10"],
			[good, None, masters.customer],
			[None, None, masters.customer, None, "2025-03-09", "2025-03-01"],
			[lonely, None, masters.customer, None, "2025-03-09", "2025-03-01"],
		],
		lines=[
			[good, masters.bolt, 5],
			[bad, "NO-SUCH-PRODUCT", 0],
			[bad, masters.nut, "lots", -1],
			["UNKNOWN-REF", masters.nut, 1],
			[good, None, None],
		],
	)
	frappe.set_user(people.clerk)
	result = api.import_orders(upload(content))
	assert result["status"] == "Failed"
	assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in result["errors"]] == [
		("Lines", 3, "B", "Product NO-SUCH-PRODUCT does not exist or is disabled."),
		("Lines", 3, "C", "The quantity must be greater than 0."),
		("Lines", 4, "C", "lots is not a number."),
		("Lines", 4, "D", "The unit price cannot be negative."),
		("Lines", 5, "A", "No order on sheet Orders has external reference UNKNOWN-REF."),
		("Lines", 6, "B", "Product is required."),
		("Lines", 6, "C", "Quantity is required."),
		("Orders", 3, "B", "Channel Telegram is not one of Phone, Email, Online Platform, Fax, Sales Rep, API, Excel Import."),
		("Orders", 3, "C", "Customer No Such Customer does not exist or is disabled."),
		("Orders", 3, "E", "2025-02-30 is not a date; write it as YYYY-MM-DD."),
		("Orders", 4, "A", f"External reference {good} is already on row 2."),
		("Orders", 5, "A", "External Reference is required."),
		("Orders", 6, "A", f"Order {lonely} has no lines."),
		("Orders", 6, "F", "Delivery Date 2025-03-01 is before Order Date 2025-03-09."),
	]  # fmt: skip
	assert orders_with_refs(good, bad) == []

	marked = openpyxl.load_workbook(io.BytesIO(excel_import.read_file(result["error_file"])[0]))
	assert marked.sheetnames[0] == "Errors"
	listing = [row for row in marked["Errors"].iter_rows(min_row=2, values_only=True)]
	assert [(sheet, row, column) for sheet, row, column, _field, _message in listing] == [
		(e["sheet"], e["row"], e["column"]) for e in result["errors"]
	]
	assert marked["Lines"]["C3"].comment.text == "The quantity must be greater than 0."
	assert marked["Lines"]["C3"].fill.fgColor.rgb == "00FFC7CE"
	assert marked["Orders"]["E3"].comment.text == "2025-02-30 is not a date; write it as YYYY-MM-DD."


def test_a_refusal_by_the_order_itself_rolls_back_the_whole_file(masters, people):
	first, second = unique("XL"), unique("XL")
	content = workbook(
		orders=[
			[first, None, masters.customer, None, "2025-03-01", "2025-03-10"],
			[second, None, masters.customer, None, "2025-03-01", "2025-03-10"],
		],
		# Beyond what an order accepts: the order's own validation refuses it.
		lines=[[first, masters.bolt, 5], [second, masters.bolt, 5_000_000_000]],
	)
	frappe.set_user(people.clerk)
	result = excel_import.import_workbook(content)
	assert result["status"] == "Failed"
	assert [(e["sheet"], e["row"], e["column"]) for e in result["errors"]] == [("Orders", 3, "A")]
	assert result["errors"][0]["message"].startswith(
		f"Order {second} was refused: Row 1: Quantity (qty) is larger"
	)
	assert orders_with_refs(first, second) == []


def test_headers_by_field_name_and_missing_columns(masters, people):
	frappe.set_user(people.clerk)
	book = openpyxl.Workbook()
	book.active.title = "Orders"
	book.active.append(["external_ref", "customer", "Colour"])
	book.active.append([unique("XL"), masters.customer, "red"])
	lines = book.create_sheet("Lines")
	lines.append(["external_ref", "qty"])
	buffer = io.BytesIO()
	book.save(buffer)
	result = excel_import.import_workbook(buffer.getvalue())
	assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in result["errors"]] == [
		("Lines", 1, "C", "Column Product is missing."),
		("Orders", 1, "C", "Column Colour is unknown or repeated; use the headers of the template."),
	]
	assert result["error_file"].endswith("-errors.xlsx")


def test_only_users_who_may_create_orders_can_import(masters, people):
	frappe.set_user(people.clerk)
	file_url = upload(good_file(masters, unique("XL"), unique("XL")))
	for profile in ("warehouse", "finance", "reviewer"):
		frappe.set_user(people[profile])
		with pytest.raises(frappe.PermissionError):
			api.import_orders(file_url)
	frappe.set_user(people.clerk2)
	with pytest.raises(frappe.PermissionError):
		api.import_orders(file_url)  # another clerk's private file


def test_a_large_file_runs_in_the_background(masters, people):
	refs = [unique("XL") for _ in range(3)]
	lines = [[refs[n % 3], masters.bolt, n + 1] for n in range(excel_import.BACKGROUND_LINES + 1)]
	content = workbook(orders=[[ref, None, masters.customer] for ref in refs], lines=lines)
	frappe.set_user(people.clerk)
	file_url = upload(content)
	result = api.import_orders(file_url)
	assert (result["status"], result["lines"]) == ("Queued", 501)
	assert result["job_id"].startswith("order-import-")
	assert orders_with_refs(*refs) == []
	# What the worker runs, here in this process:
	done = excel_import.import_file_job(file_url)
	assert done["status"] == "Imported"
	assert len(done["orders"]) == 3
	assert sum(len(frappe.get_doc("OC Order", name).items) for name in done["orders"]) == 501


def stored(doctype: str, name: str, skip: set) -> dict:
	"""Every column of the row as the database holds it, but those in `skip`."""
	row = frappe.db.get_value(doctype, name, "*", as_dict=True)
	return {field: value for field, value in row.items() if field not in skip}


def test_an_imported_order_is_stored_as_one_entered_through_the_form(masters, people):
	# An agreed price, a line without a price (the reference price is taken) and one with a
	# deviation and its reason, a specification given and one from the product, the
	# customer's defaults: everything the order's controller derives.
	customer = frappe.get_doc("OC Customer", masters.customer)
	customer.append("prices", {"product": masters.nut, "rate": 2.5})
	customer.save()
	form_ref, imported_ref = unique("XL"), unique("XL")
	header = {"customer": masters.customer, "order_date": D(2025, 3, 3), "delivery_date": D(2025, 3, 20)}
	lines = [
		{"product": masters.bolt, "qty": 100, "rate": 20, "price_deviation_reason": "rush order"},
		{"product": masters.nut, "qty": 20.5, "specification": "M8 zinc"},
	]
	frappe.set_user(people.clerk)
	by_form = frappe.get_doc(
		{"doctype": "OC Order", "channel": "Excel Import", "external_ref": form_ref, **header, "items": lines}
	).insert()
	result = excel_import.import_workbook(
		workbook(
			orders=[[imported_ref, None, masters.customer, None, D(2025, 3, 3), D(2025, 3, 20)]],
			lines=[
				[imported_ref, masters.bolt, 100, 20, None, "rush order"],
				[imported_ref, masters.nut, 20.5, None, "M8 zinc"],
			],
		)
	)
	assert result["status"] == "Imported", result["errors"]
	imported = frappe.get_doc("OC Order", result["orders"][0])
	frappe.set_user("Administrator")

	own = {"name", "creation", "modified", "external_ref", "intake_key"}
	expected, got = stored("OC Order", by_form.name, own), stored("OC Order", imported.name, own)
	assert got == expected
	assert (got["workflow_state"], got["status"], got["is_complete"], got["owner"]) == (
		"Draft",
		"Draft",
		1,
		people.clerk,
	)
	assert imported.intake_key == f"Excel Import:{imported_ref}"
	assert imported.name.startswith("ORD-")

	row_own = {"name", "parent", "creation", "modified"}
	for table in ("items", "makers"):
		rows = [(table, r.name) for r in by_form.get(table)], [(table, r.name) for r in imported.get(table)]
		assert len(rows[0]) == len(rows[1]) > 0
		skip = row_own | ({"acted_on"} if table == "makers" else set())
		doctype = by_form.meta.get_field(table).options
		assert [stored(doctype, name, skip) for _t, name in rows[1]] == [
			stored(doctype, name, skip) for _t, name in rows[0]
		], table
	assert [r.price_list_rate for r in imported.items] == [12.5, 2.5]
	assert [r.rate for r in imported.items] == [20, 2.5]

	# The workflow's bookkeeping: one open action for the clerks, and no version record.
	def actions(name):
		return [
			(
				a.workflow_state,
				a.status,
				sorted(r.role for r in frappe.get_doc("Workflow Action", a.name).permitted_roles),
			)
			for a in frappe.get_all(
				"Workflow Action",
				filters={"reference_doctype": "OC Order", "reference_name": name},
				fields=["name", "workflow_state", "status"],
			)
		]

	assert (
		actions(imported.name)
		== actions(by_form.name)
		== [("Draft", "Open", ["Order Clerk", "Order Integrator"])]
	)
	assert frappe.db.count(
		"Version", {"ref_doctype": "OC Order", "docname": imported.name}
	) == frappe.db.count("Version", {"ref_doctype": "OC Order", "docname": by_form.name})


def test_a_reference_taken_meanwhile_stops_the_bulk_write(masters, people):
	from order_clerk import bulk_orders
	from order_clerk.exceptions import DuplicateOrderError

	ref = unique("XL")
	payload = {
		"doctype": "OC Order",
		"channel": "Excel Import",
		"external_ref": ref,
		"customer": masters.customer,
		"delivery_date": D(2099, 1, 1),
		"items": [{"product": masters.bolt, "qty": 3}],
	}
	frappe.set_user(people.clerk)
	master_data = bulk_orders.MasterData([payload])
	prepared = bulk_orders.prepare(dict(payload), master_data, bulk_orders.reserve_names(1)[0])
	# Another request takes the same channel and reference after the file was checked.
	taken = frappe.get_doc(dict(payload, items=[{"product": masters.nut, "qty": 1}])).insert()
	frappe.db.savepoint("before_write")
	with pytest.raises(DuplicateOrderError):
		bulk_orders.write([prepared])
	frappe.db.rollback(save_point="before_write")
	assert orders_with_refs(ref) == [taken.name]
