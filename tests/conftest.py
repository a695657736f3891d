"""Fixtures: a connection to the real site, and a real web server for REST tests.

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

from tests.utils import Api, make_api_user

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
