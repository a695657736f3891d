"""The attack matrix: every DocType x every role profile x every operation, through REST.

The expected outcome of each cell is in tests/attack_matrix_model.py (one table, the whole
permission model); a failing cell is named "<doctype>|<profile>|<operation>". Then every
whitelisted method of the app with each profile, the framework's own methods that reach
documents, and field-level leaks: no price or amount ever reaches the warehouse.

The records are made once for the module (committed: the server sees only committed data),
owned by the Order Integrator where an order is concerned, so every record is in scope for
every profile whose role may read it; the row-scope tests then use records outside it.
"""

import importlib
import json
import pkgutil

import frappe
import pytest
from frappe.utils import add_days, nowdate

from tests import attack_matrix_model as model
from tests.conftest import ROLE_PROFILES, SITE
from tests.utils import (
	Api,
	act,
	attach_receipt,
	make_api_user,
	make_customer,
	make_note,
	make_product,
	make_slip,
	make_warehouse,
	receive_stock,
	sign,
	unique,
)

# A distinctive price: it must never reach a profile that may not read amounts.
SECRET_RATE = 98765.43
# A credit limit that shows the same digits, high enough that no number of the matrix's
# orders reaches it (approval keeps to the limit: order_clerk/credit.py).
SECRET_CREDIT_LIMIT = SECRET_RATE * 1_000_000
# The rate, the line amounts (10 x, 5 x) and the total in the forms Frappe may print them.
SECRET_MARKS = (
	"98765",
	"98,765",
	"987654",
	"987,654",
	"493827",
	"493,827",
	"1481481",
	"1,481,481",
	"玖万捌仟柒佰陆拾伍",
)

RENAME_REFUSALS = ("You need write permission to rename", "not allowed to be renamed", "RenameRefusedError")


# the records


def committed(factory):
	"""Run a factory in a transaction of its own, and again when a concurrent test run on the
	same site made it a deadlock victim (naming series and stock rows are shared)."""

	def run(self, *args, **kwargs):
		for attempt in range(4):
			frappe.db.commit()
			try:
				result = factory(self, *args, **kwargs)
				frappe.db.commit()
				return result
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				if attempt == 3:
					raise
			finally:
				frappe.set_user("Administrator")

	return run


