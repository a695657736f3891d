"""Endpoints for integrators and the desk, under /api/method/order_clerk.api.<name>.

Each is a thin wrapper: it checks permission itself and delegates to the logic that lives
with its DocType. Creating and moving orders uses Frappe's own REST (see README):
POST /api/resource/OC Order and frappe.model.workflow.apply_workflow.
"""

import frappe
from frappe import _

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
