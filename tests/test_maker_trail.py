"""The maker trail: who made an order is recorded by the server and cannot be rewritten.

Makers (who created the order, changed its content, or submitted it for review in any round)
are rows of the order's OC Order Maker table. Every framework path a client could use to
rewrite them, or the review fields beside them, is tried; the saved trail must stay as the
server wrote it. Also: the reviewer's "Awaiting My Review" list, the migration of old orders,
and the archive's approval trail, which no comment can forge.
"""

import json

import frappe
import pytest

from order_clerk import review
from order_clerk.approval_trail import approval_trail
from order_clerk.exceptions import ReviewPermissionError
from order_clerk.order_clerk.doctype.oc_order.oc_order import get_orders_awaiting_my_review
from order_clerk.patches import fill_order_makers
from tests.utils import (
	Api,
	act,
	approved_order,
	make_api_user,
	make_customer,
	make_order,
	make_product,
	order_payload,
	unique,
)

REST = pytest.mark.rest
AWAITING = "/api/method/order_clerk.order_clerk.doctype.oc_order.oc_order.get_orders_awaiting_my_review"


def trail(name: str) -> list[tuple[str, str]]:
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return [
		(row.user, row.action)
		for row in frappe.get_all(
			"OC Order Maker",
			filters={"parent": name, "parenttype": "OC Order"},
			fields=["user", "action"],
			order_by="idx",
		)
	]


def review_fields(name: str) -> dict:
	return frappe.db.get_value(
		"OC Order",
		name,
		["owner", "prepared_by", "submitted_for_review_by", "approved_by", "rejected_by"],
		as_dict=True,
	)


# REST users of this module's own, so that no other test run resets their keys meanwhile.
TEAM = {
	"maker": ["Order Clerk", "Order Reviewer"],
	"clerk": ["Order Clerk"],
	"reviewer": ["Order Reviewer"],
	"reviewer2": ["Order Reviewer"],
	"integrator": ["Order Integrator"],
	"norole": [],
}


@pytest.fixture(scope="module")
def team(server):
	made = {}
	for profile, roles in TEAM.items():
		email, key, secret = make_api_user(f"maker_trail_{profile}", roles)
		made[profile] = Api(server, frappe.local.site, email, key, secret)
	frappe.db.commit()  # seen by the server process
	return made


@pytest.fixture(scope="module")
def masters(team):
	customer, product = make_customer(), make_product(rate=100)
	frappe.db.commit()  # seen by the server process
	return customer, product


def rest_order(api, masters, submit=False) -> dict:
	customer, product = masters
	response = api.create_order(order_payload(customer, product, channel="API", external_ref=unique("API")))
	assert response.status_code == 200, response.text
	name = response.json()["data"]["name"]
	if submit:
		response = api.apply(name, "Submit for Review")
		assert response.status_code == 200, response.text
	return api.get_order(name).json()["data"]


# the table is the server's


def test_a_new_order_has_one_maker_row_whatever_the_client_sends(people):
	frappe.set_user(people.clerk_reviewer)
	order = make_order(
		makers=[{"user": people.reviewer, "action": "Created"}, {"user": people.clerk, "action": "Changed"}],
		prepared_by=people.reviewer,
		submitted_for_review_by=people.reviewer,
		approved_by=people.reviewer,
	)
	assert [(row.user, row.action) for row in order.makers] == [(people.clerk_reviewer, "Created")]
	assert (order.prepared_by, order.submitted_for_review_by, order.approved_by) == (
		people.clerk_reviewer,
		None,
		None,
	)
	assert review.makers_of(order) == {people.clerk_reviewer}


def test_changes_and_every_submission_are_recorded(people):
	frappe.set_user(people.clerk)
	order = make_order()
	frappe.set_user(people.clerk2)
	doc = frappe.get_doc("OC Order", order.name)
	doc.items[0].qty = 12
	doc.save()
	doc.items[0].qty = 14
	doc.save()  # a second change by the same person adds no row
	act(order.name, "Submit for Review")
	doc = frappe.get_doc("OC Order", order.name)
	assert [(row.user, row.action) for row in doc.makers] == [
		(people.clerk, "Created"),
		(people.clerk2, "Changed"),
		(people.clerk2, "Submitted for Review"),
	]
	assert doc.prepared_by.splitlines() == [people.clerk, people.clerk2]
	assert doc.submitted_for_review_by == people.clerk2
	assert doc.submitted_for_review_on == doc.makers[2].acted_on


