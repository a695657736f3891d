"""Fulfilment through REST: each role's part, and two confirmations racing for the same lines."""

import threading

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests.utils import (
	approved_order,
	attach_receipt,
	make_slip,
)

pytestmark = pytest.mark.rest


@pytest.fixture(scope="module", autouse=True)
def default_warehouse(rest_world):
	"""The rest_world's warehouse is the site's default, as a slip made through REST needs."""
	frappe.db.set_single_value("OC Settings", "default_warehouse", rest_world.warehouse)
	frappe.db.commit()  # seen by the server process


def new_order(rest_world, qty=10):
	order = approved_order(
		rest_world.people,
		rest_world.customer,
		rest_world.product,
		items=[{"product": rest_world.product, "qty": qty}],
	)
	frappe.db.commit()  # seen by the server process
	return order.name


def fresh(doctype, name, field):
	frappe.db.rollback()
	return frappe.db.get_value(doctype, name, field)


def ok(response):
	assert response.status_code == 200, response.text
	return response.json().get("message") or response.json().get("data")


def test_two_confirmations_of_the_same_lines_at_once(rest_world, rest_users):
	order = new_order(rest_world, qty=10)
	frappe.set_user(rest_world.people.clerk)
	slips = [make_slip(order, rest_world.warehouse).name for _ in range(2)]
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	api = rest_users["warehouse"]
	barrier, results = threading.Barrier(2), []

	def confirm(name):
		barrier.wait()
		results.append(api.put(f"/api/resource/OC Outbound Slip/{name}", {"docstatus": 1}))

	threads = [threading.Thread(target=confirm, args=(name,)) for name in slips]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert sorted(r.status_code for r in results) == [200, 417], [r.text[:300] for r in results]
	assert fresh("OC Order Item", {"parent": order}, "shipped_qty") == 10
	assert fresh("OC Order", order, "per_shipped") == 100
	issued = frappe.get_all(
		"OC Stock Ledger Entry", filters={"voucher_no": ("in", slips)}, pluck="qty_change"
	)
	assert issued == [-10]


def test_roles_through_the_chain(rest_world, rest_users):
	clerk, warehouse, finance = rest_users["clerk"], rest_users["warehouse"], rest_users["finance"]
	reviewer, integrator, norole = rest_users["reviewer"], rest_users["integrator"], rest_users["norole"]
	order = new_order(rest_world, qty=4)

	for api in (warehouse, finance, reviewer, integrator, norole):
		assert api.post("/api/method/order_clerk.api.make_outbound_slip", {"order": order}).status_code == 403
	slip = ok(clerk.post("/api/method/order_clerk.api.make_outbound_slip", {"order": order}))
	assert [(row["product"], row["qty"]) for row in slip["items"]] == [(rest_world.product, 4)]
	for api in (clerk, finance, reviewer):
		assert api.put(f"/api/resource/OC Outbound Slip/{slip['name']}", {"docstatus": 1}).status_code == 403
	ok(warehouse.put(f"/api/resource/OC Outbound Slip/{slip['name']}", {"docstatus": 1}))

	assert (
		warehouse.post(
			"/api/method/order_clerk.api.make_delivery_note", {"outbound_slip": slip["name"]}
		).status_code
		== 403
	)
	note = ok(clerk.post("/api/method/order_clerk.api.make_delivery_note", {"outbound_slip": slip["name"]}))
	ok(
		clerk.put(
			f"/api/resource/OC Delivery Note/{note['name']}",
			{"carrier": "顺丰速运", "tracking_no": "SF100200300"},
		)
	)
	assert clerk.put(f"/api/resource/OC Delivery Note/{note['name']}", {"docstatus": 1}).status_code == 403
	ok(warehouse.put(f"/api/resource/OC Delivery Note/{note['name']}", {"docstatus": 1}))

	# Sign-off: refused without the scanned receipt, then recorded.
	response = clerk.post(
		"/api/method/order_clerk.api.record_sign_off",
		{"delivery_note": note["name"], "sign_status": "Signed", "signed_by": "王磊"},
	)
	assert response.status_code == 417 and "signed_receipt" in response.text
	receipt = attach_receipt("OC Delivery Note", note["name"])
	frappe.db.commit()  # the attachment, seen by the server process
	for api in (finance, norole, integrator):
		response = api.post(
			"/api/method/order_clerk.api.record_sign_off",
			{
				"delivery_note": note["name"],
				"sign_status": "Signed",
				"signed_by": "王磊",
				"signed_receipt": receipt,
			},
		)
		assert response.status_code == 403
	signed = ok(
		clerk.post(
			"/api/method/order_clerk.api.record_sign_off",
			{
				"delivery_note": note["name"],
				"sign_status": "Signed",
				"signed_by": "王磊",
				"signed_receipt": receipt,
			},
		)
	)
	assert signed["status"] == "Signed"
	assert fresh("OC Order", order, "status") == "Delivered"

	# Status: anyone who may read the order.
	status = ok(warehouse.get("/api/method/order_clerk.api.order_status", order=order))
	assert (status["per_shipped"], status["per_delivered"], status["shipments"][0]["tracking_no"]) == (
		100,
		100,
		"SF100200300",
	)
	for api in (integrator, norole):
		assert api.get("/api/method/order_clerk.api.order_status", order=order).status_code == 403
	assert clerk.post("/api/method/order_clerk.api.order_status", {"order": order}).status_code in (403, 405)

	# Invoice request: the clerk asks, finance issues.
	for api in (warehouse, finance, norole):
		response = api.post(
			"/api/method/order_clerk.api.make_invoice_request", {"delivery_notes": [note["name"]]}
		)
		assert response.status_code == 403
	request = ok(
		clerk.post("/api/method/order_clerk.api.make_invoice_request", {"delivery_notes": [note["name"]]})
	)
	assert request["total_amount"] == 40
	assert (
		finance.put(f"/api/resource/OC Invoice Request/{request['name']}", {"docstatus": 1}).status_code
		== 403
	)
	ok(clerk.put(f"/api/resource/OC Invoice Request/{request['name']}", {"docstatus": 1}))
	invoice_copy = attach_receipt("OC Invoice Request", request["name"])
	frappe.db.commit()  # the attachment, seen by the server process
	issue = {
		"invoice_request": request["name"],
		"invoice_no": "FP-2026-001",
		"invoice_date": nowdate(),
		"invoice_copy": invoice_copy,
	}
	for api in (clerk, warehouse, reviewer):
		assert api.post("/api/method/order_clerk.api.mark_invoice_issued", issue).status_code == 403
	issued = ok(finance.post("/api/method/order_clerk.api.mark_invoice_issued", issue))
	assert (issued["status"], issued["invoice_no"]) == ("Issued", "FP-2026-001")

	# Reviewers see everything; others only what is theirs.
	for doctype, name in (
		("OC Outbound Slip", slip["name"]),
		("OC Delivery Note", note["name"]),
		("OC Invoice Request", request["name"]),
	):
		assert reviewer.get(f"/api/resource/{doctype}/{name}").status_code == 200
		assert norole.get(f"/api/resource/{doctype}/{name}").status_code == 403
		assert integrator.get(f"/api/resource/{doctype}/{name}").status_code == 403
	assert warehouse.get(f"/api/resource/OC Invoice Request/{request['name']}").status_code == 403


