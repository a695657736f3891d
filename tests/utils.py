"""Factories for test records and a small client for the REST API."""

import json
import uuid

import frappe
import requests
from frappe.utils import add_days, nowdate


def unique(prefix: str) -> str:
	return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_api_user(profile: str, roles: list[str]) -> tuple[str, str, str]:
	"""The test user of a role profile, with exactly these roles and fresh API keys.

	Kept from run to run (Frappe throttles user creation), reset every time.
	Returns (email, key, secret).
	"""
	email = f"oc-test-{profile.replace('_', '-')}@test.example.com"
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": profile, "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [{"role": role} for role in roles])
	user.enabled = 1
	key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
	user.api_key = key
	user.api_secret = secret
	user.save(ignore_permissions=True)
	assert sorted(r.role for r in user.roles) == sorted(roles), (email, [r.role for r in user.roles])
	return email, key, secret


def make_product(rate: float = 100, **kwargs) -> str:
	code = kwargs.pop("product_code", None) or unique("P")
	frappe.get_doc(
		{
			"doctype": "OC Product",
			"product_code": code,
			"product_name": kwargs.pop("product_name", f"Product {code}"),
			"specification": kwargs.pop("specification", "M8x30"),
			"uom": kwargs.pop("uom", "PCS"),
			"standard_rate": rate,
			**kwargs,
		}
	).insert(ignore_permissions=True)
	return code


def make_customer(**kwargs) -> str:
	name = kwargs.pop("customer_name", None) or unique("Customer")
	frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": name,
			"contact_person": "Zhang Wei",
			"phone": "13800000000",
			"email": kwargs.pop("email", "buyer@customer.example.com"),
			"payment_terms": "Net 30",
			"delivery_address": "88 Zhangjiang Road, Shanghai",
			**kwargs,
		}
	).insert(ignore_permissions=True)
	return name


def order_payload(customer: str, product: str, **kwargs) -> dict:
	"""A complete order: every one of the seven facts is given."""
	payload = {
		"doctype": "OC Order",
		"channel": "Phone",
		"customer": customer,
		"order_date": nowdate(),
		"delivery_date": add_days(nowdate(), 14),
		"items": [{"product": product, "qty": 10, "rate": 100}],
	}
	payload.update(kwargs)
	return payload


def api_order_facts(**kwargs) -> dict:
	"""What an integrator's order states itself: integrators learn no customer defaults."""
	return {
		"channel": "API",
		"external_ref": unique("API"),
		"payment_terms": "Net 30",
		"delivery_address": "88 Zhangjiang Road, Shanghai",
		**kwargs,
	}


def rest_order_payload(customer: str, product: str, qty: float = 2, **line) -> dict:
	"""An order as a client posts it to /api/resource/OC Order, for delivery in 2099."""
	return {
		"channel": "Email",
		"customer": customer,
		"delivery_date": "2099-01-01",
		"items": [{"product": product, "qty": qty, **line}],
	}


def make_order(customer: str | None = None, product: str | None = None, **kwargs):
	customer = customer or make_customer()
	product = product or make_product()
	return frappe.get_doc(order_payload(customer, product, **kwargs)).insert()


class Api:
	"""A REST client for one user (token auth), or a guest when no key is given."""

	def __init__(self, base_url: str, site: str, user: str | None = None, key=None, secret=None):
		self.base_url = base_url
		self.user = user
		self.session = requests.Session()
		self.session.headers["Host"] = site
		self.session.headers["Accept"] = "application/json"
		if key:
			self.session.headers["Authorization"] = f"token {key}:{secret}"

	def request(self, method: str, path: str, **kwargs) -> requests.Response:
		return self.session.request(method, f"{self.base_url}{path}", timeout=60, **kwargs)

	def get(self, path, **params):
		return self.request("GET", path, params=params)

	def post(self, path, data: dict):
		return self.request("POST", path, json=data)

	def put(self, path, data: dict):
		return self.request("PUT", path, json=data)

	def create_order(self, payload: dict):
		return self.post("/api/resource/OC Order", payload)

	def get_order(self, name: str):
		return self.get(f"/api/resource/OC Order/{name}")

	def apply(self, name: str, action: str):
		return self.post(
			"/api/method/frappe.model.workflow.apply_workflow",
			{"doc": {"doctype": "OC Order", "name": name}, "action": action},
		)


def server_messages(response) -> str:
	"""The text of the messages Frappe returns with an error, for asserting on."""
	body = response.json()
	messages = [json.loads(m).get("message", "") for m in json.loads(body.get("_server_messages") or "[]")]
	return " | ".join([*messages, body.get("exception") or "", body.get("message") or ""])


def act(name: str, action: str):
	"""Apply a workflow action the way the desk's Actions menu does, as the current user."""
	from frappe.model.workflow import apply_workflow

	return apply_workflow({"doctype": "OC Order", "name": name}, action)


class QueryCounter:
	"""Counts the SQL statements run inside a `with` block."""

	def __enter__(self):
		self.count = 0
		self._sql = frappe.db.sql

		def counting_sql(*args, **kwargs):
			self.count += 1
			return self._sql(*args, **kwargs)

		frappe.db.sql = counting_sql
		return self

	def __exit__(self, *exc):
		frappe.db.sql = self._sql


def make_warehouse() -> str:
	name = unique("WH")
	frappe.get_doc({"doctype": "OC Warehouse", "warehouse_name": name}).insert(ignore_permissions=True)
	return name


def stocked_world(people, rate: float = 10, stock: float = 100) -> "frappe._dict":
	"""A warehouse holding `stock` of a new product, and a new customer."""
	frappe.set_user("Administrator")
	warehouse = make_warehouse()
	product, customer = make_product(rate=rate), make_customer()
	frappe.set_user(people.warehouse)
	receive_stock(warehouse, product, stock)
	frappe.set_user("Administrator")
	return frappe._dict(warehouse=warehouse, product=product, customer=customer)


