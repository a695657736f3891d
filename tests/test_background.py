"""Background work as a running site does it (scripts/run.sh): a real RQ worker process runs a
queued job to the end, with progress on the realtime channel, and the scheduler's daily jobs
are registered and run in a worker when triggered.

Frappe names its queues "<bench_id>:<queue>". Each test enqueues under a bench id of its own
(set in this process only), and its worker listens to those queues alone: it runs this test's
jobs, never another test's nor the demo site's.
"""

import json
import os
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager

import frappe
from frappe.utils import add_days, now_datetime, nowdate
from frappe.utils.background_jobs import get_job, get_redis_conn
from rq import Queue

from order_clerk import api, excel_import, hooks
from tests.conftest import SITE, SITES_PATH
from tests.utils import approved_order, make_customer, make_product, unique, workbook

QUEUES = ("long", "default", "short")

# Frappe's worker (frappe.utils.background_jobs.start_worker) for the queues of one bench id, in
# burst mode: it runs every job queued there, each in a forked process, then exits.
WORKER = textwrap.dedent(
	"""
	import sys

	import frappe
	from frappe.utils.background_jobs import get_redis_conn
	from rq import Worker

	site, bench_id = sys.argv[1:3]
	frappe.init(site=site, sites_path=".")
	connection = get_redis_conn()
	frappe.destroy()
	queues = [f"{bench_id}:{queue}" for queue in ("long", "default", "short")]
	Worker(queues, connection=connection).work(burst=True, logging_level="INFO")
	"""
)


@contextmanager
def own_queues():
	"""Jobs enqueued inside go to queues of this test's own bench id."""
	bench_id = unique("oc-test-jobs")
	previous = frappe.local.conf.get("bench_id")
	frappe.local.conf.bench_id = bench_id
	try:
		yield bench_id
	finally:
		if previous is None:
			frappe.local.conf.pop("bench_id", None)
		else:
			frappe.local.conf.bench_id = previous


def queued(bench_id: str, queue: str) -> list[str]:
	"""The functions of the jobs waiting in a queue, by Frappe's method name."""
	jobs = Queue(f"{bench_id}:{queue}", connection=get_redis_conn()).get_jobs()
	return [job.kwargs.get("job_name") for job in jobs]


def run_worker(bench_id: str) -> str:
	"""Start a worker process on this test's queues and wait until it has run them empty."""
	log_path = os.path.join(os.environ.get("OC_TEST_OUTPUT") or SITES_PATH, f"{bench_id}.log")
	with open(log_path, "w") as log:
		finished = subprocess.run(
			[sys.executable, "-c", WORKER, SITE, bench_id],
			cwd=SITES_PATH,
			stdout=log,
			stderr=subprocess.STDOUT,
			timeout=900,
		)
	with open(log_path) as log:
		output = log.read()
	assert finished.returncode == 0, output
	connection = get_redis_conn()
	for key in connection.scan_iter(f"rq:*{bench_id}*"):
		connection.delete(key)
	for queue in QUEUES:
		connection.srem("rq:queues", f"rq:queue:{bench_id}:{queue}")
	return output


class Realtime:
	"""What the site publishes to the realtime server (socket.io) while subscribed."""

	def __init__(self):
		self.pubsub = get_redis_conn().pubsub(ignore_subscribe_messages=True)
		self.pubsub.subscribe("events")

	def received(self, room: str) -> list[tuple[str, dict]]:
		"""(event, message) of everything published for `room` of this site, in order."""
		found, quiet_since = [], time.monotonic()
		while time.monotonic() - quiet_since < 2:  # until nothing more comes
			message = self.pubsub.get_message(timeout=0.5)
			if message is None:
				continue
			quiet_since = time.monotonic()
			data = json.loads(message["data"])
			if (data["namespace"], data["room"]) == (SITE, room):
				found.append((data["event"], data["message"]))
		self.pubsub.close()
		return found


