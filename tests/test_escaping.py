"""Nothing a user types runs in someone else's browser or mail.

A value in double quotes is a JSON string, which Frappe's HTML sanitiser leaves alone, so a
tracking number such as "<img src=x onerror=...>" is stored as typed. Everywhere the app puts
a user's value into HTML it must come out escaped: the emails to customers, the archive's
PDFs, the print formats, and the desk's own dialogs (checked in a real browser).
"""

import frappe
from frappe.utils import now_datetime
from playwright.sync_api import expect

from order_clerk import archive
from order_clerk.order_clerk.doctype.oc_order.tracking import status_update_message
from tests.desk import screenshot_dir
from tests.utils import (
	approved_order,
	make_note,
	make_product,
	make_slip,
	receive_stock,
	stocked_world,
)

PAYLOAD = '"<img src=x onerror=window.__oc_xss=1>"'
RAW = "<img src=x onerror=window.__oc_xss=1>"
ESCAPED = "&lt;img src=x onerror=window.__oc_xss=1&gt;"


def assert_escaped(html: str, times: int = 1):
	assert RAW not in html
	assert "<img src=x" not in html
	assert html.count(ESCAPED) >= times, html


def shipped_with_hostile_values(people, commit: bool = False) -> frappe._dict:
	"""An approved order, shipped and dispatched, with user-typed values that are markup."""
	world = stocked_world(people)
	frappe.set_user("Administrator")
	product = make_product(rate=10, product_name=PAYLOAD, specification=PAYLOAD)
	frappe.set_user(people.warehouse)
	receive_stock(world.warehouse, product, 50)
	order = approved_order(
		people,
		world.customer,
		product,
		customer_po=PAYLOAD,
		contact_person=PAYLOAD,
		items=[{"product": product, "qty": 5, "rate": 10}],
	)
	frappe.set_user(people.clerk)
	slip = make_slip(order.name, world.warehouse)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Outbound Slip", slip.name).submit()
	frappe.set_user(people.clerk)
	note = make_note(slip.name, tracking_no=PAYLOAD, carrier=PAYLOAD)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Delivery Note", note.name).submit()
	frappe.set_user(people.clerk)
	slip_doc = frappe.get_doc("OC Outbound Slip", slip.name)
	slip_doc.append("copies", {"copy": "Finance Copy", "handed_to": PAYLOAD})
	slip_doc.save()
	frappe.set_user("Administrator")
	# Stored as typed: the sanitiser does not touch a JSON string.
	assert frappe.db.get_value("OC Delivery Note", note.name, "tracking_no") == PAYLOAD
	assert frappe.db.get_value("OC Order", order.name, "customer_po") == PAYLOAD
	if commit:
		frappe.db.commit()  # seen by the server process
	return frappe._dict(order=order.name, slip=slip.name, note=note.name)


def test_status_email_escapes_tracking_number_carrier_and_contact(people):
	shipped = shipped_with_hostile_values(people)
	html = status_update_message(frappe.get_doc("OC Order", shipped.order))
	# Contact person, product name, carrier and tracking number.
	assert_escaped(html, times=4)


def test_email_subjects_carry_no_markup_from_the_po_number(people):
	from order_clerk.order_clerk.doctype.oc_order.tracking import send_status_update

	shipped = shipped_with_hostile_values(people)
	assert send_status_update(frappe.get_doc("OC Order", shipped.order))
	subject = frappe.db.get_value(
		"Communication", {"reference_doctype": "OC Order", "reference_name": shipped.order}, "subject"
	)
	assert subject.startswith("Status of your order") or subject.startswith("您的订单")
	assert "<" not in subject and "onerror" not in subject


def test_acknowledgement_email_escapes_po_contact_and_products(people):
	shipped = shipped_with_hostile_values(people)
	html = frappe.render_template(
		"order_clerk/templates/emails/order_acknowledgement.html",
		{"doc": frappe.get_doc("OC Order", shipped.order), "received_on": now_datetime()},
	)
	# Contact person, PO, product name and specification.
	assert_escaped(html, times=4)


def test_archive_print_and_copy_records_escape_who_received_a_copy(people):
	shipped = shipped_with_hostile_values(people)
	html = frappe.render_template(
		"order_clerk/templates/archive/print_and_copy_records.html",
		archive.print_and_copy_records(shipped.order),
	)
	assert_escaped(html)


def test_delivery_note_print_escapes_tracking_number_and_carrier(people):
	shipped = shipped_with_hostile_values(people)
	html = frappe.get_print("OC Delivery Note", shipped.note, print_format="OC Delivery Note")
	assert_escaped(html, times=3)


def test_order_form_and_status_dialog_show_hostile_values_as_text(desk, people):
	shipped = shipped_with_hostile_values(people, commit=True)
	clerk = desk("en", "clerk", screenshot_dir("escaping"))
	clerk.open_form(f"oc-order/{shipped.order}", shipped.order)
	# The specification in the lines grid: shown as typed, as text.
	specification = clerk.grid_row("items", 1).locator(".grid-static-col[data-fieldname='specification']")
	expect(specification).to_contain_text(PAYLOAD)
	clerk.inner_button("View", "Order Status")
	dialog = clerk.page.locator(".msgprint-dialog:visible")
	expect(dialog.locator(".oc-tracking-no")).to_have_text(PAYLOAD)
	expect(dialog.locator(".oc-carrier")).to_have_text(PAYLOAD)
	expect(dialog.locator("img")).to_have_count(0)
	# Had the markup become an image anywhere on the page, its onerror would have fired by now.
	clerk.page.wait_for_timeout(500)
	assert clerk.page.evaluate("() => window.__oc_xss") is None
	clerk.shot("order-status-dialog", dialog=True)
