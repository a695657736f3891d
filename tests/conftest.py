"""Fixtures: a connection to the real site, a real web server for REST tests, and the records,
helpers and browser tabs that tests in several modules share.

In-process tests run inside one database transaction each and roll it back at the end.
REST tests talk to a gunicorn process that this session starts on 127.0.0.1; the records
they need are committed (the server can only see committed data), with unique names, so runs
never collide.
"""

import os
import socket
import subprocess
import sys
import time

import frappe
import pytest
import requests

from tests.utils import (
	Api,
	finished_order,
	gathered_record,
	keep_user,
	make_api_user,
	stocked_world,
)

SITE = os.environ.get("OC_TEST_SITE", "order-clerk-test.localhost")
BENCH_DIR = os.environ.get("OC_BENCH_DIR") or os.path.abspath(
	os.path.join(os.path.dirname(frappe.__file__), "..", "..", "..")
)
SITES_PATH = os.path.join(BENCH_DIR, "sites")


@pytest.fixture(scope="session", autouse=True)
def site_connection():
	os.chdir(SITES_PATH)
	frappe.init(site=SITE, sites_path=SITES_PATH)
	frappe.connect()
	# In-process tests read their own uncommitted records: never from a read replica
	# (scripts/replica.sh), which sees only what the primary has committed.
	frappe.local.conf.read_from_replica = 0
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback_after_test():
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.local.message_log = []
	frappe.set_user("Administrator")


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
	"""A gunicorn process serving the site on 127.0.0.1, for the whole session."""
	port = _free_port()
	log_path = os.path.join(os.environ.get("OC_TEST_OUTPUT") or BENCH_DIR, "test-server.log")
	log = open(log_path, "w")
	process = subprocess.Popen(
		[
			os.path.join(os.path.dirname(sys.executable), "gunicorn"),
			"--bind",
			f"127.0.0.1:{port}",
			"--workers",
			"3",
			"--timeout",
			"120",
			# With its static files, as bench serve does: a PDF made in a test fetches the print
			# styles (/assets) from this server.
			"frappe.app:application_with_statics()",
		],
		cwd=SITES_PATH,
		stdout=log,
		stderr=subprocess.STDOUT,
	)
	base_url = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + 180  # workers boot slowly on a loaded machine
	while True:
		try:
			# A worker's first request loads the whole app: slow on a busy machine.
			ping = requests.get(f"{base_url}/api/method/ping", headers={"Host": SITE}, timeout=30)
			if ping.status_code == 200:
				break
		except (requests.ConnectionError, requests.Timeout):
			pass
		if process.poll() is not None or time.monotonic() > deadline:
			process.kill()
			pytest.fail(f"The test server did not start; see {log_path}")
		time.sleep(0.3)
	yield base_url
	process.terminate()
	try:
		process.wait(timeout=20)
	except subprocess.TimeoutExpired:
		process.kill()
	log.close()


ROLE_PROFILES = {
	# First: Frappe makes the first user saved after set-up a System Manager when there is
	# no other, which would give the profiles below more than their roles.
	"sysadmin": ["System Manager"],
	"clerk": ["Order Clerk"],
	"clerk2": ["Order Clerk"],
	"reviewer": ["Order Reviewer"],
	"reviewer2": ["Order Reviewer"],
	"clerk_reviewer": ["Order Clerk", "Order Reviewer"],
	"warehouse": ["Warehouse Operator"],
	"finance": ["Finance Officer"],
	"integrator": ["Order Integrator"],
	"integrator2": ["Order Integrator"],
	"norole": [],
}


@pytest.fixture
def served_site(server):
	"""Point the site's URL at the test server: PDF rendering fetches the print stylesheet
	over HTTP, as it does from nginx in production."""
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://{SITE}:{server.rsplit(':', 1)[1]}"
	yield
	frappe.local.conf.host_name = previous


@pytest.fixture(scope="session")
def credentials():
	"""One user per role profile with API keys, set up once for the session.

	Committed: tests roll back their own transaction, and the REST server process can only
	see committed users.
	"""
	made = {profile: make_api_user(profile, roles) for profile, roles in ROLE_PROFILES.items()}
	frappe.db.commit()
	return made


@pytest.fixture
def people(credentials):
	"""The session's users by profile, for in-process tests: people.clerk is an email."""
	return frappe._dict({profile: creds[0] for profile, creds in credentials.items()})


@pytest.fixture(scope="session")
def rest_users(server, credentials):
	"""The same users as REST clients with token auth."""
	return {profile: Api(server, SITE, *creds) for profile, creds in credentials.items()}


# Debian's Chromium: no browser is downloaded.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-background-networking",
	"--disable-gpu",
	"--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def chromium():
	"""One browser for the whole session: Playwright's sync API runs one instance at a time."""
	from playwright.sync_api import sync_playwright

	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
		yield browser
		browser.close()


@pytest.fixture(scope="session")
def guest(server):
	return Api(server, SITE)


@pytest.fixture
def world(people):
	"""A warehouse holding 100 of a new product at 50, and a new customer."""
	return stocked_world(people, rate=50)


