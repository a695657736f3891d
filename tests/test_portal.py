"""The customer portal: a contact sees exactly its company's orders, through the pages and
through REST, confirms orders and asks questions that land on them.

The records the web server must see are committed once for the module, with unique names; the
in-process tests roll back their own changes.
"""

import io
import json

import frappe
import pytest
import requests
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password
from pypdf import PdfReader

from order_clerk import portal
from order_clerk.roles import CUSTOMER_PORTAL_USER
from tests.conftest import SITE
from tests.utils import act, approved_order, make_customer, make_order, ship, stocked_world, unique

PASSWORD = "Portal-Test-Pw-2026!"
REMARK = "INTERNAL-REMARK-do-not-show"
EXCEPTION_NOTE = "INTERNAL-EXCEPTION-NOTE-do-not-show"


def clear_rate_limits():
	"""Every run comes from 127.0.0.1: earlier runs must not use up this run's allowance."""
	frappe.cache.delete_keys("rl:")


class Browser:
	"""A signed-in web session (Frappe's login, cookies), as a contact's browser has."""

	def __init__(self, base_url: str, user: str | None = None, password: str = PASSWORD):
		self.base_url = base_url
		self.session = requests.Session()
		self.session.headers["Host"] = SITE
		if user:
			response = self.session.post(
				f"{base_url}/api/method/login", json={"usr": user, "pwd": password}, timeout=60
			)
			assert response.status_code == 200, response.text
			self.sid = response.cookies.get("sid")
			self.session.headers["X-Frappe-CSRF-Token"] = self.csrf_token()

	def csrf_token(self) -> str:
		# The token a page of the site carries for its scripts.
		page = self.get("/my-orders").text
		marker = 'csrf_token = "'
		return page.split(marker, 1)[1].split('"', 1)[0] if marker in page else ""

	def get(self, path: str, **params) -> requests.Response:
		return self.session.get(f"{self.base_url}{path}", params=params, timeout=60, allow_redirects=False)

	def post(self, path: str, data: dict) -> requests.Response:
		return self.session.post(f"{self.base_url}{path}", json=data, timeout=60, allow_redirects=False)

	def put(self, path: str, data: dict) -> requests.Response:
		return self.session.put(f"{self.base_url}{path}", json=data, timeout=60, allow_redirects=False)


def invite(customer: str, email: str, full_name: str, can_confirm: int = 1) -> dict:
	return portal.invite_contact(customer, email, full_name, can_confirm)


@pytest.fixture(scope="module")
def shop(credentials, server):
	"""Two customers: ours with a pending, an approved (shipped, with an open exception) and a
	draft order and three contacts; another with an approved and a pending order."""
	clear_rate_limits()
	people = frappe._dict({profile: creds[0] for profile, creds in credentials.items()})
	world = stocked_world(people, rate=100)
	other_customer = make_customer()

	frappe.set_user(people.clerk)
	pending = make_order(world.customer, world.product, customer_po=unique("PO"), remarks=REMARK)
	act(pending.name, "Submit for Review")
	draft = make_order(world.customer, world.product, remarks=REMARK)
	approved = approved_order(people, world.customer, world.product, customer_po=unique("PO"))
	_slip, note = ship(world, people, approved.name, {1: 4})
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Logistics Problem",
			"order": approved.name,
			"description": EXCEPTION_NOTE,
			"responsible": people.clerk,
			"due_date": add_days(nowdate(), 3),
		}
	).insert()
	foreign = approved_order(people, other_customer, world.product, customer_po=unique("FOREIGN-PO"))
	frappe.set_user(people.clerk)
	foreign_pending = make_order(other_customer, world.product, customer_po=unique("FOREIGN-PO"))
	act(foreign_pending.name, "Submit for Review")

	run = unique("run").lower()
	contacts = frappe._dict(
		buyer=f"buyer-{run}@portal.example.com",
		reader=f"reader-{run}@portal.example.com",
		other=f"other-{run}@portal.example.com",
	)
	invite(world.customer, contacts.buyer, "Li Na", 1)
	invite(world.customer, contacts.reader, "Zhao Min", 0)
	invite(other_customer, contacts.other, "Chen Jie", 1)
	frappe.set_user("Administrator")
	for user in contacts.values():
		update_password(user, PASSWORD)
	frappe.db.commit()
	return frappe._dict(
		people=people,
		customer=world.customer,
		product=world.product,
		customer_name=frappe.db.get_value("OC Customer", world.customer, "customer_name"),
		other_customer=other_customer,
		pending=pending.name,
		draft=draft.name,
		approved=approved.name,
		note=note,
		tracking_no=frappe.db.get_value("OC Delivery Note", note, "tracking_no"),
		exception=exception.name,
		foreign=foreign.name,
		foreign_pending=foreign_pending.name,
		foreign_po=frappe.db.get_value("OC Order", foreign.name, "customer_po"),
		contacts=contacts,
		server=server,
	)


