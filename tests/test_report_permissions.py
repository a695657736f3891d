"""The sales reports show each user only what the user may read, however they are run."""

import datetime
import json

import frappe
import pytest

from order_clerk import report_access
from order_clerk.order_clerk.report.best_selling_products import best_selling_products
from order_clerk.order_clerk.report.order_statistics import order_statistics
from tests.sales_data import FROM_DATE, TO_DATE, expected_statistics, make_sales
from tests.utils import server_messages

D = datetime.date

# Customer A's orders, half of them entered by an integrator (through the API channel).
INTEGRATOR_ORDERS = (
	(D(2025, 1, 6), "a", "API", "integrator", "Approved", (("x", 5),)),
	(D(2025, 1, 7), "a", "API", "integrator", "Draft", (("y", 9),)),
	(D(2025, 1, 8), "a", "API", "integrator2", "Approved", (("z", 7),)),
	(D(2025, 1, 9), "a", "Phone", "clerk", "Approved", (("x", 11),)),
)


def statistics(sales, customer="a", **filters):
	return order_statistics.execute(
		{
			"from_date": FROM_DATE,
			"to_date": TO_DATE,
			"customer": sales.customers[customer],
			"period": "Monthly",
			"group_by": "Product",
			**filters,
		}
	)


def best_sellers(sales, customer="a", **filters):
	return best_selling_products.execute(
		{"from_date": FROM_DATE, "to_date": TO_DATE, "customer": sales.customers[customer], **filters}
	)


def figures(data, with_amount=True) -> dict:
	return {
		(row["period_start"], row["group_value"]): (row["order_count"], row["qty"])
		+ ((row["amount"],) if with_amount else ())
		for row in data
	}


def test_warehouse_gets_quantities_of_approved_orders_and_no_amounts(sales, people):
	frappe.set_user(people.warehouse)
	for include in (0, 1):
		columns, data, _message, chart, summary = statistics(sales, include_unapproved=include)
		# Approved orders only, whatever the filter asks.
		expected = expected_statistics(sales, "Monthly", "Product", "a")
		assert figures(data, with_amount=False) == {key: value[:2] for key, value in expected.items()}
		assert "amount" not in {column["fieldname"] for column in columns}
		assert all("amount" not in row for row in data)
		assert [card["label"] for card in summary] == ["Number of Orders", "Quantity"]
		assert chart["fieldtype"] == "Float"
		assert chart["data"]["datasets"][0]["values"] == [14.0 + 2.0, 22.0, 1.0]

	columns, data, _message, _chart, summary = best_sellers(sales)
	assert {c["fieldname"] for c in columns}.isdisjoint({"amount", "amount_share"})
	assert [(row["product"], row["qty"]) for row in data] == [
		(sales.products["x"], 34.0),
		(sales.products["y"], 3.0),
		(sales.products["z"], 2.0),
	]
	assert all(set(row).isdisjoint({"amount", "amount_share"}) for row in data)
	assert [card["label"] for card in summary] == ["Products Sold", "Total Quantity"]
	with pytest.raises(frappe.PermissionError):
		best_sellers(sales, rank_by="Amount")


def test_finance_gets_amounts_of_approved_orders_only(sales, people):
	frappe.set_user(people.finance)
	_columns, data, *_ = statistics(sales, include_unapproved=1)
	assert figures(data) == expected_statistics(sales, "Monthly", "Product", "a")


def test_integrator_sees_only_its_own_orders(people):
	sales = make_sales(people, orders=INTEGRATOR_ORDERS)
	frappe.set_user(people.integrator)
	_columns, data, _message, _chart, summary = statistics(sales, group_by="Clerk", include_unapproved=1)
	assert figures(data) == expected_statistics(
		sales,
		"Monthly",
		"Clerk",
		"a",
		include_unapproved=True,
		orders=INTEGRATOR_ORDERS,
		only_owner=people.integrator,
	)
	assert {row["group_value"] for row in data} == {people.integrator}
	assert [card["value"] for card in summary][:2] == [2, 14.0]
	_columns, data, *_ = best_sellers(sales, include_unapproved=1)
	assert [(row["product"], row["qty"]) for row in data] == [
		(sales.products["y"], 9.0),
		(sales.products["x"], 5.0),
	]
	frappe.set_user(people.clerk)
	_columns, data, *_ = statistics(sales, group_by="Clerk")
	assert {row["group_value"] for row in data} == {people.integrator, people.integrator2, people.clerk}


