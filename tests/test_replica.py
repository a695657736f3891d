"""The read replica of scripts/replica.sh: sales reports read from it, writes go to the primary.

Runs only when the test site reads from a replica (`bash scripts/replica.sh <test site>`);
skipped otherwise. The proof is MariaDB's general log on both servers: the report runs with a
customer filter no other query carries, and that value reaches the replica only.
"""

import time
import uuid
from contextlib import contextmanager

import frappe
import pymysql
import pytest
from frappe.desk.query_report import generate_report_result

from tests.test_backup_restore import db_admin

REPORT = "Order Statistics"
REPLICATION_TIMEOUT = 30


def _connect(host: str, port: int, user: str, password: str, database: str | None = None):
	return pymysql.connect(
		host=host, port=int(port), user=user, password=password, database=database, autocommit=True,
		connect_timeout=5,
	)  # fmt: skip


@pytest.fixture(scope="module")
def replica():
	conf = frappe.get_site_config()
	if not conf.get("read_from_replica") or not conf.get("replica_db_port"):
		pytest.skip(f"The test site reads from no replica: run bash scripts/replica.sh {frappe.local.site}.")
	host, port = conf.get("replica_host") or "127.0.0.1", conf.replica_db_port
	try:
		site_user = _connect(host, port, conf.db_name, conf.db_password, conf.db_name)
	except pymysql.err.OperationalError as e:
		pytest.skip(f"The replica on {host}:{port} does not answer ({e}): run bash scripts/replica.sh.")
	admin_user, admin_password = db_admin()
	servers = frappe._dict(
		site_user=site_user,
		primary=_connect(
			conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306, admin_user, admin_password
		),
		replica=_connect(host, port, admin_user, admin_password),
		conf=conf,
	)
	yield servers
	for connection in (servers.site_user, servers.primary, servers.replica):
		connection.close()


def query(connection, sql: str, *values):
	with connection.cursor() as cursor:
		cursor.execute(sql, values)
		return cursor.fetchall()


@contextmanager
def general_log(*connections):
	"""MariaDB's general log of every server, into its mysql.general_log table, for the block."""
	previous = [query(connection, "select @@general_log, @@log_output")[0] for connection in connections]
	for connection, (was_on, _output) in zip(connections, previous, strict=True):
		if not was_on and not query(connection, "select @@read_only")[0][0]:
			query(connection, "truncate table mysql.general_log")  # the last run's, kept no longer
		query(connection, "set global log_output = 'TABLE'")
		query(connection, "set global general_log = 1")
	try:
		yield
	finally:
		for connection, (was_on, output) in zip(connections, previous, strict=True):
			query(connection, "set global general_log = %s", was_on)
			query(connection, "set global log_output = %s", output)


def logged(connection, marker: str, command: str = "Query") -> list[str]:
	"""The statements carrying marker the server was sent (read with the log off)."""
	rows = query(
		connection,
		"select convert(argument using utf8mb4) from mysql.general_log"
		" where command_type = %s and argument like %s",
		command,
		f"%{marker}%",
	)
	return [row[0] for row in rows]


def report_filters(marker: str) -> dict:
	return {"from_date": "2024-01-01", "to_date": "2024-01-31", "customer": marker, "group_by": "Customer"}


def test_the_report_reads_from_the_replica_only(replica, rest_users):
	marker = f"replica-probe-{uuid.uuid4().hex[:12]}"
	with general_log(replica.primary, replica.replica):
		response = rest_users["reviewer"].post(
			"/api/method/frappe.desk.query_report.run",
			{"report_name": REPORT, "filters": report_filters(marker), "ignore_prepared_report": 1},
		)
	assert response.status_code == 200, response.text
	assert response.json()["message"]["result"] == []

	on_replica = logged(replica.replica, marker)
	assert len(on_replica) >= 2, on_replica  # the rows and the period totals
	assert all("select" in statement.lower() for statement in on_replica), on_replica
	assert logged(replica.primary, marker) == []


def test_a_prepared_report_reads_from_the_replica(replica, people, monkeypatch):
	"""generate_report_result is what the prepared report's background job runs."""
	marker = f"replica-probe-{uuid.uuid4().hex[:12]}"
	report = frappe.get_doc("Report", REPORT)
	report.custom_columns = []  # as the job sets it
	# As in a worker: in-process tests otherwise read from the primary (tests/conftest.py).
	for key in ("read_from_replica", "replica_host", "replica_db_port"):
		monkeypatch.setitem(frappe.local.conf, key, replica.conf.get(key))
	# As a fresh job starts: Frappe v15 connects to the replica only when no earlier read_only
	# block of this process left its connections behind.
	for leftover in ("replica_db", "primary_db"):
		if hasattr(frappe.local, leftover):
			delattr(frappe.local, leftover)
	frappe.set_user(people.reviewer)
	with general_log(replica.primary, replica.replica):
		result = generate_report_result(report, filters=report_filters(marker), user=people.reviewer)
	assert result["result"] == []
	assert frappe.db.sql("select @@port")[0][0] != int(replica.conf.replica_db_port)  # back on the primary
	assert len(logged(replica.replica, marker)) >= 2
	assert logged(replica.primary, marker) == []


def test_writes_go_to_the_primary_and_reach_the_replica(replica, rest_users):
	marker = f"replica-probe-{uuid.uuid4().hex[:12]}"
	with general_log(replica.primary, replica.replica):
		reviewer = rest_users["reviewer"]
		response = reviewer.post("/api/resource/ToDo", {"description": marker, "allocated_to": reviewer.user})
	assert response.status_code == 200, response.text
	name = response.json()["data"]["name"]

	assert any("insert" in statement.lower() for statement in logged(replica.primary, marker))
	assert logged(replica.replica, marker) == []

	deadline = time.monotonic() + REPLICATION_TIMEOUT
	while not query(replica.site_user, "select name from `tabToDo` where name = %s", name):
		assert time.monotonic() < deadline, f"ToDo {name} did not reach the replica in {REPLICATION_TIMEOUT}s"
		time.sleep(0.2)
	assert query(replica.site_user, "select description from `tabToDo` where name = %s", name)[0][0] == marker


def test_the_replica_refuses_writes(replica):
	marker = f"replica-probe-{uuid.uuid4().hex[:12]}"
	with pytest.raises(pymysql.err.MySQLError):
		query(
			replica.site_user,
			"insert into `tabToDo` (name, description, status) values (%s, %s, 'Open')",
			marker,
			marker,
		)
	assert query(replica.site_user, "select name from `tabToDo` where name = %s", marker) == ()
	status = query(replica.replica, "select @@read_only")[0][0]
	assert status == 1
