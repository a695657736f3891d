"""The REST contract, against a real server process with token auth.

Every route by which an order could reach "approved" is tried by a maker of the order; each
must be refused and leave the order as it was.
"""

import json
import threading

import frappe
import pytest

from tests.utils import api_order_facts, make_customer, make_product, order_payload, server_messages

pytestmark = pytest.mark.rest


@pytest.fixture(scope="module")
def masters(credentials):
	customer, product = make_customer(), make_product(rate=100)
	frappe.db.commit()  # seen by the server process
	return customer, product


def payload(masters, **kwargs):
	customer, product = masters
	data = order_payload(customer, product, **api_order_facts())
	data.update(kwargs)
	return data


def db_row(name, *fields):
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return frappe.db.get_value(
		"OC Order", name, list(fields) or ["workflow_state", "docstatus", "order_no"], as_dict=True
	)


def count_orders(external_ref):
	frappe.db.rollback()
	return frappe.db.count("OC Order", {"external_ref": external_ref})


def created(api, data):
	response = api.create_order(data)
	assert response.status_code == 200, response.text
	return response.json()["data"]


def pending_order(api, masters, **kwargs):
	order = created(api, payload(masters, **kwargs))
	response = api.apply(order["name"], "Submit for Review")
	assert response.status_code == 200, response.text
	return order["name"]


def test_integrator_flow_with_token_auth(rest_users, masters):
	integrator, reviewer = rest_users["integrator"], rest_users["reviewer"]
	order = created(
		integrator, payload(masters, items=[{"product": masters[1], "qty": 4, "rate": 100, "amount": 1}])
	)
	assert order["workflow_state"] == "Draft"
	assert order["grand_total"] == 400
	assert order["is_complete"] == 1
	assert not order.get("order_no")

	response = integrator.apply(order["name"], "Submit for Review")
	assert response.status_code == 200, response.text
	assert response.json()["message"]["workflow_state"] == "Pending Review"

	response = reviewer.apply(order["name"], "Approve")
	assert response.status_code == 200, response.text

	response = integrator.get_order(order["name"])
	assert response.status_code == 200
	approved = response.json()["data"]
	assert (approved["workflow_state"], approved["docstatus"], approved["status"]) == (
		"Approved",
		1,
		"To Ship",
	)
	assert approved["order_no"].startswith("SO-")

	# The integrator reads only its own orders.
	other = rest_users["integrator2"]
	assert other.get_order(order["name"]).status_code == 403
	listed = other.get("/api/resource/OC Order", filters=json.dumps([["name", "=", order["name"]]]))
	assert listed.status_code == 200 and listed.json()["data"] == []


def test_duplicate_create_is_409_naming_the_existing_order(rest_users, masters):
	api = rest_users["integrator"]
	data = payload(masters)
	first = created(api, data)
	retry = api.create_order(data)
	assert retry.status_code == 409, retry.text
	assert first["name"] in server_messages(retry)
	assert count_orders(data["external_ref"]) == 1