def test_a_worker_runs_a_large_import_to_the_end(people):
	frappe.set_user("Administrator")
	customer, product = make_customer(), make_product(rate=12.5)
	# More orders than one progress step (every 50), more lines than an import done at once.
	refs = [unique("BG") for _ in range(excel_import.PROGRESS_EVERY + 1)]
	lines = [[refs[n % len(refs)], product, n + 1] for n in range(excel_import.BACKGROUND_LINES + 1)]
	content = workbook(orders=[[ref, None, customer] for ref in refs], lines=lines)

	with own_queues() as bench_id:
		frappe.set_user(people.clerk)
		upload = frappe.get_doc(
			{"doctype": "File", "file_name": f"{unique('orders')}.xlsx", "content": content, "is_private": 1}
		).insert()
		answer = api.import_orders(upload.file_url)
		assert answer["status"] == "Queued"
		assert queued(bench_id, "long") == []  # queued when the request commits, not before
		frappe.db.commit()
	assert queued(bench_id, "long") == ["order_clerk.excel_import.import_file_job"]
	realtime = Realtime()

	run_worker(bench_id)

	frappe.db.rollback()  # a fresh view of what the worker committed
	orders = frappe.get_all(
		"OC Order",
		filters={"external_ref": ("in", refs)},
		fields=["name", "owner", "workflow_state", "customer"],
		order_by="name",
	)
	assert len(orders) == len(refs)
	assert {(o.owner, o.workflow_state, o.customer) for o in orders} == {(people.clerk, "Draft", customer)}
	assert frappe.db.count("OC Order Item", {"parent": ("in", [o.name for o in orders])}) == len(lines)
	events = realtime.received(f"user:{people.clerk}")
	progress = [
		m["percent"] for event, m in events if event == "progress" and m["title"] == "Importing Orders"
	]
	# One bar that only moves forward: 50 and 51 orders checked (up to 90 %), then the rows written.
	assert [round(percent) for percent in progress[:2]] == [88, 90]
	assert progress == sorted(progress) and round(progress[-1]) == 100 and len(progress) > 2
	finished = [m for event, m in events if event == "order_import_finished"]
	assert [(m["status"], sorted(m["orders"])) for m in finished] == [("Imported", [o.name for o in orders])]


def test_the_daily_jobs_are_registered():
	daily = hooks.scheduler_events["daily"]
	registered = frappe.get_all(
		"Scheduled Job Type",
		filters={"method": ("in", daily)},
		fields=["method", "frequency", "stopped"],
	)
	assert {(j.method, j.frequency, j.stopped) for j in registered} == {(m, "Daily", 0) for m in daily}


def test_the_daily_jobs_run_in_a_worker_when_triggered(people):
	frappe.set_user("Administrator")
	customer, product = make_customer(), make_product(rate=10)
	late = approved_order(people, customer, product, items=[{"product": product, "qty": 5}])
	frappe.set_user(people.clerk)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": "Production Delay",
			"order": late.name,
			"due_date": add_days(nowdate(), 1),
			"description": "Motor winding late",
		}
	).insert()
	frappe.set_user("Administrator")
	# Time passes: the promised date and the exception's due date are gone by.
	frappe.db.set_value("OC Order", late.name, "delivery_date", add_days(nowdate(), -1))
	frappe.db.set_value("OC Order Exception", exception.name, "due_date", add_days(nowdate(), -1))
	assert frappe.db.get_value("OC Order", late.name, "is_overdue") == 0
	started = now_datetime()
	daily = hooks.scheduler_events["daily"]
	frappe.db.commit()  # seen by the worker

	with own_queues() as bench_id:
		for method in daily:
			job_type = frappe.get_doc("Scheduled Job Type", {"method": method})
			stale = get_job(job_type.rq_job_id)  # left queued by an interrupted run
			if stale:
				stale.delete()
			# What the desk's Execute button and the scheduler do when the job is due.
			assert job_type.enqueue(force=True)
	assert len(queued(bench_id, "default")) == len(daily)

	run_worker(bench_id)

	frappe.db.rollback()
	assert frappe.db.get_value("OC Order", late.name, "is_overdue") == 1
	assert frappe.db.get_value("OC Order Exception", exception.name, "status") == "Escalated"
	logs = frappe.get_all(
		"Scheduled Job Log",
		filters={"creation": (">=", started)},
		fields=["scheduled_job_type", "status"],
	)
	names = {".".join(method.split(".")[-2:]) for method in daily}
	assert {(log.scheduled_job_type, log.status) for log in logs if log.scheduled_job_type in names} == {
		(name, "Complete") for name in names
	}