@pytest.fixture(scope="module")
def buyer(shop):
	return Browser(shop.server, shop.contacts.buyer)


@pytest.fixture(scope="module")
def reader(shop):
	return Browser(shop.server, shop.contacts.reader)


def fresh():
	frappe.db.rollback()


# invitation


def test_invitation_makes_a_website_user_with_the_portal_role_only(shop):
	user = frappe.get_doc("User", shop.contacts.buyer)
	assert user.user_type == "Website User"
	assert [row.role for row in user.roles] == [CUSTOMER_PORTAL_USER]
	row = frappe.get_all(
		"OC Customer Contact",
		filters={"parent": shop.customer, "email": shop.contacts.buyer},
		fields=["user", "full_name", "can_confirm", "invited_on"],
	)
	assert len(row) == 1
	assert (row[0].user, row[0].full_name, row[0].can_confirm) == (shop.contacts.buyer, "Li Na", 1)
	assert row[0].invited_on
	welcome = frappe.get_all(
		"Email Queue Recipient", filters={"recipient": shop.contacts.buyer}, pluck="parent"
	)
	assert welcome, "Frappe's welcome e-mail is queued for the new contact"
	assert portal.contact_of(shop.contacts.buyer).customer == shop.customer
	assert portal.contact_of(shop.contacts.other).customer == shop.other_customer


def test_invitation_needs_write_permission_on_the_customer(shop, rest_users):
	email = f"{unique('nobody').lower()}@portal.example.com"
	for profile in ("warehouse", "finance", "integrator", "norole"):
		response = rest_users[profile].post(
			"/api/method/order_clerk.portal.invite_contact",
			{"customer": shop.customer, "email": email, "full_name": "Nobody"},
		)
		assert response.status_code == 403, (profile, response.text)
	fresh()
	assert not frappe.db.exists("User", email)
	assert not frappe.db.exists("OC Customer Contact", {"email": email})
	# A link or an image cannot invite anyone.
	response = rest_users["clerk"].get(
		"/api/method/order_clerk.portal.invite_contact", customer=shop.customer, email=email
	)
	assert response.status_code in (403, 405)
	fresh()
	assert not frappe.db.exists("User", email)


def test_a_desk_user_is_never_made_a_customer_contact(shop):
	frappe.set_user(shop.people.clerk)
	with pytest.raises(portal.InvalidPortalContactError):
		invite(shop.customer, shop.people.reviewer, "Reviewer")
	assert not frappe.db.exists("OC Customer Contact", {"email": shop.people.reviewer})
	assert CUSTOMER_PORTAL_USER not in frappe.get_roles(shop.people.reviewer)


def test_a_person_is_the_contact_of_one_customer_only(shop):
	frappe.set_user(shop.people.clerk)
	with pytest.raises(portal.InvalidPortalContactError, match=shop.customer):
		invite(shop.other_customer, shop.contacts.buyer, "Li Na")
	customer = frappe.get_doc("OC Customer", shop.other_customer)
	customer.append("contacts", {"full_name": "Li Na", "email": shop.contacts.buyer.upper()})
	with pytest.raises(portal.InvalidPortalContactError):
		customer.save()


def test_the_portal_user_of_a_contact_is_the_servers_to_set(shop):
	"""A client naming a user for a contact row (a reviewer, another customer's contact) is ignored."""
	frappe.set_user(shop.people.clerk)
	customer = frappe.get_doc("OC Customer", shop.customer)
	customer.append(
		"contacts",
		{"full_name": "Someone", "email": "someone-new@portal.example.com", "user": shop.contacts.other},
	)
	customer.save()
	row = customer.contacts[-1]
	assert row.user is None
	assert portal.contact_of(shop.contacts.other).customer == shop.other_customer


# pages


def test_the_list_shows_exactly_the_companys_orders(shop, buyer):
	response = buyer.get("/my-orders")
	assert response.status_code == 200, response.text[:500]
	for order in (shop.pending, shop.draft, shop.approved):
		assert f'data-order="{order}"' in response.text
	for order in (shop.foreign, shop.foreign_pending):
		assert order not in response.text
	assert shop.foreign_po not in response.text
	assert REMARK not in response.text