def test_passing_another_user_does_not_widen(sales, people):
	frappe.set_user(people.warehouse)
	own = statistics(sales, include_unapproved=1)
	assert statistics(sales, include_unapproved=1, user=people.reviewer) == own
	assert best_sellers(sales, user=people.reviewer) == best_sellers(sales)
	# Frappe's report runner takes a `user` too; for the sales reports it is refused.
	filters = json.dumps({"from_date": "2025-01-01", "to_date": "2025-01-31"})
	with pytest.raises(frappe.PermissionError):
		report_access.run("Order Statistics", filters, user=people.reviewer)
	result = report_access.run("Order Statistics", filters, user=people.warehouse)
	assert "amount" not in {column["fieldname"] for column in result["columns"]}


def test_users_without_read_or_with_user_permissions_are_refused(sales, people):
	frappe.set_user(people.norole)
	with pytest.raises(frappe.PermissionError):
		statistics(sales)
	with pytest.raises(frappe.PermissionError):
		best_sellers(sales)
	frappe.set_user("Administrator")
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": people.finance,
			"allow": "OC Customer",
			"for_value": sales.customers["a"],
		}
	).insert(ignore_permissions=True)
	try:
		frappe.set_user(people.finance)
		with pytest.raises(frappe.PermissionError):
			statistics(sales)
	finally:
		frappe.db.rollback()
		frappe.cache.hdel("user_permissions", people.finance)


def test_prepared_results_stay_with_their_owner(people):
	def prepare(user, report="Order Statistics"):
		frappe.set_user(user)
		return frappe.get_doc({"doctype": "Prepared Report", "report_name": report, "filters": "{}"}).insert(
			ignore_permissions=True
		)

	def may_read(prepared, user):
		return frappe.has_permission("Prepared Report", "read", prepared.name, user=user)

	reviewers = prepare(people.reviewer)
	sysadmins = prepare(people.sysadmin)
	# A system manager reads prepared reports of every kind, but not another user's sales figures.
	assert may_read(sysadmins, people.sysadmin)
	assert not may_read(reviewers, people.sysadmin)
	assert frappe.get_list(
		"Prepared Report", filters={"name": ("in", [reviewers.name, sysadmins.name])}, pluck="name"
	) == [sysadmins.name]
	for profile in ("warehouse", "finance", "clerk", "sysadmin"):
		frappe.set_user(people[profile])
		assert not may_read(reviewers, people[profile]), profile
		with pytest.raises(frappe.PermissionError):
			report_access.check_prepared_report_owner(reviewers.name)
	frappe.set_user(people.reviewer)
	report_access.check_prepared_report_owner(reviewers.name)
	frappe.set_user("Administrator")
	assert may_read(reviewers, "Administrator")
	# Prepared results of other reports keep Frappe's own rule.
	others = prepare(people.reviewer, "Permitted Documents For User")
	frappe.set_user(people.sysadmin)
	assert may_read(others, people.sysadmin)


def test_heavy_ranges_run_as_prepared_reports():
	assert report_access.is_heavy({"from_date": "2025-01-01", "to_date": "2025-04-03"})
	assert not report_access.is_heavy({"from_date": "2025-01-01", "to_date": "2025-04-02"})
	for report in report_access.SALES_REPORTS:
		assert frappe.db.get_value("Report", report, "prepared_report") == 1


@pytest.mark.rest
def test_report_runner_refuses_another_user_through_rest(rest_users, people):
	warehouse = rest_users["warehouse"]
	filters = json.dumps({"from_date": "2025-01-01", "to_date": "2025-01-31"})
	response = warehouse.get(
		"/api/method/frappe.desk.query_report.run",
		report_name="Order Statistics",
		filters=filters,
		user=people.reviewer,
	)
	assert response.status_code == 403, response.text
	assert "only as yourself" in server_messages(response)
	response = warehouse.get(
		"/api/method/frappe.desk.query_report.run", report_name="Order Statistics", filters=filters
	)
	assert response.status_code == 200, response.text
	columns = [column["fieldname"] for column in response.json()["message"]["columns"]]
	assert columns == ["period", "period_start", "group_value", "group_name", "order_count", "qty"]
	response = rest_users["integrator"].get(
		"/api/method/frappe.desk.query_report.run", report_name="Order Statistics", filters=filters
	)
	assert response.status_code == 403


def test_reports_are_opened_by_the_order_roles():
	for report in report_access.SALES_REPORTS:
		doc = frappe.get_doc("Report", report)
		assert (doc.ref_doctype, doc.report_type, doc.is_standard) == ("OC Order", "Script Report", "Yes")
		assert sorted(r.role for r in doc.roles) == sorted(
			["Order Clerk", "Order Reviewer", "Warehouse Operator", "Finance Officer", "System Manager"]
		)
