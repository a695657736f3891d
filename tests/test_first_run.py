"""First run: what a newcomer meets, and values the app fills in on its own on a fresh site.

The demo's set-up functions run here on the tests' site, inside the test's transaction (rolled
back at the end), never on the demo site. A fixture puts the site back where Frappe leaves a new
one: the setup wizard pending and no System Manager but Administrator. The demo's users are set
up under addresses of each test's own (other tests use the demo's addresses on this site), in the
same order, with the same roles, languages and workspaces.
"""

import frappe
import pytest
from frappe.query_builder import DocType

from order_clerk import api, demo
from order_clerk.install import ensure_settings_defaults
from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip
from order_clerk.order_clerk.doctype.oc_order.tracking import request_production
from order_clerk.roles import ORDER_CLERK, ORDER_REVIEWER
from order_clerk.site_defaults import MissingSettingError, outbound_warehouse
from tests.utils import (
	approved_order,
	make_customer,
	make_product,
	make_warehouse,
	server_messages,
	unique,
)

PASSWORD = "Demo-Order-Test-1"


def roles_of(user: str) -> set[str]:
	return set(frappe.get_all("Has Role", filters={"parent": user, "parenttype": "User"}, pluck="role"))


def global_default(key: str) -> str | None:
	"""Read from the table, not through Frappe's cache, which other processes share."""
	default = DocType("DefaultValue")
	rows = (
		frappe.qb.from_(default)
		.select(default.defvalue)
		.where((default.parent == "__default") & (default.defkey == key))
		.run(pluck=True)
	)
	return rows[0] if rows else None


def system_setting(field: str):
	return frappe.db.get_single_value("System Settings", field, cache=False)


def of(users: dict, demo_email: str) -> str:
	"""This test's address of a demo user."""
	return next(email for email in users if email.endswith(f".{demo_email}"))


@pytest.fixture
def users() -> dict[str, demo.DemoUser]:
	tag = unique("first-run").lower()
	return {f"{tag}.{email}": spec for email, spec in demo.DEMO_USERS.items()}


@pytest.fixture
def fresh_site(users):
	"""The tests' site as Frappe leaves a new one, until the test's transaction rolls back."""
	frappe.set_user("Administrator")
	managers = set(
		frappe.get_all(
			"Has Role",
			filters={"role": "System Manager", "parenttype": "User", "parent": ("!=", "Administrator")},
			pluck="parent",
		)
	)
	if managers:
		user = DocType("User")
		frappe.qb.update(user).set(user.enabled, 0).where(user.name.isin(list(managers))).run()
	frappe.db.set_single_value("System Settings", "setup_complete", 0)
	frappe.db.set_default("desktop:home_page", "setup-wizard")
	yield
	forget_uncommitted_state(users)


def forget_uncommitted_state(users=()):
	"""Roll back, and drop what this process may have cached meanwhile (the cache is shared)."""
	frappe.db.rollback()
	frappe.clear_cache()
	for email in users:
		frappe.clear_document_cache("User", email)
	frappe.local.lang = "en"
	if hasattr(frappe.local, "system_settings"):
		del frappe.local.system_settings


def test_set_up_completes_what_the_wizard_would(fresh_site, users):
	assert global_default("desktop:home_page") == "setup-wizard"
	demo.setup_site()
	assert system_setting("setup_complete") == 1
	assert global_default("desktop:home_page") == "workspace"
	# The defaults the desk reads, not only the values in System Settings.
	assert (global_default("date_format"), global_default("first_day_of_the_week")) == (
		"yyyy-mm-dd",
		"Monday",
	)
	assert global_default("time_zone") == "Asia/Shanghai"

	demo.setup_demo_users(users, PASSWORD)
	frappe.set_user(of(users, "clerk@example.com"))
	from frappe.boot import get_bootinfo

	boot = get_bootinfo()
	assert boot.home_page != "setup-wizard"
	assert boot.user.default_workspace["name"] == "Order Clerk"