class World:
	"""The records every cell acts on, and factories for fresh ones where a cell consumes one."""

	def __init__(self, people: dict[str, str]):
		self.people = people

	def as_user(self, profile: str | None):
		frappe.set_user(self.people[profile] if profile else "Administrator")

	@committed
	def build(self):
		self.as_user(None)
		self.warehouse = make_warehouse()
		self.product = make_product(rate=SECRET_RATE)
		self.short_product = make_product(rate=SECRET_RATE)  # never in stock
		self.customer = self.fresh_customer()
		self.as_user("warehouse")
		self.stock_entry = receive_stock(self.warehouse, self.product, 1000).name
		self.draft_stock_entry = self.fresh_stock_entry("draft")

		# Orders of the integrator: approved (read by every reader), draft, pending review.
		self.order = self.fresh_order("approved", lines=2)
		self.draft_order = self.fresh_order("draft")
		self.pending_order = self.fresh_order("pending")
		# Outside the integrator's scope, and outside the warehouse's and finance's.
		self.other_order = self.fresh_order("draft", owner="integrator2")
		self.other_pending = self.fresh_order("pending", owner="integrator2")
		self._add_server_rows()

		# The world's slip and note ship a line of the world's order; every other slip ships
		# from an order of its own, so no number of cells can use an order up.
		self.slip, self.note = self.fresh_note("signed", with_slip=True, order=self.order)
		self.draft_slip = self.fresh_slip("draft")
		self.draft_note = self.fresh_note("draft")
		self.invoice_request = self.fresh_invoice_request("submitted")
		self.draft_invoice_request = self.fresh_invoice_request("draft")
		self.paid_invoice_request = self.fresh_invoice_request("paid")
		self._add_copy(self.slip)

		self.archive_record = self.fresh_archive_record(order=self.order, with_item=True)
		self.exception = self.fresh_exception()
		self.as_user(None)
		self.print_log = self.fresh_print_log()
		self.ledger_entry = frappe.db.get_value("OC Stock Ledger Entry", {"voucher_no": self.stock_entry})
		self.balance = frappe.db.get_value(
			"OC Stock Balance", {"product": self.product, "warehouse": self.warehouse}
		)
		self.attachment = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{unique('po')}.txt",
				"content": "the customer's purchase order",
				"is_private": 1,
				"attached_to_doctype": "OC Order",
				"attached_to_name": self.order,
			}
		).insert(ignore_permissions=True)
		self.public_file = (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{unique('import')}.xlsx",
					"content": b"not a workbook",
					"is_private": 0,
				}
			)
			.insert(ignore_permissions=True)
			.file_url
		)
		# A version and a comment on the integrator's draft, for the Version and Comment lists.
		self.as_user("integrator")
		draft = frappe.get_doc("OC Order", self.draft_order)
		draft.remarks = "Second thoughts"
		draft.save()
		self.comment = draft.add_comment("Comment", "Call the buyer before review").name
		self.as_user(None)
		frappe.db.commit()

	def _add_server_rows(self):
		"""Rows only the server writes (production requests), on the approved order."""
		self.order_item = frappe.get_doc("OC Order", self.order).items[0].name
		self._add_production_request(self.order)

	def _add_production_request(self, order_name: str):
		self.as_user(None)
		order = frappe.get_doc("OC Order", order_name)
		frappe.get_doc(
			{
				"doctype": "OC Production Request",
				"parent": order.name,
				"parenttype": "OC Order",
				"parentfield": "production_requests",
				"idx": 1,
				"order_item": order.items[-1].name,
				"product": self.short_product,
				"shortage_qty": 5,
				"requested_by": "Administrator",
			}
		).db_insert()

	# factories: each returns the name of a new, committed record in the given state

	@committed
	def fresh_order(self, state: str, owner: str = "integrator", lines: int = 1) -> str:
		self.as_user(owner)
		items = [{"product": self.product, "qty": 10, "rate": SECRET_RATE}]
		if lines > 1:
			items.append({"product": self.short_product, "qty": 5, "rate": SECRET_RATE})
		order = frappe.get_doc(
			{
				"doctype": "OC Order",
				"channel": "API",
				"external_ref": unique("EXT"),
				"customer": self.customer,
				"order_date": nowdate(),
				"delivery_date": add_days(nowdate(), 14),
				"payment_terms": "Net 30",
				"delivery_address": "88 Zhangjiang Road, Shanghai",
				"contact_person": "Zhang Wei",
				"contact_phone": "13800000000",
				"items": items,
				"clarifications": [{"question": "Which colour?", "answer": "Blue"}],
			}
		).insert()
		if state != "draft":
			act(order.name, "Submit for Review")
		if state in ("approved", "cancelled"):
			self.as_user("reviewer")
			act(order.name, "Approve")
		if state == "cancelled":
			act(order.name, "Cancel")
		frappe.db.commit()
		self.as_user(None)
		return order.name

	def _add_copy(self, slip_name: str):
		"""A copy handed out, as the clerk records it on a confirmed slip."""
		self.as_user("clerk")
		slip = frappe.get_doc("OC Outbound Slip", slip_name)
		copy_kind = frappe.get_meta("OC Copy Record").get_field("copy").options.split("\n")[0]
		slip.append("copies", {"copy": copy_kind, "handed_to": "Li Na"})
		slip.save()
		self.as_user(None)

	def _add_archive_item(self, record_name: str):
		"""An item gathered into the record, as the server writes it."""
		self.as_user(None)
		record = frappe.get_doc("OC Archive Record", record_name)
		frappe.get_doc(
			{
				"doctype": "OC Archive Item",
				"parent": record.name,
				"parenttype": "OC Archive Record",
				"parentfield": "items",
				"idx": 1,
				"kind": frappe.get_meta("OC Archive Item").get_field("kind").options.split("\n")[0],
				"document_type": "OC Order",
				"document_name": record.order,
			}
		).db_insert()

	@committed
	def fresh_slip(self, state: str, order: str | None = None) -> str:
		order = order or self.fresh_order("approved")
		self.as_user("clerk")
		slip = make_slip(order, self.warehouse, {1: 1})
		if state in ("submitted", "cancelled"):
			self.as_user("warehouse")
			slip = frappe.get_doc("OC Outbound Slip", slip.name)
			slip.submit()
			if state == "cancelled":
				slip.cancel()
		frappe.db.commit()
		self.as_user(None)
		return slip.name

	@committed
	def fresh_note(self, state: str, with_slip: bool = False, order: str | None = None):
		slip = self.fresh_slip("submitted", order=order)
		self.as_user("clerk")
		note = make_note(slip)
		if state in ("submitted", "signed", "cancelled"):
			self.as_user("warehouse")
			note = frappe.get_doc("OC Delivery Note", note.name)
			note.submit()
			if state == "cancelled":
				note.cancel()
		if state == "signed":
			self.as_user("clerk")
			sign(note.name, "Signed")
		frappe.db.commit()
		self.as_user(None)
		return (slip, note.name) if with_slip else note.name

	@committed
	def fresh_invoice_request(self, state: str) -> str:
		from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

		note = self.fresh_note("signed")
		self.as_user("clerk")
		request = new_invoice_request([note]).insert()
		if state in ("submitted", "cancelled", "paid"):
			request.submit()
		if state == "cancelled":
			request.cancel()
		if state == "paid":  # issued, and a first payment received
			self.as_user("finance")
			request = frappe.get_doc("OC Invoice Request", request.name)
			request.update(
				{
					"invoice_no": unique("INV"),
					"invoice_date": nowdate(),
					"invoice_copy": attach_receipt("OC Invoice Request", request.name),
				}
			)
			request.save()
			request.record_payment(1, nowdate(), unique("PAY"))
		frappe.db.commit()
		self.as_user(None)
		return request.name

	@committed
	def fresh_stock_entry(self, state: str) -> str:
		self.as_user("warehouse")
		entry = frappe.get_doc(self.create_payload("OC Stock Entry", unique("SE"))).insert()
		if state in ("submitted", "cancelled"):
			entry.submit()
		if state == "cancelled":
			entry.cancel()
		frappe.db.commit()
		self.as_user(None)
		return entry.name

	@committed
	def fresh_archive_record(self, order: str | None = None, with_item: bool = False) -> str:
		"""A draft record of an order of its own (one record per order)."""
		order = order or self.fresh_order("approved")
		self.as_user("clerk")
		name = frappe.get_doc({"doctype": "OC Archive Record", "order": order}).insert().name
		if with_item:
			self._add_archive_item(name)
		frappe.db.commit()
		self.as_user(None)
		return name

	@committed
	def fresh_exception(self) -> str:
		"""An exception on the world's order, with a line and a revised delivery date."""
		self.as_user("clerk")
		order = frappe.get_doc("OC Order", self.order)
		name = (
			frappe.get_doc(
				{
					"doctype": "OC Order Exception",
					"exception_type": "Quality",
					"order": self.order,
					"due_date": add_days(nowdate(), 3),
					"description": "Scratches on the housing",
					"revised_delivery_date": add_days(nowdate(), 20),
					"lines": [{"order_item": order.items[0].name, "product": self.product, "qty": 1}],
				}
			)
			.insert()
			.name
		)
		frappe.db.commit()
		self.as_user(None)
		return name

	@committed
	def fresh_print_log(self) -> str:
		"""A print of the world's order, as the server logs it."""
		self.as_user(None)
		log = frappe.get_doc(
			{"doctype": "OC Print Log", "reference_doctype": "OC Order", "reference_name": self.order}
		).insert(ignore_permissions=True)
		return str(log.name)

	@committed
	def fresh_ledger_entry(self) -> str:
		"""The ledger row of a new receipt."""
		entry = self.fresh_stock_entry("submitted")
		return frappe.db.get_value("OC Stock Ledger Entry", {"voucher_no": entry})

	@committed
	def fresh_balance(self) -> str:
		"""The balance of a new product received into the world's warehouse."""
		self.as_user(None)
		product = make_product(rate=SECRET_RATE)
		self.as_user("warehouse")
		receive_stock(self.warehouse, product, 5)
		return frappe.db.get_value("OC Stock Balance", {"product": product, "warehouse": self.warehouse})

	@committed
	def fresh_customer(self) -> str:
		"""A customer with an agreed price and a portal contact."""
		self.as_user(None)
		return make_customer(
			prices=[{"product": self.product, "rate": SECRET_RATE}],
			credit_limit=SECRET_CREDIT_LIMIT,
			contacts=[{"full_name": "Li Na", "email": f"{unique('buyer')}@customer.example.com"}],
		)

	def fresh_parent(self, child: str) -> str:
		"""A new parent holding a row of `child`, in the state of the parent the cells read."""
		parent = model.CHILDREN[child][0]
		if parent == "OC Order":
			order = self.fresh_order("approved", lines=2)
			if child == "OC Production Request":
				self._add_production_request(order)
				frappe.db.commit()
			return order
		if parent == "OC Outbound Slip":
			slip = self.fresh_slip("submitted")
			if child == "OC Copy Record":
				self._add_copy(slip)
				frappe.db.commit()
			return slip
		if parent == "OC Customer":
			return self.fresh_customer()
		if parent == "OC Archive Record":
			return self.fresh_archive_record(with_item=True)
		if child == "OC Invoice Payment":
			return self.fresh_invoice_request("paid")
		return self.fresh(parent, {"OC Delivery Note": "signed"}.get(parent, "submitted"))

	def shared(self, doctype: str, state: str) -> str:
		"""One record per DocType and state for the cells that must leave it untouched."""
		cache = self.__dict__.setdefault("_shared", {})
		if (doctype, state) not in cache:
			cache[doctype, state] = self.fresh(doctype, state)
		return cache[doctype, state]

	def fresh(self, doctype: str, state: str) -> str:
		"""A new record of `doctype` in `state`, for a cell that consumes it."""
		if doctype == "OC Order":
			return self.fresh_order(state)
		if doctype == "OC Outbound Slip":
			return self.fresh_slip(state)
		if doctype == "OC Delivery Note":
			return self.fresh_note(state)
		if doctype == "OC Invoice Request":
			return self.fresh_invoice_request(state)
		if doctype == "OC Stock Entry":
			return self.fresh_stock_entry(state)
		if doctype == "OC Archive Record":
			return self.fresh_archive_record()
		if doctype == "OC Order Exception":
			return self.fresh_exception()
		if doctype == "OC Print Log":
			return self.fresh_print_log()
		if doctype == "OC Stock Ledger Entry":
			return self.fresh_ledger_entry()
		if doctype == "OC Stock Balance":
			return self.fresh_balance()
		return self.fresh_master(doctype)

	@committed
	def fresh_master(self, doctype: str) -> str:
		if doctype == "OC Customer":
			return make_customer()
		if doctype == "OC Product":
			return make_product()
		if doctype == "OC Intake":
			self.as_user("integrator")
			return frappe.get_doc(self.create_payload(doctype, unique("IN"))).insert().name
		if doctype == "OC Customer Item":
			return frappe.get_doc(self.create_payload(doctype, unique("CI"))).insert().name
		if doctype == "OC Customer Layout":
			return frappe.get_doc(self.create_payload(doctype, unique("CL"))).insert().name
		if doctype == "OC Warehouse":
			return make_warehouse()
		if doctype == "OC Sales Rollup":
			# A row of no day: no report's period holds it. Its name is a number, sent as text.
			rollup = frappe.get_doc({"doctype": doctype}).insert(
				ignore_permissions=True, ignore_mandatory=True
			)
			return str(rollup.name)
		raise AssertionError(f"No factory for {doctype}")

	@committed
	def sealed_archive_record(self) -> str:
		"""A record marked sealed in the database: sealing for real needs a finished order."""
		if not getattr(self, "_sealed", None):
			self._sealed = self.fresh_archive_record()
			frappe.db.set_value("OC Archive Record", self._sealed, "docstatus", 1)
		return self._sealed

	# targets and payloads

	def read_target(self, doctype: str) -> str:
		return {
			"OC Order": self.order,
			"OC Outbound Slip": self.slip,
			"OC Delivery Note": self.note,
			"OC Invoice Request": self.invoice_request,
			"OC Archive Record": self.archive_record,
			"OC Order Exception": self.exception,
			"OC Customer": self.customer,
			"OC Product": self.product,
			"OC Warehouse": self.warehouse,
			"OC Stock Entry": self.stock_entry,
			"OC Stock Ledger Entry": self.ledger_entry,
			"OC Stock Balance": self.balance,
			"OC Print Log": str(self.print_log),
			"OC Settings": "OC Settings",
		}.get(doctype) or self.shared(doctype, "master")

	def draft_target(self, doctype: str, profile: str) -> str:
		if doctype == "OC Order" and profile == "reviewer":
			return self.pending_order  # the reviewer writes the rejection reason while pending
		return {
			"OC Order": self.draft_order,
			"OC Outbound Slip": self.draft_slip,
			"OC Delivery Note": self.draft_note,
			"OC Invoice Request": self.draft_invoice_request,
			"OC Stock Entry": self.draft_stock_entry,
		}.get(doctype) or self.read_target(doctype)

	def create_payload(self, doctype: str, marker: str) -> dict:
		"""A valid new record of `doctype` carrying `marker`. A prerequisite that a record uses
		up (a slip takes one note, a note one request, an order one archive record) is new."""
		if doctype == "OC Order":
			return {
				"doctype": doctype,
				"channel": "API",
				"external_ref": marker,
				"customer": self.customer,
				"order_date": nowdate(),
				"delivery_date": add_days(nowdate(), 14),
				"payment_terms": "Net 30",
				"delivery_address": "88 Zhangjiang Road, Shanghai",
				"items": [{"product": self.product, "qty": 1, "rate": SECRET_RATE}],
			}
		if doctype == "OC Outbound Slip":
			from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip

			self.as_user(None)
			doc = make_outbound_slip(self.order)
			doc.warehouse, doc.remarks = self.warehouse, marker
			doc.items = doc.items[:1]
			doc.items[0].qty = 1
			return _payload(doc)
		if doctype == "OC Delivery Note":
			from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note

			slip = self.fresh_slip("submitted")
			self.as_user(None)
			doc = make_delivery_note(slip)
			doc.update({"carrier": "SF Express", "tracking_no": unique("SF"), "driver": marker})
			return _payload(doc)
		if doctype == "OC Invoice Request":
			from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import (
				new_invoice_request,
			)

			note = self.fresh_note("signed")
			self.as_user(None)
			doc = new_invoice_request([note])
			doc.remarks = marker
			return _payload(doc)
		if doctype == "OC Archive Record":
			order = self.fresh_order("approved")
			return {"doctype": doctype, "order": order, "cabinet": marker}
		if doctype == "OC Order Exception":
			return {
				"doctype": doctype,
				"exception_type": "Quality",
				"order": self.order,
				"due_date": add_days(nowdate(), 3),
				"description": marker,
			}
		if doctype == "OC Customer":
			return {"doctype": doctype, "customer_name": marker}
		if doctype == "OC Product":
			return {"doctype": doctype, "product_code": marker, "product_name": marker, "uom": "PCS"}
		if doctype == "OC Warehouse":
			return {"doctype": doctype, "warehouse_name": marker}
		if doctype == "OC Stock Entry":
			return {
				"doctype": doctype,
				"entry_type": "Receipt",
				"warehouse": self.warehouse,
				"posting_date": nowdate(),
				"remarks": marker,
				"items": [{"product": self.product, "qty": 1}],
			}
		if doctype == "OC Stock Ledger Entry":
			return {
				"doctype": doctype,
				"posting_date": nowdate(),
				"product": self.product,
				"warehouse": self.warehouse,
				"qty_change": marker,
				"voucher_type": "OC Stock Entry",
				"voucher_no": self.stock_entry,
			}
		if doctype == "OC Stock Balance":
			return {
				"doctype": doctype,
				"product": self.product,
				"warehouse": self.warehouse,
				"actual_qty": marker,
			}
		if doctype == "OC Print Log":
			return {
				"doctype": doctype,
				"reference_doctype": "OC Order",
				"reference_name": self.order,
				"print_count": marker,
			}
		if doctype == "OC Intake":
			return {
				"doctype": doctype,
				"channel": "API",
				"received_on": frappe.utils.now_datetime().strftime("%Y-%m-%d %H:%M:%S"),
				"subject": marker,
			}
		if doctype == "OC Customer Item":
			return {
				"doctype": doctype,
				"customer": self.customer,
				"product": self.product,
				"customer_item_code": marker,
			}
		if doctype == "OC Customer Layout":
			return {
				"doctype": doctype,
				"customer": self.customer,
				"header_text": marker,
				"column": "Quantity",
			}
		if doctype == "OC Sales Rollup":
			return {"doctype": doctype}
		raise AssertionError(f"No create payload for {doctype}")


