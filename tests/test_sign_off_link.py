"""Sign-off from the receiver's phone through the QR code of a printed delivery note: the link,
its refusals (tampered, foreign, expired, replayed), the uploads it takes, and the whole flow
in a real browser on a phone-sized screen."""

import io
import os
import time

import frappe
import pytest
from PIL import Image
from playwright.sync_api import expect

from order_clerk import sign_off_link
from order_clerk.sign_off_link import SignOffLinkError, make_token, read_token
from tests.conftest import SITE
from tests.utils import (
	approved_order,
	fields_of,
	make_product,
	receive_stock,
	server_messages,
	ship,
	sign,
	stocked_world,
)

RATE = 123.45  # a price no quantity on the page could show by chance


@pytest.fixture
def dispatched(people):
	"""A dispatched delivery note of two lines (10 and 4), waiting for the receiver; committed,
	so the test server sees it."""
	world = stocked_world(people, rate=RATE, stock=100)
	frappe.set_user("Administrator")
	second = make_product(rate=RATE, product_name="Hex Nut 六角螺母 <b>M8</b>")
	frappe.set_user(people.warehouse)
	receive_stock(world.warehouse, second, 50)
	frappe.set_user("Administrator")
	order = approved_order(
		people,
		world.customer,
		world.product,
		items=[{"product": world.product, "qty": 10}, {"product": second, "qty": 4}],
	)
	_slip, note = ship(world, people, order.name)
	frappe.set_user("Administrator")
	frappe.db.commit()
	return frappe._dict(note=note, order=order.name, second=second)


def link_token(note: str, seconds: int = 3600) -> str:
	return make_token(note, int(time.time()) + seconds)


def photo_png() -> bytes:
	"""A small PNG of its own: every photo of a signed paper differs (and Frappe would share
	the stored bytes of identical files)."""
	buffer = io.BytesIO()
	Image.frombytes("RGB", (32, 24), os.urandom(32 * 24 * 3)).save(buffer, format="PNG")
	return buffer.getvalue()


def post_sign(guest, token, files=None, **fields):
	data = {"token": token, "signed_by": "Li Na 李娜", **fields}
	return guest.session.post(
		f"{guest.base_url}/api/method/order_clerk.sign_off_link.sign", data=data, files=files, timeout=60
	)


SIGN_OFF_FIELDS = ("sign_status", "signed_by", "signed_receipt", "sign_off_channel", "sign_off_recorded_by")


def note_state(note):
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return fields_of("OC Delivery Note", note, *SIGN_OFF_FIELDS)


# the link


def test_the_token_names_one_note_and_cannot_be_altered(dispatched):
	token = link_token(dispatched.note)
	assert read_token(token)[0] == dispatched.note
	payload, signature = token.split(".")
	foreign = make_token("DN-OTHER-00001", int(time.time()) + 3600).split(".")[0]
	for forged in (
		f"{foreign}.{signature}",  # another note's payload under this signature
		f"{payload}.{signature[:-2]}AA",  # a changed signature
		"not-a-token",
		"",
	):
		with pytest.raises(SignOffLinkError):
			read_token(forged)
	with pytest.raises(SignOffLinkError, match="expired"):
		sign_off_link.note_for(link_token(dispatched.note, seconds=-60))


def test_the_printed_note_carries_the_link_until_it_is_signed(dispatched, people):
	frappe.set_user(people.clerk)
	html = frappe.get_print("OC Delivery Note", dispatched.note, "OC Delivery Note")
	start = html.index("/sign/") + len("/sign/")
	token = html[start : html.index("<", start)].strip()
	assert read_token(token)[0] == dispatched.note
	frappe.set_user("Administrator")
	sign(dispatched.note, "Signed")
	frappe.set_user(people.clerk)
	assert "/sign/" not in frappe.get_print("OC Delivery Note", dispatched.note, "OC Delivery Note")


# the page and the sign-off through REST, as a guest


def test_the_page_shows_the_lines_without_prices(dispatched, guest):
	response = guest.get(f"/sign/{link_token(dispatched.note)}")
	assert response.status_code == 200, response.text[:500]
	page = response.text
	assert dispatched.note in page
	assert "Hex Nut 六角螺母 &lt;b&gt;M8&lt;/b&gt;" in page  # escaped, never markup
	assert "<b>M8</b>" not in page
	assert "123.45" not in page and "1,234.5" not in page  # neither rate nor amount


@pytest.mark.parametrize(
	"forge",
	[
		lambda note: link_token(note)[:-3] + "xyz",
		lambda note: make_token("DN-NOT-THERE", int(time.time()) + 3600),
		lambda note: link_token(note, seconds=-5),
	],
	ids=["tampered", "unknown note", "expired"],
)
def test_a_bad_link_opens_nothing(dispatched, guest, forge):
	response = guest.get(f"/sign/{forge(dispatched.note)}")
	assert response.status_code == 403
	assert dispatched.note not in response.text
	refused = post_sign(guest, forge(dispatched.note), files={"photo": ("p.png", photo_png(), "image/png")})
	assert refused.status_code == 403, refused.text[:300]
	assert note_state(dispatched.note).sign_status == "Pending"


