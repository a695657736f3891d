"""REST intake set against Frappe's own floor on the same server.

A 10-line order through `POST /api/resource/OC Order` is timed against `POST /api/resource/ToDo`
(Frappe's lightest document), with 1 and with 4 clients sending at once; the ratio of the two
rates should be at least TARGET_RATIO. The server is a gunicorn process started here on
127.0.0.1 for the site (IntakeServer), or one the caller names by URL. The requests come from a
clerk kept for benchmarks (BENCH_CLERK), given API keys for the run only; the orders and to-dos
a run creates are deleted at its end (order_clerk.scale.load uses the same set-up).
"""

import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid

import frappe
import requests
from frappe.query_builder import DocType
from frappe.query_builder.functions import Count
from frappe.utils import add_days, nowdate
from frappe.utils.password import remove_encrypted_password

from order_clerk.roles import ORDER_CLERK
from order_clerk.scale import masters

BENCH_CLERK = "intake-bench@staff.example.com"
TARGET_RATIO = 0.5
LINES_PER_ORDER = 10
ORDER_PATH = "/api/resource/OC Order"
TODO_PATH = "/api/resource/ToDo"
MARK = "order_clerk intake benchmark"


class IntakeServer:
	"""A gunicorn process serving the site on 127.0.0.1, or the server at `url`."""

	def __init__(self, url: str | None = None, workers: int = 4):
		self.url, self.workers, self.process, self.log = url, workers, None, None
		# Read here: the clients' threads have no frappe.local of their own.
		self.site = frappe.local.site

	def __enter__(self) -> "IntakeServer":
		if self.url:
			self.url = self.url.rstrip("/")
			return self
		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			port = s.getsockname()[1]
		sites = os.path.abspath(frappe.local.sites_path)
		logs = os.path.join(os.path.dirname(sites), "logs")
		self.log = open(
			os.path.join(logs if os.path.isdir(logs) else sites, "order-clerk-intake-bench.log"), "w"
		)
		self.process = subprocess.Popen(
			[os.path.join(os.path.dirname(sys.executable), "gunicorn"), "--bind", f"127.0.0.1:{port}",
			 "--workers", str(self.workers), "--timeout", "120", "frappe.app:application"],
			cwd=sites, stdout=self.log, stderr=subprocess.STDOUT,
		)  # fmt: skip
		self.url = f"http://127.0.0.1:{port}"
		deadline = time.monotonic() + 180
		while time.monotonic() < deadline and self.process.poll() is None:
			try:
				if requests.get(f"{self.url}/api/method/ping", headers=self.headers(), timeout=30).ok:
					return self
			except requests.RequestException:
				pass
			time.sleep(0.3)
		self.__exit__()
		raise RuntimeError(f"The server did not start; see {self.log.name}.")

	def headers(self, keys: tuple[str, str] | None = None) -> dict:
		headers = {"Host": self.site, "Accept": "application/json"}
		if keys:
			headers["Authorization"] = f"token {keys[0]}:{keys[1]}"
		return headers

	def __exit__(self, *exc):
		if self.process:
			self.process.terminate()
			try:
				self.process.wait(timeout=20)
			except subprocess.TimeoutExpired:
				self.process.kill()
			self.log.close()
			self.process = None