# Where each DocType's create carries its marker, to prove nothing was written.
MARKER_FIELD = {
	"OC Order": "external_ref",
	"OC Outbound Slip": "remarks",
	"OC Delivery Note": "driver",
	"OC Invoice Request": "remarks",
	"OC Archive Record": "cabinet",
	"OC Order Exception": "description",
	"OC Customer": "customer_name",
	"OC Product": "product_code",
	"OC Warehouse": "warehouse_name",
	"OC Stock Entry": "remarks",
	"OC Stock Ledger Entry": "qty_change",
	"OC Stock Balance": "actual_qty",
	"OC Print Log": "print_count",
	"OC Intake": "subject",
	"OC Customer Item": "customer_item_code",
	"OC Customer Layout": "header_text",
	"OC Sales Rollup": "name",
}
# Records the server writes carry a number as their marker.
NUMERIC_MARKER = {"OC Stock Ledger Entry", "OC Stock Balance", "OC Print Log"}

# The field an update writes (a draft, or the record itself where nothing is submittable).
UPDATE_FIELD = {
	"OC Order": "remarks",
	"OC Outbound Slip": "remarks",
	"OC Delivery Note": "driver",
	"OC Invoice Request": "remarks",
	"OC Archive Record": "cabinet",
	"OC Order Exception": "resolution",
	"OC Customer": "contact_person",
	"OC Product": "specification",
	"OC Warehouse": "address",
	"OC Stock Entry": "remarks",
	"OC Stock Ledger Entry": "voucher_type",
	"OC Stock Balance": "actual_qty",
	"OC Print Log": "print_format",
	"OC Settings": "company_phone",
	"OC Intake": "subject",
	"OC Customer Item": "product_name",
	"OC Customer Layout": "header_text",
	"OC Sales Rollup": "name",
}


def _payload(doc) -> dict:
	data = doc.as_dict(no_default_fields=True)
	for row in data.get("items") or []:
		for key in ("name", "parent", "parenttype", "parentfield", "doctype"):
			row.pop(key, None)
	return json.loads(frappe.as_json(data))


class MatrixApi(Api):
	"""Api that sends a request again when the server lost it to a deadlock with another test
	run on the same site: a lost race is not an answer of the permission model."""

	def request(self, method: str, path: str, **kwargs):
		for _attempt in range(3):
			response = super().request(method, path, **kwargs)
			if response.status_code != 500 or not any(
				text in response.text for text in ("Deadlock found", "Lock wait timeout")
			):
				return response
		return response


@pytest.fixture(scope="module")
def matrix_credentials():
	"""Users of the matrix's own, one per role profile: other test modules reset the API keys of
	the shared ones, and a key reset while the matrix runs would turn its cells into 401s."""
	made = {}
	# The System Manager first (ROLE_PROFILES' order): on a new site Frappe makes the first
	# user saved a System Manager when there is no other.
	for profile, roles in ROLE_PROFILES.items():
		for attempt in range(4):  # User rows are shared with concurrent test runs
			try:
				made[profile] = make_api_user(f"matrix_{profile}", roles)
				frappe.db.commit()
				break
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				if attempt == 3:
					raise
	made.pop("sysadmin")
	return made


@pytest.fixture(scope="module")
def world(matrix_credentials):
	built = World({profile: creds[0] for profile, creds in matrix_credentials.items()})
	built.build()
	return built


@pytest.fixture(scope="module")
def clients(server, matrix_credentials):
	made = {profile: MatrixApi(server, SITE, *creds) for profile, creds in matrix_credentials.items()}
	return {**made, "guest": MatrixApi(server, SITE)}


def fresh_db():
	"""A new snapshot of the database: the server committed in another connection."""
	frappe.db.rollback()


def describe(response) -> str:
	return f"HTTP {response.status_code}: {response.text[:400]}"


def exc_type(response) -> str:
	try:
		return response.json().get("exc_type") or ""
	except ValueError:
		return ""


def is_refusal(response, operation: str = "") -> bool:
	if response.status_code == 403:
		return True
	return (
		operation == "rename"
		and response.status_code == 417
		and any(text in response.text for text in RENAME_REFUSALS)
	)


def is_rule(response) -> bool:
	"""A business rule said no (417), not a permission check."""
	return response.status_code in (409, 417) and "Permission" not in exc_type(response)


def resource(doctype: str, name: str | None = None) -> str:
	return f"/api/resource/{doctype}" + (f"/{name}" if name is not None else "")


# the matrix: metadata against the model


def site_doctypes() -> dict[str, dict]:
	return {
		row.name: row
		for row in frappe.get_all(
			"DocType",
			filters={"module": "Order Clerk"},
			fields=["name", "istable", "issingle", "is_submittable"],
		)
	}


def test_the_model_covers_every_doctype_of_the_app():
	"""A new DocType needs its row in the model before it ships; a stale row goes."""
	on_site = site_doctypes()
	modelled = set(model.MODEL) | set(model.CHILDREN)
	assert sorted(set(on_site) - modelled) == [], "DocTypes without a row in tests/attack_matrix_model.py"
	assert sorted(modelled - set(on_site)) == [], "Rows of tests/attack_matrix_model.py for no DocType"
	for child, (parent, fieldname) in model.CHILDREN.items():
		assert on_site[child].istable, child
		assert frappe.get_meta(parent).get_field(fieldname).options == child, (child, parent, fieldname)
	for doctype in model.MODEL:
		assert not on_site[doctype].istable, doctype


def test_the_model_grants_no_more_than_the_doctype_permissions():
	"""Every allowed cell is backed by a role permission of the DocType (the reverse is the matrix)."""
	ptype_of = {
		"list": "read",
		"get": "read",
		"create": "create",
		"update": "write",
		"delete": "delete",
		"rename": "write",
		"submit": "submit",
		"cancel": "cancel",
		"amend": "amend",
	}
	for doctype, profiles in model.MODEL.items():
		perms = frappe.get_meta(doctype).permissions
		for profile, allowed in profiles.items():
			roles = set(ROLE_PROFILES[profile])
			for operation in allowed:
				ptype = ptype_of[operation]
				assert any(p.role in roles and p.permlevel == 0 and p.get(ptype) for p in perms), (
					f"{doctype}|{profile}|{operation}: no role permission '{ptype}'"
				)


def matrix_cells():
	for doctype in model.MODEL:
		for profile in model.PROFILES:
			for operation in model.OPERATIONS:
				yield pytest.param(doctype, profile, operation, id=f"{doctype}|{profile}|{operation}")


def _applies(doctype: str, operation: str) -> bool:
	meta = frappe.get_meta(doctype)
	if meta.issingle:
		return operation in ("get", "update")
	if operation in ("submit", "cancel", "amend"):
		return bool(meta.is_submittable)
	return True


@pytest.mark.parametrize(("doctype", "profile", "operation"), list(matrix_cells()))
def test_matrix(world, clients, doctype, profile, operation):
	if not _applies(doctype, operation):
		assert operation not in model.allowed(doctype, profile), "the model allows what cannot apply"
		return
	expected = operation in model.allowed(doctype, profile)
	MatrixCell(world, clients[profile], doctype, profile, operation, expected).run()


