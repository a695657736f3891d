"""What never changes: approved documents keep their names, masters named by them keep theirs,
a sealed order takes no later change, files kept as evidence stay as they are, and the one-per
rules hold when two requests arrive at once."""

import hashlib
import os
import threading

import frappe
import pytest
from frappe.utils import add_days, nowdate

from order_clerk import archive
from order_clerk.archive import files as archive_files
from order_clerk.immutability import EvidenceFileError, RenameRefusedError
from order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note import DuplicateDeliveryNoteError
from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import (
	DuplicateInvoiceRequestError,
	new_invoice_request,
)
from tests.utils import (
	approved_order,
	attach_receipt,
	finished_order,
	gathered_record,
	make_customer,
	make_note,
	make_product,
	make_slip,
	server_messages,
	ship,
	sign,
	unique,
)


def path_of(file_url):
	return archive_files._path_of(file_url)


def sha256(path):
	with open(path, "rb") as f:
		return hashlib.sha256(f.read()).hexdigest()


def at_once(*calls):
	"""Run the calls in threads released together; their results in the order given."""
	barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

	def run(i, call):
		barrier.wait()
		results[i] = call()

	threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	return results


def post(api, method, **data):
	"""A call of a whitelisted method, to be made later (by at_once)."""
	return lambda: api.post(f"/api/method/{method}", data)


# renames of approved documents


def test_an_approved_order_keeps_its_name_on_every_rename_path(world, people):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	for user in (people.reviewer, people.clerk, "Administrator"):
		frappe.set_user(user)
		with pytest.raises(RenameRefusedError, match=f"OC Order {order.name} is submitted"):
			frappe.rename_doc("OC Order", order.name, unique("ORD"), force=True)
		with pytest.raises(RenameRefusedError, match=f"OC Order {order.name} is submitted"):
			frappe.get_doc("OC Order", order.name).rename(unique("ORD"), force=True)
	assert frappe.db.exists("OC Order", order.name)
	# Document.rename lets a caller skip validation (run_doc_method): the rename raises, so the
	# request's transaction rolls it back (see the REST test).
	frappe.set_user(people.clerk)
	frappe.db.savepoint("unchecked_rename")
	with pytest.raises(RenameRefusedError, match="only be renamed with its checks"):
		frappe.get_doc("OC Order", order.name).rename(unique("ORD"), force=True, validate_rename=False)
	frappe.db.rollback(save_point="unchecked_rename")
	assert frappe.db.exists("OC Order", order.name)


def test_submitted_fulfilment_documents_keep_their_names(world, people):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	slip, note = ship(world, people, order.name)
	frappe.set_user("Administrator")
	for doctype, name in (("OC Outbound Slip", slip), ("OC Delivery Note", note)):
		with pytest.raises(RenameRefusedError, match="is submitted"):
			frappe.rename_doc(doctype, name, unique("X"), force=True)
		assert frappe.db.exists(doctype, name)


@pytest.mark.rest
def test_rename_through_rest_is_refused(world, people, rest_users):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	frappe.db.commit()  # seen by the server process
	new_name = unique("ORD")
	for profile, attempt in (
		(
			"clerk",
			lambda api: api.post(
				"/api/method/run_doc_method",
				{
					"dt": "OC Order",
					"dn": order.name,
					"method": "rename",
					"args": frappe.as_json({"name": new_name, "force": 1}),
				},
			),
		),
		(
			"reviewer",
			lambda api: api.post(
				"/api/method/run_doc_method",
				{
					"dt": "OC Order",
					"dn": order.name,
					"method": "rename",
					"args": frappe.as_json({"name": new_name, "force": 1, "validate_rename": 0}),
				},
			),
		),
		(
			"reviewer",
			lambda api: api.post(
				"/api/method/frappe.client.rename_doc",
				{"doctype": "OC Order", "old_name": order.name, "new_name": new_name},
			),
		),
	):
		response = attempt(rest_users[profile])
		assert response.status_code == 417, (profile, response.text[:300])
		assert f"OC Order {order.name}" in server_messages(response) or "checks" in server_messages(response)
	frappe.db.rollback()
	assert frappe.db.exists("OC Order", order.name) and not frappe.db.exists("OC Order", new_name)


# renames and merges of masters


def test_masters_named_by_approved_documents_keep_their_names(world, people):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	frappe.set_user(people.clerk)
	spare = make_customer()
	for doctype, name in (("OC Customer", world.customer), ("OC Product", world.product)):
		with pytest.raises(RenameRefusedError, match=r"named by \d+ submitted or cancelled documents"):
			frappe.rename_doc(doctype, name, unique("New"))
		assert frappe.db.exists(doctype, name)
	with pytest.raises(RenameRefusedError, match="cannot be merged"):
		frappe.rename_doc("OC Customer", world.customer, spare, merge=True)
	frappe.set_user("Administrator")
	with pytest.raises(RenameRefusedError, match="OC Stock Entry"):
		frappe.rename_doc("OC Warehouse", world.warehouse, unique("WH"), force=True)
	assert frappe.db.get_value("OC Order", order.name, "customer") == world.customer
	# A master no approved document names is renamed as before.
	frappe.set_user(people.clerk)
	renamed = frappe.rename_doc("OC Customer", spare, unique("Renamed"))
	assert frappe.db.exists("OC Customer", renamed)