def test_the_order_page_shows_progress_shipments_and_open_issues_but_no_internal_notes(shop, buyer):
	response = buyer.get(f"/my-orders/{shop.approved}")
	assert response.status_code == 200, response.text[:500]
	page = response.text
	assert shop.note in page and shop.tracking_no in page and "SF Express" in page
	assert "Logistics Problem" in page
	assert EXCEPTION_NOTE not in page
	assert REMARK not in page
	assert "download_pdf" in page
	# Four of ten shipped.
	assert "40%" in page


def test_another_customers_order_is_not_found(shop, buyer):
	for name in (shop.foreign, shop.foreign_pending, "ORD-DOES-NOT-EXIST"):
		response = buyer.get(f"/my-orders/{name}")
		assert response.status_code == 404, (name, response.status_code)
		assert shop.foreign_po not in response.text


def test_a_guest_is_sent_to_sign_in_and_back(shop):
	response = Browser(shop.server).get(f"/my-orders/{shop.approved}")
	assert response.status_code in (301, 302, 303)
	assert response.headers["Location"].endswith(f"/login?redirect-to=/my-orders/{shop.approved}")


def test_a_desk_user_has_no_portal(shop, rest_users):
	response = rest_users["clerk"].request("GET", "/my-orders", headers={"Accept": "text/html"})
	assert response.status_code == 403


# REST gives a portal user nothing


def rest_paths(shop) -> list[tuple[str, str, dict]]:
	order, note, customer = shop.approved, shop.note, shop.customer
	by_name = json.dumps({"name": order})
	return [
		("GET", "/api/resource/OC Order", {}),
		("GET", f"/api/resource/OC Order/{order}", {}),
		("GET", f"/api/resource/OC Order/{shop.pending}", {}),
		("GET", "/api/resource/OC Order Item", {"parent": "OC Order"}),
		("GET", "/api/resource/OC Order Clarification", {"parent": "OC Order"}),
		("GET", f"/api/resource/OC Delivery Note/{note}", {}),
		("GET", "/api/resource/OC Delivery Note", {}),
		("GET", "/api/resource/OC Order Exception", {}),
		("GET", f"/api/resource/OC Customer/{customer}", {}),
		("GET", "/api/resource/OC Customer Contact", {"parent": "OC Customer"}),
		("GET", "/api/resource/OC Print Log", {}),
		("GET", f"/api/v2/document/OC Order/{order}", {}),
		("GET", "/api/v2/document/OC Order", {}),
		("GET", "/api/method/frappe.client.get", {"doctype": "OC Order", "name": order}),
		("GET", "/api/method/frappe.client.get_list", {"doctype": "OC Order"}),
		(
			"GET",
			"/api/method/frappe.client.get_value",
			{"doctype": "OC Order", "filters": by_name, "fieldname": "customer_po"},
		),
		("GET", "/api/method/frappe.client.get_count", {"doctype": "OC Order"}),
		("POST", "/api/method/frappe.desk.reportview.get", {"doctype": "OC Order", "fields": '["*"]'}),
		("POST", "/api/method/frappe.desk.reportview.get_count", {"doctype": "OC Order"}),
		(
			"GET",
			"/api/method/frappe.utils.print_format.download_pdf",
			{"doctype": "OC Order", "name": order, "format": "Standard"},
		),
		(
			"GET",
			"/api/method/frappe.utils.print_format.download_pdf",
			{"doctype": "OC Order", "name": order, "format": "OC Order Confirmation"},
		),
		("GET", "/printview", {"doctype": "OC Order", "name": order, "format": "Standard"}),
		("GET", "/app/oc-order", {}),
	]


def test_rest_gives_a_portal_user_nothing_of_the_app(shop, buyer):
	for method, path, params in rest_paths(shop):
		if method == "GET":
			response = buyer.get(path, **params)
		else:
			response = buyer.post(path, params)
		cell = f"{method} {path} {params}"
		if path == "/app/oc-order":
			# The desk sends a website user back to the website.
			assert response.status_code in (301, 302, 303, 403), cell
			continue
		assert response.status_code == 403, f"{cell}: {response.status_code} {response.text[:300]}"
		assert shop.tracking_no not in response.text, cell
		assert shop.customer_name not in response.text, cell