class MatrixCell:
	def __init__(self, world: World, client, doctype: str, profile: str, operation: str, expected: bool):
		self.world, self.client = world, client
		self.doctype, self.profile, self.operation, self.allowed = doctype, profile, operation, expected
		self.name = f"{doctype}|{profile}|{operation}"

	def run(self):
		getattr(self, self.operation)()

	def check(self, response, effect: bool):
		"""Allowed: success with its effect (or a business rule the model names); refused: 403
		(see is_refusal) and no effect: nothing written, nothing seen."""
		rule = model.RULE_REFUSALS.get((self.doctype, self.operation))
		if self.allowed:
			if rule and is_rule(response):
				return
			assert response.status_code in (200, 201, 202), (
				f"{self.name} should be allowed: {describe(response)}"
			)
			assert effect, f"{self.name} answered {response.status_code} but had no effect"
		else:
			assert is_refusal(response, self.operation), (
				f"{self.name} should be refused: {describe(response)}"
			)
			assert not effect, f"{self.name} was refused but took effect"

	def target(self, mutating: bool, state: str = "draft") -> str:
		if mutating and self.allowed:
			return self.world.fresh(self.doctype, state)
		return (
			self.world.draft_target(self.doctype, self.profile)
			if mutating
			else self.world.read_target(self.doctype)
		)

	def list(self):
		target = self.world.read_target(self.doctype)
		response = self.client.get(
			resource(self.doctype), fields='["name"]', filters=json.dumps([["name", "=", target]])
		)
		names = [str(row["name"]) for row in response.json().get("data", [])] if response.ok else []
		self.check(response, effect=str(target) in names)

	def get(self):
		target = self.world.read_target(self.doctype)
		response = self.client.get(resource(self.doctype, target))
		saw = response.ok and str(response.json().get("data", {}).get("name")) == str(target)
		self.check(response, effect=saw)

	def create(self):
		marker = unique("AM")
		if self.doctype in NUMERIC_MARKER:
			marker = int(marker.rsplit("-", 1)[1][:6], 16) + 1000
		payload = self.world.create_payload(self.doctype, marker)
		fresh_db()  # hold no lock of the in-process transaction while the server works
		response = self.client.post(resource(self.doctype), payload)
		fresh_db()
		written = bool(frappe.db.exists(self.doctype, {MARKER_FIELD[self.doctype]: marker}))
		self.check(response, written)

	def update(self):
		target = self.world.draft_target(self.doctype, self.profile)
		field = UPDATE_FIELD[self.doctype]
		if self.doctype == "OC Order" and self.profile == "reviewer":
			field = "rejection_reason"
		fresh_db()
		before = self.snapshot(target, field)
		value = unique("AM") if field != "actual_qty" else 4321
		response = self.client.put(resource(self.doctype, target), {field: value})
		fresh_db()
		after = self.snapshot(target, field)
		if self.doctype == "OC Settings" and after != before:
			# A granted update of the site's settings is undone: the value is the matrix's own.
			frappe.db.set_single_value(self.doctype, field, before[field])
			frappe.db.commit()
		self.check(response, effect=after != before)
		if self.doctype == "OC Settings" and self.allowed:
			assert after[field] == value and response.json()["data"][field] == value, self.name

	def snapshot(self, target: str, field: str) -> dict:
		if frappe.get_meta(self.doctype).issingle:
			return {field: frappe.db.get_single_value(self.doctype, field, cache=False)}
		return frappe.db.get_value(self.doctype, target, [field, "modified"], as_dict=True)

	def delete(self):
		target = self.target(mutating=True)
		response = self.client.request("DELETE", resource(self.doctype, target))
		fresh_db()
		self.check(response, effect=not frappe.db.exists(self.doctype, target))

	def rename(self):
		# A record of its own: a rename wrongly let through must not move another cell's target.
		target = self.world.fresh(self.doctype, "draft")
		new_name = unique("RENAMED")
		response = self.client.post(
			"/api/method/frappe.client.rename_doc",
			{"doctype": self.doctype, "old_name": target, "new_name": new_name},
		)
		fresh_db()
		written = bool(frappe.db.exists(self.doctype, new_name)) or not frappe.db.exists(self.doctype, target)
		self.check(response, written)

	def submit(self):
		state = "pending" if self.doctype == "OC Order" else "draft"
		target = (
			self.world.fresh(self.doctype, state)
			if self.allowed
			else self.world.draft_target(self.doctype, self.profile)
		)
		if self.doctype == "OC Order" and not self.allowed:
			target = self.world.pending_order
		data = {"docstatus": 1}
		if self.doctype == "OC Order":
			data["workflow_state"] = "Approved"
		response = self.client.put(resource(self.doctype, target), data)
		fresh_db()
		self.check(response, effect=frappe.db.get_value(self.doctype, target, "docstatus") != 0)

	def cancel(self):
		target = (
			self.world.fresh(self.doctype, "approved" if self.doctype == "OC Order" else "submitted")
			if (self.allowed)
			else self.world.read_target(self.doctype)
		)
		if self.doctype == "OC Archive Record":
			target = self.world.sealed_archive_record()
		response = self.client.post(
			"/api/method/frappe.client.cancel", {"doctype": self.doctype, "name": target}
		)
		fresh_db()
		self.check(response, effect=frappe.db.get_value(self.doctype, target, "docstatus") == 2)

	def amend(self):
		cancelled = self.world.fresh(self.doctype, "cancelled")
		source = frappe.get_doc(self.doctype, cancelled).as_dict(no_default_fields=True)
		payload = json.loads(frappe.as_json(source))
		payload.pop("workflow_state", None)
		meta = frappe.get_meta(self.doctype)
		for df in meta.fields:
			if df.no_copy:
				payload.pop(df.fieldname, None)
		marker = unique("AM")
		payload[MARKER_FIELD[self.doctype]] = marker
		for table in meta.get_table_fields():
			for row in payload.get(table.fieldname) or []:
				for key in ("name", "parent", "parenttype", "parentfield"):
					row.pop(key, None)
		payload.update({"doctype": self.doctype, "amended_from": cancelled})
		fresh_db()
		response = self.client.post(resource(self.doctype), payload)
		fresh_db()
		self.check(
			response,
			effect=bool(
				frappe.db.exists(
					self.doctype, {"amended_from": cancelled, MARKER_FIELD[self.doctype]: marker}
				)
			),
		)


# the matrix of child tables: read as the parent, never written on their own


def child_cells():
	for child in model.CHILDREN:
		for profile in model.PROFILES:
			for operation in model.CHILD_OPERATIONS:
				yield pytest.param(child, profile, operation, id=f"{child}|{profile}|{operation}")


def _child_row(world: World, child: str) -> tuple[str, str]:
	parent, fieldname = model.CHILDREN[child]
	parent_name = world.paid_invoice_request if child == "OC Invoice Payment" else world.read_target(parent)
	fresh_db()
	row = frappe.db.get_value(child, {"parent": parent_name, "parenttype": parent, "parentfield": fieldname})
	assert row, f"the matrix's records have no {child} row on {parent} {parent_name}"
	return parent_name, row


def _fresh_row(world: World, child: str) -> str:
	"""A row of a new parent of its own, for a cell that may delete or change it."""
	parent, fieldname = model.CHILDREN[child]
	parent_name = world.fresh_parent(child)
	fresh_db()
	row = frappe.db.get_value(child, {"parent": parent_name, "parenttype": parent, "parentfield": fieldname})
	assert row, f"the new {parent} {parent_name} has no {child} row"
	return row


def _change(child: str, row: str) -> tuple[str, object]:
	"""A field of the row and a new value for it: text where the row has text, else a date."""
	if child == "OC Order Maker":
		return "action", "Changed"
	fields = frappe.get_meta(child).fields
	for df in fields:
		if df.fieldtype in ("Data", "Small Text", "Text", "Long Text") and not df.options:
			return df.fieldname, unique("AM")
	for df in fields:
		if df.fieldtype == "Date":
			current = frappe.db.get_value(child, row, df.fieldname) or nowdate()
			return df.fieldname, add_days(current, 1)
	raise AssertionError(f"{child} has no text or date field")


@pytest.mark.parametrize(("child", "profile", "operation"), list(child_cells()))
def test_child_matrix(world, clients, child, profile, operation):
	parent, _fieldname = model.CHILDREN[child]
	parent_name, row = _child_row(world, child)
	client, cell = clients[profile], f"{child}|{profile}|{operation}"
	allowed = operation in model.allowed(child, profile)
	if operation == "list":
		response = client.get(
			resource(child),
			parent=parent,
			fields='["name", "parent"]',
			filters=json.dumps([["parent", "=", parent_name]]),
		)
		seen = response.ok and row in {r["name"] for r in response.json().get("data", [])}
		if allowed:
			assert response.status_code == 200 and seen, f"{cell} should list {row}: {describe(response)}"
		else:  # refused: 403, or a list without the rows
			assert response.status_code in (200, 403) and not seen, (
				f"{cell} should be refused: {describe(response)}"
			)
	elif operation == "get":
		response = client.get(resource(child, row))
		seen = response.ok and response.json().get("data", {}).get("name") == row
		if allowed:
			assert seen, f"{cell} should read {row}: {describe(response)}"
		else:
			assert response.status_code == 403, f"{cell} should be refused: {describe(response)}"
	elif operation == "update":
		row = _fresh_row(world, child)
		field, value = _change(child, row)
		before = frappe.db.get_value(child, row, ["modified", field], as_dict=True)
		response = client.put(resource(child, row), {field: str(value)})
		fresh_db()
		assert response.status_code in (403, 417), f"{cell} should be refused: {describe(response)}"
		assert frappe.db.get_value(child, row, ["modified", field], as_dict=True) == before, f"{cell} wrote"
	elif operation == "delete":
		row = _fresh_row(world, child)
		response = client.request("DELETE", resource(child, row))
		fresh_db()
		assert response.status_code in (403, 417), f"{cell} should be refused: {describe(response)}"
		assert frappe.db.exists(child, row), f"{cell} deleted the row"


# row scope: records outside a profile's scope


def _scope_orders(world: World) -> dict[str, str]:
	return {
		"approved": world.order,
		"draft": world.draft_order,
		"pending": world.pending_order,
		"other_draft": world.other_order,
		"other_pending": world.other_pending,
	}


# profile -> the orders of the world (by kind) it may reach
ROW_SCOPE = {
	"clerk": {"approved", "draft", "pending", "other_draft", "other_pending"},
	"reviewer": {"approved", "draft", "pending", "other_draft", "other_pending"},
	"warehouse": {"approved"},
	"finance": {"approved"},
	"integrator": {"approved", "draft", "pending"},  # its own
	"integrator2": {"other_draft", "other_pending"},
}

ORDER_CHILDREN = [child for child, (parent, _field) in model.CHILDREN.items() if parent == "OC Order"]


@pytest.mark.parametrize("profile", list(ROW_SCOPE))
def test_row_scope_of_orders(world, clients, profile):
	client, orders = clients[profile], _scope_orders(world)
	visible = {orders[kind] for kind in ROW_SCOPE[profile]}
	response = client.get(
		resource("OC Order"), fields='["name"]', filters=json.dumps([["name", "in", list(orders.values())]])
	)
	assert response.status_code == 200, describe(response)
	assert {row["name"] for row in response.json()["data"]} == visible
	for kind, name in orders.items():
		response = client.get(resource("OC Order", name))
		if name in visible:
			assert response.status_code == 200, (
				f"{profile} should read the {kind} order: {describe(response)}"
			)
		else:
			assert response.status_code == 403, f"{profile} read the {kind} order: {describe(response)}"