def test_whoever_submitted_in_an_earlier_round_stays_a_maker(people):
	frappe.set_user(people.clerk)
	order = make_order()
	frappe.set_user(people.clerk_reviewer)
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	doc = frappe.get_doc("OC Order", order.name)
	doc.rejection_reason = "Check the delivery date"
	doc.save()
	act(order.name, "Reject")
	frappe.set_user(people.clerk)
	act(order.name, "Submit for Review")
	assert frappe.db.get_value("OC Order", order.name, "submitted_for_review_by") == people.clerk
	frappe.set_user(people.clerk_reviewer)
	with pytest.raises(ReviewPermissionError, match="cannot approve"):
		act(order.name, "Approve")
	assert frappe.db.get_value("OC Order", order.name, "docstatus") == 0
	frappe.set_user(people.reviewer2)
	act(order.name, "Approve")
	assert frappe.db.get_value("OC Order", order.name, "docstatus") == 1


def test_a_rewritten_trail_in_process_is_put_back(people):
	frappe.set_user(people.clerk_reviewer)
	order = make_order()
	act(order.name, "Submit for Review")
	doc = frappe.get_doc("OC Order", order.name)
	doc.set("makers", [{"user": people.clerk, "action": "Created"}])
	doc.owner = doc.submitted_for_review_by = people.clerk
	with pytest.raises(ReviewPermissionError):
		doc.submit()
	assert frappe.db.get_value("OC Order", order.name, "docstatus") == 0
	assert [row.user for row in frappe.get_doc("OC Order", order.name).makers] == [people.clerk_reviewer] * 2


def test_every_action_of_the_workflow_has_its_step():
	assert set(review.STEPS) == {transition.action for transition in review.TRANSITIONS}


# through the REST API, as a maker trying to clean the trail


def forged(user: str) -> dict:
	return {
		"makers": [{"user": user, "action": "Created"}],
		"owner": user,
		"prepared_by": user,
		"submitted_for_review_by": user,
		"rejected_by": user,
	}


def rewrite_paths(name: str, doc: dict, values: dict) -> list[tuple]:
	"""Every route that saves an order, as (description, method, path, body)."""
	return [
		("PUT", "PUT", f"/api/resource/OC Order/{name}", values),
		("v2 PATCH", "PATCH", f"/api/v2/document/OC Order/{name}/", values),
		("v2 PUT", "PUT", f"/api/v2/document/OC Order/{name}/", values),
		(
			"frappe.client.set_value",
			"POST",
			"/api/method/frappe.client.set_value",
			{"doctype": "OC Order", "name": name, "fieldname": values},
		),
		(
			"frappe.client.bulk_update",
			"POST",
			"/api/method/frappe.client.bulk_update",
			{"docs": json.dumps([{"doctype": "OC Order", "docname": name, **values}])},
		),
		(
			"frappe.client.save",
			"POST",
			"/api/method/frappe.client.save",
			{"doc": {**doc, **values}},
		),
		(
			"desk savedocs",
			"POST",
			"/api/method/frappe.desk.form.save.savedocs",
			{"doc": json.dumps({**doc, **values}), "action": "Save"},
		),
	]


@REST
def test_no_save_path_rewrites_the_trail(team, masters):
	maker = team["maker"]
	doc = rest_order(maker, masters)
	name = doc["name"]
	expected = [(team["maker"].user, "Created")]
	for index in range(len(rewrite_paths(name, doc, {}))):
		# Built from the latest version of the order: the paths that send it whole need it.
		doc = maker.get_order(name).json()["data"]
		description, method, path, body = rewrite_paths(name, doc, forged(team["reviewer2"].user))[index]
		response = maker.request(method, path, json=body)
		# The save goes through; what it says about the makers is ignored.
		assert response.status_code == 200, f"{description}: {response.text[:300]}"
		if description == "frappe.client.bulk_update":
			assert response.json()["message"]["failed_docs"] == [], response.text
		assert trail(name) == expected, description
		fields = review_fields(name)
		assert (fields.owner, fields.prepared_by) == (team["maker"].user, team["maker"].user), description
		assert (fields.submitted_for_review_by, fields.rejected_by) == (None, None), description