def test_short_receipt_signs_once_and_raises_the_discrepancy(dispatched, guest):
	token = link_token(dispatched.note)
	response = post_sign(
		guest,
		token,
		received='{"1": 10, "2": 3}',
		remarks="One carton crushed",
		files={"photo": ("signed.png", photo_png(), "image/png")},
	)
	assert response.status_code == 200, response.text[:500]
	state = note_state(dispatched.note)
	assert (state.sign_status, state.signed_by, state.sign_off_channel, state.sign_off_recorded_by) == (
		"Partly Signed",
		"Li Na 李娜",
		"Receiver's Phone",
		"Guest",
	)
	file = frappe.get_doc("File", {"file_url": state.signed_receipt})
	assert (file.is_private, file.attached_to_doctype, file.attached_to_name) == (
		1,
		"OC Delivery Note",
		dispatched.note,
	)
	received = frappe.get_all(
		"OC Delivery Note Item",
		filters={"parent": dispatched.note},
		fields=["idx", "received_qty"],
		order_by="idx",
	)
	assert [r.received_qty for r in received] == [10, 3]
	exception = frappe.get_all(
		"OC Order Exception",
		filters={"delivery_note": dispatched.note, "exception_type": "Sign-off Discrepancy"},
		fields=["description"],
	)
	assert len(exception) == 1 and "One carton crushed" in exception[0].description

	# Used: the same link is refused, on the page and for a second sign-off.
	replay = post_sign(guest, token, received='{"1": 10, "2": 4}', files={"photo": ("s.png", photo_png())})
	assert replay.status_code == 417 and "has been used" in server_messages(replay)
	assert guest.get(f"/sign/{token}").status_code == 409
	assert note_state(dispatched.note).sign_status == "Partly Signed"
	assert (
		frappe.db.count(
			"File", {"attached_to_name": dispatched.note, "attached_to_doctype": "OC Delivery Note"}
		)
		== 1
	)


def test_refusal_needs_no_photo(dispatched, guest):
	response = post_sign(guest, link_token(dispatched.note), refused="1", remarks="Wrong goods")
	assert response.status_code == 200, response.text[:500]
	assert note_state(dispatched.note).sign_status == "Refused"


@pytest.mark.parametrize(
	"fields,files,message",
	[
		({}, None, "photo"),
		({}, {"photo": ("note.png", b"#!/bin/sh\necho not an image\n", "image/png")}, "JPEG, PNG or WebP"),
		({}, {"photo": ("big.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024), "image/png")}, "larger than"),
		({"received": '{"1": 11}'}, "photo", "between 0 and the 10"),
		({"received": '{"9": 1}'}, "photo", "Line 9"),
		({"received": '{"1": "many"}'}, "photo", "must be a number"),
		({"signed_by": "  "}, "photo", "name"),
	],
	ids=[
		"no photo",
		"not an image",
		"too large",
		"more than shipped",
		"foreign line",
		"not a number",
		"no name",
	],
)
def test_bad_input_is_refused_and_leaves_nothing(dispatched, guest, fields, files, message):
	if files == "photo":
		files = {"photo": ("signed.png", photo_png(), "image/png")}
	before = set(os.listdir(private_files()))
	response = post_sign(guest, link_token(dispatched.note), files=files, **fields)
	assert response.status_code == 417, response.text[:300]
	assert message in server_messages(response)
	assert note_state(dispatched.note).sign_status == "Pending"
	assert not frappe.db.exists(
		"File", {"attached_to_name": dispatched.note, "attached_to_doctype": "OC Delivery Note"}
	)
	assert set(os.listdir(private_files())) == before  # no bytes left on disk either


def private_files() -> str:
	return frappe.get_site_path("private", "files")


# in a real browser, on a phone


def test_the_receiver_signs_on_a_phone(dispatched, server, chromium, tmp_path):
	photo = tmp_path / "signed-note.png"
	photo.write_bytes(photo_png())
	base_url = f"http://{SITE}:{server.rsplit(':', 1)[1]}"
	phone = {
		"viewport": {"width": 390, "height": 844},
		"device_scale_factor": 3,
		"is_mobile": True,
		"has_touch": True,
		"user_agent": (
			"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
			"(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
		),
		"locale": "zh-CN",
	}
	context = chromium.new_context(base_url=base_url, **phone)
	try:
		page = context.new_page()
		token = link_token(dispatched.note)
		page.goto(f"/sign/{token}")
		expect(page.locator(".oc-sign-form")).to_be_visible()
		# Nothing on the page is wider than the phone's screen.
		assert page.evaluate("document.documentElement.scrollWidth") <= 390
		page.fill("#oc-line-2", "2")
		page.fill("#oc-sign-by", "王强")
		page.set_input_files("#oc-sign-photo", str(photo))
		page.fill("#oc-sign-remarks", "两件包装破损")
		page.click(".oc-sign-submit")
		expect(page.locator(".oc-sign-done")).to_be_visible(timeout=30000)
		expect(page.locator(".oc-sign-done")).to_contain_text(dispatched.note)

		state = note_state(dispatched.note)
		assert (state.sign_status, state.signed_by, state.sign_off_channel) == (
			"Partly Signed",
			"王强",
			"Receiver's Phone",
		)
		# Opened again, the link says it has been used.
		page.goto(f"/sign/{token}")
		expect(page.locator(".oc-sign-refusal")).to_be_visible()
		expect(page.locator(".oc-sign-form")).to_have_count(0)
	finally:
		context.close()
