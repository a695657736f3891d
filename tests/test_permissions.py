"""Each role's permissions, in process and through REST, plus a guest and a user with no roles."""

import json

import frappe
import pytest

from tests.utils import act, make_customer, make_order, make_product, rest_order_payload, server_messages

PRICE_FIELDS = ("grand_total",)
ITEM_PRICE_FIELDS = ("rate", "amount", "price_list_rate", "price_deviation_percent", "price_deviation_reason")


@pytest.fixture
def orders(people):
	"""A draft and an approved order, made in this test's transaction."""
	customer, product = make_customer(), make_product()
	frappe.set_user(people.clerk)
	draft = make_order(customer, product)
	approved = make_order(customer, product)
	act(approved.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(approved.name, "Approve")
	frappe.set_user("Administrator")
	return frappe._dict(
		draft=frappe.get_doc("OC Order", draft.name), approved=frappe.get_doc("OC Order", approved.name)
	)


# Row level: may the profile read a draft, and an approved order?
READS = {
	"clerk": (1, 1),
	"reviewer": (1, 1),
	"warehouse": (0, 1),
	"finance": (0, 1),
	"integrator": (0, 0),  # only its own, see below
	"norole": (0, 0),
}

# Role level: what the profile may do with orders at all.
ACTIONS = {
	"clerk": {"create", "write", "delete", "amend"},
	"reviewer": {"write", "submit", "cancel"},
	"warehouse": set(),
	"finance": set(),
	"integrator": {"create"},  # and write on its own orders, see below
	"norole": set(),
}


@pytest.mark.parametrize("profile", list(READS))
def test_document_permissions_by_role(orders, people, profile):
	user = people[profile]
	for doc, expected in zip((orders.draft, orders.approved), READS[profile], strict=True):
		assert bool(frappe.has_permission("OC Order", "read", doc=doc, user=user)) == bool(expected), doc.name
	for ptype in ("create", "write", "delete", "submit", "cancel", "amend"):
		allowed = frappe.has_permission("OC Order", ptype, user=user)
		assert bool(allowed) == (ptype in ACTIONS[profile]), (profile, ptype)


def test_guest_has_no_access(orders):
	for ptype in ("read", "write", "create", "submit", "cancel", "delete"):
		assert not frappe.has_permission("OC Order", ptype, doc=orders.approved, user="Guest")
	for doctype in ("OC Customer", "OC Product", "OC Settings"):
		assert not frappe.has_permission(doctype, "read", user="Guest")


def test_integrator_reads_only_its_own_orders(people):
	customer, product = make_customer(), make_product()
	frappe.set_user(people.integrator)
	own = make_order(customer, product, channel="API")
	frappe.set_user(people.integrator2)
	other = make_order(customer, product, channel="API")
	frappe.set_user(people.integrator)
	visible = frappe.get_list("OC Order", filters={"name": ("in", [own.name, other.name])}, pluck="name")
	assert visible == [own.name]
	assert frappe.has_permission("OC Order", "read", doc=own, user=people.integrator)
	assert not frappe.has_permission("OC Order", "read", doc=other, user=people.integrator)
	assert frappe.has_permission("OC Order", "write", doc=own, user=people.integrator)
	assert not frappe.has_permission("OC Order", "write", doc=other, user=people.integrator)


def test_warehouse_and_finance_list_only_approved_orders(orders, people):
	names = [orders.draft.name, orders.approved.name]
	for profile in ("warehouse", "finance"):
		frappe.set_user(people[profile])
		assert frappe.get_list("OC Order", filters={"name": ("in", names)}, pluck="name") == [
			orders.approved.name
		]
	for profile in ("clerk", "reviewer"):
		frappe.set_user(people[profile])
		assert sorted(frappe.get_list("OC Order", filters={"name": ("in", names)}, pluck="name")) == sorted(
			names
		)


def test_master_data_permissions(people):
	assert frappe.has_permission("OC Customer", "create", user=people.clerk)
	assert frappe.has_permission("OC Product", "write", user=people.clerk)
	for profile in ("reviewer", "finance", "warehouse"):
		assert frappe.has_permission("OC Product", "read", user=people[profile])
		assert not frappe.has_permission("OC Product", "write", user=people[profile])
		assert not frappe.has_permission("OC Customer", "create", user=people[profile])
	for profile in ("integrator", "norole"):
		assert not frappe.has_permission("OC Product", "read", user=people[profile])
		assert not frappe.has_permission("OC Customer", "read", user=people[profile])
	assert not frappe.has_permission("OC Settings", "write", user=people.clerk)
	assert frappe.has_permission("OC Settings", "write", user=people.reviewer)


# through REST


@pytest.fixture(scope="module")
def rest_orders(rest_users):
	"""A draft and an approved order, made through REST."""
	customer, product = make_customer(), make_product()
	frappe.db.commit()  # seen by the server process
	clerk, reviewer = rest_users["clerk"], rest_users["reviewer"]
	payload = rest_order_payload(customer, product, rate=100)
	draft = clerk.create_order(payload).json()["data"]["name"]
	approved = clerk.create_order(payload).json()["data"]["name"]
	assert clerk.apply(approved, "Submit for Review").status_code == 200
	assert reviewer.apply(approved, "Approve").status_code == 200
	return frappe._dict(draft=draft, approved=approved, customer=customer, product=product)


@pytest.mark.rest
def test_warehouse_reads_approved_orders_without_prices(rest_users, rest_orders):
	api = rest_users["warehouse"]
	assert api.get_order(rest_orders.draft).status_code == 403
	response = api.get_order(rest_orders.approved)
	assert response.status_code == 200
	doc = response.json()["data"]
	assert doc["items"][0]["qty"] == 2
	# Frappe blanks fields above the user's permission level (numbers read as 0).
	for field in PRICE_FIELDS:
		assert not doc.get(field), field
	for field in ITEM_PRICE_FIELDS:
		assert not doc["items"][0].get(field), field
	listed = api.get(
		"/api/resource/OC Order",
		fields=json.dumps(["name", "grand_total"]),
		filters=json.dumps([["name", "in", [rest_orders.draft, rest_orders.approved]]]),
	)
	assert listed.status_code == 200
	assert [row["name"] for row in listed.json()["data"]] == [rest_orders.approved]
	assert not listed.json()["data"][0].get("grand_total")
	product = api.get(f"/api/resource/OC Product/{rest_orders.product}").json()["data"]
	assert not product.get("standard_rate")


@pytest.mark.rest
def test_finance_reads_approved_orders_with_amounts(rest_users, rest_orders):
	api = rest_users["finance"]
	assert api.get_order(rest_orders.draft).status_code == 403
	doc = api.get_order(rest_orders.approved).json()["data"]
	assert doc["grand_total"] == 200
	assert doc["items"][0]["amount"] == 200
	assert api.put(f"/api/resource/OC Order/{rest_orders.approved}", {"remarks": "x"}).status_code == 403
	assert api.create_order({"channel": "Phone", "customer": rest_orders.customer}).status_code == 403


@pytest.mark.rest
@pytest.mark.parametrize("profile", ["warehouse", "finance", "integrator", "norole", "reviewer"])
def test_roles_cannot_act_beyond_their_own(rest_users, rest_orders, profile):
	api = rest_users[profile]
	if profile != "reviewer":
		assert api.apply(rest_orders.approved, "Cancel").status_code in (403, 417)
	response = api.post(
		"/api/resource/OC Product", {"product_code": "X-" + profile, "product_name": "x", "uom": "PCS"}
	)
	assert response.status_code == 403
	if profile != "integrator":
		response = api.create_order({"channel": "Phone", "customer": rest_orders.customer})
		assert response.status_code == 403, response.text


@pytest.mark.rest
@pytest.mark.parametrize("profile", ["norole", "guest"])
def test_guest_and_user_without_roles_are_refused(rest_users, guest, rest_orders, profile):
	api = guest if profile == "guest" else rest_users[profile]
	for path in (
		f"/api/resource/OC Order/{rest_orders.approved}",
		"/api/resource/OC Order",
		f"/api/resource/OC Customer/{rest_orders.customer}",
		"/api/resource/OC Settings/OC Settings",
	):
		assert api.get(path).status_code == 403, path
	assert api.create_order({"channel": "Phone", "customer": rest_orders.customer}).status_code == 403
	response = api.apply(rest_orders.draft, "Submit for Review")
	assert response.status_code == 403, response.text
	response = api.get("/api/method/order_clerk.api.get_product_details", product=rest_orders.product)
	assert response.status_code == 403


@pytest.mark.rest
def test_integrator_cannot_read_master_data_or_others_orders(rest_users, rest_orders):
	api = rest_users["integrator"]
	assert api.get(f"/api/resource/OC Customer/{rest_orders.customer}").status_code == 403
	assert api.get(f"/api/resource/OC Product/{rest_orders.product}").status_code == 403
	assert api.get_order(rest_orders.draft).status_code == 403
	assert api.put(f"/api/resource/OC Order/{rest_orders.draft}", {"remarks": "mine now"}).status_code == 403
	response = api.apply(rest_orders.draft, "Submit for Review")
	assert response.status_code == 403, server_messages(response)