@REST
def test_no_approval_path_accepts_a_cleaned_trail(team, masters):
	maker = team["maker"]
	doc = rest_order(maker, masters, submit=True)
	name = doc["name"]
	cleaned = {**doc, **forged(team["reviewer2"].user)}
	paths = [
		("PUT", "PUT", f"/api/resource/OC Order/{name}", {**forged(team["reviewer2"].user), "docstatus": 1}),
		(
			"v2 PATCH",
			"PATCH",
			f"/api/v2/document/OC Order/{name}/",
			{**forged(team["reviewer2"].user), "docstatus": 1},
		),
		("frappe.client.submit", "POST", "/api/method/frappe.client.submit", {"doc": cleaned}),
		(
			"desk savedocs",
			"POST",
			"/api/method/frappe.desk.form.save.savedocs",
			{"doc": json.dumps({**cleaned, "docstatus": 1}), "action": "Submit"},
		),
		(
			"run_doc_method",
			"POST",
			"/api/method/run_doc_method",
			{"docs": json.dumps(cleaned), "method": "submit"},
		),
		(
			"v2 run_doc_method",
			"POST",
			"/api/v2/method/run_doc_method",
			{"document": cleaned, "method": "submit"},
		),
	]
	expected = [(team["maker"].user, "Created"), (team["maker"].user, "Submitted for Review")]
	for description, method, path, body in paths:
		response = maker.request(method, path, json=body)
		assert response.status_code == 403, f"{description}: {response.status_code} {response.text[:300]}"
		assert trail(name) == expected, description
		assert frappe.db.get_value("OC Order", name, "docstatus") == 0, description


@REST
def test_maker_rows_cannot_be_changed_on_their_own(team, masters):
	maker = team["maker"]
	name = rest_order(maker, masters)["name"]
	row = frappe.db.get_value("OC Order Maker", {"parent": name}, "name")
	expected = [(team["maker"].user, "Created")]
	attempts = [
		("PUT row", "PUT", f"/api/resource/OC Order Maker/{row}", {"user": team["reviewer2"].user}),
		(
			"v2 PATCH row",
			"PATCH",
			f"/api/v2/document/OC Order Maker/{row}/",
			{"user": team["reviewer2"].user},
		),
		("DELETE row", "DELETE", f"/api/resource/OC Order Maker/{row}", None),
		(
			"set_value on the row",
			"POST",
			"/api/method/frappe.client.set_value",
			{"doctype": "OC Order Maker", "name": row, "fieldname": "user", "value": team["reviewer2"].user},
		),
		(
			"insert a row",
			"POST",
			"/api/resource/OC Order Maker",
			{
				"parent": name,
				"parenttype": "OC Order",
				"parentfield": "makers",
				"user": team["reviewer2"].user,
				"action": "Created",
			},
		),
		(
			"bulk_update of the row",
			"POST",
			"/api/method/frappe.client.bulk_update",
			{
				"docs": json.dumps(
					[{"doctype": "OC Order Maker", "docname": row, "user": team["reviewer2"].user}]
				)
			},
		),
	]
	for description, method, path, body in attempts:
		response = maker.request(method, path, json=body)
		assert response.status_code in (200, 403, 404, 417), f"{description}: {response.text[:300]}"
		assert trail(name) == expected, description


@REST
def test_client_rows_are_ignored_when_creating_an_order(team, masters):
	customer, product = masters
	payload = order_payload(
		customer, product, channel="API", external_ref=unique("API"), **forged(team["reviewer2"].user)
	)
	response = team["integrator"].create_order(payload)
	assert response.status_code == 200, response.text
	name = response.json()["data"]["name"]
	assert trail(name) == [(team["integrator"].user, "Created")]
	assert review_fields(name).owner == team["integrator"].user


# awaiting my review


@pytest.fixture(scope="module")
def look_alikes(credentials):
	"""A reviewer, and a clerk whose address contains the reviewer's."""
	reviewer = make_api_user("lookalike", ["Order Reviewer", "Order Clerk"])[0]
	clerk = make_api_user("oc_test_lookalike", ["Order Clerk"])[0]
	frappe.db.commit()
	assert reviewer in clerk and reviewer != clerk
	return frappe._dict(reviewer=reviewer, clerk=clerk)


def test_awaiting_my_review_matches_makers_exactly(people, look_alikes):
	customer, product = make_customer(), make_product()
	orders = {}
	for who in ("by_look_alike", "by_me", "submitted_earlier_by_me", "by_clerk_draft"):
		frappe.set_user(look_alikes.clerk if who != "by_me" else look_alikes.reviewer)
		orders[who] = make_order(customer, product).name
	frappe.set_user(look_alikes.clerk)
	act(orders["by_look_alike"], "Submit for Review")
	frappe.set_user(look_alikes.reviewer)
	act(orders["by_me"], "Submit for Review")
	act(orders["submitted_earlier_by_me"], "Submit for Review")
	frappe.set_user(people.reviewer)
	doc = frappe.get_doc("OC Order", orders["submitted_earlier_by_me"])
	doc.rejection_reason = "Wrong product"
	doc.save()
	act(doc.name, "Reject")
	frappe.set_user(look_alikes.clerk)
	act(doc.name, "Submit for Review")

	frappe.set_user(look_alikes.reviewer)
	awaiting = set(get_orders_awaiting_my_review()) & set(orders.values())
	assert awaiting == {orders["by_look_alike"]}
	frappe.set_user(people.reviewer)
	awaiting = set(get_orders_awaiting_my_review()) & set(orders.values())
	assert awaiting == {orders["by_look_alike"], orders["by_me"], orders["submitted_earlier_by_me"]}
	frappe.set_user(people.clerk)
	assert get_orders_awaiting_my_review() == []


