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
from order_clerk.report_access import SALES_REPORTS
from order_clerk.statistics_export import build_workbook


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
