"""Order Fulfilment and Clerk Daily Close against figures computed by hand on known data."""

import frappe
import pytest
from frappe.utils import add_days, add_months, get_first_day, getdate, nowdate

from order_clerk.fulfilment import update_overdue_flags
from order_clerk.order_clerk.report.clerk_daily_close import clerk_daily_close
from order_clerk.order_clerk.report.order_fulfilment import order_fulfilment
from tests.utils import (
	approved_order,
	make_order,
	make_slip,
	ship,
	sign,
)


def order(world, people, qty):
	return approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": qty}]
	)


def backdate(name, **values):
	"""What happened on other days: orders and promises in the past."""
	frappe.db.set_value("OC Order", name, values, update_modified=False)


def fulfilment(world, **filters):
	filters = {
		"from_date": add_days(nowdate(), -90),
		"to_date": nowdate(),
		"customer": world.customer,
		"group_by": "Customer",
		**filters,
	}
	_columns, rows, _message, _chart, summary = order_fulfilment.execute(filters)
	return rows, {card["label"]: card["value"] for card in summary}


def test_order_fulfilment_by_customer(world, people):
	on_time = order(world, people, 10)
	_slip, note = ship(world, people, on_time.name)
	sign(note, "Signed")

	partial = order(world, people, 10)
	_slip, note = ship(world, people, partial.name, {1: 6})
	sign(note, "Partly Signed", {1: 5})

	late_to_ship = order(world, people, 5)
	backdate(late_to_ship.name, order_date=add_days(nowdate(), -20), delivery_date=add_days(nowdate(), -7))
	update_overdue_flags()

	late = order(world, people, 4)
	_slip, note = ship(world, people, late.name)
	sign(note, "Signed")
	backdate(late.name, order_date=add_days(nowdate(), -20), delivery_date=add_days(nowdate(), -2))

	rows, summary = fulfilment(world)
	assert rows == [
		{
			"group_key": world.customer,
			"orders": 4,
			"ordered_qty": 29,
			"shipped_qty": 20,
			"signed_qty": 19,
			"per_shipped": 68.97,
			"per_signed": 65.52,
			"overdue_orders": 1,
			"avg_days_overdue": 7,
			"max_days_overdue": 7,
			"delivered_orders": 2,
			"on_time_orders": 1,
			"on_time_rate": 50,
		}
	]
	assert (summary["Orders"], summary["On-time Rate"], summary["Overdue Orders"]) == (4, 50, 1)


def test_order_fulfilment_by_month_and_edges(world, people):
	this_month = get_first_day(nowdate())
	last_day_before = add_days(this_month, -1)
	first, second = order(world, people, 3), order(world, people, 7)
	backdate(first.name, order_date=last_day_before, delivery_date=add_days(nowdate(), 10))
	backdate(second.name, order_date=this_month, delivery_date=add_days(nowdate(), 10))
	rows, _summary = fulfilment(world, group_by="Month", from_date=add_months(this_month, -1))
	assert [(r["group_key"], r["orders"], r["ordered_qty"]) for r in rows] == [
		(getdate(last_day_before).strftime("%Y-%m"), 1, 3),
		(getdate(this_month).strftime("%Y-%m"), 1, 7),
	]
	# A range that starts on the first of the month leaves the day before out.
	rows, _summary = fulfilment(world, group_by="Month", from_date=this_month)
	assert [(r["orders"], r["ordered_qty"]) for r in rows] == [(1, 7)]
	rows, summary = fulfilment(world, from_date="2001-01-01", to_date="2001-01-31")
	assert rows == [] and summary["Orders"] == 0


