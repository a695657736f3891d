"""Backup and restore as the README tells it: `bench backup --with-files` of the tests' site,
restored into a new site with `bench restore`. Sealed archives still verify Intact, and order
and archive numbers continue without a gap or a repeat. The new site is dropped at the end."""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid

import frappe
import pytest

from order_clerk import archive, demo_data
from tests.conftest import BENCH_DIR, SITE, SITES_PATH

RESTORED_SITE = "order-clerk-restore.localhost"

# Run inside the restored site by the bench's Python: what the test asserts on, as JSON.
CHECK_RESTORED = """
import json, sys
import frappe
from frappe.utils import getdate, nowdate

frappe.init(site=sys.argv[1], sites_path=".")
frappe.connect()
from order_clerk import archive, demo_data
from order_clerk.numbering import current_count

record, clerk, reviewer = sys.argv[2:5]
verified = {}
for name in frappe.get_all("OC Archive Record", filters={"docstatus": 1}, pluck="name"):
	verified[name] = sorted({r["status"] for r in archive.verify(frappe.get_doc("OC Archive Record", name))})
year = getdate(nowdate()).year
prefix = (frappe.db.get_single_value("OC Settings", "order_no_prefix") or "SO") + f"-{year}-"
numbers = {}
for key, doctype, field in (("order", "OC Order", "order_no"), ("archive", "OC Archive Record", "archive_no")):
	series = prefix if key == "order" else f"ARC-{year}-"
	taken = frappe.get_all(doctype, filters={field: ("like", series + "%")}, pluck=field)
	numbers[key] = {"taken": sorted(int(n.rsplit("-", 1)[1]) for n in taken), "counter": current_count(series)}

# The next approval on the restored site.
frappe.set_user("Administrator")
product = frappe.get_doc({"doctype": "OC Product", "product_code": "RESTORE-P", "product_name": "P",
	"uom": "PCS", "standard_rate": 10}).insert()
customer = frappe.get_doc({"doctype": "OC Customer", "customer_name": "RESTORE-C",
	"payment_terms": "Net 30", "delivery_address": "Shanghai"}).insert()
frappe.set_user(clerk)
from frappe.model.workflow import apply_workflow
order = frappe.get_doc({"doctype": "OC Order", "channel": "Phone", "customer": customer.name,
	"delivery_date": frappe.utils.add_days(nowdate(), 7), "items": [{"product": product.name, "qty": 1}]}).insert()
apply_workflow(order, "Submit for Review")
frappe.set_user(reviewer)
approved = apply_workflow(frappe.get_doc("OC Order", order.name), "Approve")
next_order = int(approved.order_no.rsplit("-", 1)[1])
frappe.db.rollback()
print("RESULT " + json.dumps({"verified": verified, "numbers": numbers, "next_order": next_order,
	"record_order_no": frappe.db.get_value("OC Archive Record", record, "order_no")}))
"""


def bench(*args: str) -> str:
	cli = (
		os.environ.get("OC_BENCH_CLI")
		or shutil.which("bench")
		or os.path.expanduser("~/.bench-cli/bin/bench")
	)
	done = subprocess.run([cli, *args], cwd=BENCH_DIR, capture_output=True, text=True, timeout=900)
	assert done.returncode == 0, (
		f"bench {' '.join(args[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
	)
	return done.stdout


def db_admin() -> tuple[str, str]:
	"""The database administrator scripts/setup.sh made for creating sites."""
	path = os.path.join(os.path.expanduser("~"), ".order_clerk_db_admin")
	password = os.environ.get("OC_DB_ADMIN_PASSWORD")
	if not password:
		assert os.path.exists(path), f"No database administrator: run scripts/setup.sh ({path} is missing)."
		with open(path) as f:
			password = f.read().strip()
	return os.environ.get("DB_ADMIN_USER") or "order_clerk_admin", password