def test_demo_users_hold_exactly_their_roles(fresh_site, users):
	# As an older demo left its clerk: a System Manager (the first user saved after set-up),
	# with a role more besides.
	clerk = frappe.get_doc(
		{
			"doctype": "User",
			"email": of(users, "clerk@example.com"),
			"first_name": "Clerk",
			"send_welcome_email": 0,
			"roles": [{"role": "System Manager"}, {"role": ORDER_CLERK}, {"role": ORDER_REVIEWER}],
		}
	).insert(ignore_permissions=True)
	assert "System Manager" in roles_of(clerk.name)

	demo.setup_demo_users(users, PASSWORD)

	assert {email: roles_of(email) for email in users} == {
		email: set(spec.roles) for email, spec in users.items()
	}
	assert roles_of(of(users, "admin@example.com")) == {"System Manager"}
	# Saving a demo user again, as My Settings does, adds nothing: another System Manager exists.
	clerk = frappe.get_doc("User", clerk.name)
	clerk.bio = "开单文员"
	clerk.save(ignore_permissions=True)
	assert roles_of(clerk.name) == {ORDER_CLERK}
	for email, spec in users.items():
		assert frappe.db.get_value("User", email, ["enabled", "default_workspace"]) == (1, spec.workspace)


def test_the_demo_speaks_chinese_with_one_english_user(fresh_site, users):
	demo.setup_site()
	demo.setup_demo_users(users, PASSWORD)
	demo.set_site_language(demo.SITE_LANGUAGE)
	assert system_setting("language") == "zh"
	assert global_default("lang") == "zh"
	languages = dict(
		frappe.get_all(
			"User", filters={"name": ("in", list(users))}, fields=["name", "language"], as_list=True
		)
	)
	# Everyone speaks Chinese but the English clerk: users made before the site's language
	# changed included.
	english = of(users, "english.clerk@example.com")
	assert languages == {email: "en" if email == english else "zh" for email in users}
	assert roles_of(english) == {ORDER_CLERK}


def test_setting_up_again_adds_nothing(fresh_site, users):
	def set_up():
		demo.setup_site()
		demo.setup_demo_users(users, PASSWORD)
		demo.setup_masters()
		demo.set_site_language(demo.SITE_LANGUAGE)

	def state():
		counts = demo.fingerprint()
		for doctype in ("Has Role", "DefaultValue", "OC Customer", "OC Product", "OC Warehouse"):
			counts[doctype] = frappe.db.count(doctype)
		modified = frappe.get_all(
			"User", filters={"name": ("in", list(users))}, fields=["name", "modified"], as_list=True
		)
		return counts, dict(modified)

	set_up()
	first = state()
	set_up()
	assert state() == first


# Fresh-site defaults: the warehouse of an outbound slip


@pytest.fixture
def lone_warehouse(people):
	"""A site with exactly one enabled warehouse and no default, until the rollback."""
	frappe.set_user("Administrator")
	keep = make_warehouse()
	warehouse = DocType("OC Warehouse")
	others = frappe.get_all("OC Warehouse", filters={"disabled": 0, "name": ("!=", keep)}, pluck="name")
	if others:
		frappe.qb.update(warehouse).set(warehouse.disabled, 1).where(warehouse.name.isin(others)).run()
	frappe.db.set_single_value("OC Settings", "default_warehouse", None)
	yield keep
	forget_uncommitted_state()


def approved(people):
	frappe.set_user("Administrator")
	product, customer = make_product(rate=10), make_customer()
	order = approved_order(people, customer, product, items=[{"product": product, "qty": 3}])
	frappe.set_user(people.clerk)
	return order.name


def test_the_only_warehouse_is_the_default(lone_warehouse, people):
	order = approved(people)
	assert api.make_outbound_slip(order)["warehouse"] == lone_warehouse


def test_an_explicit_warehouse_is_taken(lone_warehouse, people):
	frappe.set_user("Administrator")
	other = make_warehouse()
	order = approved(people)
	assert api.make_outbound_slip(order, warehouse=other)["warehouse"] == other