def test_rest_writes_nothing_for_a_portal_user(shop, buyer):
	before = frappe.db.get_value(
		"OC Order", shop.pending, ["modified", "customer_confirmed_by"], as_dict=True
	)
	attempts = [
		buyer.put(f"/api/resource/OC Order/{shop.pending}", {"customer_confirmed_by": shop.contacts.buyer}),
		buyer.post(
			"/api/method/frappe.client.set_value",
			{"doctype": "OC Order", "name": shop.pending, "fieldname": "remarks", "value": "x"},
		),
		buyer.post(
			"/api/resource/OC Order",
			{"customer": shop.customer, "channel": "Phone", "items": [{"product": shop.product, "qty": 1}]},
		),
		buyer.put(f"/api/resource/OC Customer/{shop.customer}", {"contacts": []}),
	]
	for response in attempts:
		assert response.status_code == 403, response.text[:300]
	fresh()
	after = frappe.db.get_value("OC Order", shop.pending, ["modified", "customer_confirmed_by"], as_dict=True)
	assert after == before
	assert len(frappe.get_all("OC Customer Contact", filters={"parent": shop.customer})) == 2


# confirmation


def test_a_contact_confirms_an_order_and_the_reviewer_sees_who_when_and_where(shop, buyer):
	response = buyer.post("/api/method/order_clerk.portal.confirm_order", {"order": shop.pending})
	assert response.status_code == 200, response.text
	fresh()
	order = frappe.get_doc("OC Order", shop.pending)
	assert order.customer_confirmed_by == shop.contacts.buyer
	assert order.customer_confirmed_name == "Li Na"
	assert order.customer_confirmed_on
	assert order.customer_confirmed_ip == "127.0.0.1"
	assert order.workflow_state == "Pending Review"
	assert frappe.db.exists(
		"Comment", {"reference_doctype": "OC Order", "reference_name": shop.pending, "comment_type": "Info"}
	)
	page = buyer.get(f"/my-orders/{shop.pending}").text
	assert "Confirmed by Li Na" in page and "Confirm Order</button>" not in page

	# Once only: the second answer is 409 and changes nothing.
	again = buyer.post("/api/method/order_clerk.portal.confirm_order", {"order": shop.pending})
	assert again.status_code == 409, again.text
	fresh()
	assert (
		frappe.db.get_value("OC Order", shop.pending, "customer_confirmed_on") == order.customer_confirmed_on
	)


def test_an_approved_order_is_confirmed_without_leaving_its_state(shop, buyer):
	response = buyer.post("/api/method/order_clerk.portal.confirm_order", {"order": shop.approved})
	assert response.status_code == 200, response.text
	fresh()
	order = frappe.db.get_value(
		"OC Order", shop.approved, ["docstatus", "workflow_state", "customer_confirmed_by"], as_dict=True
	)
	assert (order.docstatus, order.workflow_state, order.customer_confirmed_by) == (
		1,
		"Approved",
		shop.contacts.buyer,
	)


def test_confirmation_refusals_write_nothing(shop, buyer, reader, rest_users):
	cases = [
		(buyer, shop.foreign_pending, 404),  # another customer's order
		(buyer, "ORD-DOES-NOT-EXIST", 404),
		(buyer, shop.draft, 417),  # still being prepared
		(reader, shop.approved, 403),  # may read, not confirm
		(Browser(shop.server), shop.pending, 403),  # a guest
	]
	for client, order, status in cases:
		response = client.post("/api/method/order_clerk.portal.confirm_order", {"order": order})
		assert response.status_code == status, (order, response.status_code, response.text[:300])
	for profile in ("clerk", "reviewer", "integrator"):
		response = rest_users[profile].post(
			"/api/method/order_clerk.portal.confirm_order", {"order": shop.foreign_pending}
		)
		assert response.status_code == 403, profile
	# A link cannot confirm.
	response = buyer.get("/api/method/order_clerk.portal.confirm_order", order=shop.draft)
	assert response.status_code in (403, 405)
	fresh()
	for order in (shop.foreign_pending, shop.draft):
		assert not frappe.db.get_value("OC Order", order, "customer_confirmed_on"), order


def test_confirmation_fields_are_written_by_the_portal_only(shop, rest_users):
	frappe.set_user(shop.people.reviewer)
	order = frappe.get_doc("OC Order", shop.foreign_pending)
	order.customer_confirmed_by = shop.people.reviewer
	order.customer_confirmed_name = "Forged"
	order.customer_confirmed_on = frappe.utils.now_datetime()
	order.save()
	order.reload()
	assert not order.customer_confirmed_by and not order.customer_confirmed_name
	response = rest_users["clerk"].put(
		f"/api/resource/OC Order/{shop.draft}", {"customer_confirmed_name": "Forged by REST"}
	)
	assert response.status_code == 200, response.text
	fresh()
	assert not frappe.db.get_value("OC Order", shop.draft, "customer_confirmed_name")


