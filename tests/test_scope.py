"""Row scope and field-level leaks, attacked through the real server.

Each table below states, per role and path, what comes back; a failure names its row.

- CHILD_ROWS: child-table lists (`?parent=<parent DocType>`) show only rows of parents the
  role may read (order_clerk.permissions.child_query_conditions).
- PRICE_READS: the warehouse reads no price, neither as a product's details nor as a
  customer's agreed price rows.
- HIDDEN_FIELD_QUERIES: filters, sort and group-by on fields above the role's permission
  level are refused with a 403 naming the field (order_clerk.field_access).
- Integrators learn no customer's master data through intake, and no product code through
  the import template.
"""

import io
import json
import time

import frappe
import pytest
from openpyxl import load_workbook

from tests.conftest import ROLE_PROFILES, SITE
from tests.utils import (
	Api,
	make_api_user,
	make_customer,
	make_product,
	rest_order_payload,
	server_messages,
	unique,
)

pytestmark = pytest.mark.rest

AGREED_RATE = 77
CLARIFICATION = "Which colour?"
CUSTOMER_DEFAULTS = ("contact_person", "contact_phone", "contact_email", "delivery_address", "payment_terms")


def _retried(make, attempts: int = 4):
	"""Set-up only: other test sessions on the same database can deadlock a write; try again."""
	for attempt in range(attempts):
		try:
			result = make()
			frappe.db.commit()
			return result
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(2)


def _retried_request(send, attempts: int = 4):
	"""Set-up only: the same for a request whose transaction the database chose as the victim."""
	for _attempt in range(attempts):
		response = send()
		if response.status_code != 500 or (
			"Deadlock" not in response.text and "Lock wait" not in response.text
		):
			return response
		time.sleep(2)
	return response


@pytest.fixture(scope="module")
def rest_users(server):
	"""REST clients of this module's own users, one per role profile: their API keys are not
	renewed by another test session running at the same time."""
	made = {
		profile: _retried(lambda profile=profile, roles=roles: make_api_user(f"scope-{profile}", roles))
		for profile, roles in ROLE_PROFILES.items()
	}
	frappe.db.commit()
	return {profile: Api(server, SITE, *creds) for profile, creds in made.items()}


@pytest.fixture(scope="module")
def scope_world(rest_users):
	"""Orders in every state, one made by an integrator, for a customer with an agreed price."""
	frappe.set_user("Administrator")
	product = make_product(rate=90)
	customer = make_customer()
	customer_doc = frappe.get_doc("OC Customer", customer)
	customer_doc.append("prices", {"product": product, "rate": AGREED_RATE})
	customer_doc.save(ignore_permissions=True)
	frappe.db.commit()  # seen by the server process

	clerk, reviewer = rest_users["clerk"], rest_users["reviewer"]
	payload = rest_order_payload(customer, product, rate=AGREED_RATE)

	def create(api, **extra):
		response = _retried_request(lambda: api.create_order({**payload, **extra}))
		assert response.status_code == 200, server_messages(response)
		return response.json()["data"]["name"]

	orders = frappe._dict(
		draft=create(clerk, clarifications=[{"question": CLARIFICATION, "asked_to": "buyer"}]),
		pending=create(clerk),
		approved=create(clerk),
		integrators=create(rest_users["integrator"], external_ref=unique("PO")),
	)
	for name, steps in ((orders.pending, ()), (orders.approved, ("Approve",))):
		response = _retried_request(lambda name=name: clerk.apply(name, "Submit for Review"))
		assert response.status_code == 200, server_messages(response)
		for step in steps:
			response = _retried_request(lambda name=name, step=step: reviewer.apply(name, step))
			assert response.status_code == 200, server_messages(response)
	by_name = {name: label for label, name in orders.items()}
	price_row = frappe.db.get_value("OC Customer Price", {"parent": customer, "product": product}, "name")
	return frappe._dict(
		product=product, customer=customer, orders=orders, by_name=by_name, price_row=price_row
	)


