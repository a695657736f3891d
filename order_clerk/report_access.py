"""Who gets which result of the sales reports, and when they run as prepared reports.

The reports compute their rows for the session user (order_clerk.sales_statistics). Frappe's
report runner also takes a `user` argument and a prepared report's name, and would hand over
a result prepared for someone else, who may read more. For the app's reports this module
refuses both, keeps each prepared result to the user who prepared it, and runs only heavy
ranges (longer than HEAVY_RANGE_DAYS) as prepared reports; shorter ones run at once.
"""

import frappe
from frappe import _
from frappe.desk import query_report
from frappe.query_builder import DocType
from frappe.utils import date_diff

SALES_REPORTS = ("Order Statistics", "Best-Selling Products")
# Every report of the app: each runs for the session user only.
APP_REPORTS = (*SALES_REPORTS, "Order Fulfilment", "Clerk Daily Close", "Customer Credit")
HEAVY_RANGE_DAYS = 92


@frappe.whitelist()
@frappe.read_only()
def run(
	report_name,
	filters=None,
	user=None,
	ignore_prepared_report=False,
	custom_columns=None,
	is_tree=False,
	parent_field=None,
	are_default_filters=True,
):
	"""frappe.desk.query_report.run, with the rules above for the sales reports."""
	if report_name in APP_REPORTS:
		check_run_as_self(user)
		parsed = frappe.parse_json(filters) if filters else {}
		check_prepared_report_owner(parsed.get("prepared_report_name") if parsed else None)
		if not is_heavy(parsed):
			ignore_prepared_report = True
	return query_report.run(
		report_name,
		filters=filters,
		user=user,
		ignore_prepared_report=ignore_prepared_report,
		custom_columns=custom_columns,
		is_tree=is_tree,
		parent_field=parent_field,
		are_default_filters=are_default_filters,
	)


def check_run_as_self(user: str | None):
	if user and user != frappe.session.user and frappe.session.user != "Administrator":
		frappe.throw(_("You can run this report only as yourself."), frappe.PermissionError)


def check_prepared_report_owner(prepared_report: str | None):
	if not prepared_report or frappe.session.user == "Administrator":
		return
	owner = frappe.db.get_value("Prepared Report", prepared_report, "owner")
	if owner != frappe.session.user:
		frappe.throw(_("You can open only the prepared reports you made."), frappe.PermissionError)


def is_heavy(filters: dict | None) -> bool:
	filters = filters or {}
	if filters.get("prepared_report_name"):
		return True
	if not filters.get("from_date") or not filters.get("to_date"):
		return False
	return date_diff(filters["to_date"], filters["from_date"]) >= HEAVY_RANGE_DAYS


def prepared_report_has_permission(doc, ptype=None, user=None, **kwargs) -> bool | None:
	# None leaves the decision to Frappe's own rule: the first hook with an answer wins.
	user = user or frappe.session.user
	if doc.report_name in APP_REPORTS and user != "Administrator" and doc.owner != user:
		return False
	return None


def prepared_report_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	prepared = DocType("Prepared Report")
	condition = prepared.report_name.notin(APP_REPORTS) | (prepared.owner == user)
	return condition.get_sql(quote_char="`", with_namespace=True)