class BenchClerk:
	"""The benchmark's clerk with API keys, a customer and products; committed for the server,
	and at the end the keys revoked and what the run created deleted."""

	def __init__(self):
		self.token = uuid.uuid4().hex[:8]

	def __enter__(self) -> "BenchClerk":
		if not frappe.db.exists("User", BENCH_CLERK):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": BENCH_CLERK,
					"first_name": "Intake Bench",
					"send_welcome_email": 0,
				}
			)
			user.append("roles", {"role": ORDER_CLERK})
			user.insert(ignore_permissions=True)
		user = frappe.get_doc("User", BENCH_CLERK)
		user.set("roles", [{"role": ORDER_CLERK}])
		user.enabled = 1
		user.api_key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		self.keys = (user.api_key, secret)
		self.customer = masters.ensure_customers(1, random.Random(1))[0]
		self.products = [p["product_code"] for p in masters.ensure_products(LINES_PER_ORDER)]
		frappe.db.commit()  # seen by the server process
		return self

	def order(self, number: int) -> dict:
		"""A complete 10-line order with an external reference of its own."""
		return {
			"channel": "API",
			"external_ref": self.external_ref(number),
			"customer": self.customer.name,
			"delivery_date": add_days(nowdate(), 14),
			"payment_terms": self.customer.payment_terms,
			"delivery_address": self.customer.delivery_address,
			"items": [{"product": p, "qty": 10 + n, "rate": 0} for n, p in enumerate(self.products)],
		}

	def external_ref(self, number: int) -> str:
		return f"BENCH-{self.token}-{number:06d}"

	def todo(self, number: int) -> dict:
		# Allocated to the clerk: who is not a System Manager may make only the to-dos that are theirs.
		return {"description": f"{MARK} {self.token} {number}", "allocated_to": BENCH_CLERK}

	def orders_made(self) -> dict[str, int]:
		"""How many orders exist under each external reference of this run."""
		order = DocType("OC Order")
		rows = (
			frappe.qb.from_(order)
			.select(order.external_ref, Count("*"))
			.where(order.external_ref.like(f"BENCH-{self.token}-%"))
			.groupby(order.external_ref)
			.run()
		)
		return dict(rows)

	def __exit__(self, *exc):
		frappe.db.rollback()
		order, todo = DocType("OC Order"), DocType("ToDo")
		names = (
			frappe.qb.from_(order).select(order.name).where(order.external_ref.like(f"BENCH-{self.token}-%"))
		).run(pluck=True)
		self.deleted = names
		for start in range(0, len(names), 1000):
			chunk = names[start : start + 1000]
			for child in ("OC Order Item", "OC Order Maker"):
				table = DocType(child)
				frappe.qb.from_(table).delete().where(
					(table.parenttype == "OC Order") & table.parent.isin(chunk)
				).run()
			frappe.qb.from_(order).delete().where(order.name.isin(chunk)).run()
			# And the Workflow Action each order opened.
			action, role = DocType("Workflow Action"), DocType("Workflow Action Permitted Role")
			actions = (
				frappe.qb.from_(action)
				.select(action.name)
				.where((action.reference_doctype == "OC Order") & action.reference_name.isin(chunk))
			).run(pluck=True)
			if actions:
				frappe.qb.from_(role).delete().where(role.parent.isin(actions)).run()
				frappe.qb.from_(action).delete().where(action.name.isin(actions)).run()
		frappe.qb.from_(todo).delete().where(todo.description.like(f"%{MARK} {self.token} %")).run()
		frappe.db.set_value("User", BENCH_CLERK, {"api_key": None}, update_modified=False)
		remove_encrypted_password("User", BENCH_CLERK, "api_secret")
		frappe.db.commit()


def send(server: IntakeServer, keys, path: str, payloads: list[dict], clients: int) -> dict:
	"""POST each payload from `clients` threads at once; latencies, errors and the elapsed time."""
	pending = list(reversed(payloads))
	lock = threading.Lock()
	latencies, errors, succeeded = [], [], []

	def client():
		session = requests.Session()
		session.headers.update(server.headers(keys))
		while True:
			with lock:
				if not pending:
					return
				payload = pending.pop()
			started = time.perf_counter()
			try:
				response = session.post(f"{server.url}{path}", json=payload, timeout=120)
				failed = None if response.ok else f"HTTP {response.status_code}"
			except Exception as e:
				failed = type(e).__name__
			elapsed = time.perf_counter() - started
			with lock:
				latencies.append(elapsed)
				if failed:
					errors.append(failed)
				else:
					succeeded.append(payload)

	threads = [threading.Thread(target=client) for _ in range(clients)]
	started = time.perf_counter()
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	elapsed = time.perf_counter() - started
	if len(latencies) != len(payloads):
		raise RuntimeError(f"Only {len(latencies)} of {len(payloads)} requests were sent.")
	return {"seconds": elapsed, "latencies": latencies, "errors": errors, "succeeded": succeeded}


def run(requests_per_case: int = 100, url: str | None = None, echo=print, workers: int = 4) -> dict:
	"""Rates of 10-line orders and of to-dos, with 1 and 4 clients, and their ratios."""
	findings = {"cases": []}
	with IntakeServer(url, workers) as server, BenchClerk() as bench:
		findings["token"] = bench.token
		number = 0

		def payloads(make, count):
			nonlocal number
			number += count
			return [make(n) for n in range(number - count, number)]

		# Warm every worker: its first request loads the app and its metadata.
		send(server, bench.keys, TODO_PATH, payloads(bench.todo, 2 * server.workers), server.workers)
		send(server, bench.keys, ORDER_PATH, payloads(bench.order, 2 * server.workers), server.workers)
		echo(
			f"REST intake on {server.url}: {requests_per_case} requests per case; "
			f"target order rate >= {TARGET_RATIO:g}x the to-do rate"
		)
		for clients in (1, 4):
			todo = send(server, bench.keys, TODO_PATH, payloads(bench.todo, requests_per_case), clients)
			order = send(server, bench.keys, ORDER_PATH, payloads(bench.order, requests_per_case), clients)
			todo_rate = requests_per_case / todo["seconds"]
			order_rate = requests_per_case / order["seconds"]
			ratio = order_rate / todo_rate
			errors = len(todo["errors"]) + len(order["errors"])
			verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
			echo(
				f"REST intake, {clients} client{'s' if clients > 1 else ''}: 10-line order {order_rate:.1f}/s, "
				f"ToDo {todo_rate:.1f}/s, ratio {ratio:.2f}, errors {errors}  {verdict}"
			)
			findings["cases"].append(
				{"clients": clients, "order_rate": order_rate, "todo_rate": todo_rate, "ratio": ratio,
				 "errors": todo["errors"] + order["errors"]}
			)  # fmt: skip
	findings["deleted"] = bench.deleted
	return findings
