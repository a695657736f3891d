"""The Order Clerk workspace, its number cards and charts, as shipped with the app."""

import json

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import get_first_day, nowdate

from tests.utils import act, make_customer, make_order, make_product

CARDS = (
	"Orders Awaiting Review",
	"Orders Needing Clarification",
	"Overdue Orders",
	"Orders Approved Today",
	"Sales This Month",
	"Orders to Ship Today",
	"Delivery Notes Awaiting Sign-off",
	"Open Exceptions",
	"Orders Ready to Archive",
)
ORDER_CARDS = (*CARDS[:5], "Orders to Ship Today", "Orders Ready to Archive")
CHARTS = ("Monthly Sales", "Open Orders by Review State", "Orders by Channel")


def card_value(name: str) -> float:
	"""The card's figure, as the desk asks for it."""
	card = frappe.get_doc("Number Card", name)
	if card.type == "Custom":
		return frappe.get_attr(card.method)(card.filters_json)["value"]
	return get_result(card.as_dict(), card.filters_json)


def test_workspace_links_documents_reports_cards_and_charts():
	workspace = frappe.get_doc("Workspace", "Order Clerk")
	assert (workspace.module, workspace.public) == ("Order Clerk", 1)
	assert {(s.type, s.link_to) for s in workspace.shortcuts} == {
		("DocType", "OC Order"),
		("DocType", "OC Customer"),
		("DocType", "OC Product"),
		("DocType", "OC Settings"),
		("Report", "Order Statistics"),
		("Report", "Best-Selling Products"),
		("DocType", "OC Outbound Slip"),
		("DocType", "OC Delivery Note"),
		("DocType", "OC Invoice Request"),
		("DocType", "OC Order Exception"),
		("DocType", "OC Archive Record"),
		("DocType", "OC Stock Entry"),
		("Report", "Order Fulfilment"),
		("Report", "Clerk Daily Close"),
	}
	assert [c.number_card_name for c in workspace.number_cards] == list(CARDS)
	assert [c.chart_name for c in workspace.charts] == list(CHARTS)
	blocks = json.loads(workspace.content)
	assert [b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"] == list(CARDS)
	assert [b["data"]["chart_name"] for b in blocks if b["type"] == "chart"] == list(CHARTS)
	shortcut_labels = {s.label for s in workspace.shortcuts}
	assert {b["data"]["shortcut_name"] for b in blocks if b["type"] == "shortcut"} == shortcut_labels


def test_cards_and_charts_are_standard_records_of_the_module():
	for name in CARDS:
		card = frappe.get_doc("Number Card", name)
		assert (card.is_standard, card.module) == (1, "Order Clerk")
		assert (card.document_type == "OC Order") == (name in ORDER_CARDS)
	for name in CHARTS:
		chart = frappe.get_doc("Dashboard Chart", name)
		assert (chart.is_standard, chart.module, chart.document_type) == (1, "Order Clerk", "OC Order")


def test_cards_count_what_they_say(people):
	customer, product = make_customer(), make_product(rate=100)
	before = {name: card_value(name) for name in CARDS[:5]}

	frappe.set_user(people.clerk)
	pending = make_order(customer, product)
	act(pending.name, "Submit for Review")
	asking = make_order(customer, product, clarifications=[{"question": "Which colour?"}])
	act(asking.name, "Request Clarification")
	approved = make_order(
		customer, product, order_date=get_first_day(nowdate()), items=[{"product": product, "qty": 4.5}]
	)
	act(approved.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(approved.name, "Approve")
	frappe.db.set_value("OC Order", approved.name, "is_overdue", 1)
	frappe.set_user("Administrator")

	after = {name: card_value(name) for name in CARDS[:5]}
	assert {name: after[name] - before[name] for name in CARDS[:5]} == {
		"Orders Awaiting Review": 1,
		"Orders Needing Clarification": 1,
		"Overdue Orders": 1,
		"Orders Approved Today": 1,
		"Sales This Month": 450,
	}


def test_sales_card_and_chart_give_no_amounts_to_the_warehouse(people):
	customer, product = make_customer(), make_product(rate=100)
	frappe.set_user(people.clerk)
	order = make_order(customer, product)
	act(order.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(order.name, "Approve")
	assert card_value("Sales This Month") >= 1000
	frappe.set_user(people.warehouse)
	assert card_value("Sales This Month") == 0
	chart = frappe.get_doc("Dashboard Chart", "Monthly Sales")
	assert not chart.has_permission("read")
	for profile in ("clerk", "reviewer", "finance"):
		frappe.set_user(people[profile])
		assert chart.has_permission("read"), profile


def test_fulfilment_cards_count_what_they_say(people):
	from frappe.utils import add_days

	from tests.utils import approved_order, make_warehouse, receive_stock, ship

	fulfilment_cards = CARDS[5:]
	before = {name: card_value(name) for name in fulfilment_cards}
	warehouse, product, customer = make_warehouse(), make_product(rate=10), make_customer()
	frappe.set_user(people.warehouse)
	receive_stock(warehouse, product, 10)
	due_today = approved_order(
		people, customer, product, delivery_date=nowdate(), items=[{"product": product, "qty": 2}]
	)
	later = approved_order(
		people,
		customer,
		product,
		delivery_date=add_days(nowdate(), 5),
		items=[{"product": product, "qty": 3}],
	)
	ship(frappe._dict(warehouse=warehouse), people, later.name)
	frappe.set_user(people.clerk)
	frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Quality",
			"order": due_today.name,
			"description": "Scratches",
			"due_date": add_days(nowdate(), 1),
		}
	).insert()
	frappe.set_user("Administrator")
	frappe.db.set_value("OC Order", later.name, "ready_to_archive", 1)
	after = {name: card_value(name) for name in fulfilment_cards}
	assert {name: after[name] - before[name] for name in fulfilment_cards} == {
		"Orders to Ship Today": 1,
		"Delivery Notes Awaiting Sign-off": 1,
		"Open Exceptions": 1,
		"Orders Ready to Archive": 1,
	}


def test_each_role_lands_on_its_own_workspace(people):
	"""The desk opens on the first workspace of the sidebar a user may see."""
	from frappe.desk.desktop import get_workspace_sidebar_items

	landing = {
		"clerk": "Order Clerk",
		"reviewer": "Order Review",
		"warehouse": "Warehouse",
		"finance": "Finance",
	}
	for profile, workspace in landing.items():
		frappe.set_user(people[profile])
		pages = [page["title"] for page in get_workspace_sidebar_items()["pages"] if page.get("public")]
		assert pages[0] == workspace, (profile, pages[:3])
	frappe.set_user(people.warehouse)
	pages = [page["title"] for page in get_workspace_sidebar_items()["pages"]]
	assert "Order Review" not in pages and "Finance" not in pages


def test_role_workspaces_count_what_each_role_must_act_on(people):
	from tests.utils import approved_order, make_slip, make_warehouse

	cards = ("Outbound Slips to Confirm", "Delivery Notes to Dispatch", "Invoice Requests to Issue")
	before = {name: card_value(name) for name in cards}
	warehouse, product, customer = make_warehouse(), make_product(rate=10), make_customer()
	order = approved_order(people, customer, product, items=[{"product": product, "qty": 1}])
	frappe.set_user(people.clerk)
	make_slip(order.name, warehouse)
	frappe.set_user("Administrator")
	after = {name: card_value(name) for name in cards}
	assert {name: after[name] - before[name] for name in cards} == {
		"Outbound Slips to Confirm": 1,
		"Delivery Notes to Dispatch": 0,
		"Invoice Requests to Issue": 0,
	}
	for name in ("Order Review", "Warehouse", "Finance"):
		workspace = frappe.get_doc("Workspace", name)
		blocks = json.loads(workspace.content)
		assert [b["data"]["number_card_name"] for b in blocks if b["type"] == "number_card"] == [
			c.number_card_name for c in workspace.number_cards
		]
