"""The form's completeness is the server's: `order_clerk.api.check_facts` on the form as it stands.

The desk sends the order it holds, saved or not, and shows what comes back; nothing is saved.
The answer must be the one `missing_facts` gives for the same values once saved, so the form and
the review step can never disagree.
"""

import frappe
import pytest

from tests.utils import api_order_facts, make_customer, make_product, order_payload, server_messages

pytestmark = pytest.mark.rest

CHECK = "/api/method/order_clerk.api.check_facts"


@pytest.fixture(scope="module")
def masters(credentials):
	customer, product = make_customer(), make_product(rate=100)
	frappe.db.commit()  # seen by the server process
	return customer, product


def form(masters, **kwargs) -> dict:
	customer, product = masters
	doc = order_payload(customer, product, **api_order_facts())
	doc.update(kwargs)
	return doc


def facts(api, doc) -> list[dict]:
	response = api.post(CHECK, {"doc": doc})
	assert response.status_code == 200, response.text
	return response.json()["message"]


def order_count() -> int:
	frappe.db.rollback()
	return frappe.db.count("OC Order")


def test_an_unsaved_order_gets_the_facts_still_missing_and_nothing_is_saved(rest_users, masters):
	clerk = rest_users["clerk"]
	before = order_count()
	doc = form(masters, delivery_date=None, payment_terms="  ")
	doc["items"][0]["rate"] = 0
	answer = facts(clerk, doc)
	assert [(fact["fact"], fact["row"]) for fact in answer] == [
		("rate", 1),
		("delivery_date", None),
		("payment_terms", None),
	]
	assert [fact["message"] for fact in answer] == ["Row 1: Unit Price", "Delivery Date", "Payment Terms"]
	assert facts(clerk, form(masters)) == []
	assert facts(clerk, {}) == [
		{"fact": fact, "row": None, "message": message}
		for fact, message in (
			("customer", "Customer"),
			("items", "Items (product, quantity and unit price)"),
			("delivery_date", "Delivery Date"),
			("payment_terms", "Payment Terms"),
			("delivery_address", "Delivery Address"),
		)
	]
	assert order_count() == before


def test_the_answer_is_the_one_the_saved_order_gives(rest_users, masters):
	clerk = rest_users["clerk"]
	doc = form(masters)
	doc["items"][0]["rate"] = 80
	doc["items"].append({"product": None, "qty": 3, "rate": 0})
	response = clerk.create_order(doc)
	assert response.status_code == 200, response.text
	saved = response.json()["data"]
	stored = clerk.get("/api/method/order_clerk.api.get_missing_facts", order=saved["name"])
	assert stored.status_code == 200
	# The form as the desk holds it after saving: the server's deviation on each row.
	answer = facts(clerk, saved)
	assert answer == stored.json()["message"]
	assert [(fact["fact"], fact["row"]) for fact in answer] == [
		("price_deviation_reason", 1),
		("product", 2),
		("rate", 2),
	]
	assert answer[0]["message"] == "Row 1: Reason for the price deviation of -20.0% from the reference price"


def test_a_deviation_is_asked_about_only_of_who_may_read_prices(rest_users, masters):
	doc = form(masters)
	# As the browser sends it: -20, not -20.0.
	doc["items"][0].update(rate=80, price_deviation_percent=-20)
	assert [fact["message"] for fact in facts(rest_users["clerk"], doc)] == [
		"Row 1: Reason for the price deviation of -20.0% from the reference price"
	]
	doc["items"][0]["price_deviation_reason"] = "Volume discount"
	assert facts(rest_users["clerk"], doc) == []
	# The integrator reads no reference price: the reviewer judges its deviations.
	doc["items"][0]["price_deviation_reason"] = ""
	assert facts(rest_users["integrator"], doc) == []


def test_who_may_ask(rest_users, masters):
	doc = form(masters)
	# No role, or a role that creates no orders, for a new order: refused.
	for profile in ("norole", "warehouse", "finance"):
		response = rest_users[profile].post(CHECK, {"doc": doc})
		assert response.status_code == 403, (profile, response.text)
	# A saved order: whoever may read it; the integrator may not read another's draft.
	response = rest_users["clerk"].create_order(doc)
	name = response.json()["data"]["name"]
	assert rest_users["reviewer"].post(CHECK, {"doc": {**doc, "name": name}}).status_code == 200
	assert rest_users["integrator"].post(CHECK, {"doc": {**doc, "name": name}}).status_code == 403
	# Only by POST.
	assert rest_users["clerk"].get(CHECK, doc=frappe.as_json(doc)).status_code in (403, 405)


@pytest.mark.parametrize(
	"bad",
	["not json", "[1, 2]", [1, 2], {"items": "many"}, {"items": [1, 2]}, 42, None],
	ids=["text", "list-text", "list", "items-text", "items-numbers", "number", "nothing"],
)
def test_a_malformed_order_is_refused_with_a_message(rest_users, bad):
	response = rest_users["clerk"].post(CHECK, {"doc": bad})
	assert response.status_code == 417, response.text
	assert "Send the order as a JSON object." in server_messages(response)
