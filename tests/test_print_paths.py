"""Every way to obtain a print of an approved document counts as a print.

Frappe's print preview endpoint (get_html_and_style) returns the whole print: of an approved
document it is logged and numbered like a PDF download. It renders the stored document, never
one the client sends. Through a real server, as the desk calls it.
"""

import json

import frappe
import pytest

from order_clerk.printing import views
from tests.print_helpers import ORDER_CONFIRMATION, approve, make_print_order, print_logs
from tests.utils import Api, make_api_user

pytestmark = pytest.mark.rest

PREVIEW = "/api/method/frappe.www.printview.get_html_and_style"
MULTI_PDF = "/api/method/frappe.utils.print_format.download_multi_pdf"


@pytest.fixture(scope="module")
def clients(server):
	"""REST users of this module's own, so that no other test run resets their keys meanwhile."""
	made = {}
	for profile, roles in (("clerk", ["Order Clerk"]), ("warehouse", ["Warehouse Operator"])):
		credentials = make_api_user(f"print_paths_{profile}", roles)
		api = Api(server, server.removeprefix("http://"), *credentials)
		api.session.headers["X-Frappe-Site-Name"] = frappe.local.site
		made[profile] = api
	frappe.db.commit()  # seen by the server process
	return made


def committed_order(people, approved=True):
	order = make_print_order(people)
	if approved:
		order = approve(order, people)
	frappe.db.commit()  # seen by the server process
	frappe.set_user("Administrator")
	return order


def committed_logs(name):
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return print_logs("OC Order", name)


def preview(api, doc, **params):
	"""The desk's call: the whole document as JSON, no name."""
	# A POST, as frappe.call sends it: the document does not fit in a URL.
	response = api.post(PREVIEW, {"doc": json.dumps(doc), "print_format": ORDER_CONFIRMATION, **params})
	assert response.status_code == 200, response.text[:500]
	return response.json()["message"]["html"]


def test_preview_of_an_approved_order_is_a_logged_print(clients, people):
	order = committed_order(people)
	doc = clients["clerk"].get_order(order.name).json()["data"]
	first = preview(clients["clerk"], doc)
	assert "Reprint (print no." not in first and order.order_no in first
	second = preview(clients["warehouse"], doc)
	assert "Reprint (print no. 2)" in second
	by_name = clients["clerk"].get(PREVIEW, doc="OC Order", name=order.name, print_format=ORDER_CONFIRMATION)
	assert "Reprint (print no. 3)" in by_name.json()["message"]["html"]
	logs = committed_logs(order.name)
	assert [(log.print_count, log.is_reprint, log.printed_by) for log in logs] == [
		(1, 0, clients["clerk"].user),
		(2, 1, clients["warehouse"].user),
		(3, 1, clients["clerk"].user),
	]


def test_preview_renders_the_stored_order_not_the_one_sent(clients, people):
	order = committed_order(people)
	doc = clients["clerk"].get_order(order.name).json()["data"]
	html = preview(
		clients["clerk"], {**doc, "customer_name": "Forged Customer Ltd", "order_no": "SO-1999-99999"}
	)
	assert "Forged Customer Ltd" not in html and "SO-1999-99999" not in html
	assert order.customer_name in html and order.order_no in html


def test_an_order_that_does_not_exist_cannot_be_previewed_as_approved(clients, people):
	order = committed_order(people)
	doc = clients["clerk"].get_order(order.name).json()["data"]
	invented = {**doc, "name": "ORD-1999-00001", "__islocal": 1}
	response = clients["clerk"].post(
		PREVIEW, {"doc": json.dumps(invented), "print_format": ORDER_CONFIRMATION}
	)
	assert response.status_code == 404, response.text[:300]
	assert order.customer_name not in response.text


def test_draft_preview_is_still_not_a_print(clients, people):
	order = committed_order(people, approved=False)
	doc = clients["clerk"].get_order(order.name).json()["data"]
	preview(clients["clerk"], doc)
	assert committed_logs(order.name) == []


def test_multi_pdf_download_is_logged(clients, people):
	order = committed_order(people)
	response = clients["clerk"].get(
		MULTI_PDF, doctype="OC Order", name=json.dumps([order.name]), format=ORDER_CONFIRMATION
	)
	assert response.status_code == 200, response.text[:300]
	assert response.content.startswith(b"%PDF")
	assert [log.print_count for log in committed_logs(order.name)] == [1]


def test_weasyprint_download_is_logged(people):
	order = approve(make_print_order(people), people)
	frappe.set_user("Administrator")
	beta = frappe.get_doc(
		{
			"doctype": "Print Format",
			"name": f"OC Order Beta {frappe.generate_hash(length=6)}",
			"doc_type": "OC Order",
			"module": "Order Clerk",
			"standard": "No",
			"print_format_builder_beta": 1,
			"format_data": json.dumps({"header": "", "sections": [], "footer": ""}),
		}
	).insert()
	frappe.set_user(people.clerk)
	try:
		views.download_weasyprint_pdf("OC Order", order.name, beta.name)
	except Exception:
		# Rendering needs fonts and a layout; what counts here is that the print was taken.
		pass
	assert [log.printed_by for log in print_logs("OC Order", order.name)] == [people.clerk]