def test_order_fulfilment_respects_who_may_read(world, people):
	frappe.set_user(people.integrator)
	# Integrators learn no customer defaults nor agreed prices: an API order states them.
	own = make_order(
		world.customer,
		world.product,
		channel="API",
		payment_terms="Net 30",
		delivery_address="88 Zhangjiang Road, Shanghai",
		items=[{"product": world.product, "qty": 2, "rate": 100}],
	)
	frappe.set_user("Administrator")
	order(world, people, 9)
	frappe.set_user(people.reviewer)
	from tests.utils import act

	frappe.set_user(people.integrator)
	act(own.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(own.name, "Approve")
	frappe.set_user(people.integrator)
	rows, _summary = fulfilment(world)
	assert [(r["orders"], r["ordered_qty"]) for r in rows] == [(1, 2)]
	frappe.set_user(people.clerk)
	rows, _summary = fulfilment(world)
	assert [(r["orders"], r["ordered_qty"]) for r in rows] == [(2, 11)]
	frappe.set_user(people.norole)
	with pytest.raises(frappe.PermissionError):
		fulfilment(world)


def daily(day=None, clerk=None):
	_columns, rows, _message, _chart, _summary = clerk_daily_close.execute(
		{"date": day or nowdate(), "clerk": clerk}
	)
	return {row["clerk"]: row for row in rows}


FIGURES = clerk_daily_close.FIGURES


def figures(report, clerk):
	row = report.get(clerk) or {}
	return {field: row.get(field, 0) for field in FIGURES}


def test_clerk_daily_close_counts_the_day(world, people):
	clerk = people.clerk2
	before_today = figures(daily(clerk=clerk), clerk)
	before_yesterday = figures(daily(add_days(nowdate(), -1), clerk=clerk), clerk)

	shipped = approved_order(
		people, world.customer, world.product, items=[{"product": world.product, "qty": 3}]
	)  # entered by people.clerk: not counted for clerk2
	frappe.set_user(clerk)
	mine = make_order(world.customer, world.product, items=[{"product": world.product, "qty": 4}])
	from tests.utils import act

	act(mine.name, "Submit for Review")
	frappe.set_user(people.reviewer)
	act(mine.name, "Approve")
	frappe.set_user(clerk)
	make_order(world.customer, world.product)  # a draft, still open tonight
	yesterdays = make_order(world.customer, world.product, order_date=add_days(nowdate(), -1))
	frappe.set_user(people.clerk)
	slip = make_slip(mine.name, world.warehouse)
	frappe.set_user(people.warehouse)
	slip.submit()
	frappe.set_user(people.clerk)
	assert shipped.owner == people.clerk

	after_today = figures(daily(clerk=clerk), clerk)
	delta = {field: after_today[field] - before_today[field] for field in FIGURES}
	assert delta == {
		"received": 2,
		"entered": 3,
		"sent_to_review": 1,
		"approved": 1,
		"shipped": 1,
		"open_unapproved": 2,
		"open_to_ship": 0,
	}
	after_yesterday = figures(daily(add_days(nowdate(), -1), clerk=clerk), clerk)
	assert after_yesterday["received"] - before_yesterday["received"] == 1
	assert after_yesterday["entered"] == before_yesterday["entered"]
	assert yesterdays.owner == clerk


def test_clerk_daily_close_respects_who_may_read(world, people):
	frappe.set_user(people.clerk2)
	own_before = figures(daily(clerk=people.clerk2), people.clerk2)
	frappe.set_user(people.warehouse)
	before = daily()

	order(world, people, 2)  # entered by people.clerk and approved today: the warehouse sees it
	frappe.set_user(people.clerk2)
	make_order(world.customer, world.product)  # a draft: the warehouse does not
	own_after = figures(daily(clerk=people.clerk2), people.clerk2)
	assert own_after["open_unapproved"] - own_before["open_unapproved"] == 1

	frappe.set_user(people.warehouse)
	after = daily()
	assert people.clerk in after, after
	for row in after.values():
		assert row["open_unapproved"] == 0, row

	def delta(clerk):
		return {field: figures(after, clerk)[field] - figures(before, clerk)[field] for field in FIGURES}

	assert delta(people.clerk) == {
		"received": 1,
		"entered": 1,
		"sent_to_review": 1,
		"approved": 1,
		"shipped": 0,
		"open_unapproved": 0,
		"open_to_ship": 1,
	}
	assert delta(people.clerk2) == dict.fromkeys(FIGURES, 0)
	frappe.set_user(people.norole)
	with pytest.raises(frappe.PermissionError):
		daily()


@pytest.mark.rest
@pytest.mark.parametrize("report", ["Order Fulfilment", "Clerk Daily Close"])
def test_reports_run_as_the_caller_only_through_rest(rest_users, people, report):
	import json

	filters = json.dumps({"from_date": "2025-01-01", "to_date": "2025-01-31", "date": "2025-01-15"})
	path = "/api/method/frappe.desk.query_report.run"
	response = rest_users["clerk"].get(path, report_name=report, filters=filters, user=people.reviewer)
	assert response.status_code == 403, response.text
	assert rest_users["clerk"].get(path, report_name=report, filters=filters).status_code == 200
	for profile in ("integrator", "norole"):
		assert rest_users[profile].get(path, report_name=report, filters=filters).status_code == 403
	if report == "Clerk Daily Close":
		assert rest_users["warehouse"].get(path, report_name=report, filters=filters).status_code == 403