def test_a_change_of_what_was_ordered_voids_the_confirmation(shop):
	people = shop.people
	frappe.set_user(people.clerk)
	order = make_order(shop.customer)
	act(order.name, "Submit for Review")
	frappe.get_doc("OC Order", order.name).db_set(
		{"customer_confirmed_by": shop.contacts.buyer, "customer_confirmed_on": frappe.utils.now_datetime()}
	)
	frappe.set_user(people.reviewer)
	doc = frappe.get_doc("OC Order", order.name)
	doc.rejection_reason = "Check the quantity"
	doc.save()
	act(order.name, "Reject")
	doc = frappe.get_doc("OC Order", order.name)
	assert doc.customer_confirmed_by  # a workflow step keeps it
	frappe.set_user(people.clerk)
	doc.items[0].qty = 99
	doc.save()
	assert not doc.customer_confirmed_by and not doc.customer_confirmed_on


# questions


def test_a_question_lands_in_the_clarification_log_of_the_order(shop, buyer):
	question = "Can you deliver to gate 2? <script>alert(1)</script>"
	response = buyer.post(
		"/api/method/order_clerk.portal.ask_question", {"order": shop.approved, "question": question}
	)
	assert response.status_code == 200, response.text
	fresh()
	order = frappe.get_doc("OC Order", shop.approved)
	rows = [row for row in order.clarifications if row.question == question]
	assert len(rows) == 1
	assert rows[0].asked_by == shop.contacts.buyer and rows[0].asked_on and not rows[0].answer
	assert order.docstatus == 1 and order.modified_by == shop.contacts.buyer
	assert frappe.db.exists(
		"ToDo", {"reference_type": "OC Order", "reference_name": shop.approved, "status": "Open"}
	)
	page = buyer.get(f"/my-orders/{shop.approved}").text
	assert "Can you deliver to gate 2? &lt;script&gt;alert(1)&lt;/script&gt;" in page
	assert "<script>alert(1)" not in page

	# A reviewer records the answer on the approved order; the customer reads it.
	frappe.set_user(shop.people.reviewer)
	order = frappe.get_doc("OC Order", shop.approved)
	row = next(row for row in order.clarifications if row.question == question)
	row.answer = "Yes, gate 2."
	order.save()
	assert row.answered_by == shop.people.reviewer and row.asked_by == shop.contacts.buyer
	frappe.db.commit()
	assert "Yes, gate 2." in buyer.get(f"/my-orders/{shop.approved}").text


def test_question_refusals_write_nothing(shop, buyer):
	before = len(frappe.get_all("OC Order Clarification", filters={"parent": shop.foreign}))
	cases = [
		({"order": shop.foreign, "question": "Whose order is this?"}, 404),
		({"order": shop.pending, "question": "   "}, 417),
		({"order": shop.pending, "question": "x" * 2001}, 417),
	]
	for data, status in cases:
		response = buyer.post("/api/method/order_clerk.portal.ask_question", data)
		assert response.status_code == status, (data["order"], response.status_code, response.text[:300])
	response = buyer.get("/api/method/order_clerk.portal.ask_question", order=shop.pending, question="hi")
	assert response.status_code in (403, 405)
	fresh()
	assert len(frappe.get_all("OC Order Clarification", filters={"parent": shop.foreign})) == before
	pending = frappe.get_doc("OC Order", shop.pending)
	assert not [row for row in pending.clarifications if row.question in ("hi", "   ")]


# documents


def test_a_contact_downloads_the_confirmation_and_delivery_note_and_each_print_is_logged(shop, buyer):
	# Addressed as the server itself, as tests/test_print_rest.py does: the PDF renderer fetches
	# the print styles from the host the request names. (The session cookie is kept under the
	# site's name, so it goes along explicitly.)
	server_host = {"Host": shop.server.removeprefix("http://"), "X-Frappe-Site-Name": SITE}
	downloads = [
		(
			doctype,
			name,
			buyer.session.get(
				f"{shop.server}/api/method/order_clerk.portal.download_pdf",
				params={"doctype": doctype, "name": name},
				headers=server_host,
				cookies={"sid": buyer.sid},
				timeout=120,
			),
		)
		for doctype, name in (("OC Order", shop.approved), ("OC Delivery Note", shop.note))
	]
	for doctype, name, response in downloads:
		assert response.status_code == 200, (doctype, response.text[:300])
		assert response.content.startswith(b"%PDF")
		if doctype == "OC Order":
			# The customer reads its own prices on its confirmation.
			text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
			assert "1,000.00" in text, text
		fresh()
		assert frappe.db.exists(
			"OC Print Log",
			{"reference_doctype": doctype, "reference_name": name, "printed_by": shop.contacts.buyer},
		), doctype