# Ways to list rows of a DocType; each returns the rows as dicts, or the HTTP status on refusal.


def _rows(response, key="data"):
	if response.status_code != 200:
		return response.status_code
	return response.json()[key]


def via_resource(api, doctype, parent=None, **query):
	params = {k: json.dumps(v) for k, v in query.items()}
	return _rows(api.get(f"/api/resource/{doctype}", parent=parent, limit_page_length=1000, **params))


def via_v2(api, doctype, parent=None, **query):
	params = {k: json.dumps(v) for k, v in query.items()}
	return _rows(api.get(f"/api/v2/document/{doctype}", parent=parent, limit=1000, **params))


def via_client_get_list(api, doctype, parent=None, **query):
	params = {k: json.dumps(v) for k, v in query.items()}
	response = api.get(
		"/api/method/frappe.client.get_list", doctype=doctype, parent=parent, limit_page_length=1000, **params
	)
	return _rows(response, "message")


def via_reportview(api, doctype, parent=None, **query):
	fields = [f"`tab{doctype}`.`{field}`" for field in query.pop("fields", ["name"])]
	data = {"doctype": doctype, "fields": fields, "page_length": 1000, **query}
	if parent:
		data["parent_doctype"] = parent
	response = api.post("/api/method/frappe.desk.reportview.get", data)
	if response.status_code != 200:
		return response.status_code
	message = response.json()["message"] or {"keys": [], "values": []}
	return [dict(zip(message["keys"], values, strict=True)) for values in message["values"]]


LIST_PATHS = {
	"/api/resource": via_resource,
	"/api/v2/document": via_v2,
	"frappe.client.get_list": via_client_get_list,
	"frappe.desk.reportview.get": via_reportview,
}

EVERY_ORDER = {"draft", "pending", "approved", "integrators"}

# (profile, child DocType, parent DocType, orders whose rows come back)
CHILD_ROWS = [
	("clerk", "OC Order Item", "OC Order", EVERY_ORDER),
	("reviewer", "OC Order Item", "OC Order", EVERY_ORDER),
	("warehouse", "OC Order Item", "OC Order", {"approved"}),
	("finance", "OC Order Item", "OC Order", {"approved"}),
	("integrator", "OC Order Item", "OC Order", {"integrators"}),
	("integrator2", "OC Order Item", "OC Order", set()),
	("clerk", "OC Order Clarification", "OC Order", {"draft"}),
	("warehouse", "OC Order Clarification", "OC Order", set()),
	("finance", "OC Order Clarification", "OC Order", set()),
	("integrator", "OC Order Clarification", "OC Order", set()),
]


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(("profile", "child", "parent", "expected"), CHILD_ROWS)
def test_child_rows_follow_the_parents_scope(rest_users, scope_world, path, profile, child, parent, expected):
	rows = LIST_PATHS[path](
		rest_users[profile],
		child,
		parent,
		fields=["parent"],
		filters=[["parent", "in", list(scope_world.by_name)]],
	)
	assert rows != 500, (profile, path)
	seen = {scope_world.by_name[row["parent"]] for row in rows} if isinstance(rows, list) else set()
	assert seen == expected, (profile, child, path, rows)


# (profile, child DocType, parent DocType, HTTP status) for roles without the parent DocType
CHILD_LISTS_REFUSED = [
	("integrator", "OC Outbound Slip Item", "OC Outbound Slip"),
	("integrator", "OC Delivery Note Item", "OC Delivery Note"),
	("integrator", "OC Invoice Request Note", "OC Invoice Request"),
	("integrator", "OC Order Exception Line", "OC Order Exception"),
	("integrator", "OC Archive Item", "OC Archive Record"),
	("warehouse", "OC Invoice Request Note", "OC Invoice Request"),
	("warehouse", "OC Archive Item", "OC Archive Record"),
	("norole", "OC Order Item", "OC Order"),
]


