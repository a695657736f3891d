# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Clerk Daily Close: for a day and each clerk, the orders received, entered, sent to review,
approved and shipped, and what is still open tonight.

A clerk is the user who entered the order, except "sent to review", which counts who sent it.
Received counts orders dated that day, entered those created that day, approved those
approved that day, shipped the orders with an outbound slip confirmed that day. Still open:
orders not yet approved (drafts, under review, rejected) and approved orders with goods to
ship. Each figure is one GROUP BY query over the orders the running user may read.
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder import functions as fn
from frappe.utils import cint, getdate, nowdate
from pypika.terms import Function

from order_clerk import sales_statistics as stats
from order_clerk import status as statuses
from order_clerk.permissions import order_scope_condition

FIGURES = ("received", "entered", "sent_to_review", "approved", "shipped", "open_unapproved", "open_to_ship")


@frappe.read_only()
def execute(filters=None):
	filters = frappe._dict(frappe.parse_json(filters or {}))
	day = getdate(filters.date or nowdate())
	stats.check_access(frappe.session.user)
	rows = get_rows(day, frappe.session.user, filters.clerk)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows)


def _orders(user: str, clerk: str | None, by):
	order = DocType("OC Order")
	query = frappe.qb.from_(order)
	scope = order_scope_condition(user, order)
	if scope is not None:
		query = query.where(scope)
	if clerk:
		query = query.where(by(order) == clerk)
	return order, query


def _count(user, clerk, by, condition, join_slips=False) -> dict[str, int]:
	order, query = _orders(user, clerk, by)
	counted = fn.Count(order.name)
	if join_slips:
		slip = DocType("OC Outbound Slip")
		query = query.join(slip).on(slip.order == order.name)
		condition = condition(order, slip)
		counted = fn.Count(order.name).distinct()
	else:
		condition = condition(order)
	rows = query.select(by(order).as_("clerk"), counted.as_("n")).where(condition).groupby(by(order)).run()
	return {clerk_name: cint(n) for clerk_name, n in rows}


def get_rows(day, user: str, clerk: str | None = None) -> list[dict]:
	def date_of(field):
		return Function("DATE", field)

	def owner(order):
		return order.owner

	def sender(order):
		return order.submitted_for_review_by

	figures = {
		"received": _count(user, clerk, owner, lambda o: (o.order_date == day) & (o.docstatus < 2)),
		"entered": _count(user, clerk, owner, lambda o: date_of(o.creation) == day),
		"sent_to_review": _count(user, clerk, sender, lambda o: date_of(o.submitted_for_review_on) == day),
		"approved": _count(
			user, clerk, owner, lambda o: (o.docstatus == 1) & (date_of(o.approved_on) == day)
		),
		"shipped": _count(
			user,
			clerk,
			owner,
			lambda o, s: (s.docstatus == 1) & (date_of(s.issued_on) == day),
			join_slips=True,
		),
		"open_unapproved": _count(user, clerk, owner, lambda o: o.docstatus == 0),
		"open_to_ship": _count(
			user,
			clerk,
			owner,
			lambda o: (o.docstatus == 1) & o.status.isin(list(statuses.OPEN_TO_SHIP)),
		),
	}
	clerks = sorted({name for counts in figures.values() for name in counts if name})
	return [{"clerk": name, **{f: figures[f].get(name, 0) for f in FIGURES}} for name in clerks]


def get_columns() -> list[dict]:
	return [
		{"fieldname": "clerk", "label": _("Clerk"), "fieldtype": "Link", "options": "User", "width": 220},
		{"fieldname": "received", "label": _("Received"), "fieldtype": "Int", "width": 100},
		{"fieldname": "entered", "label": _("Entered"), "fieldtype": "Int", "width": 100},
		{"fieldname": "sent_to_review", "label": _("Sent to Review"), "fieldtype": "Int", "width": 120},
		{"fieldname": "approved", "label": _("Approved"), "fieldtype": "Int", "width": 100},
		{"fieldname": "shipped", "label": _("Shipped"), "fieldtype": "Int", "width": 100},
		{"fieldname": "open_unapproved", "label": _("Open: Not Approved"), "fieldtype": "Int", "width": 150},
		{"fieldname": "open_to_ship", "label": _("Open: To Ship"), "fieldtype": "Int", "width": 120},
	]


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["clerk"] for row in rows],
			"datasets": [
				{"name": _("Entered"), "values": [row["entered"] for row in rows]},
				{"name": _("Approved"), "values": [row["approved"] for row in rows]},
				{"name": _("Shipped"), "values": [row["shipped"] for row in rows]},
			],
		},
		"type": "bar",
	}


def get_summary(rows: list[dict]) -> list[dict]:
	labels = {
		"entered": _("Entered"),
		"sent_to_review": _("Sent to Review"),
		"approved": _("Approved"),
		"shipped": _("Shipped"),
		"open_unapproved": _("Open: Not Approved"),
		"open_to_ship": _("Open: To Ship"),
	}
	return [
		{"label": label, "value": sum(row[field] for row in rows), "datatype": "Int"}
		for field, label in labels.items()
	]