def test_no_download_of_another_customers_or_an_unapproved_document(shop, buyer):
	cases = [
		("OC Order", shop.foreign, 404),
		("OC Order", shop.pending, 404),  # no confirmation before approval
		("OC Customer", shop.customer, 404),
		("OC Order", "ORD-DOES-NOT-EXIST", 404),
	]
	for doctype, name, status in cases:
		response = buyer.get("/api/method/order_clerk.portal.download_pdf", doctype=doctype, name=name)
		assert response.status_code == status, (doctype, name, response.status_code)
	fresh()
	assert not frappe.db.exists(
		"OC Print Log", {"reference_name": shop.foreign, "printed_by": shop.contacts.buyer}
	)


# the acknowledgement


def test_the_acknowledgement_links_to_the_orders_portal_page(shop):
	frappe.set_user(shop.people.clerk)
	order = make_order(shop.customer, contact_email="buyer@customer.example.com")
	act(order.name, "Submit for Review")
	messages = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "OC Order", "reference_name": order.name},
		pluck="message",
	)
	assert len(messages) == 1
	assert f"/my-orders/{order.name}" in messages[0]
	# A customer without portal contacts gets no link.
	assert portal.order_url(frappe._dict(name="ORD-X", customer=make_customer())) is None


def test_a_sealed_order_takes_no_confirmation_and_no_question(shop, monkeypatch):
	from order_clerk import archive

	monkeypatch.setattr(archive, "sealed_record_of", lambda order: "ARC-SEALED" if order else None)
	frappe.set_user(shop.contacts.buyer)
	with pytest.raises(archive.ArchiveSealedError):
		portal.ask_question(shop.draft, "Is it sealed?")
	frappe.set_user("Administrator")
	assert not [row for row in frappe.get_doc("OC Order", shop.draft).clarifications]
	frappe.set_user(shop.contacts.other)
	with pytest.raises(archive.ArchiveSealedError):
		portal.confirm_order(shop.foreign_pending)
	frappe.set_user("Administrator")
	assert not frappe.db.get_value("OC Order", shop.foreign_pending, "customer_confirmed_on")


def test_the_portal_speaks_chinese(shop, buyer):
	page = buyer.get(f"/my-orders/{shop.approved}", _lang="zh").text
	assert "发货记录" in page and "向我们提问" in page


def test_a_contact_signs_in_confirms_and_asks_in_the_browser(shop, chromium):
	"""The page's own buttons, in Chromium: the e-mail's link, Frappe's login, back to the order."""
	import re

	from playwright.sync_api import expect

	frappe.set_user(shop.people.clerk)
	order = make_order(shop.customer, shop.product).name
	act(order, "Submit for Review")
	frappe.set_user("Administrator")
	frappe.db.commit()
	context = chromium.new_context(base_url=f"http://{SITE}:{shop.server.rsplit(':', 1)[1]}")
	context.set_default_timeout(60_000)
	try:
		page = context.new_page()
		page.goto(f"/my-orders/{order}")
		page.wait_for_url(re.compile(r"/login"))
		page.locator("#login_email").fill(shop.contacts.buyer)
		page.locator("#login_password").fill(PASSWORD)
		page.locator(".btn-login").first.click()
		page.wait_for_url(re.compile(rf"/my-orders/{order}$"))
		page.once("dialog", lambda dialog: dialog.accept())
		page.locator(".oc-portal-confirm").click()
		expect(page.locator(".oc-portal-confirmation .text-success")).to_contain_text("Li Na")
		page.locator(".oc-portal-ask textarea").fill("Pallets or cartons?")
		page.locator(".oc-portal-ask button").click()
		expect(page.locator(".oc-portal-question-text")).to_have_text("Pallets or cartons?")
	finally:
		context.close()
	fresh()
	saved = frappe.get_doc("OC Order", order)
	assert saved.customer_confirmed_by == shop.contacts.buyer
	assert [(row.question, row.asked_by) for row in saved.clarifications] == [
		("Pallets or cartons?", shop.contacts.buyer)
	]