def test_the_refusal_counts_the_documents(world, people):
	product = make_product()
	orders = [approved_order(people, world.customer, product).name for _ in range(2)]
	frappe.set_user(people.clerk)
	with pytest.raises(RenameRefusedError) as refused:
		frappe.rename_doc("OC Product", product, unique("P"))
	# Two orders, each with its line: the documents are counted, not the rows.
	assert "named by 2 submitted or cancelled documents" in str(refused.value)
	assert all(name in str(refused.value) for name in orders)


# a sealed order takes no later change


def test_an_exception_on_a_sealed_order_is_refused(sealed):
	frappe.set_user(sealed.people.clerk)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"order": sealed.order,
			"exception_type": "Customer Change",
			"description": "New date asked",
			"due_date": add_days(nowdate(), 3),
			"revised_delivery_date": add_days(nowdate(), 30),
			"hold_order": 1,
		}
	)
	with pytest.raises(archive.ArchiveSealedError, match=f"Order {sealed.order} is archived and sealed"):
		exception.insert()
	assert frappe.db.get_value("OC Order", sealed.order, ["revised_delivery_date", "status"]) == (
		None,
		"Completed",
	)


def test_an_open_exception_keeps_an_order_from_being_sealed(world, people, served_site):
	done = finished_order(world, people)
	frappe.set_user(people.clerk)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"order": done.order,
			"exception_type": "Quality",
			"description": "Scratches reported",
			"due_date": add_days(nowdate(), 3),
		}
	).insert()
	record = gathered_record(done.order, people)
	assert f"Exception {exception.name} on order {done.order} is still open." in record.missing_items
	frappe.set_user(people.reviewer)
	with pytest.raises(archive.ArchiveIncompleteError, match=f"Exception {exception.name}"):
		frappe.get_doc("OC Archive Record", record.name).submit()


# files kept as evidence


def test_the_archive_keeps_its_own_copy_of_each_file(sealed):
	record = frappe.get_doc("OC Archive Record", sealed.record)
	for row in record.items:
		assert frappe.db.exists(
			"File",
			{
				"file_url": row.file,
				"attached_to_doctype": "OC Archive Record",
				"attached_to_name": record.name,
			},
		), row.kind
		assert row.file.startswith("/private/files/") and row.sha256 in row.file, row.kind
		assert sha256(path_of(row.file)) == row.sha256, row.kind
	for kind in archive.ATTACHED_KINDS:
		row = sealed.rows[kind]
		assert row.source_file and row.source_file != row.file, kind
		assert sha256(path_of(row.source_file)) == row.sha256, kind
	results = archive.verify(record)
	assert {(r["status"], r["copy"]) for r in results} == {("Intact", "Intact")}
	assert {r["source"] for r in results if r["kind"] in archive.ATTACHED_KINDS} == {"Intact"}


def test_evidence_files_cannot_be_deleted_changed_or_published_in_process(sealed):
	receipt = frappe.get_doc("File", {"file_url": sealed.rows["Signed Receipt"].source_file})
	copy = frappe.get_doc("File", {"file_url": sealed.rows["Signed Receipt"].file})
	before = {url: sha256(path_of(url)) for url in (receipt.file_url, copy.file_url)}
	for file in (receipt, copy):
		with pytest.raises(EvidenceFileError, match="cannot be deleted"):
			frappe.delete_doc("File", file.name)
		for change in (
			{"is_private": 0},
			{"file_url": "/private/files/other.txt"},
			{"attached_to_name": "X"},
		):
			doc = frappe.get_doc("File", file.name)
			doc.update(change)
			with pytest.raises(EvidenceFileError):
				doc.save()
		with pytest.raises(EvidenceFileError, match="cannot be renamed"):
			frappe.rename_doc("File", file.name, unique("F"), force=True)
	# Nothing can be added to the archive record or to a document of the sealed order.
	for doctype, name in (("OC Archive Record", sealed.record), ("OC Delivery Note", sealed.note)):
		with pytest.raises(EvidenceFileError):
			attach_receipt(doctype, name)
	frappe.db.rollback()
	assert {url: sha256(path_of(url)) for url in before} == before
	assert frappe.db.get_value("File", receipt.name, "is_private") == 1


