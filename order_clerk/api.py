"""Endpoints for integrators and the desk, under /api/method/order_clerk.api.<name>.

Each is a thin wrapper: it checks permission itself and delegates to the logic that lives
with its DocType. Creating and moving orders uses Frappe's own REST (see README):
POST /api/resource/OC Order and frappe.model.workflow.apply_workflow.
"""

import json
from typing import Any

import frappe
from frappe import _
from frappe.utils import flt

from order_clerk.excel_import import import_file
from order_clerk.excel_sheets import build_template
from order_clerk.permissions import can_read_amounts
from order_clerk.pricing import get_reference_prices
from order_clerk.report_access import SALES_REPORTS
from order_clerk.statistics_export import build_workbook


@frappe.whitelist(methods=["GET"])
def get_missing_facts(order: str) -> list[dict]:
	"""What the clerk must still confirm before the order can go to review."""
	doc = frappe.get_doc("OC Order", order)
	doc.check_permission("read")
	return doc.get_missing_facts()


@frappe.whitelist(methods=["POST"])
def check_facts(doc: Any = None) -> list[dict]:
	"""What the clerk must still confirm on an order as the form holds it, saved or not.

	The form asks this while the clerk types, so the completeness it shows is the server's own
	rule (`intake.missing_facts`), never a copy of it. Nothing is saved. A saved order needs read
	permission on it, a new one permission to create orders. The deviations are the form's own
	figures: the answer tells nothing about the reference prices that the form did not send.
	"""
	if isinstance(doc, str):
		try:
			doc = json.loads(doc)
		except ValueError:
			doc = None
	items = doc.get("items") if isinstance(doc, dict) else None
	if (
		not isinstance(doc, dict)
		or not isinstance(items or [], list)
		or not all(isinstance(row, dict) for row in items or [])
	):
		frappe.throw(_("Send the order as a JSON object."), frappe.ValidationError)
	name = doc.get("name")
	if isinstance(name, str) and name and frappe.db.exists("OC Order", name):
		saved = frappe.get_doc("OC Order", name)
		saved.check_permission("read")
		owner = saved.owner
	else:
		frappe.has_permission("OC Order", "create", throw=True)
		owner = frappe.session.user
	values = {key: value for key, value in doc.items() if key in _FACT_FIELDS} | {"owner": owner}
	# Numbers as the database holds them, so a message reads as the saved order's: 20.0 %.
	rows = [
		{
			key: flt(value) if key in _FACT_ROW_NUMBERS else value
			for key, value in row.items()
			if key in _FACT_ROW_FIELDS
		}
		| {"idx": index}
		for index, row in enumerate(items or [], start=1)
	]
	order = frappe.get_doc({"doctype": "OC Order", **values, "items": rows})
	return order.get_missing_facts()


_FACT_FIELDS = ("customer", "delivery_date", "payment_terms", "delivery_address")
_FACT_ROW_NUMBERS = ("qty", "rate", "price_deviation_percent")
_FACT_ROW_FIELDS = ("product", "price_deviation_reason", *_FACT_ROW_NUMBERS)


@frappe.whitelist(methods=["GET"])
def get_product_details(product: str, customer: str | None = None) -> dict:
	"""Specification, unit and reference price of a product for a customer (order entry).

	The reference price only for users who may read prices (not the warehouse).
	"""
	frappe.has_permission("OC Product", "read", product, throw=True)
	if customer:
		frappe.has_permission("OC Customer", "read", customer, throw=True)
	details = frappe.db.get_value(
		"OC Product", product, ["product_name", "specification", "uom", "disabled"], as_dict=True
	)
	if not details:
		frappe.throw(_("Product {0} does not exist.").format(product), frappe.DoesNotExistError)
	if can_read_amounts():
		details.price_list_rate = get_reference_prices(customer, [product]).get(product, 0)
	return details


# fulfilment


def _order(order: str, ptype: str = "read"):
	doc = frappe.get_doc("OC Order", order)
	doc.check_permission(ptype)
	return doc


@frappe.whitelist(methods=["GET"])
def stock_check(order: str) -> list[dict]:
	"""Per line of an order: to ship, on hand, committed to other orders, available, short."""
	from order_clerk.order_clerk.doctype.oc_order.tracking import stock_check as check

	return check(_order(order))