@pytest.fixture(scope="module")
def rest_world(credentials):
	"""A warehouse holding 1,000 of a new product at 10, and a new customer, committed for the
	server to see; with the test users as `people`."""
	people = frappe._dict({profile: creds[0] for profile, creds in credentials.items()})
	world = stocked_world(people, rate=10, stock=1000)
	frappe.db.commit()  # seen by the server process
	return frappe._dict(world, people=people)


@pytest.fixture(scope="module")
def sealed(credentials, server):
	"""One sealed order with its original, signed receipt, invoice and invoice copy; committed."""
	people = frappe._dict({profile: creds[0] for profile, creds in credentials.items()})
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://{frappe.local.site}:{server.rsplit(':', 1)[1]}"
	world = stocked_world(people, rate=50, stock=10)
	done = finished_order(world, people)
	record = gathered_record(done.order, people)
	frappe.set_user(people.reviewer)
	frappe.get_doc("OC Archive Record", record.name).submit()
	frappe.set_user("Administrator")
	request = frappe.db.get_value("OC Invoice Request Note", {"delivery_note": done.note}, "parent")
	frappe.local.conf.host_name = previous
	frappe.db.commit()  # seen by the server process
	record = frappe.get_doc("OC Archive Record", record.name)
	rows = {row.kind: row for row in record.items}
	return frappe._dict(done, record=record.name, request=request, rows=rows, people=people, world=world)


@pytest.fixture
def sales(people):
	"""The known orders of tests/sales_data.py, made through the review workflow."""
	from tests.sales_data import make_sales

	return make_sales(people)


@pytest.fixture
def printing():
	"""Prints in this process, rolled back with the test like everything else.

	Marks the process as under test, as Frappe's own runner does: outside tests, the access
	log that printview writes commits the transaction, and with it this test's records.
	Under test, though, Frappe sends the email of a notification (the assignments made at
	approval) at once, and the email queue commits: emails are muted.
	"""
	saved = frappe.flags.in_test, frappe.flags.mute_emails, frappe.local.lang
	frappe.flags.in_test = frappe.flags.mute_emails = True
	yield
	# print_language does not restore the language when the print fails.
	frappe.flags.in_test, frappe.flags.mute_emails, frappe.local.lang = saved
	frappe.local.jenv = None
	# set_single_value caches what it sets, and the rollback does not clear that cache.
	frappe.db.value_cache.pop("OC Settings", None)


@pytest.fixture
def pdf_site(printing, server):
	"""PDFs made in this process fetch the site's print styles from the test server."""
	conf = frappe.local.conf
	saved = conf.get("host_name")
	conf.host_name = server
	yield server
	conf.host_name = saved


@pytest.fixture(scope="module")
def demo_users():
	"""The demo's users, with exactly their roles, as the demo site has them (kept: committed)."""
	from order_clerk import demo_data
	from order_clerk.roles import (
		FINANCE_OFFICER,
		ORDER_CLERK,
		ORDER_INTEGRATOR,
		ORDER_REVIEWER,
		WAREHOUSE_OPERATOR,
	)

	for email, role in {
		demo_data.CLERK: ORDER_CLERK,
		demo_data.REVIEWER: ORDER_REVIEWER,
		demo_data.WAREHOUSE: WAREHOUSE_OPERATOR,
		demo_data.FINANCE: FINANCE_OFFICER,
		demo_data.INTEGRATOR: ORDER_INTEGRATOR,
	}.items():
		keep_user(email, [role])


@pytest.fixture(scope="session")
def desk_users(credentials):
	"""Per language, a clerk, a reviewer and a warehouse user who log in with a password.

	Users of their own, so that the Chinese language stays with them and no other test's
	messages change. After `credentials`, which makes the session's System Manager first.
	"""
	from frappe.utils.password import update_password

	from tests.desk import DESK_PROFILES, TEXT

	password = f"{frappe.generate_hash(length=12)}-Oc1"
	users = {}
	for lang in TEXT:
		for profile, roles in DESK_PROFILES.items():
			email = make_api_user(f"browser_{lang}_{profile}", roles)[0]
			user = frappe.get_doc("User", email)
			user.language = lang
			user.save(ignore_permissions=True)
			update_password(email, password)
			users[lang, profile] = email
	frappe.db.commit()  # seen by the server process
	return frappe._dict(users=users, password=password)


@pytest.fixture
def desk(request, server, chromium, desk_users):
	"""Opens a logged-in desk for a user; closes every browser context at the end, after a
	screenshot of each when the test failed."""
	from tests.desk import TIMEOUT_MS, Desk

	base_url = f"http://{SITE}:{server.rsplit(':', 1)[1]}"
	failed_before = request.session.testsfailed
	desks = []

	def open_desk(lang: str, profile: str, shots: str) -> "Desk":
		context = chromium.new_context(base_url=base_url, viewport={"width": 1440, "height": 1000})
		context.set_default_timeout(TIMEOUT_MS)
		opened = Desk(context.new_page(), lang, shots)
		desks.append((profile, opened))
		opened.login(desk_users.users[lang, profile], desk_users.password)
		return opened

	yield open_desk
	for profile, opened in desks:
		if request.session.testsfailed > failed_before:
			opened.page.screenshot(path=os.path.join(opened.shots, f"failed-{profile}.png"), full_page=True)
		opened.page.context.close()