@pytest.mark.rest
def test_evidence_files_through_rest(sealed, rest_users):
	receipt = frappe.get_doc("File", {"file_url": sealed.rows["Signed Receipt"].source_file})
	copy = frappe.get_doc("File", {"file_url": sealed.rows["Order"].file})
	for profile in ("sysadmin", "clerk", "warehouse", "reviewer"):
		api = rest_users[profile]
		for file in (receipt, copy):
			for response in (
				api.request("DELETE", f"/api/resource/File/{file.name}"),
				api.put(f"/api/resource/File/{file.name}", {"is_private": 0}),
				api.post(
					"/api/method/frappe.client.set_value",
					{"doctype": "File", "name": file.name, "fieldname": "file_url", "value": "/files/x.txt"},
				),
				api.post("/api/method/frappe.desk.form.utils.remove_attach", {"fid": file.name}),
			):
				assert response.status_code in (403, 417), (profile, file.file_url, response.text[:300])
	# A new File pointing at evidence would give its owner a way in: refused to whoever cannot
	# read it, and a copy of its own (never the evidence's URL) to whoever can.
	invoice_copy = sealed.rows["Invoice Copy"].source_file
	pointing = rest_users["warehouse"].post(
		"/api/method/upload_file", {"file_url": invoice_copy, "is_private": 1}
	)
	assert pointing.status_code in (403, 417), pointing.text[:300]
	pointing = rest_users["clerk"].post(
		"/api/method/upload_file", {"file_url": invoice_copy, "is_private": 1}
	)
	assert pointing.status_code == 200, pointing.text[:300]
	assert pointing.json()["message"]["file_url"] != invoice_copy
	# Uploading the same bytes again makes a file of its own, never a second name for evidence.
	with open(path_of(receipt.file_url), "rb") as f:
		content = f.read()
	response = rest_users["clerk"].request(
		"POST",
		"/api/method/upload_file",
		files={"file": ("receipt.txt", content)},
		data={"is_private": 1},
	)
	assert response.status_code == 200, response.text[:300]
	assert response.json()["message"]["file_url"] != receipt.file_url
	frappe.db.rollback()
	for file in (receipt, copy):
		assert frappe.db.get_value("File", file.name, ["file_url", "is_private"]) == (file.file_url, 1)
		assert os.path.exists(path_of(file.file_url))
	assert sha256(path_of(receipt.file_url)) == sealed.rows["Signed Receipt"].sha256


def test_a_receipt_cannot_be_replaced_before_sealing(world, people, served_site):
	done = finished_order(world, people)
	receipt_url = frappe.db.get_value("OC Delivery Note", done.note, "signed_receipt")
	receipt = frappe.get_doc("File", {"file_url": receipt_url, "attached_to_name": done.note})
	# The one who uploaded it can no longer delete it, so its URL cannot be freed for other bytes.
	frappe.set_user(people.clerk)
	assert not frappe.has_permission("File", "delete", doc=receipt)
	frappe.set_user("Administrator")
	with pytest.raises(EvidenceFileError, match="cannot be deleted"):
		frappe.delete_doc("File", receipt.name)
	record = gathered_record(done.order, people)
	# Bytes replaced behind Frappe's back after gathering: the seal refuses them.
	path = path_of(receipt_url)
	with open(path, "rb") as f:
		original = f.read()
	try:
		with open(path, "wb") as f:
			f.write(b"another receipt")
		frappe.set_user(people.reviewer)
		with pytest.raises(archive.ArchiveIncompleteError, match="has changed since it was gathered"):
			frappe.get_doc("OC Archive Record", record.name).submit()
	finally:
		with open(path, "wb") as f:
			f.write(original)
	frappe.get_doc("OC Archive Record", record.name).submit()
	assert {r["status"] for r in archive.verify(frappe.get_doc("OC Archive Record", record.name))} == {
		"Intact"
	}


def test_verification_checks_the_copy_and_its_source(sealed):
	record = frappe.get_doc("OC Archive Record", sealed.record)
	row = sealed.rows["Invoice Copy"]
	path = path_of(row.source_file)
	with open(path, "rb") as f:
		original = f.read()
	try:
		with open(path, "wb") as f:
			f.write(b"a different invoice")
		result = next(r for r in archive.verify(record) if r["kind"] == "Invoice Copy")
		assert (result["copy"], result["source"], result["status"]) == ("Intact", "Changed", "Changed")
	finally:
		with open(path, "wb") as f:
			f.write(original)
	frappe.db.rollback()
	assert {r["status"] for r in archive.verify(record)} == {"Intact"}
	frappe.db.rollback()


# one-per rules


