"""The demo site, and what every site of the app gets in place of Frappe's setup wizard.

	bench --site SITE execute order_clerk.demo.setup_demo   # the demo site (scripts/setup.sh)
	bench --site SITE execute order_clerk.demo.setup_site   # the tests' site (--test-site)

Idempotent: running it again adds nothing twice. It restores what defines the demo (each demo
user's roles, language and workspace, the site's language) and leaves the rest as the site has it.
"""

import os
from typing import NamedTuple

import frappe

from order_clerk.roles import (
	FINANCE_OFFICER,
	ORDER_CLERK,
	ORDER_INTEGRATOR,
	ORDER_REVIEWER,
	WAREHOUSE_OPERATOR,
)

SYSTEM_MANAGER = "System Manager"
# What the demo speaks; one demo user speaks English to show the switch.
SITE_LANGUAGE = "zh"


class DemoUser(NamedTuple):
	first_name: str
	last_name: str
	roles: tuple[str, ...]
	workspace: str | None = None  # where the desk opens for them
	# Stored on each user: Frappe gives a new user the site's language of that moment, which
	# a later change of the site's language does not reach.
	language: str = SITE_LANGUAGE


DEMO_USERS = {
	# First: Frappe makes a user saved while there is no other System Manager one (see
	# User.add_system_manager_role); with this one in place the others keep exactly their roles.
	"admin@example.com": DemoUser("周明", "", (SYSTEM_MANAGER,)),
	"clerk@example.com": DemoUser("李晓梅", "", (ORDER_CLERK,), "Order Clerk"),
	"english.clerk@example.com": DemoUser("Emma", "Clarke", (ORDER_CLERK,), "Order Clerk", "en"),
	"reviewer@example.com": DemoUser("王建国", "", (ORDER_REVIEWER,), "Order Review"),
	"warehouse@example.com": DemoUser("赵刚", "", (WAREHOUSE_OPERATOR,), "Warehouse"),
	"finance@example.com": DemoUser("陈静", "", (FINANCE_OFFICER,), "Finance"),
	"integrator@example.com": DemoUser("电商平台接口", "", (ORDER_INTEGRATOR,)),
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
	counts = {
		doctype: frappe.db.count(doctype) for doctype in doctypes if not frappe.get_meta(doctype).issingle
	}
	for doctype in ("User", "Workflow Action", "File", "Comment", "Version"):
		counts[doctype] = frappe.db.count(doctype)
	return counts


def setup_demo():
	setup_site()
	set_site_language(SITE_LANGUAGE)
	setup_demo_users(DEMO_USERS, os.environ.get("DEMO_PASSWORD") or "Demo-Order-1")
	setup_masters()
	# Orders at every stage and two years of history (order_clerk.demo_data).
	from order_clerk import demo_data

	demo_data.build()


def setup_demo_users(users: dict[str, DemoUser], password: str):
	"""Each demo user exists with exactly their roles, language and workspace. A password is
	set only when the user is created: one changed since is kept."""
	for email, spec in users.items():
		if frappe.db.exists("User", email):
			user = frappe.get_doc("User", email)
		else:
			user = frappe.new_doc("User")
			user.update(
				{
					"email": email,
					"first_name": spec.first_name,
					"last_name": spec.last_name,
					"send_welcome_email": 0,
					"new_password": password,
				}
			)
			user.flags.ignore_password_policy = True
		workspace = (
			spec.workspace if spec.workspace and frappe.db.exists("Workspace", spec.workspace) else None
		)
		changed = user.is_new()
		for field, value in (("enabled", 1), ("language", spec.language), ("default_workspace", workspace)):
			if (user.get(field) or None) != value:
				user.set(field, value)
				changed = True
		if {row.role for row in user.roles} != set(spec.roles):
			user.set("roles", [row for row in user.roles if row.role in spec.roles])
			user.append_roles(*spec.roles)
			changed = True
		if changed:
			# Saved only when something differs: an unchanged user gets no new Version record.
			user.save(ignore_permissions=True)


def setup_masters(customers=DEMO_CUSTOMERS, products=DEMO_PRODUCTS):
	"""The customers and products that do not exist yet, from rows of the tables above."""
	for name, contact, phone, email, address, terms in customers:
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
	for code, name, spec, uom, rate in products:
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


# Regional settings of a Chinese order desk, which the setup wizard would have asked for.
REGIONAL_SETTINGS = {
	"country": "China",
	"time_zone": "Asia/Shanghai",
	"date_format": "yyyy-mm-dd",
	"time_format": "HH:mm:ss",
	"number_format": "#,###.##",
	"float_precision": "3",
	"currency_precision": "2",
	"first_day_of_the_week": "Monday",
}


def setup_system():
	"""What Frappe's setup wizard does when it completes (frappe.desk.page.setup_wizard): the
	regional settings, set-up marked complete, and the desk's home page, so that nobody ever
	lands on the wizard. A site whose set-up is complete keeps its own regional settings."""
	if not wizard_pending():
		return
	settings = frappe.get_single("System Settings")
	if not settings.setup_complete:
		settings.update(REGIONAL_SETTINGS)
	# Required once saved as a document; the wizard's own default. The demo then speaks Chinese.
	settings.language = settings.language or "en"
	settings.setup_complete = 1
	settings.flags.ignore_permissions = True
	settings.save()
	# The defaults the desk reads (date format, time zone, first day of the week), which saving
	# sets only for values that changed: also for those set earlier as bare values.
	for field in REGIONAL_SETTINGS:
		frappe.db.set_default(field, settings.get(field))
	frappe.db.set_default("desktop:home_page", "workspace")
	frappe.clear_cache()


def wizard_pending() -> bool:
	"""Whether the desk would still open the setup wizard."""
	return not frappe.db.get_single_value("System Settings", "setup_complete") or frappe.db.get_default(
		"desktop:home_page"
	) in (None, "", "setup-wizard")


def set_site_language(language: str):
	"""The language of everyone who has not chosen their own (System Settings > Language)."""
	settings = frappe.get_single("System Settings")
	if settings.language == language and frappe.db.get_default("lang") == language:
		return
	settings.language = language
	settings.flags.ignore_permissions = True
	settings.save()  # on_update sets the "lang" default too
	frappe.clear_cache()


def setup_currency():
	"""Amounts in renminbi: without a default currency the desk shows the first enabled one."""
	if not frappe.db.get_default("currency"):
		frappe.db.set_default("currency", "CNY")
		frappe.clear_cache()