@REST
def test_awaiting_my_review_over_rest(team, masters):
	name = rest_order(team["clerk"], masters, submit=True)["name"]
	response = team["reviewer"].get(AWAITING)
	assert response.status_code == 200, response.text
	assert name in response.json()["message"]
	response = team["clerk"].get(AWAITING)
	assert (response.status_code, response.json()["message"]) == (200, [])
	assert team["norole"].get(AWAITING).status_code == 403
	assert team["reviewer"].post(AWAITING, {}).status_code in (403, 405)


# orders from before the table


def test_migration_fills_the_trail_from_the_old_fields(people):
	frappe.set_user(people.clerk)
	order = make_order()
	frappe.set_user("Administrator")
	frappe.db.delete("OC Order Maker", {"parent": order.name})
	frappe.db.set_value(
		"OC Order",
		order.name,
		{
			"prepared_by": f"{people.clerk}\n{people.clerk2}",
			"submitted_for_review_by": people.clerk_reviewer,
			"workflow_state": "Pending Review",
		},
		update_modified=False,
	)
	fill_order_makers.execute()
	fill_order_makers.execute()  # again: nothing doubles
	doc = frappe.get_doc("OC Order", order.name)
	assert [(row.user, row.action) for row in doc.makers] == [
		(people.clerk, "Created"),
		(people.clerk2, "Changed"),
		(people.clerk_reviewer, "Submitted for Review"),
	]
	frappe.set_user(people.clerk_reviewer)
	with pytest.raises(ReviewPermissionError):
		doc.submit()


def test_an_approved_order_without_rows_still_takes_later_updates(people):
	# Orders loaded in bulk (order_clerk.scale) have no rows: the fields they had stay.
	order = approved_order(people)
	frappe.db.delete("OC Order Maker", {"parent": order.name})
	doc = frappe.get_doc("OC Order", order.name)
	doc.is_overdue = 1
	doc.save()
	assert frappe.db.get_value("OC Order", order.name, ["is_overdue", "prepared_by"]) == (1, people.clerk)
	assert frappe.get_doc("OC Order", order.name).makers == []


# the approval trail in the archive


@REST
def test_approval_trail_comes_from_records_nobody_can_forge(team, masters):
	clerk, reviewer = team["clerk"], team["reviewer"]
	doc = rest_order(clerk, masters, submit=True)
	name = doc["name"]
	reason = "<b>Price</b> too low"
	assert reviewer.put(f"/api/resource/OC Order/{name}", {"rejection_reason": reason}).status_code == 200
	assert reviewer.apply(name, "Reject").status_code == 200
	assert clerk.apply(name, "Submit for Review").status_code == 200
	# Anyone who may read the order may comment on it, with any comment type: this is what
	# run_doc_method add_comment does.
	frappe.db.rollback()
	frappe.set_user(team["reviewer2"].user)
	frappe.get_doc("OC Order", name).add_comment("Workflow", "Approved")
	frappe.get_doc("OC Order", name).add_comment("Comment", "Approved by the director")
	frappe.db.commit()
	frappe.set_user("Administrator")
	assert reviewer.apply(name, "Approve").status_code == 200
	frappe.db.rollback()

	steps = approval_trail(name)["steps"]
	assert [(who, what) for _, who, what in steps] == [
		(team["clerk"].user, "Entered"),
		(team["clerk"].user, "Submit for Review"),
		(team["reviewer"].user, f"Rejected: {reason}"),
		(team["clerk"].user, "Submit for Review"),
		(team["reviewer"].user, "Approve"),
	]
	html = frappe.render_template("order_clerk/templates/archive/approval_trail.html", approval_trail(name))
	assert team["reviewer2"].user not in html and "director" not in html
	assert "&lt;b&gt;Price&lt;/b&gt; too low" in html and "<b>Price</b>" not in html