def drop_restored_site(user: str, password: str, archive_path: str):
	if os.path.exists(os.path.join(SITES_PATH, RESTORED_SITE)):
		bench(
			"drop-site", RESTORED_SITE, "--db-root-username", user, "--db-root-password", password,
			"--no-backup", "--force", "--archived-sites-path", archive_path,
		)  # fmt: skip
	shutil.rmtree(archive_path, ignore_errors=True)


@pytest.fixture
def sealed_archive(demo_users, served_site):
	"""The demo's archived order, under this run's own references, sealed on the tests' site and
	committed for the backup (the access log of each rendered PDF commits on the way anyway)."""
	prefix = f"B{uuid.uuid4().hex[:8]}"
	demo_data.ensure_masters()
	demo_data.build_story(prefix, stages={demo_data.ARCHIVED})
	frappe.db.commit()
	spec = next(spec for spec in demo_data.story(prefix) if spec.stage == demo_data.ARCHIVED)
	order = demo_data.order_of(spec.ref, spec.channel)
	return frappe.get_doc("OC Archive Record", {"order": order, "docstatus": 1})


def test_a_restored_site_keeps_its_archives_and_numbers(sealed_archive):
	user, password = db_admin()
	work = tempfile.mkdtemp(prefix="oc-restore-", dir=os.environ.get("OC_TEST_OUTPUT") or None)
	archived = os.path.join(work, "archived")
	drop_restored_site(user, password, archived)  # what a failed run left behind
	intact = [
		name
		for name in frappe.get_all("OC Archive Record", filters={"docstatus": 1}, pluck="name")
		if {r["status"] for r in archive.verify(frappe.get_doc("OC Archive Record", name))} == {"Intact"}
	]
	frappe.db.rollback()  # the verification stamps are not what is backed up
	assert sealed_archive.name in intact
	try:
		bench("--site", SITE, "backup", "--with-files", "--backup-path", work)
		database = glob.glob(os.path.join(work, "*-database.sql.gz"))[0]
		private = glob.glob(os.path.join(work, "*-private-files.tar"))[0]
		public = next(p for p in glob.glob(os.path.join(work, "*-files.tar")) if p != private)

		# `bench restore` needs the site's folder and config; it creates the database and its user.
		os.makedirs(os.path.join(SITES_PATH, RESTORED_SITE))
		with open(os.path.join(SITES_PATH, RESTORED_SITE, "site_config.json"), "w") as f:
			json.dump(
				{
					"db_name": f"_oc_restore_{uuid.uuid4().hex[:8]}",
					"db_password": frappe.generate_hash(length=20),
					"db_type": "mariadb",
				},
				f,
			)
		bench(
			"--site", RESTORED_SITE, "restore", database, "--with-public-files", public,
			"--with-private-files", private, "--db-root-username", user, "--db-root-password", password,
			"--admin-password", frappe.generate_hash(length=16),
		)  # fmt: skip

		check = subprocess.run(
			[
				sys.executable,
				"-c",
				CHECK_RESTORED,
				RESTORED_SITE,
				sealed_archive.name,
				demo_data.CLERK,
				demo_data.REVIEWER,
			],
			cwd=SITES_PATH,
			capture_output=True,
			text=True,
			timeout=600,
		)
		lines = [line for line in check.stdout.splitlines() if line.startswith("RESULT ")]
		assert lines, check.stdout[-3000:] + check.stderr[-3000:]
		result = json.loads(lines[-1][len("RESULT ") :])
	finally:
		drop_restored_site(user, password, archived)
		shutil.rmtree(work, ignore_errors=True)

	# Every sealed archive that was intact when backed up verifies Intact on the restored site.
	assert {name: result["verified"].get(name) for name in intact} == {name: ["Intact"] for name in intact}
	assert result["record_order_no"] == sealed_archive.order_no

	# Numbers run on from the backup: every number up to the counter taken once, and the next
	# approval takes the one after.
	for key in ("order", "archive"):
		taken, counter = result["numbers"][key]["taken"], result["numbers"][key]["counter"]
		assert taken == list(range(1, counter + 1)), key
	assert result["next_order"] == result["numbers"]["order"]["counter"] + 1