def test_a_note_lists_each_slip_line_once(world, people):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 4, "rate": 50}]
	)
	frappe.set_user(people.clerk)
	slip = make_slip(order.name, world.warehouse)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Outbound Slip", slip.name).submit()
	frappe.set_user(people.clerk)
	from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note

	note = make_delivery_note(slip.name)
	note.append("items", {**note.items[0].as_dict(), "name": None, "idx": None})
	with pytest.raises(DuplicateDeliveryNoteError, match="Rows 1 and 2 both deliver the same line"):
		note.insert()
	assert not frappe.db.exists("OC Delivery Note", {"outbound_slip": slip.name})
	# The index holds the rule on a path that skips validation too.
	note = make_note(slip.name)
	duplicate = frappe.get_doc("OC Delivery Note Item", note.items[0].name)
	duplicate.name, duplicate.idx = None, 2
	with pytest.raises(DuplicateDeliveryNoteError):
		duplicate.db_insert()


def test_cancelling_frees_the_slip_and_the_note(world, people):
	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	slip, note = ship(world, people, order.name)
	frappe.set_user(people.warehouse)
	frappe.get_doc("OC Delivery Note", note).cancel()
	assert frappe.db.get_value("OC Delivery Note", note, "slip_key") is None
	frappe.set_user(people.clerk)
	again = make_note(slip)
	assert again.slip_key == slip
	with pytest.raises(DuplicateDeliveryNoteError, match=f"already has delivery note {again.name}"):
		make_note(slip)

	order = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 2, "rate": 50}]
	)
	_slip, note = ship(world, people, order.name)
	sign(note, "Signed")
	request = new_invoice_request([note]).insert()
	with pytest.raises(DuplicateInvoiceRequestError, match="already on invoice request"):
		new_invoice_request([note]).insert()
	request.submit()
	request.cancel()
	again = new_invoice_request([note]).insert()
	assert again.delivery_notes[0].note_key == note


def rest_order(rest_world, qty):
	"""An approved order of `qty` of the world's product at 10, not yet committed."""
	return approved_order(
		rest_world.people,
		rest_world.customer,
		rest_world.product,
		items=[{"product": rest_world.product, "qty": qty, "rate": 10}],
	)


def dispatched(rest_world, signed=False):
	order = rest_order(rest_world, 2)
	slip, note = ship(rest_world, rest_world.people, order.name)
	if signed:
		sign(note, "Signed")
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	return order.name, slip, note


@pytest.mark.rest
def test_two_delivery_notes_for_one_slip_at_once(rest_world, rest_users):
	api = rest_users["clerk"]
	for _ in range(3):
		order = rest_order(rest_world, 2)
		frappe.set_user(rest_world.people.clerk)
		slip = make_slip(order.name, rest_world.warehouse).name
		frappe.set_user(rest_world.people.warehouse)
		frappe.get_doc("OC Outbound Slip", slip).submit()
		frappe.set_user("Administrator")
		frappe.db.commit()  # seen by the server process
		results = at_once(*[post(api, "order_clerk.api.make_delivery_note", outbound_slip=slip)] * 2)
		assert sorted(r.status_code for r in results) == [200, 409], [r.text[:300] for r in results]
		loser = next(r for r in results if r.status_code == 409)
		assert f"Outbound slip {slip} already has delivery note" in server_messages(loser)
		frappe.db.rollback()
		assert frappe.db.count("OC Delivery Note", {"outbound_slip": slip, "docstatus": ("<", 2)}) == 1


@pytest.mark.rest
def test_two_invoice_requests_for_one_note_at_once(rest_world, rest_users):
	api = rest_users["clerk"]
	for _ in range(3):
		_order, _slip, note = dispatched(rest_world, signed=True)
		results = at_once(*[post(api, "order_clerk.api.make_invoice_request", delivery_notes=[note])] * 2)
		assert sorted(r.status_code for r in results) == [200, 409], [r.text[:300] for r in results]
		loser = next(r for r in results if r.status_code == 409)
		assert f"delivery note {note} is already on invoice request" in server_messages(loser)
		frappe.db.rollback()
		assert frappe.db.count("OC Invoice Request Note", {"delivery_note": note}) == 1


@pytest.mark.rest
def test_two_archive_records_for_one_order_at_once(rest_world, rest_users):
	api = rest_users["clerk"]
	for _ in range(3):
		order = rest_order(rest_world, 1).name
		frappe.db.commit()  # seen by the server process
		results = at_once(*[post(api, "order_clerk.api.make_archive_record", order=order)] * 2)
		codes = sorted(r.status_code for r in results)
		assert codes in ([200, 200], [200, 409]), [r.text[:300] for r in results]
		if codes == [200, 409]:
			loser = next(r for r in results if r.status_code == 409)
			assert f"Order {order} already has archive record" in server_messages(loser)
		else:
			assert len({r.json()["message"]["name"] for r in results}) == 1
		frappe.db.rollback()
		assert frappe.db.count("OC Archive Record", {"order": order}) == 1