def test_stock_entries_and_exceptions_by_role(rest_world, rest_users):
	entry = {
		"entry_type": "Receipt",
		"warehouse": rest_world.warehouse,
		"items": [{"product": rest_world.product, "qty": 5}],
	}
	for profile in ("clerk", "reviewer", "finance", "integrator", "norole"):
		assert rest_users[profile].post("/api/resource/OC Stock Entry", entry).status_code == 403
	made = ok(rest_users["warehouse"].post("/api/resource/OC Stock Entry", entry))
	ok(rest_users["warehouse"].put(f"/api/resource/OC Stock Entry/{made['name']}", {"docstatus": 1}))

	order = new_order(rest_world, qty=1)
	exception = {
		"exception_type": "Logistics Problem",
		"order": order,
		"description": "Truck delayed by snow",
		"due_date": add_days(nowdate(), 1),
	}
	for profile in ("warehouse", "finance", "integrator", "norole"):
		assert rest_users[profile].post("/api/resource/OC Order Exception", exception).status_code == 403
	made = ok(rest_users["clerk"].post("/api/resource/OC Order Exception", exception))
	assert made["status"] == "Open"
	resolved = ok(
		rest_users["reviewer"].put(
			f"/api/resource/OC Order Exception/{made['name']}",
			{"status": "Resolved", "resolution": "Arrived"},
		)
	)
	assert resolved["resolved_by"] == rest_users["reviewer"].user
	response = rest_users["clerk"].get("/api/method/order_clerk.api.stock_check", order=order)
	line = ok(response)[0]
	assert line["to_ship"] == 1 and line["on_hand"] >= 1
	assert rest_users["norole"].get("/api/method/order_clerk.api.stock_check", order=order).status_code == 403


def test_bad_fulfilment_input_is_a_clear_417(rest_world, rest_users):
	clerk, warehouse = rest_users["clerk"], rest_users["warehouse"]
	order = new_order(rest_world, qty=3)
	slip = ok(clerk.post("/api/method/order_clerk.api.make_outbound_slip", {"order": order}))
	item = {**slip["items"][0], "qty": 5}
	response = clerk.put(f"/api/resource/OC Outbound Slip/{slip['name']}", {"items": [item]})
	assert response.status_code == 417 and "still to ship" in response.text
	response = clerk.post("/api/method/order_clerk.api.make_delivery_note", {"outbound_slip": slip["name"]})
	assert response.status_code == 417 and "not confirmed" in response.text
	response = clerk.post("/api/method/order_clerk.api.make_outbound_slip", {"order": "NO-SUCH-ORDER"})
	assert response.status_code == 404
	ok(warehouse.put(f"/api/resource/OC Outbound Slip/{slip['name']}", {"docstatus": 1}))
	note = ok(clerk.post("/api/method/order_clerk.api.make_delivery_note", {"outbound_slip": slip["name"]}))
	ok(warehouse.put(f"/api/resource/OC Delivery Note/{note['name']}", {"docstatus": 1}))
	response = clerk.post(
		"/api/method/order_clerk.api.record_sign_off",
		{"delivery_note": note["name"], "sign_status": "Maybe"},
	)
	assert response.status_code == 417
	assert fresh("OC Delivery Note", note["name"], "sign_status") == "Pending"