@pytest.mark.parametrize(("profile", "child", "parent"), CHILD_LISTS_REFUSED)
def test_child_lists_of_unreadable_parents_are_refused(rest_users, profile, child, parent):
	for path, list_rows in LIST_PATHS.items():
		assert list_rows(rest_users[profile], child, parent, fields=["parent"]) == 403, (path, child)


def test_a_child_document_is_read_only_with_its_parent(rest_users, scope_world):
	line = frappe.db.get_value("OC Order Item", {"parent": scope_world.orders.draft}, "name")
	for profile, status in (("integrator", 403), ("warehouse", 403), ("clerk", 200)):
		response = rest_users[profile].get(f"/api/resource/OC Order Item/{line}")
		assert response.status_code == status, (profile, response.text)


def test_every_child_table_of_the_app_is_scoped(rest_users):
	"""Child tables added later are covered too: the condition is hooked on every DocType."""
	from order_clerk.permissions import child_query_conditions

	children = frappe.get_all("DocType", filters={"module": "Order Clerk", "istable": 1}, pluck="name")
	assert "OC Order Item" in children
	for child in children:
		assert child_query_conditions(rest_users["integrator"].user, doctype=child), child
	assert not child_query_conditions(rest_users["integrator"].user, doctype="OC Order")
	assert not child_query_conditions(rest_users["integrator"].user, doctype="Has Role")


def test_counts_keep_to_the_rows_a_user_may_read(rest_users, scope_world):
	"""frappe.client.get_count counted every row of any DocType, whoever asked."""
	names = list(scope_world.by_name)
	for profile, expected in (("integrator", 1), ("warehouse", 1), ("clerk", 4)):
		response = rest_users[profile].get(
			"/api/method/frappe.client.get_count",
			doctype="OC Order",
			filters=json.dumps([["name", "in", names]]),
		)
		assert response.status_code == 200, (profile, response.text)
		assert response.json()["message"] == expected, profile
	response = rest_users["integrator"].get(
		"/api/method/frappe.client.get_count", doctype="OC Order Item", filters=json.dumps({})
	)
	assert response.status_code == 403
	response = rest_users["norole"].get("/api/method/frappe.client.get_count", doctype="OC Order")
	assert response.status_code == 403


# prices


def test_warehouse_gets_product_details_without_a_price(rest_users, scope_world):
	path = "/api/method/order_clerk.api.get_product_details"
	for profile, sees_price in (("warehouse", False), ("finance", True), ("clerk", True)):
		response = rest_users[profile].get(path, product=scope_world.product, customer=scope_world.customer)
		assert response.status_code == 200, (profile, response.text)
		details = response.json()["message"]
		assert details["uom"] == "PCS"
		if sees_price:
			assert details["price_list_rate"] == AGREED_RATE, profile
		else:
			assert "price_list_rate" not in details, profile


# (profile, agreed price rows of the customer that come back)
PRICE_ROWS = [
	("warehouse", 0),
	("finance", 1),
	("clerk", 1),
	("reviewer", 1),
]


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(("profile", "expected"), PRICE_ROWS)
def test_agreed_prices_list_only_for_roles_that_read_prices(rest_users, scope_world, path, profile, expected):
	rows = LIST_PATHS[path](
		rest_users[profile],
		"OC Customer Price",
		"OC Customer",
		fields=["parent", "product", "rate"],
		filters=[["parent", "=", scope_world.customer]],
	)
	assert isinstance(rows, list), (profile, path, rows)
	assert len(rows) == expected, (profile, path, rows)
	for row in rows:
		assert row["rate"] == AGREED_RATE


def test_warehouse_cannot_open_an_agreed_price_row(rest_users, scope_world):
	response = rest_users["warehouse"].get(f"/api/resource/OC Customer Price/{scope_world.price_row}")
	assert response.status_code == 403
	customer = rest_users["warehouse"].get(f"/api/resource/OC Customer/{scope_world.customer}").json()["data"]
	assert not customer.get("prices")