@frappe.whitelist(methods=["POST"])
def request_production(order: str) -> list[dict]:
	"""Send a production request for every line of the order that is short of stock."""
	from order_clerk.order_clerk.doctype.oc_order.tracking import request_production as request

	frappe.only_for(("Order Clerk", "Order Reviewer", "System Manager"))
	return request(_order(order, "write"))


@frappe.whitelist(methods=["GET"])
def order_status(order: str) -> dict:
	"""Workflow state, status, progress, shipments with carrier and sign-off, open exceptions."""
	from order_clerk.order_clerk.doctype.oc_order.tracking import status_summary

	return status_summary(_order(order))


@frappe.whitelist(methods=["POST"])
def send_status_update(order: str) -> bool:
	"""Email the order's status summary to the customer's contact."""
	from order_clerk.order_clerk.doctype.oc_order.tracking import send_status_update as send

	return send(_order(order, "email"))


@frappe.whitelist(methods=["POST"])
def make_outbound_slip(order: str, warehouse: str | None = None) -> dict:
	"""Create a draft outbound slip for everything the order still has to ship, from `warehouse`,
	else the default warehouse of OC Settings, else the only warehouse."""
	from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip as make
	from order_clerk.site_defaults import outbound_warehouse

	slip = make(order, warehouse=warehouse)
	slip.warehouse = outbound_warehouse(slip.warehouse)  # none to be found: names the setting
	return slip.insert().as_dict()


@frappe.whitelist(methods=["POST"])
def make_delivery_note(outbound_slip: str) -> dict:
	"""Create a draft delivery note for a confirmed outbound slip."""
	from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note as make

	frappe.has_permission("OC Delivery Note", "create", throw=True)
	return make(outbound_slip).insert().as_dict()


@frappe.whitelist(methods=["POST"])
def make_invoice_request(delivery_notes: list[str] | str) -> dict:
	"""Create a draft invoice request for signed delivery notes of one customer."""
	from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

	if isinstance(delivery_notes, str):
		delivery_notes = (
			frappe.parse_json(delivery_notes) if delivery_notes.startswith("[") else [delivery_notes]
		)
	frappe.has_permission("OC Invoice Request", "create", throw=True)
	return new_invoice_request(list(delivery_notes)).insert().as_dict()


@frappe.whitelist(methods=["POST"])
def record_sign_off(
	delivery_note: str,
	sign_status: str,
	signed_by: str | None = None,
	signed_at: str | None = None,
	signed_receipt: str | None = None,
	received: dict | str | None = None,
	remarks: str | None = None,
) -> dict:
	"""Record the customer's sign-off of a dispatched delivery note.

	received: {delivery note line name or product: received quantity}; lines not named are
	taken as received in full for Signed.
	"""
	doc = frappe.get_doc("OC Delivery Note", delivery_note)
	doc.check_permission("write")
	received = frappe.parse_json(received) if isinstance(received, str) else (received or {})
	doc.update(
		{
			"sign_status": sign_status,
			"signed_by": signed_by,
			"signed_at": signed_at,
			"signed_receipt": signed_receipt,
			"sign_off_remarks": remarks,
		}
	)
	for row in doc.items:
		for key in (row.name, row.product):
			if key in received:
				row.received_qty = received[key]
	doc.save()
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
def mark_invoice_issued(invoice_request: str, invoice_no: str, invoice_date: str, invoice_copy: str) -> dict:
	"""Finance: record the issued invoice on an invoice request."""
	from order_clerk.roles import FINANCE_OFFICER, require_role

	doc = frappe.get_doc("OC Invoice Request", invoice_request)
	doc.check_permission("write")
	# Who may record it comes before whether it is recorded already.
	require_role((FINANCE_OFFICER,), _("record an issued invoice"))
	doc.update({"invoice_no": invoice_no, "invoice_date": invoice_date, "invoice_copy": invoice_copy})
	doc.save()
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
def record_payment(
	invoice_request: str, amount: float, received_on: str, reference: str | None = None
) -> dict:
	"""Finance: record a payment received (回款) against an issued invoice request."""
	from order_clerk.roles import FINANCE_OFFICER, require_role

	doc = frappe.get_doc("OC Invoice Request", invoice_request)
	doc.check_permission("write")
	require_role((FINANCE_OFFICER,), _("record a payment received"))
	return doc.record_payment(flt(amount), received_on, reference).as_dict()