@pytest.mark.parametrize("child", ORDER_CHILDREN)
@pytest.mark.parametrize("profile", list(ROW_SCOPE))
def test_row_scope_of_order_children(world, clients, profile, child):
	"""GET /api/resource/<child>?parent=OC Order gives the rows of the orders in scope only."""
	client, orders = clients[profile], _scope_orders(world)
	visible = {orders[kind] for kind in ROW_SCOPE[profile]}
	response = client.get(
		resource(child),
		parent="OC Order",
		fields='["name", "parent"]',
		filters=json.dumps([["parent", "in", list(orders.values())]]),
		limit_page_length=500,
	)
	assert response.status_code == 200, describe(response)
	parents = {row["parent"] for row in response.json()["data"]}
	assert parents <= visible, f"{profile} listed {child} rows of {sorted(parents - visible)}"
	if child in ("OC Order Item", "OC Order Clarification"):
		assert parents == visible, f"{profile} misses {child} rows of {sorted(visible - parents)}"
	fresh_db()
	for name in set(orders.values()) - visible:
		row = frappe.db.get_value(child, {"parent": name, "parenttype": "OC Order"})
		if row:
			response = client.get(resource(child, row))
			assert response.status_code in (403, 404), (
				f"{profile} read {child} {row} of {name}: {describe(response)}"
			)
			assert name not in response.text


def test_row_scope_of_children_without_a_parent_filter(world, clients):
	"""The issue's reproduction: the integrator lists every order line it can, with no filter."""
	response = clients["integrator"].get(
		resource("OC Order Item"), parent="OC Order", fields='["parent"]', limit_page_length=0
	)
	assert response.status_code == 200, describe(response)
	parents = {row["parent"] for row in response.json()["data"]}
	fresh_db()
	owners = set(frappe.get_all("OC Order", filters={"name": ("in", list(parents) or [""])}, pluck="owner"))
	assert owners <= {world.people["integrator"]}, owners


# whitelisted methods of the app

ORDER_READERS = frozenset({"clerk", "reviewer", "warehouse", "finance", "integrator", "clerk_reviewer"})
CLERKS = frozenset({"clerk", "clerk_reviewer"})

