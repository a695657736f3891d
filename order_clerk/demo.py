"""Demo users and master data for a development or evaluation site.

Run with: bench --site SITE execute order_clerk.demo.setup_demo
Idempotent: what exists already is left as it is.
"""

import os

import frappe

from order_clerk.roles import (
	FINANCE_OFFICER,
	ORDER_CLERK,
	ORDER_INTEGRATOR,
	ORDER_REVIEWER,
	WAREHOUSE_OPERATOR,
)

DEMO_USERS = {
	"clerk@example.com": ("Clara", "Clerk", [ORDER_CLERK]),
	"reviewer@example.com": ("Ray", "Reviewer", [ORDER_REVIEWER]),
	"warehouse@example.com": ("Wang", "Warehouse", [WAREHOUSE_OPERATOR]),
	"finance@example.com": ("Fang", "Finance", [FINANCE_OFFICER]),
	"integrator@example.com": ("Ivan", "Integrator", [ORDER_INTEGRATOR]),
}

DEMO_CUSTOMERS = (
	(
		"华东机电有限公司",
		"张伟",
		"13800000001",
		"zhang.wei@example.com",
		"上海市浦东新区张江路88号",
		"月结30天",
	),
	(
		"Shenzhen Bright Trading Co.",
		"Li Na",
		"13800000002",
		"li.na@example.com",
		"深圳市南山区科技园1号",
		"款到发货",
	),
)

DEMO_WAREHOUSE = "成品仓"

DEMO_PRODUCTS = (
	("BRG-6204", "深沟球轴承", "6204-2RS", "个", 12.5),
	("MTR-Y2-90L", "三相异步电动机", "Y2-90L-4 1.5kW", "台", 860.0),
	("BLT-M8X30", "六角螺栓", "M8×30 8.8级", "盒", 45.0),
)


def setup_site():
	"""What every site of the app gets in place of the setup wizard: the tests' site too."""
	setup_system()
	setup_currency()
	setup_warehouse()


def fingerprint() -> dict:
	"""Counts of every record of the app, of users and of workflow actions: the test command
	compares them before and after a run to prove it left the demo site alone."""
	doctypes = frappe.get_all("DocType", filters={"module": "Order Clerk"}, pluck="name", order_by="name")
	counts = {doctype: frappe.db.count(doctype) for doctype in doctypes if not frappe.get_meta(doctype).issingle}
	for doctype in ("User", "Workflow Action", "File", "Comment", "Version"):
		counts[doctype] = frappe.db.count(doctype)
	return counts


def setup_demo():
	setup_site()
	password = os.environ.get("DEMO_PASSWORD") or "Demo-Order-1"
	for email, (first, last, roles) in DEMO_USERS.items():
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"send_welcome_email": 0,
				"new_password": password,
			}
		)
		user.flags.ignore_password_policy = True
		user.insert(ignore_permissions=True)
		user.add_roles(*roles)
	for name, contact, phone, email, address, terms in DEMO_CUSTOMERS:
		if not frappe.db.exists("OC Customer", name):
			frappe.get_doc(
				{
					"doctype": "OC Customer",
					"customer_name": name,
					"contact_person": contact,
					"phone": phone,
					"email": email,
					"delivery_address": address,
					"payment_terms": terms,
				}
			).insert(ignore_permissions=True)
	setup_warehouse()
	for code, name, spec, uom, rate in DEMO_PRODUCTS:
		if not frappe.db.exists("OC Product", code):
			frappe.get_doc(
				{
					"doctype": "OC Product",
					"product_code": code,
					"product_name": name,
					"specification": spec,
					"uom": uom,
					"standard_rate": rate,
				}
			).insert(ignore_permissions=True)


def setup_warehouse():
	if not frappe.db.exists("OC Warehouse", DEMO_WAREHOUSE):
		frappe.get_doc(
			{"doctype": "OC Warehouse", "warehouse_name": DEMO_WAREHOUSE, "address": "上海市嘉定区物流园3号"}
		).insert(ignore_permissions=True)
	if not frappe.db.get_single_value("OC Settings", "default_warehouse"):
		frappe.db.set_single_value("OC Settings", "default_warehouse", DEMO_WAREHOUSE)
	if not frappe.db.get_single_value("OC Settings", "production_role"):
		frappe.db.set_single_value("OC Settings", "production_role", ORDER_REVIEWER)


def setup_system():
	"""Regional settings of a Chinese order desk, in place of the setup wizard on a fresh site."""
	if frappe.db.get_single_value("System Settings", "setup_complete"):
		return
	for field, value in (
		("time_zone", "Asia/Shanghai"),
		("date_format", "yyyy-mm-dd"),
		("time_format", "HH:mm:ss"),
		("number_format", "#,###.##"),
		("float_precision", "3"),
		("currency_precision", "2"),
		("first_day_of_the_week", "Monday"),
		("setup_complete", 1),
	):
		frappe.db.set_single_value("System Settings", field, value)
	frappe.clear_cache()


def setup_currency():
	"""Amounts in renminbi: without a default currency the desk shows the first enabled one."""
	if not frappe.db.get_default("currency"):
		frappe.db.set_default("currency", "CNY")
		frappe.clear_cache()