def test_two_identical_creates_at_once_make_one_order(rest_users, masters):
	api_a = rest_users["integrator"]
	# A second session of the same user, so the two requests travel on separate connections.
	from tests.utils import Api

	api_b = Api(api_a.base_url, api_a.session.headers["Host"])
	api_b.session.headers["Authorization"] = api_a.session.headers["Authorization"]
	for _ in range(3):
		data = payload(masters)
		barrier = threading.Barrier(2)
		results = []

		def send(api, data=data, barrier=barrier, results=results):
			barrier.wait()
			results.append(api.create_order(data))

		threads = [threading.Thread(target=send, args=(api,)) for api in (api_a, api_b)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join()
		assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
		winner = next(r for r in results if r.status_code == 200).json()["data"]["name"]
		loser = next(r for r in results if r.status_code == 409)
		assert "already has channel API" in server_messages(loser)
		assert winner in server_messages(loser) or "(being created)" in server_messages(loser)
		assert count_orders(data["external_ref"]) == 1


@pytest.mark.parametrize(
	"change, fragment",
	[
		({"items": [{"qty": 0}]}, "qty"),
		({"items": [{"qty": "lots"}]}, "qty"),
		({"items": [{"rate": -3}]}, "rate"),
		({"items": [{"qty": 1e15}]}, "qty"),
		({"delivery_date": "2001-01-01"}, "Delivery Date"),
		({"delivery_date": "someday"}, "delivery_date"),
		({"customer": "Nobody Ltd"}, "Nobody Ltd"),
		({"items": [{"product": "NOPE"}]}, "NOPE"),
		({"items": "not a table"}, "malformed"),
		({"items": [7]}, "malformed"),
		({"channel": "Pigeon"}, "Channel"),
		({"contact_email": "not-an-email"}, "not-an-email"),
	],
)
def test_bad_input_is_417_naming_the_field_and_saves_nothing(rest_users, masters, change, fragment):
	data = payload(masters)
	if isinstance(change.get("items"), list) and change["items"] and isinstance(change["items"][0], dict):
		change = {**change, "items": [{**data["items"][0], **change["items"][0]}]}
	data.update(change)
	response = rest_users["clerk"].create_order(data)
	assert response.status_code == 417, response.text
	assert fragment in server_messages(response)
	assert count_orders(data["external_ref"]) == 0


def test_empty_order_cannot_go_to_review(rest_users, masters):
	api = rest_users["clerk"]
	order = created(api, payload(masters, items=[]))
	response = api.apply(order["name"], "Submit for Review")
	assert response.status_code == 417
	assert "Items" in server_messages(response)
	assert db_row(order["name"]).workflow_state == "Draft"


def maker_paths(name, doc):
	"""Every REST route to approval, as (description, method, path, body)."""
	approved = {**doc, "workflow_state": "Approved"}
	submitted = {**doc, "docstatus": 1}
	return [
		(
			"apply_workflow",
			"POST",
			"/api/method/frappe.model.workflow.apply_workflow",
			{"doc": {"doctype": "OC Order", "name": name}, "action": "Approve"},
		),
		("PUT workflow_state", "PUT", f"/api/resource/OC Order/{name}", {"workflow_state": "Approved"}),
		("PUT docstatus", "PUT", f"/api/resource/OC Order/{name}", {"docstatus": 1}),
		("PUT both", "PUT", f"/api/resource/OC Order/{name}", {"docstatus": 1, "workflow_state": "Approved"}),
		("frappe.client.submit", "POST", "/api/method/frappe.client.submit", {"doc": approved}),
		(
			"frappe.client.set_value",
			"POST",
			"/api/method/frappe.client.set_value",
			{"doctype": "OC Order", "name": name, "fieldname": "workflow_state", "value": "Approved"},
		),
		(
			"desk savedocs",
			"POST",
			"/api/method/frappe.desk.form.save.savedocs",
			{"doc": json.dumps(submitted), "action": "Submit"},
		),
		(
			"v1 run_doc_method",
			"POST",
			"/api/method/run_doc_method",
			{"docs": json.dumps(doc), "method": "submit"},
		),
		("v2 PATCH", "PATCH", f"/api/v2/document/OC Order/{name}/", {"docstatus": 1}),
		(
			"v2 PUT workflow_state",
			"PUT",
			f"/api/v2/document/OC Order/{name}/",
			{"workflow_state": "Approved"},
		),
		("v2 method submit", "POST", f"/api/v2/document/OC Order/{name}/method/submit/", {}),
		("v2 run_doc_method", "POST", "/api/v2/method/run_doc_method", {"document": doc, "method": "submit"}),
	]


@pytest.mark.parametrize("maker_role", ["creator", "submitter"])
def test_maker_cannot_approve_through_any_rest_path(rest_users, masters, maker_role):
	maker = rest_users["clerk_reviewer"]
	if maker_role == "creator":
		name = pending_order(maker, masters)
	else:
		name = created(rest_users["clerk"], payload(masters))["name"]
		assert maker.apply(name, "Submit for Review").status_code == 200
	doc = maker.get_order(name).json()["data"]
	for description, method, path, body in maker_paths(name, doc):
		response = maker.request(method, path, json=body)
		assert response.status_code in (403, 417), (
			f"{description}: {response.status_code} {response.text[:300]}"
		)
		row = db_row(name)
		assert (row.workflow_state, row.docstatus, row.order_no) == ("Pending Review", 0, None), description
	# A reviewer who did not prepare it approves it, by any of the same routes.
	response = rest_users["reviewer"].put(f"/api/resource/OC Order/{name}", {"docstatus": 1})
	assert response.status_code == 200, response.text
	row = db_row(name)
	assert (row.workflow_state, row.docstatus) == ("Approved", 1)
	assert row.order_no.startswith("SO-")


def test_no_path_skips_review(rest_users, masters):
	clerk, reviewer = rest_users["clerk"], rest_users["reviewer"]
	name = created(clerk, payload(masters))["name"]
	for api in (clerk, reviewer):
		for body in (
			{"docstatus": 1},
			{"workflow_state": "Approved"},
			{"workflow_state": "Pending Review", "docstatus": 1},
		):
			response = api.put(f"/api/resource/OC Order/{name}", body)
			assert response.status_code in (403, 417), response.text
	response = reviewer.post(
		"/api/method/frappe.client.submit", {"doc": clerk.get_order(name).json()["data"]}
	)
	assert response.status_code in (403, 417)
	assert db_row(name).workflow_state == "Draft"
	assert db_row(name).docstatus == 0


def test_order_numbers_have_no_gaps_across_refusals_and_concurrent_approvals(rest_users, masters):
	clerk, maker = rest_users["clerk"], rest_users["clerk_reviewer"]
	reviewers = [rest_users["reviewer"], rest_users["reviewer2"]]
	first = pending_order(clerk, masters)
	assert reviewers[0].apply(first, "Approve").status_code == 200
	start = db_row(first).order_no
	prefix, number = start.rsplit("-", 1)

	refused = pending_order(maker, masters)
	assert maker.apply(refused, "Approve").status_code in (403, 417)
	incomplete = created(clerk, payload(masters, delivery_date=None))["name"]
	assert reviewers[0].put(f"/api/resource/OC Order/{incomplete}", {"docstatus": 1}).status_code == 417

	pair = [pending_order(clerk, masters) for _ in range(2)]
	barrier = threading.Barrier(2)
	results = {}

	def approve(api, name):
		barrier.wait()
		results[name] = api.apply(name, "Approve")

	threads = [
		threading.Thread(target=approve, args=(api, name)) for api, name in zip(reviewers, pair, strict=True)
	]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert all(r.status_code == 200 for r in results.values()), [r.text for r in results.values()]
	numbers = sorted(db_row(name).order_no for name in pair)
	assert numbers == [f"{prefix}-{int(number) + 1:05d}", f"{prefix}-{int(number) + 2:05d}"]
	assert db_row(refused).order_no is None


def test_approved_order_is_read_only_through_rest(rest_users, masters):
	clerk, reviewer = rest_users["clerk"], rest_users["reviewer"]
	name = pending_order(clerk, masters)
	assert reviewer.apply(name, "Approve").status_code == 200
	doc = clerk.get_order(name).json()["data"]
	item = {**doc["items"][0], "qty": 999}
	for api in (clerk, reviewer):
		response = api.put(f"/api/resource/OC Order/{name}", {"items": [item]})
		assert response.status_code in (403, 417), response.text
		response = api.put(f"/api/resource/OC Order/{name}", {"delivery_address": "Moved"})
		assert response.status_code in (403, 417), response.text
	assert db_row(name, "delivery_address").delivery_address != "Moved"
	frappe.db.rollback()
	assert frappe.db.get_value("OC Order Item", {"parent": name}, "qty") == 10


def test_reject_with_reason_through_rest(rest_users, masters):
	clerk, reviewer = rest_users["clerk"], rest_users["reviewer"]
	name = pending_order(clerk, masters)
	response = reviewer.apply(name, "Reject")
	assert response.status_code == 417 and "Rejection Reason" in server_messages(response)
	assert (
		reviewer.put(f"/api/resource/OC Order/{name}", {"rejection_reason": "Wrong spec"}).status_code == 200
	)
	assert reviewer.apply(name, "Reject").status_code == 200
	doc = clerk.get_order(name).json()["data"]
	assert (doc["workflow_state"], doc["rejection_reason"]) == ("Rejected", "Wrong spec")


def test_missing_facts_endpoint(rest_users, masters):
	api = rest_users["clerk"]
	name = created(api, payload(masters, delivery_date=None))["name"]
	response = api.get("/api/method/order_clerk.api.get_missing_facts", order=name)
	assert response.status_code == 200
	assert [fact["fact"] for fact in response.json()["message"]] == ["delivery_date"]
	assert (
		rest_users["norole"].get("/api/method/order_clerk.api.get_missing_facts", order=name).status_code
		== 403
	)
	assert api.post("/api/method/order_clerk.api.get_missing_facts", {"order": name}).status_code in (
		403,
		405,
	)