# filters, sort and group-by on hidden fields


def _filter_on(field, child=None):
	return lambda scope_world: [
		["name", "=", scope_world.orders.approved],
		[child, field, ">", 0] if child else [field, ">", 0],
	]


# (profile, DocType, parent DocType, query, field named in the refusal or None when allowed)
HIDDEN_FIELD_QUERIES = [
	("warehouse", "OC Order", None, {"filters": _filter_on("grand_total")}, "grand_total"),
	("warehouse", "OC Order", None, {"or_filters": _filter_on("grand_total")}, "grand_total"),
	("warehouse", "OC Order", None, {"filters": _filter_on("rate", "OC Order Item")}, "rate"),
	("warehouse", "OC Order", None, {"order_by": "grand_total desc"}, "grand_total"),
	("warehouse", "OC Order", None, {"group_by": "grand_total"}, "grand_total"),
	("warehouse", "OC Order Item", "OC Order", {"filters": _filter_on("amount")}, "amount"),
	("warehouse", "OC Order Item", "OC Order", {"order_by": "rate asc"}, "rate"),
	("warehouse", "OC Product", None, {"filters": [["standard_rate", ">", 0]]}, "standard_rate"),
	("finance", "OC Order", None, {"filters": _filter_on("grand_total")}, None),
	("finance", "OC Order", None, {"order_by": "grand_total desc"}, None),
	("clerk", "OC Order Item", "OC Order", {"filters": _filter_on("rate")}, None),
]


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize(("profile", "doctype", "parent", "query", "field"), HIDDEN_FIELD_QUERIES)
def test_hidden_fields_answer_no_questions(
	rest_users, scope_world, path, profile, doctype, parent, query, field
):
	query = {key: value(scope_world) if callable(value) else value for key, value in query.items()}
	if doctype == "OC Order Item" and "filters" in query:
		query["filters"] = [["parent", "=", scope_world.orders.approved], query["filters"][1]]
	api = rest_users[profile]
	if path == "frappe.desk.reportview.get":
		response = api.post(
			"/api/method/frappe.desk.reportview.get",
			{"doctype": doctype, "fields": [f"`tab{doctype}`.`name`"], "parent_doctype": parent, **query},
		)
	else:
		rows = LIST_PATHS[path](api, doctype, parent, fields=["name"], **query)
		response = None
	status = response.status_code if response is not None else (rows if isinstance(rows, int) else 200)
	if field is None:
		assert status == 200, (profile, path, query)
		return
	assert status == 403, (profile, path, query, rows if response is None else response.text)
	if response is None:
		response = _raw(api, path, doctype, parent, query)
	# The message names the field (/api/v2 reports errors in its own shape: read the body).
	assert f"({field})" in response.text, (path, response.text)


def _raw(api, path, doctype, parent, query):
	params = {k: json.dumps(v) for k, v in query.items()}
	if path == "/api/resource":
		return api.get(f"/api/resource/{doctype}", parent=parent, fields='["name"]', **params)
	if path == "/api/v2/document":
		return api.get(f"/api/v2/document/{doctype}", parent=parent, fields='["name"]', **params)
	return api.get("/api/method/frappe.client.get_list", doctype=doctype, parent=parent, **params)


@pytest.mark.parametrize(
	"method", ["frappe.client.get_count", "frappe.desk.reportview.get_count", "frappe.client.get_value"]
)
def test_counts_and_values_answer_no_questions_on_hidden_fields(rest_users, scope_world, method):
	filters = json.dumps(_filter_on("grand_total")(scope_world))
	params = {"doctype": "OC Order", "filters": filters}
	if method == "frappe.client.get_value":
		params["fieldname"] = "name"
	for profile, status in (("warehouse", 403), ("finance", 200)):
		response = rest_users[profile].get(f"/api/method/{method}", **params)
		assert response.status_code == status, (profile, method, response.text)
		if status == 403:
			assert "grand_total" in server_messages(response)