# method -> (HTTP method, profiles allowed, profiles that may call but never see an amount, args)
METHODS = {
	"order_clerk.report_access.run": (
		"GET",
		frozenset({"clerk", "reviewer", "warehouse", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"report_name": "Order Fulfilment", "filters": "{}"},
	),
	"order_clerk.api.get_missing_facts": ("GET", ORDER_READERS, frozenset(), lambda w: {"order": w.order}),
	# A new order's facts: whoever may create orders (a saved one: whoever may read it).
	"order_clerk.api.check_facts": (
		"POST",
		frozenset({"clerk", "integrator", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"doc": {"customer": w.customer, "items": [{"product": w.product, "qty": 1, "rate": 1}]}},
	),
	"order_clerk.api.get_product_details": (
		"GET",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer"}),
		frozenset({"warehouse"}),
		lambda w: {"product": w.product, "customer": w.customer},
	),
	"order_clerk.api.stock_check": ("GET", ORDER_READERS, frozenset(), lambda w: {"order": w.order}),
	"order_clerk.api.request_production": (
		"POST",
		frozenset({"clerk", "reviewer", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"order": w.order},
	),
	"order_clerk.api.order_status": ("GET", ORDER_READERS, frozenset(), lambda w: {"order": w.order}),
	"order_clerk.api.send_status_update": (
		"POST",
		frozenset({"clerk", "reviewer", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"order": w.order},
	),
	"order_clerk.api.make_outbound_slip": ("POST", CLERKS, frozenset(), lambda w: {"order": w.order}),
	"order_clerk.api.make_delivery_note": ("POST", CLERKS, frozenset(), lambda w: {"outbound_slip": w.slip}),
	"order_clerk.api.make_invoice_request": (
		"POST",
		CLERKS,
		frozenset(),
		lambda w: {"delivery_notes": [w.note]},
	),
	"order_clerk.api.record_sign_off": (
		"POST",
		frozenset({"clerk", "warehouse", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"delivery_note": w.note, "sign_status": "Signed", "signed_by": "Wang Lei"},
	),
	"order_clerk.api.mark_invoice_issued": (
		"POST",
		frozenset({"finance"}),
		frozenset(),
		lambda w: {
			"invoice_request": w.invoice_request,
			"invoice_no": unique("INV"),
			"invoice_date": nowdate(),
			"invoice_copy": w.attachment.file_url,
		},
	),
	"order_clerk.api.record_payment": (
		"POST",
		frozenset({"finance"}),
		frozenset(),
		lambda w: {"invoice_request": w.paid_invoice_request, "amount": 1, "received_on": nowdate()},
	),
	# The credit figures: for who reads a customer's credit limit (order_clerk.credit).
	"order_clerk.api.get_credit_position": (
		"GET",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"order": w.order},
	),
	# Only a Credit Controller, a role none of the profiles holds; each cell on an order of its own.
	"order_clerk.api.approve_over_credit_limit": (
		"POST",
		frozenset(),
		frozenset(),
		lambda w: {"order": w.fresh_order("pending"), "reason": "A customer of long standing"},
	),
	"order_clerk.api.make_archive_record": (
		"POST",
		frozenset({"clerk", "reviewer", "clerk_reviewer"}),  # the order's record exists: write on it
		frozenset(),
		lambda w: {"order": w.order},
	),
	"order_clerk.api.gather_archive": (
		"POST",
		frozenset({"clerk", "reviewer", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"archive_record": w.archive_record},
	),
	"order_clerk.api.verify_archive": (
		"POST",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"archive_record": w.archive_record},
	),
	"order_clerk.api.download_order_import_template": (
		"GET",
		frozenset({"clerk", "integrator", "clerk_reviewer"}),
		frozenset(),
		lambda w: {},
	),
	"order_clerk.api.import_orders": (
		"POST",
		frozenset({"clerk", "integrator", "clerk_reviewer"}),
		frozenset(),
		lambda w: {"file_url": w.public_file},
	),
	# The sales card and charts: whoever reads orders, in their own scope; the warehouse no amount.
	"order_clerk.sales_dashboard.sales_amount": (
		"GET",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer", "integrator"}),
		frozenset({"warehouse"}),
		lambda w: {"filters": "[]"},
	),
	"order_clerk.order_clerk.dashboard_chart_source.approved_sales.approved_sales.get": (
		"GET",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer", "integrator"}),
		frozenset({"warehouse"}),
		lambda w: {"chart_name": "Monthly Sales", "refresh": 1},
	),
	"order_clerk.api.export_statistics": (
		"GET",
		frozenset({"clerk", "reviewer", "finance", "clerk_reviewer", "warehouse"}),
		frozenset(),
		lambda w: {"from_date": add_days(nowdate(), -7), "to_date": nowdate()},
	),
	# Mappers: return an unsaved document for the form; only who may create it gets it.
	"order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note.make_invoice_request": (
		"GET",
		CLERKS,
		frozenset(),
		lambda w: {"source_name": w.note},
	),
	"order_clerk.order_clerk.doctype.oc_order.oc_order.make_outbound_slip": (
		"GET",
		CLERKS,
		frozenset(),
		lambda w: {"source_name": w.order},
	),
	"order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip.make_delivery_note": (
		"GET",
		CLERKS,
		frozenset(),
		lambda w: {"source_name": w.slip},
	),
	"order_clerk.field_access.get_count": (
		"GET",
		ORDER_READERS,
		frozenset(),
		lambda w: {"doctype": "OC Order", "filters": json.dumps({"name": w.order})},
	),
	"order_clerk.order_clerk.doctype.oc_order.oc_order.get_orders_awaiting_my_review": (
		"GET",
		ORDER_READERS,  # an empty list for whoever reviews nothing
		frozenset(),
		lambda w: {},
	),
	"order_clerk.printing.views.get_html_and_style": (
		"GET",
		ORDER_READERS - {"warehouse"},
		frozenset({"warehouse"}),
		lambda w: {"doc": "OC Order", "name": w.order},
	),
	"order_clerk.printing.views.get_rendered_raw_commands": (
		"GET",
		None,
		frozenset(),
		lambda w: {"doc": "OC Order", "name": w.order},
	),
	"order_clerk.printing.views.download_weasyprint_pdf": (
		"GET",
		None,
		frozenset(),
		lambda w: {"doctype": "OC Order", "name": w.order, "print_format": "OC Order Confirmation"},
	),
	# Intake of received documents: roles not modelled here yet (None): only guests and users
	# without a role are checked.
	**{
		f"order_clerk.order_clerk.doctype.oc_intake.oc_intake.{name}": (
			"POST",
			None,
			frozenset(),
			lambda w: {"name": w.read_target("OC Intake")},
		)
		for name in ("process", "convert", "reject", "receive_document")
	},
	# A customer's revised purchase order applied to its order: the clerk's (an intake that is no
	# revision is refused as a rule).
	"order_clerk.capture.revisions.apply_revision": (
		"POST",
		CLERKS,
		frozenset(),
		lambda w: {"name": w.read_target("OC Intake")},
	),
	"order_clerk.order_clerk.doctype.oc_intake.oc_intake.get_review": (
		"GET",
		None,
		frozenset(),
		lambda w: {"name": w.read_target("OC Intake")},
	),
	# Answers to an intake's sender, and reading the sender's reply: who may write the intake (the
	# clerks); the world's intake is no converted order nor one that needs attention, so a clerk is
	# told so.
	**{
		f"order_clerk.order_clerk.doctype.oc_intake.oc_intake.{name}": (
			"POST",
			CLERKS,
			frozenset(),
			lambda w: {"name": w.read_target("OC Intake")},
		)
		for name in ("acknowledge", "send_clarification", "read_reply")
	},
	# The clerk's mapping of a customer's columns: the clerks (the world's intake was never read
	# and has no customer, so a clerk is told to set it first).
	"order_clerk.order_clerk.doctype.oc_intake.oc_intake.map_columns": (
		"POST",
		CLERKS,
		frozenset(),
		lambda w: {"name": w.read_target("OC Intake"), "mapping": json.dumps({"数量": "Quantity"})},
	),
	"order_clerk.order_clerk.doctype.oc_intake.oc_intake.get_clarification": (
		"GET",
		CLERKS,
		frozenset(),
		lambda w: {"name": w.read_target("OC Intake")},
	),
	# The customer portal: its methods answer portal contacts only (tests/test_portal.py);
	# the clerk invites them.
	"order_clerk.portal.invite_contact": (
		"POST",
		CLERKS,
		frozenset(),
		lambda w: {
			"customer": w.customer,
			"email": f"{unique('invitee').lower()}@portal.example.com",
			"full_name": "Invitee",
		},
	),
	"order_clerk.portal.confirm_order": ("POST", frozenset(), frozenset(), lambda w: {"order": w.order}),
	"order_clerk.portal.ask_question": (
		"POST",
		frozenset(),
		frozenset(),
		lambda w: {"order": w.order, "question": "Whose order is this?"},
	),
	"order_clerk.portal.download_pdf": (
		"GET",
		frozenset(),
		frozenset(),
		lambda w: {"doctype": "OC Order", "name": w.order},
	),
	# The receiver's sign-off by the link on a printed note: public, answered only for a valid token.
	"order_clerk.sign_off_link.sign": (
		"POST",
		frozenset(),
		frozenset(),
		lambda w: {"token": unique("forged"), "signed_by": "Wang Lei", "refused": 1},
	),
	# Approval by email: public, answered only for a valid signed link.
	"order_clerk.email_approval.apply_action": (
		"GET",
		frozenset(),
		frozenset(),
		lambda w: {
			"action": "Approve",
			"doctype": "OC Order",
			"docname": w.pending_order,
			"current_state": "Pending Review",
		},
	),
	"order_clerk.email_approval.confirm_action": (
		"GET",
		frozenset(),
		frozenset(),
		lambda w: {
			"doctype": "OC Order",
			"docname": w.pending_order,
			"user": w.people["reviewer"],
			"action": "Approve",
		},
	),
}

# Whitelisted methods open to guests on purpose: links in emails, checked by their signature.
PUBLIC_METHODS = frozenset(
	{
		"order_clerk.email_approval.apply_action",
		"order_clerk.email_approval.confirm_action",
		"order_clerk.sign_off_link.sign",
	}
)


def app_whitelisted_methods() -> dict[str, object]:
	import order_clerk

	for module in pkgutil.walk_packages(order_clerk.__path__, "order_clerk."):
		importlib.import_module(module.name)
	return {
		f"{fn.__module__}.{fn.__name__}": fn
		for fn in frappe.whitelisted
		if fn.__module__.startswith("order_clerk")
	}


def test_every_whitelisted_method_is_in_the_table():
	found = app_whitelisted_methods()
	assert sorted(set(found) - set(METHODS)) == [], "whitelisted methods without a row in METHODS"
	assert sorted(set(METHODS) - set(found)) == [], "rows of METHODS for no whitelisted method"
	assert not {name for name, fn in found.items() if fn in frappe.guest_methods} - PUBLIC_METHODS


def test_methods_that_write_accept_only_post():
	found = app_whitelisted_methods()
	for name, (verb, *_rest) in METHODS.items():
		if verb == "POST":
			assert frappe.allowed_http_methods_for_whitelisted_func[found[name]] == ["POST"], name


def method_cells():
	for method in METHODS:
		for profile in model.PROFILES:
			yield pytest.param(method, profile, id=f"{method.rsplit('.', 1)[-1]}|{profile}")


@pytest.mark.parametrize(("method", "profile"), list(method_cells()))
def test_whitelisted_method(world, clients, method, profile):
	verb, allowed, without_amounts, args = METHODS[method]
	params = args(world)
	client = clients[profile]
	path = f"/api/method/{method}"
	if verb == "GET":
		response = client.get(
			path, **{k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
		)
	else:
		response = client.post(path, params)
	cell = f"{method}|{profile}"
	if method == "order_clerk.sign_off_link.sign":
		# A forged link is refused, whoever sends it; there is no note behind it to sign.
		assert response.status_code in (403, 404, 417), f"{cell}: {describe(response)}"
		return
	if method in PUBLIC_METHODS:
		# Without a valid signature nobody gets anything done (the answer is a page saying so),
		# and the order stays pending.
		assert response.status_code in (200, 403, 417), f"{cell}: {describe(response)}"
		fresh_db()
		assert frappe.db.get_value("OC Order", world.pending_order, "docstatus") == 0, cell
		return
	if allowed is None:  # roles not modelled yet: guests and users without a role only
		if profile in ("guest", "norole"):
			assert response.status_code == 403, f"{cell} should be refused: {describe(response)}"
		return
	if profile in allowed:
		assert response.status_code == 200 or is_rule(response), (
			f"{cell} should be allowed: {describe(response)}"
		)
	elif profile in without_amounts:
		assert response.status_code in (200, 403), f"{cell}: {describe(response)}"
		assert not [mark for mark in SECRET_MARKS if mark in response.text], f"{cell} shows an amount"
	else:
		assert response.status_code == 403, f"{cell} should be refused: {describe(response)}"
	if verb == "POST" and profile in allowed:
		# The same call as a GET is refused: a link or an image must not change anything.
		refused = client.get(
			path, **{k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()}
		)
		assert refused.status_code in (403, 405), f"{cell} by GET: {describe(refused)}"


# framework methods that reach documents

DRAFT_READERS = frozenset({"clerk", "reviewer", "integrator", "clerk_reviewer"})
# A reviewer may change a draft (and so becomes one of its makers, who may never approve it).
DRAFT_WRITERS = frozenset({"clerk", "reviewer", "integrator", "clerk_reviewer"})
REVIEWERS = frozenset({"reviewer", "clerk_reviewer"})
EXPORTERS = frozenset({"clerk", "reviewer", "finance", "clerk_reviewer"})
REPORT_READERS = {
	"Order Statistics": frozenset({"clerk", "reviewer", "warehouse", "finance", "clerk_reviewer"}),
	"Best-Selling Products": frozenset({"clerk", "reviewer", "warehouse", "finance", "clerk_reviewer"}),
	"Order Fulfilment": frozenset({"clerk", "reviewer", "warehouse", "clerk_reviewer"}),
	"Clerk Daily Close": frozenset({"clerk", "reviewer", "clerk_reviewer"}),
}

# path -> the profiles for which it works. The target: the integrator's approved order (A) or
# its draft (D). A read refused is a 403 or an answer without the target; a write refused is
# a 403 and nothing written. For File, Comment and Version lists the table names who may
# see the record; the others must not see it.
FRAMEWORK = {
	"frappe.client.get A": ORDER_READERS,
	"frappe.client.get_list A": ORDER_READERS,
	"frappe.client.get_value A": ORDER_READERS,
	"frappe.client.get_count D": DRAFT_READERS,
	"frappe.client.set_value D": DRAFT_WRITERS,
	"frappe.client.insert": frozenset({"clerk", "integrator", "clerk_reviewer"}),
	"frappe.client.save D": DRAFT_WRITERS,
	"frappe.client.delete D": CLERKS,
	"frappe.client.rename_doc A": frozenset(),
	"frappe.client.submit pending": REVIEWERS,
	"frappe.client.cancel A": REVIEWERS,
	"frappe.client.bulk_update D": DRAFT_WRITERS,
	"run_doc_method rename A force": frozenset(),
	"run_doc_method submit pending": REVIEWERS,
	"frappe.desk.reportview.get A": ORDER_READERS,
	"frappe.desk.reportview.get_count D": DRAFT_READERS,
	"frappe.desk.reportview.export_query A": EXPORTERS,
	**{f"frappe.desk.query_report.run {report}": readers for report, readers in REPORT_READERS.items()},
	"upload_file D": DRAFT_WRITERS,
	"File of A": ORDER_READERS,
	"Comment on D": DRAFT_READERS,
	"Version of D": DRAFT_READERS,
	"/api/v2 get A": ORDER_READERS,
	"/api/v2 list A": ORDER_READERS,
	"/api/v2 patch D": DRAFT_WRITERS,
}


def framework_cells():
	for path in FRAMEWORK:
		for profile in model.PROFILES:
			yield pytest.param(path, profile, id=f"{path}|{profile}")


@pytest.mark.parametrize(("path", "profile"), list(framework_cells()))
def test_framework_method(world, clients, path, profile):
	FrameworkCell(world, clients[profile], path, profile, profile in FRAMEWORK[path]).run()


class FrameworkCell:
	def __init__(self, world: World, client, path: str, profile: str, allowed: bool):
		self.world, self.client, self.path, self.profile, self.allowed = world, client, path, profile, allowed
		self.name = f"{path}|{profile}"
		self.order, self.draft = world.order, world.draft_order

	def run(self):
		handler = {
			"frappe.client.get A": self.client_get,
			"frappe.client.get_list A": self.client_get_list,
			"frappe.client.get_value A": self.client_get_value,
			"frappe.client.get_count D": self.client_get_count,
			"frappe.client.set_value D": self.client_set_value,
			"frappe.client.insert": self.client_insert,
			"frappe.client.save D": self.client_save,
			"frappe.client.delete D": self.client_delete,
			"frappe.client.rename_doc A": self.client_rename,
			"frappe.client.submit pending": self.client_submit,
			"frappe.client.cancel A": self.client_cancel,
			"frappe.client.bulk_update D": self.client_bulk_update,
			"run_doc_method rename A force": self.run_doc_method_rename,
			"run_doc_method submit pending": self.run_doc_method_submit,
			"frappe.desk.reportview.get A": self.reportview_get,
			"frappe.desk.reportview.get_count D": self.reportview_get_count,
			"frappe.desk.reportview.export_query A": self.export_query,
			"upload_file D": self.upload_file,
			"File of A": self.file_list,
			"Comment on D": self.comment_list,
			"Version of D": self.version_list,
			"/api/v2 get A": self.v2_get,
			"/api/v2 list A": self.v2_list,
			"/api/v2 patch D": self.v2_patch,
		}.get(self.path)
		if handler is None:
			return self.query_report(self.path.rsplit("run ", 1)[1])
		handler()

	def method(self, method_name: str, verb: str = "POST", **params):
		if verb == "GET":
			return self.client.get(f"/api/method/{method_name}", **params)
		return self.client.post(f"/api/method/{method_name}", params)

	# reads: allowed sees the target, refused gets 403 or an answer without it

	def read(self, response, target: str, seen=None):
		seen = (target in response.text) if seen is None else seen
		if self.allowed:
			assert response.status_code == 200 and seen, (
				f"{self.name} should see {target}: {describe(response)}"
			)
		else:
			assert response.status_code in (200, 403), f"{self.name}: {describe(response)}"
			assert not (response.ok and seen), f"{self.name} should not see {target}: {describe(response)}"

	def client_get(self):
		self.read(self.method("frappe.client.get", "GET", doctype="OC Order", name=self.order), self.order)

	def client_get_list(self):
		response = self.method(
			"frappe.client.get_list", "GET", doctype="OC Order", filters=json.dumps({"name": self.order})
		)
		self.read(response, self.order)

	def client_get_value(self):
		response = self.method(
			"frappe.client.get_value",
			"GET",
			doctype="OC Order",
			filters=json.dumps({"name": self.order}),
			fieldname=json.dumps(["name", "customer"]),
		)
		self.read(response, self.order)

	def client_get_count(self):
		response = self.method(
			"frappe.client.get_count", "GET", doctype="OC Order", filters=json.dumps({"name": self.draft})
		)
		self.read(response, self.draft, seen=response.ok and response.json().get("message") == 1)

	def reportview_get(self):
		response = self.method(
			"frappe.desk.reportview.get",
			"POST",
			doctype="OC Order",
			fields=json.dumps(["`tabOC Order`.`name`"]),
			filters=json.dumps([["OC Order", "name", "=", self.order]]),
		)
		self.read(response, self.order)

	def reportview_get_count(self):
		response = self.method(
			"frappe.desk.reportview.get_count",
			"POST",
			doctype="OC Order",
			filters=json.dumps([["OC Order", "name", "=", self.draft]]),
		)
		self.read(response, self.draft, seen=response.ok and response.json().get("message") == 1)

	def export_query(self):
		response = self.method(
			"frappe.desk.reportview.export_query",
			"POST",
			doctype="OC Order",
			file_format_type="CSV",
			fields=json.dumps(["`tabOC Order`.`name`"]),
			filters=json.dumps([["OC Order", "name", "=", self.order]]),
		)
		self.read(response, self.order)

	def query_report(self, report: str):
		response = self.method(
			"frappe.desk.query_report.run",
			"POST",
			report_name=report,
			filters=json.dumps({"from_date": add_days(nowdate(), -30), "to_date": nowdate()}),
		)
		if self.allowed:
			assert response.status_code == 200 or is_rule(response), f"{self.name}: {describe(response)}"
		else:
			assert response.status_code == 403, f"{self.name} should be refused: {describe(response)}"

	def file_list(self):
		name = self.world.attachment.name
		listed = self.client.get(
			resource("File"),
			fields='["name"]',
			filters=json.dumps(
				[["attached_to_doctype", "=", "OC Order"], ["attached_to_name", "=", self.order]]
			),
		)
		direct = self.client.get(resource("File", name))
		if not self.allowed:
			for response in (listed, direct):
				assert not (response.ok and name in response.text), (
					f"{self.name} sees the file: {describe(response)}"
				)

	def comment_list(self):
		listed = self.client.get(
			resource("Comment"),
			fields='["name", "content"]',
			filters=json.dumps([["reference_doctype", "=", "OC Order"], ["reference_name", "=", self.draft]]),
		)
		direct = self.client.get(resource("Comment", self.world.comment))
		if not self.allowed:
			for response in (listed, direct):
				assert not (response.ok and "Call the buyer" in response.text), (
					f"{self.name} sees the comment: {describe(response)}"
				)

	def version_list(self):
		listed = self.client.get(
			resource("Version"),
			fields='["name", "data"]',
			filters=json.dumps([["ref_doctype", "=", "OC Order"], ["docname", "=", self.draft]]),
		)
		if not self.allowed:
			assert not (listed.ok and "Second thoughts" in listed.text), (
				f"{self.name} sees the version: {describe(listed)}"
			)

	def v2_get(self):
		self.read(self.client.get(f"/api/v2/document/OC Order/{self.order}/"), self.order)

	def v2_list(self):
		response = self.client.get(
			"/api/v2/document/OC Order", fields='["name"]', filters=json.dumps({"name": self.order})
		)
		self.read(response, self.order)

	# writes: allowed succeeds, refused gets 403 and nothing is written

	def write(self, response, written: bool):
		if self.allowed:
			assert response.status_code in (200, 201, 202), (
				f"{self.name} should be allowed: {describe(response)}"
			)
			assert written, f"{self.name} answered {response.status_code} but wrote nothing"
		else:
			assert response.status_code == 403, f"{self.name} should be refused: {describe(response)}"
			assert not written, f"{self.name} was refused but wrote"

	def remarks_written(self, response_maker):
		marker = unique("FW")
		response = response_maker(marker)
		fresh_db()
		self.write(response, frappe.db.get_value("OC Order", self.draft, "remarks") == marker)

	def client_set_value(self):
		self.remarks_written(
			lambda marker: self.method(
				"frappe.client.set_value",
				doctype="OC Order",
				name=self.draft,
				fieldname="remarks",
				value=marker,
			)
		)

	def client_save(self):
		fresh_db()
		doc = json.loads(frappe.as_json(frappe.get_doc("OC Order", self.draft).as_dict()))

		def save(marker):
			doc["remarks"] = marker
			return self.method("frappe.client.save", doc=doc)

		self.remarks_written(save)

	def client_bulk_update(self):
		def bulk(marker):
			docs = [{"doctype": "OC Order", "docname": self.draft, "remarks": marker}]
			return self.method("frappe.client.bulk_update", docs=json.dumps(docs))

		marker = unique("FW")
		response = bulk(marker)
		fresh_db()
		written = frappe.db.get_value("OC Order", self.draft, "remarks") == marker
		if self.allowed:
			assert response.ok and not response.json()["message"]["failed_docs"], describe(response)
			assert written, self.name
		else:
			assert response.status_code in (200, 403), describe(response)
			assert not written, f"{self.name} was refused but wrote"

	def v2_patch(self):
		self.remarks_written(
			lambda marker: self.client.request(
				"PATCH", f"/api/v2/document/OC Order/{self.draft}/", json={"remarks": marker}
			)
		)

	def client_insert(self):
		marker = unique("FW")
		payload = self.world.create_payload("OC Order", marker)
		response = self.method("frappe.client.insert", doc=payload)
		fresh_db()
		self.write(response, bool(frappe.db.exists("OC Order", {"external_ref": marker})))

	def client_delete(self):
		target = self.world.fresh("OC Order", "draft") if self.allowed else self.draft
		response = self.method("frappe.client.delete", doctype="OC Order", name=target)
		fresh_db()
		self.write(response, not frappe.db.exists("OC Order", target))

	def renamed(self, response, new_name: str):
		fresh_db()
		assert response.status_code in (403, 417), f"{self.name} should be refused: {describe(response)}"
		assert frappe.db.exists("OC Order", self.order) and not frappe.db.exists("OC Order", new_name), (
			self.name
		)

	def client_rename(self):
		new_name = unique("RENAMED")
		self.renamed(
			self.method(
				"frappe.client.rename_doc", doctype="OC Order", old_name=self.order, new_name=new_name
			),
			new_name,
		)

	def run_doc_method_rename(self):
		new_name = unique("RENAMED")
		response = self.method(
			"run_doc_method",
			dt="OC Order",
			dn=self.order,
			method="rename",
			args=json.dumps({"name": new_name, "force": 1}),
		)
		self.renamed(response, new_name)

	def _pending(self) -> str:
		return self.world.fresh("OC Order", "pending") if self.allowed else self.world.pending_order

	def client_submit(self):
		target = self._pending()
		fresh_db()
		doc = json.loads(frappe.as_json(frappe.get_doc("OC Order", target).as_dict()))
		response = self.method("frappe.client.submit", doc=doc)
		fresh_db()
		self.write(response, frappe.db.get_value("OC Order", target, "docstatus") == 1)

	def run_doc_method_submit(self):
		target = self._pending()
		response = self.method("run_doc_method", dt="OC Order", dn=target, method="submit")
		fresh_db()
		self.write(response, frappe.db.get_value("OC Order", target, "docstatus") == 1)

	def client_cancel(self):
		target = self.world.fresh("OC Order", "approved") if self.allowed else self.order
		response = self.method("frappe.client.cancel", doctype="OC Order", name=target)
		fresh_db()
		self.write(response, frappe.db.get_value("OC Order", target, "docstatus") == 2)

	def upload_file(self):
		file_name = f"{unique('upload')}.txt"
		response = self.client.request(
			"POST",
			"/api/method/upload_file",
			data={"doctype": "OC Order", "docname": self.draft, "is_private": "1"},
			files={"file": (file_name, b"a hostile attachment", "text/plain")},
		)
		fresh_db()
		self.write(response, bool(frappe.db.exists("File", {"file_name": file_name})))


# field level: the warehouse never sees a price or an amount


def _warehouse_reads(world: World):
	"""Every way the warehouse might read the order's amounts: (label, verb, path, params)."""
	order, item_filter = world.order, json.dumps([["parent", "=", world.order]])
	both_dates = json.dumps({"from_date": add_days(nowdate(), -30), "to_date": add_days(nowdate(), 30)})
	yield "document", "GET", resource("OC Order", order), {}
	yield (
		"desk getdoc",
		"GET",
		"/api/method/frappe.desk.form.load.getdoc",
		{"doctype": "OC Order", "name": order},
	)
	yield "list *", "GET", resource("OC Order"), {"fields": '["*"]', "filters": json.dumps({"name": order})}
	yield (
		"list named",
		"GET",
		resource("OC Order"),
		{
			"fields": '["name", "grand_total"]',
			"filters": json.dumps({"name": order}),
		},
	)
	yield (
		"child list *",
		"GET",
		resource("OC Order Item"),
		{
			"parent": "OC Order",
			"fields": '["*"]',
			"filters": item_filter,
		},
	)
	yield (
		"child list named",
		"GET",
		resource("OC Order Item"),
		{
			"parent": "OC Order",
			"fields": '["parent", "rate", "amount", "price_list_rate"]',
			"filters": item_filter,
		},
	)
	yield "child row", "GET", resource("OC Order Item", world.order_item), {}
	yield (
		"reportview",
		"POST",
		"/api/method/frappe.desk.reportview.get",
		{
			"doctype": "OC Order",
			"fields": json.dumps(
				["`tabOC Order`.`name`", "`tabOC Order`.`grand_total`", "`tabOC Order Item`.`rate`"]
			),
			"filters": json.dumps([["OC Order", "name", "=", order]]),
		},
	)
	yield "v2 document", "GET", f"/api/v2/document/OC Order/{order}/", {}
	yield (
		"versions",
		"GET",
		resource("Version"),
		{
			"fields": '["data"]',
			"filters": json.dumps([["ref_doctype", "=", "OC Order"], ["docname", "=", order]]),
		},
	)
	for report in ("Order Fulfilment", "Order Statistics", "Best-Selling Products"):
		yield (
			f"report {report}",
			"POST",
			"/api/method/frappe.desk.query_report.run",
			{
				"report_name": report,
				"filters": both_dates,
			},
		)
	yield (
		"export",
		"POST",
		"/api/method/frappe.desk.reportview.export_query",
		{
			"doctype": "OC Order",
			"file_format_type": "CSV",
			"fields": json.dumps(["`tabOC Order`.`name`", "`tabOC Order`.`grand_total`"]),
			"filters": json.dumps([["OC Order", "name", "=", order]]),
		},
	)
	for doctype, name in (
		("OC Order", order),
		("OC Outbound Slip", world.slip),
		("OC Delivery Note", world.note),
	):
		yield (
			f"print {doctype}",
			"GET",
			"/api/method/frappe.www.printview.get_html_and_style",
			{
				"doc": doctype,
				"name": name,
			},
		)
	yield "order status", "GET", "/api/method/order_clerk.api.order_status", {"order": order}
	yield "stock check", "GET", "/api/method/order_clerk.api.stock_check", {"order": order}
	yield (
		"product details",
		"GET",
		"/api/method/order_clerk.api.get_product_details",
		{
			"product": world.product,
			"customer": world.customer,
		},
	)
	yield "customer", "GET", resource("OC Customer", world.customer), {}
	yield (
		"customer prices",
		"GET",
		resource("OC Customer Price"),
		{
			"parent": "OC Customer",
			"fields": '["*"]',
			"filters": json.dumps([["parent", "=", world.customer]]),
		},
	)
	yield "product", "GET", resource("OC Product", world.product), {}
	yield (
		"product list",
		"GET",
		resource("OC Product"),
		{
			"fields": '["name", "standard_rate"]',
			"filters": json.dumps({"name": world.product}),
		},
	)
	# An error message must not quote the hidden value either.
	yield (
		"sort by amount",
		"GET",
		resource("OC Order"),
		{
			"fields": '["name"]',
			"filters": json.dumps({"name": order}),
			"order_by": "grand_total desc",
		},
	)


def test_warehouse_sees_no_amount_anywhere(world, clients):
	client, leaks = clients["warehouse"], []
	for label, verb, path, params in _warehouse_reads(world):
		response = client.get(path, **params) if verb == "GET" else client.post(path, params)
		assert response.status_code != 500, f"{label}: {describe(response)}"
		found = [mark for mark in SECRET_MARKS if mark in response.text]
		if found:
			leaks.append(f"{label} (HTTP {response.status_code}) shows {found}")
	assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("profile", ["warehouse"])
def test_hidden_fields_are_no_oracle(world, clients, profile):
	"""A filter on a hidden amount answers the same whether it holds or not (or is refused)."""
	client = clients[profile]
	for doctype, field, parent in (("OC Order", "grand_total", None), ("OC Order Item", "rate", "OC Order")):
		key = "name" if parent is None else "parent"
		answers = []
		for operator, value in ((">", SECRET_RATE - 1), ("<", SECRET_RATE - 1)):
			params = {
				"fields": f'["{key}"]',
				"filters": json.dumps([[key, "=", world.order], [field, operator, value]]),
			}
			if parent:
				params["parent"] = parent
			response = client.get(resource(doctype), **params)
			assert response.status_code in (200, 403, 417), describe(response)
			answers.append(response.json().get("data") if response.ok else response.status_code)
		assert answers[0] == answers[1], (
			f"{doctype}.{field} filter answers {answers}: an oracle for {profile}"
		)


def test_the_amounts_are_there_to_be_hidden(world, clients):
	"""The control of the test above: the clerk reads the same amounts in the same places."""
	client = clients["clerk"]
	for label in ("document", "print OC Order"):
		_label, verb, path, params = next(read for read in _warehouse_reads(world) if read[0] == label)
		response = client.get(path, **params) if verb == "GET" else client.post(path, params)
		assert response.status_code == 200, f"{label}: {describe(response)}"
		assert any(mark in response.text for mark in SECRET_MARKS), f"{label} shows the clerk no amount"


def _history_of(client, order: str) -> list[dict]:
	response = client.get("/api/method/frappe.desk.form.load.getdoc", doctype="OC Order", name=order)
	assert response.status_code == 200, describe(response)
	return [json.loads(version["data"]) for version in response.json()["docinfo"]["versions"]]


def test_the_form_history_keeps_to_readable_fields(world, clients):
	"""The approval's Version records the credit figures (permlevel 1): the form's history shows
	the warehouse that the order was approved, and not the figures; the clerk sees both."""
	for profile, sees_figures in (("warehouse", False), ("clerk", True)):
		changes = [row for data in _history_of(clients[profile], world.order) for row in data["changed"]]
		changed = {row[0] for row in changes}
		assert "workflow_state" in changed, f"{profile} sees no approval in the history"
		figures = {"credit_limit_at_approval", "exposure_at_approval"} & changed
		assert bool(figures) == sees_figures, f"{profile} sees {sorted(figures)} in the history"


@pytest.mark.parametrize("profile", ["reviewer", "warehouse", "finance", "integrator", "norole"])
def test_a_refused_rename_names_no_documents(world, clients, profile):
	"""Who may not rename a master is told so, not which approved orders name it."""
	fresh_db()
	order_no = frappe.db.get_value("OC Order", world.order, "order_no")
	for doctype, name in (("OC Customer", world.customer), ("OC Product", world.product)):
		response = clients[profile].post(
			"/api/method/frappe.client.rename_doc",
			{"doctype": doctype, "old_name": name, "new_name": unique("RENAMED")},
		)
		assert response.status_code == 403, f"{doctype}|{profile}: {describe(response)}"
		for secret in ("named by", world.order, order_no, world.note, world.slip):
			assert secret not in response.text, f"{doctype}|{profile} learns {secret}: {describe(response)}"
		fresh_db()
		assert frappe.db.exists(doctype, name)


def _price_questions(world: World, field: str):
	"""Every way to ask a list about an order line's `field`: (label, verb, path, params)."""
	line = f"`tabOC Order Item`.`{field}`"
	yield (
		"order filter",
		"GET",
		resource("OC Order"),
		{"fields": '["name"]', "filters": json.dumps([["OC Order Item", field, ">", 0]])},
	)
	yield (
		"line filter",
		"GET",
		resource("OC Order Item"),
		{"parent": "OC Order", "fields": '["parent"]', "filters": json.dumps([[field, ">", 0]])},
	)
	yield (
		"line sort",
		"GET",
		resource("OC Order Item"),
		{"parent": "OC Order", "fields": '["parent"]', "order_by": f"{field} desc"},
	)
	yield (
		"order group",
		"POST",
		"/api/method/frappe.desk.reportview.get",
		{
			"doctype": "OC Order",
			"fields": json.dumps(["`tabOC Order`.`name`", line]),
			"filters": json.dumps([["OC Order", "name", "=", world.order]]),
			"group_by": line,
		},
	)


@pytest.mark.parametrize("field", ["price_list_rate", "price_deviation_percent", "rate"])
def test_the_integrator_asks_nothing_of_the_reference_price(world, clients, field):
	"""The reference price is permlevel 2, above the integrator's levels: no list filters, sorts or
	groups by it. The line's own rate (permlevel 1, the integrator's) is the control."""
	hidden = field != "rate"
	for label, verb, path, params in _price_questions(world, field):
		client = clients["integrator"]
		response = client.get(path, **params) if verb == "GET" else client.post(path, params)
		if hidden:
			assert response.status_code == 403, f"{label} by {field}: {describe(response)}"
			assert exc_type(response) == "HiddenFieldQueryError" and field in response.text, describe(
				response
			)
		else:
			assert response.status_code == 200, f"{label} by {field}: {describe(response)}"
