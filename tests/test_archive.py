"""Archive records: gathering, the checklist, sealing and its lock, verification, roles."""

import hashlib
import os

import frappe
import pytest
from frappe.utils import getdate, nowdate

from order_clerk import archive
from order_clerk.numbering import peek_next_number
from tests.utils import (
	approved_order,
	finished_order,
	gathered_record,
)

# Gathering prints PDFs, which fetch the print styles from the test server.
pytestmark = pytest.mark.usefixtures("served_site")

ALL_KINDS = [
	"Order",
	"Original Order",
	"Approval Trail",
	"Outbound Slip",
	"Delivery Note",
	"Signed Receipt",
	"Invoice Request",
	"Invoice Copy",
	"Print and Copy Records",
]


def file_path(file_url):
	return frappe.get_doc("File", {"file_url": file_url}).get_full_path()


def test_gathering_a_complete_order(world, people):
	done = finished_order(world, people)
	assert archive.is_ready(frappe.get_doc("OC Order", done.order))
	record = gathered_record(done.order, people)
	assert [row.kind for row in record.items] == ALL_KINDS
	for row in record.items:
		with open(file_path(row.file), "rb") as f:
			content = f.read()
		assert row.sha256 == hashlib.sha256(content).hexdigest(), row.kind
		if row.kind not in ("Original Order", "Signed Receipt", "Invoice Copy"):
			assert content.startswith(b"%PDF"), row.kind
	assert {(row.kind, row.document_name) for row in record.items} >= {
		("Outbound Slip", done.slip),
		("Delivery Note", done.note),
		("Signed Receipt", done.note),
	}
	assert (record.status, record.missing_items, record.progress) == ("Ready", "", 100)


def test_gathering_twice_gives_the_same_record(world, people):
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	first = [(r.kind, r.document_name, r.file, r.sha256) for r in record.items]
	archive.gather(record.name)
	record.reload()
	assert [(r.kind, r.document_name, r.file, r.sha256) for r in record.items] == first
	assert frappe.db.count("OC Archive Item", {"parent": record.name}) == len(ALL_KINDS)


def test_sealing_is_refused_while_something_is_missing(world, people):
	done = finished_order(world, people, invoice=False)
	record = gathered_record(done.order, people)
	assert record.status == "Incomplete"
	assert f"Delivery note {done.note} has no issued invoice." in record.missing_items
	frappe.set_user(people.reviewer)
	with pytest.raises(
		archive.ArchiveIncompleteError, match=f"Delivery note {done.note} has no issued invoice"
	):
		frappe.get_doc("OC Archive Record", record.name).submit()
	assert not frappe.db.get_value("OC Archive Record", record.name, "archive_no")
	# Where the site does not require invoices, the same record can be sealed.
	frappe.db.set_single_value("OC Settings", "invoice_required_for_archive", 0)
	frappe.get_doc("OC Archive Record", record.name).submit()
	frappe.db.set_single_value("OC Settings", "invoice_required_for_archive", 1)


def test_archive_numbers_at_sealing_without_gaps(world, people):
	records = [gathered_record(finished_order(world, people).order, people) for _ in range(2)]
	unfinished = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 1}]
	)
	incomplete = gathered_record(unfinished.name, people)
	expected = peek_next_number("ARC", getdate(nowdate()).year)
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Archive Record", records[0].name).submit()
	with pytest.raises(archive.ArchiveIncompleteError, match="not fully delivered"):
		frappe.get_doc("OC Archive Record", incomplete.name).submit()
	frappe.get_doc("OC Archive Record", records[1].name).submit()
	numbers = [frappe.db.get_value("OC Archive Record", r.name, "archive_no") for r in records]
	prefix, number = expected.rsplit("-", 1)
	assert numbers == [expected, f"{prefix}-{int(number) + 1:05d}"]
	sealed = frappe.get_doc("OC Archive Record", records[0].name)
	assert (sealed.status, sealed.sealed_by, sealed.retention_years) == ("Sealed", people.reviewer, "10")
	assert str(sealed.destroy_after) == str(frappe.utils.add_years(nowdate(), 10))
	assert frappe.db.get_value("OC Order", records[0].order, "status") == "Completed"


def test_only_reviewers_seal_and_nobody_cancels_a_sealed_record(world, people):
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	frappe.set_user(people.clerk)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("OC Archive Record", record.name).submit()
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Archive Record", record.name).submit()
	for user in (people.reviewer, "Administrator"):
		frappe.set_user(user)
		with pytest.raises((frappe.ValidationError, frappe.PermissionError)):
			frappe.get_doc("OC Archive Record", record.name).cancel()
		with pytest.raises((frappe.ValidationError, frappe.PermissionError)):
			frappe.delete_doc("OC Archive Record", record.name)


def test_contents_are_not_edited_by_hand(world, people):
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	record.items[0].sha256 = "0" * 64
	with pytest.raises(frappe.PermissionError):
		record.save()


def test_one_record_per_order(world, people):
	done = finished_order(world, people)
	gathered_record(done.order, people)
	with pytest.raises(frappe.DuplicateEntryError):
		frappe.get_doc({"doctype": "OC Archive Record", "order": done.order}).insert()


