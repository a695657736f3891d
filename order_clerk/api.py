"""Endpoints for integrators and the desk, under /api/method/order_clerk.api.<name>.

Each is a thin wrapper: it checks permission itself and delegates to the logic that lives
with its DocType. Creating and moving orders uses Frappe's own REST (see README):
POST /api/resource/OC Order and frappe.model.workflow.apply_workflow.
"""

import frappe
from frappe import _

from order_clerk.excel_import import import_file
from order_clerk.excel_sheets import build_template
from order_clerk.pricing import get_reference_prices


@frappe.whitelist(methods=["GET"])
def get_missing_facts(order: str) -> list[dict]:
	"""What the clerk must still confirm before the order can go to review."""
	doc = frappe.get_doc("OC Order", order)
	doc.check_permission("read")
	return doc.get_missing_facts()


@frappe.whitelist(methods=["GET"])
def get_product_details(product: str, customer: str | None = None) -> dict:
	"""Specification, unit and reference price of a product for a customer (order entry)."""
	frappe.has_permission("OC Product", "read", product, throw=True)
	if customer:
		frappe.has_permission("OC Customer", "read", customer, throw=True)
	details = frappe.db.get_value(
		"OC Product", product, ["product_name", "specification", "uom", "disabled"], as_dict=True
	)
	if not details:
		frappe.throw(_("Product {0} does not exist.").format(product), frappe.DoesNotExistError)
	details.price_list_rate = get_reference_prices(customer, [product]).get(product, 0)
	return details


# Excel: order import


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