def test_group_by_count_of_the_sidebar_refuses_hidden_fields(rest_users, scope_world):
	response = rest_users["warehouse"].post(
		"/api/method/frappe.desk.listview.get_group_by_count",
		{"doctype": "OC Order", "current_filters": "[]", "field": "grand_total"},
	)
	assert response.status_code == 403, response.text


# what an integrator learns


def integrator_order(scope_world, rate=None, **facts) -> dict:
	"""An integrator's order of three of the world's product, stating only the facts given."""
	line = {} if rate is None else {"rate": rate}
	payload = rest_order_payload(scope_world.customer, scope_world.product, qty=3, **line)
	return {**payload, "channel": "API", "external_ref": unique("PO"), **facts}


def test_integrator_order_gets_no_customer_master_data(rest_users, scope_world):
	api = rest_users["integrator"]
	response = api.create_order(integrator_order(scope_world))
	assert response.status_code == 200, server_messages(response)
	name = response.json()["data"]["name"]
	for doc in (response.json()["data"], api.get_order(name).json()["data"]):
		for field in CUSTOMER_DEFAULTS:
			assert not doc.get(field), field
		assert not doc["items"][0]["rate"]
	# A clerk saving the integrator's order does not copy them in either.
	clerk = rest_users["clerk"]
	assert clerk.put(f"/api/resource/OC Order/{name}", {"remarks": "checked"}).status_code == 200
	assert not api.get_order(name).json()["data"].get("contact_phone")
	missing = api.get("/api/method/order_clerk.api.get_missing_facts", order=name).json()["message"]
	assert {"delivery_address", "payment_terms", "rate"} <= {fact["fact"] for fact in missing}


def test_integrator_reads_its_own_prices_but_never_the_agreed_one(rest_users, scope_world):
	"""The reference price (the customer's agreed price) and the deviation from it are
	permlevel 2; a price far off the agreed one goes to review without the integrator being
	told so (the reviewer sees the deviation)."""
	api = rest_users["integrator"]
	response = api.create_order(
		integrator_order(scope_world, rate=150, payment_terms="Net 30", delivery_address="1 Test Road")
	)
	assert response.status_code == 200, server_messages(response)
	name = response.json()["data"]["name"]
	line = api.get_order(name).json()["data"]["items"][0]
	assert line["rate"] == 150
	assert line["amount"] == 450
	assert not line.get("price_list_rate")
	assert not line.get("price_deviation_percent")
	response = api.apply(name, "Submit for Review")
	assert response.status_code == 200, server_messages(response)
	assert "%" not in json.dumps(api.get_order(name).json()["data"])
	line = rest_users["reviewer"].get_order(name).json()["data"]["items"][0]
	assert line["price_list_rate"] == AGREED_RATE
	assert line["price_deviation_percent"] > 90


def test_clerk_order_still_gets_the_customers_defaults(rest_users, scope_world):
	response = rest_users["clerk"].create_order(
		{
			"channel": "Phone",
			"customer": scope_world.customer,
			"delivery_date": "2099-01-01",
			"items": [{"product": scope_world.product, "qty": 3}],
		}
	)
	assert response.status_code == 200, server_messages(response)
	doc = response.json()["data"]
	assert doc["contact_phone"] == "13800000000"
	assert doc["delivery_address"]
	assert doc["items"][0]["rate"] == AGREED_RATE


def _template_values(api) -> set:
	response = api.get("/api/method/order_clerk.api.download_order_import_template")
	assert response.status_code == 200, response.text
	workbook = load_workbook(io.BytesIO(response.content))
	return {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value}


def test_import_template_lists_only_products_the_user_may_read(rest_users, scope_world):
	assert scope_world.product not in _template_values(rest_users["integrator"])
	assert scope_world.product in _template_values(rest_users["clerk"])