# credit control (order_clerk.credit)


@frappe.whitelist(methods=["GET"])
def get_credit_position(order: str) -> dict:
	"""The customer's credit limit and exposure, before and with this order."""
	from order_clerk import credit

	doc = frappe.get_doc("OC Order", order)
	doc.check_permission("read")
	if not credit.can_see_credit():
		frappe.throw(_("Only the order desk and finance see a customer's credit."), frappe.PermissionError)
	return credit.position(doc)


@frappe.whitelist(methods=["POST"])
def approve_over_credit_limit(order: str, reason: str) -> dict:
	"""A Credit Controller approves an order above its customer's credit limit, with a reason."""
	from order_clerk import credit

	doc = frappe.get_doc("OC Order", order)
	doc.check_permission("submit")
	return credit.approve_over_limit(doc, reason).as_dict()


# archive


@frappe.whitelist(methods=["POST"])
def make_archive_record(order: str) -> dict:
	"""The order's archive record (made once), with its documents gathered in the background."""
	from order_clerk.archive import start_gathering

	frappe.get_doc("OC Order", order).check_permission("read")
	name = frappe.db.get_value("OC Archive Record", {"order": order, "docstatus": ("<", 2)}, "name")
	if name:
		record = frappe.get_doc("OC Archive Record", name)
		record.check_permission("write" if record.docstatus == 0 else "read")
	else:
		record = frappe.get_doc({"doctype": "OC Archive Record", "order": order}).insert()
	if record.docstatus == 0:
		start_gathering(record)
		record.reload()
	return record.as_dict()


@frappe.whitelist(methods=["POST"])
def gather_archive(archive_record: str) -> dict:
	"""Gather again: adds what is missing, never duplicates an item."""
	from order_clerk.archive import start_gathering

	record = frappe.get_doc("OC Archive Record", archive_record)
	record.check_permission("write")
	if record.docstatus != 0:
		frappe.throw(_("Archive record {0} is sealed.").format(archive_record))
	start_gathering(record)
	return {"status": "Gathering"}


@frappe.whitelist(methods=["POST"])
def verify_archive(archive_record: str) -> list[dict]:
	"""Recompute every file's hash: each item is Intact, Changed or Missing."""
	from order_clerk.archive import verify

	record = frappe.get_doc("OC Archive Record", archive_record)
	record.check_permission("read")
	return verify(record)


# Excel: order import and statistics export


def _send_workbook(file_name: str, content: bytes):
	frappe.response.filename = file_name
	frappe.response.filecontent = content
	frappe.response.type = "binary"


@frappe.whitelist(methods=["GET"])
def download_order_import_template():
	"""The workbook to fill in for order_clerk.api.import_orders."""
	frappe.has_permission("OC Order", "create", throw=True)
	_send_workbook("order-import-template.xlsx", build_template())


@frappe.whitelist(methods=["POST"])
def import_orders(file_url: str) -> dict:
	"""Create draft orders from an uploaded import workbook (see order_clerk.excel_import)."""
	frappe.has_permission("OC Order", "create", throw=True)
	return import_file(file_url)


@frappe.whitelist(methods=["GET"])
def export_statistics(
	from_date: str,
	to_date: str,
	period: str | None = None,
	group_by: str | None = None,
	top_n: int | None = None,
	rank_by: str | None = None,
	channel: str | None = None,
	customer: str | None = None,
	product: str | None = None,
	clerk: str | None = None,
	include_unapproved: int = 0,
):
	"""Order Statistics and Best-Selling Products for the period as one workbook."""
	frappe.has_permission("OC Order", "report", throw=True)
	for report in SALES_REPORTS:
		if not frappe.get_cached_doc("Report", report).is_permitted():
			frappe.throw(_("You don't have access to Report: {0}").format(_(report)), frappe.PermissionError)
	filters = {
		key: value
		for key, value in {
			"from_date": from_date,
			"to_date": to_date,
			"period": period,
			"group_by": group_by,
			"top_n": top_n,
			"rank_by": rank_by,
			"channel": channel,
			"customer": customer,
			"product": product,
			"clerk": clerk,
			"include_unapproved": include_unapproved,
		}.items()
		if value not in (None, "")
	}
	_send_workbook(f"order-statistics-{from_date}-{to_date}.xlsx", build_workbook(filters))