def approved_order(people, customer=None, product=None, **kwargs):
	"""An order made by the clerk and approved by the reviewer; leaves the user as Administrator."""
	frappe.set_user(people.clerk)
	order = make_order(customer, product, **kwargs)
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(order.name, "Approve")
	frappe.set_user("Administrator")
	return frappe.get_doc("OC Order", order.name)


def receive_stock(warehouse: str, product: str, qty: float, entry_type: str = "Receipt"):
	entry = frappe.get_doc(
		{
			"doctype": "OC Stock Entry",
			"entry_type": entry_type,
			"warehouse": warehouse,
			"items": [{"product": product, "qty": qty}],
		}
	).insert()
	entry.submit()
	return entry


def make_slip(order: str, warehouse: str, quantities: dict[int, float] | None = None):
	"""A draft outbound slip for the order; quantities by order line idx override the rest."""
	from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip

	slip = make_outbound_slip(order)
	slip.warehouse = warehouse
	if quantities is not None:
		idx_of = {row.name: row.idx for row in frappe.get_doc("OC Order", order).items}
		slip.items = [row for row in slip.items if idx_of[row.order_item] in quantities]
		for row in slip.items:
			row.qty = quantities[idx_of[row.order_item]]
	return slip.insert()


def make_note(slip: str, **kwargs):
	from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note

	note = make_delivery_note(slip)
	note.update({"carrier": "SF Express", "tracking_no": unique("SF"), "vehicle_no": "沪A12345", **kwargs})
	return note.insert()


def attach_receipt(doctype: str, name: str) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"receipt-{name}.txt",
			"content": f"signed receipt of {name}",
			"is_private": 1,
			"attached_to_doctype": doctype,
			"attached_to_name": name,
		}
	).insert(ignore_permissions=True)
	return file.file_url


def sign(note, status, received=None, by="Wang Lei"):
	doc = frappe.get_doc("OC Delivery Note", note)
	doc.sign_status = status
	doc.signed_by = by
	if status != "Refused":
		doc.signed_receipt = attach_receipt("OC Delivery Note", note)
	for row in doc.items:
		if received and row.idx in received:
			row.received_qty = received[row.idx]
	doc.save()
	return doc


def ship(world, people, order, quantities=None):
	"""Slip drafted by the clerk, confirmed by the warehouse; a note dispatched. Returns both names."""
	frappe.set_user(people.clerk)
	slip = make_slip(order, world.warehouse, quantities)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Outbound Slip", slip.name).submit()
	frappe.set_user(people.clerk)
	note = make_note(slip.name)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Delivery Note", note.name).submit()
	frappe.set_user(people.clerk)
	return slip.name, note.name


def keep_user(email: str, roles: list[str]):
	"""A user kept from run to run with exactly these roles: made when missing, and saved (and
	committed, for the server to see) only when its roles differ or it is disabled."""
	frappe.set_user("Administrator")
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	if sorted(r.role for r in user.roles) != sorted(roles) or not user.enabled:
		user.set("roles", [{"role": role} for role in roles])
		user.enabled = 1
		user.save(ignore_permissions=True)
		frappe.db.commit()


def fields_of(doctype: str, name: str, *fields: str) -> "frappe._dict":
	return frappe.db.get_value(doctype, name, list(fields), as_dict=True)


def issue_invoice(people, notes: list[str], invoice_no: str | None = None, invoice_date: str | None = None):
	"""An invoice request for signed delivery notes, submitted by the current user, then issued by
	finance with its copy attached. Leaves the user as Administrator."""
	from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

	request = new_invoice_request(notes).insert()
	request.submit()
	frappe.set_user(people.finance)
	request = frappe.get_doc("OC Invoice Request", request.name)
	request.update(
		{
			"invoice_no": invoice_no or unique("FP"),
			"invoice_date": invoice_date or nowdate(),
			"invoice_copy": attach_receipt("OC Invoice Request", request.name),
		}
	)
	request.save()
	frappe.set_user("Administrator")
	return request


def finished_order(world, people, invoice: bool = True) -> "frappe._dict":
	"""Approved with its original attached, shipped, signed, a finance copy handed over, and
	invoiced when asked: all an archive record needs."""
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 4}]
	)
	frappe.set_user("Administrator")
	frappe.db.set_value("OC Order", order.name, "original_order", attach_receipt("OC Order", order.name))
	slip, note = ship(world, people, order.name)
	sign(note, "Signed")
	doc = frappe.get_doc("OC Outbound Slip", slip)
	doc.append("copies", {"copy": "Finance Copy", "handed_to": "Finance"})
	doc.save()
	if invoice:
		issue_invoice(people, [note])
	frappe.set_user("Administrator")
	return frappe._dict(order=order.name, slip=slip, note=note)


def gathered_record(order: str, people):
	"""The order's archive record, made by the clerk and gathered."""
	from order_clerk import archive

	frappe.set_user(people.clerk)
	record = frappe.get_doc({"doctype": "OC Archive Record", "order": order}).insert()
	archive.gather(record.name)
	return frappe.get_doc("OC Archive Record", record.name)


def workbook(orders: list[list], lines: list[list]) -> bytes:
	"""A filled-in import template: rows from row 2 on, columns in the template's order."""
	import io

	import openpyxl

	from order_clerk.excel_sheets import build_template

	book = openpyxl.load_workbook(io.BytesIO(build_template()))
	for sheet, rows in (("Orders", orders), ("Lines", lines)):
		for row_number, values in enumerate(rows, start=2):
			for column, value in enumerate(values, start=1):
				book[sheet].cell(row=row_number, column=column, value=value)
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()