def test_verify_detects_changed_and_removed_files(world, people):
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Archive Record", record.name).submit()
	record = frappe.get_doc("OC Archive Record", record.name)
	assert {r["status"] for r in archive.verify(record)} == {"Intact"}

	changed = next(r for r in record.items if r.kind == "Signed Receipt")
	removed = next(r for r in record.items if r.kind == "Delivery Note")
	with open(file_path(changed.file), "ab") as f:
		f.write(b" tampered")
	os.remove(file_path(removed.file))

	results = {(r["kind"], r["document_name"]): r["status"] for r in archive.verify(record)}
	assert results[("Signed Receipt", done.note)] == "Changed"
	assert results[("Delivery Note", done.note)] == "Missing"
	assert results[("Order", done.order)] == "Intact"
	assert frappe.db.get_value("OC Archive Record", record.name, "verification_status") == "Mismatch"

	frappe.set_user("Administrator")
	archive.verify_sealed_records()
	assert frappe.db.exists(
		"ToDo",
		{
			"reference_type": "OC Archive Record",
			"reference_name": record.name,
			"allocated_to": people.reviewer,
		},
	)


def test_ready_orders_are_proposed(world, people):
	done = finished_order(world, people)
	waiting = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 1}]
	)
	ready = archive.propose_archives()
	assert done.order in ready and waiting.name not in ready
	assert frappe.db.get_value("OC Order", done.order, "ready_to_archive") == 1
	assert frappe.db.exists(
		"Notification Log", {"for_user": people.clerk, "subject": ("like", f"%{done.order}%")}
	)


# through REST


@pytest.mark.rest
def test_every_document_of_a_sealed_order_is_locked_through_rest(rest_users, sealed):
	# Each document is tried by a user who could change it, were the order not sealed.
	for profile, doctype, name, change in (
		("reviewer", "OC Order", sealed.order, {"remarks": "late note"}),
		("warehouse", "OC Outbound Slip", sealed.slip, {"remarks": "late note"}),
		("warehouse", "OC Delivery Note", sealed.note, {"sign_off_remarks": "late note"}),
		("clerk", "OC Invoice Request", sealed.request, {"remarks": "late note"}),
	):
		api = rest_users[profile]
		for attempt in (
			api.put(f"/api/resource/{doctype}/{name}", {"docstatus": 2}),
			api.post("/api/method/frappe.client.cancel", {"doctype": doctype, "name": name}),
		):
			assert attempt.status_code == 417, (doctype, attempt.text[:300])
		response = api.put(f"/api/resource/{doctype}/{name}", change)
		assert response.status_code == 417 and "sealed" in response.text, (doctype, response.text[:300])
		assert api.request("DELETE", f"/api/resource/{doctype}/{name}").status_code in (403, 417)
	response = rest_users["reviewer"].put(f"/api/resource/OC Order/{sealed.order}", {"docstatus": 2})
	assert "sealed" in response.text
	for profile in ("sysadmin", "reviewer"):
		api = rest_users[profile]
		response = api.put(f"/api/resource/OC Archive Record/{sealed.record}", {"docstatus": 2})
		assert response.status_code in (403, 417)
		assert api.request("DELETE", f"/api/resource/OC Archive Record/{sealed.record}").status_code in (
			403,
			417,
		)
	frappe.db.rollback()
	assert frappe.db.get_value("OC Order", sealed.order, ["docstatus", "status"]) == (1, "Completed")


@pytest.mark.rest
def test_archive_endpoints_and_roles(rest_users, sealed):
	clerk, reviewer, finance = rest_users["clerk"], rest_users["reviewer"], rest_users["finance"]
	results = reviewer.post("/api/method/order_clerk.api.verify_archive", {"archive_record": sealed.record})
	assert results.status_code == 200
	assert {r["status"] for r in results.json()["message"]} == {"Intact"}
	assert finance.get(f"/api/resource/OC Archive Record/{sealed.record}").status_code == 200
	for profile in ("warehouse", "integrator", "norole"):
		api = rest_users[profile]
		assert api.get(f"/api/resource/OC Archive Record/{sealed.record}").status_code == 403
		response = api.post("/api/method/order_clerk.api.verify_archive", {"archive_record": sealed.record})
		assert response.status_code == 403
	# Asking again for the order's record gives the same sealed record.
	again = clerk.post("/api/method/order_clerk.api.make_archive_record", {"order": sealed.order})
	assert again.status_code == 200 and again.json()["message"]["name"] == sealed.record
	listed = clerk.get(
		"/api/resource/OC Archive Record",
		filters=frappe.as_json(
			[["archive_no", "=", frappe.db.get_value("OC Archive Record", sealed.record, "archive_no")]]
		),
	)
	assert [row["name"] for row in listed.json()["data"]] == [sealed.record]


def test_archiving_is_not_a_print(world, people):
	done = finished_order(world, people)
	before = frappe.db.count("OC Print Log", {"reference_name": ("in", [done.order, done.slip, done.note])})
	gathered_record(done.order, people)
	after = frappe.db.count("OC Print Log", {"reference_name": ("in", [done.order, done.slip, done.note])})
	assert after == before