def test_without_a_default_among_several_the_error_names_the_setting(lone_warehouse, people):
	frappe.set_user("Administrator")
	make_warehouse()
	order = approved(people)
	slips = frappe.db.count("OC Outbound Slip")
	with pytest.raises(MissingSettingError, match="Default Warehouse in OC Settings"):
		api.make_outbound_slip(order)
	assert frappe.db.count("OC Outbound Slip") == slips
	# The desk's form is opened with the warehouse left for the user to choose.
	assert make_outbound_slip(order).warehouse is None
	# In the user's language.
	frappe.local.lang = "zh"
	with pytest.raises(MissingSettingError, match=r"订单设置.*默认仓库"):
		api.make_outbound_slip(order)


def test_a_slip_saved_without_a_warehouse_takes_the_default_or_names_the_setting(lone_warehouse, people):
	"""As a REST create of OC Outbound Slip does: the slip itself, saved without a warehouse."""
	frappe.set_user("Administrator")
	make_warehouse()
	order = approved(people)
	slip = make_outbound_slip(order)
	assert slip.warehouse is None
	with pytest.raises(MissingSettingError, match="Default Warehouse in OC Settings"):
		slip.insert()
	frappe.db.set_single_value("OC Settings", "default_warehouse", lone_warehouse)
	slip = make_outbound_slip(order)
	slip.warehouse = None
	assert slip.insert().warehouse == lone_warehouse


def test_without_any_warehouse_the_error_says_to_create_one(lone_warehouse):
	warehouse = DocType("OC Warehouse")
	frappe.qb.update(warehouse).set(warehouse.disabled, 1).where(warehouse.name == lone_warehouse).run()
	with pytest.raises(MissingSettingError, match="no warehouse yet"):
		outbound_warehouse()


def test_a_disabled_default_is_refused_in_settings_and_passed_over(lone_warehouse):
	frappe.set_user("Administrator")
	disabled = make_warehouse()
	frappe.db.set_value("OC Warehouse", disabled, "disabled", 1)
	settings = frappe.get_single("OC Settings")
	settings.default_warehouse = disabled
	with pytest.raises(frappe.ValidationError, match="choose another Default Warehouse"):
		settings.save()
	frappe.db.set_single_value("OC Settings", "default_warehouse", disabled)
	assert outbound_warehouse() == lone_warehouse


@pytest.mark.rest
def test_warehouse_through_rest(rest_users, people):
	frappe.set_user("Administrator")
	other = make_warehouse()
	order = approved(people)
	frappe.set_user("Administrator")
	frappe.db.commit()  # seen by the server process
	clerk = rest_users["clerk"]
	url = "/api/method/order_clerk.api.make_outbound_slip"
	response = clerk.post(url, {"order": order, "warehouse": "NO-SUCH-WAREHOUSE"})
	assert response.status_code == 417, response.text
	assert "Warehouse NO-SUCH-WAREHOUSE does not exist or is disabled." in server_messages(response).replace(
		"<strong>", ""
	).replace("</strong>", "")
	frappe.db.rollback()
	assert not frappe.db.exists("OC Outbound Slip", {"order": order})
	response = clerk.post(url, {"order": order, "warehouse": other})
	assert response.status_code == 200, response.text
	assert response.json()["message"]["warehouse"] == other


# Other settings the app reads on its own


def test_production_requests_go_to_the_reviewers_unless_set_otherwise(people):
	assert frappe.get_meta("OC Settings").get_field("production_role").default == ORDER_REVIEWER
	singles = DocType("Singles")
	frappe.qb.from_(singles).delete().where(
		(singles.doctype == "OC Settings") & (singles.field == "production_role")
	).run()
	ensure_settings_defaults()  # as at install and every migrate
	assert frappe.db.get_single_value("OC Settings", "production_role", cache=False) == ORDER_REVIEWER


def test_a_cleared_production_role_is_named_in_the_error(people):
	frappe.set_user("Administrator")
	frappe.db.set_single_value("OC Settings", "production_role", None)
	order = approved(people)
	frappe.local.lang = "zh"
	try:
		with pytest.raises(frappe.ValidationError, match="生产通知接收角色"):
			request_production(frappe.get_doc("OC Order", order))
	finally:
		frappe.local.lang = "en"
