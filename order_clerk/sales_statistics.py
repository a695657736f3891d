"""Filters, periods and the permitted base query of the sales reports.

Sales are approved orders (docstatus 1) by order date; `include_unapproved` adds drafts and
orders under review, never cancelled ones. Figures come from SQL (query builder, GROUP BY)
over the orders the running user may read: the session user, whatever `user` a request or the
filters carry. Written for MariaDB, Frappe's default database.

Approved sales are read from the sales rollup (order_clerk.sales_rollup), whose figures equal
those of the orders and lines; `sales_query` falls back to the orders and lines themselves when
the rollup does not hold what is asked (orders not yet approved, or a row scope the rollup
cannot express), and always when `frappe.flags.oc_sales_from_lines` is set (the benchmark and
the tests compare both). A range is read from the rollup's longest rows that fit it and the
report's periods: whole months from monthly rows, whole weeks from weekly ones, the days at the
edges from daily ones; rows that are each one period and group need no GROUP BY at all
(`order_clerk.sales_rollup_query`: `RollupQuery.parts`, `one_row_per`, `rollup_pieces`).

Weeks are ISO weeks, Monday to Sunday, labelled by ISO year and number (2025-W01 starts on
Monday 2024-12-30); quarters are calendar quarters. A period cut by the date range counts only
the days inside the range.
"""

import datetime
import json
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder import functions as fn
from frappe.utils import cint, getdate
from pypika.terms import Field, Function, Term

from order_clerk.permissions import can_read_amounts, order_scope_condition

DAILY, WEEKLY, MONTHLY, QUARTERLY = "Daily", "Weekly", "Monthly", "Quarterly"
PERIODS = (DAILY, WEEKLY, MONTHLY, QUARTERLY)

CHANNEL, CUSTOMER, CLERK, PRODUCT = "Channel", "Customer", "Clerk", "Product"
GROUPS = (CHANNEL, CUSTOMER, CLERK, PRODUCT)

QUANTITY, AMOUNT = "Quantity", "Amount"


class _Interval(Term):
	"""`INTERVAL <expression> <unit>`: pypika's Interval takes constants only."""

	def __init__(self, amount: Term, unit: str):
		super().__init__()
		self.amount = amount
		self.unit = unit

	def nodes_(self):
		yield self
		yield from self.amount.nodes_()

	def get_sql(self, **kwargs) -> str:
		return f"INTERVAL {self.amount.get_sql(**kwargs)} {self.unit}"


class _JsonRows(Term):
	"""`JSON_ARRAYAGG(JSON_ARRAY(<fields>) ORDER BY <order>)`: rows as one JSON document."""

	def __init__(self, fields: list[Term], order: list[Term]):
		super().__init__()
		self.fields, self.order = fields, order

	def nodes_(self):
		yield self
		for term in (*self.fields, *self.order):
			yield from term.nodes_()

	def get_sql(self, **kwargs) -> str:
		fields = ",".join(field.get_sql(**kwargs) for field in self.fields)
		order = ",".join(field.get_sql(**kwargs) for field in self.order)
		return f"JSON_ARRAYAGG(JSON_ARRAY({fields}){' ORDER BY ' + order if order else ''})"


def fetch_rows(query, names: list[str], order_by: list[str] | None, exact: bool = False) -> list[list]:
	"""The rows of `query`, whose columns are aliased `names`, as lists in the order of
	`order_by` (None: as the query reads them, which must then be in order already): dates as ISO
	strings, figures as floats (decimals if `exact`) or ints, names as strings.

	Tens of thousands of rows arrive as one JSON document, decoded in C: field by field, the
	driver takes longer over them than the database takes to sum them. A document longer than
	the server sends (max_allowed_packet) comes back empty, and the rows are read one by one."""
	rows = query.as_("sales_rows")
	columns = {name: Field(name, table=rows) for name in names}
	order = [columns[name] for name in order_by or ()]
	document = _JsonRows([columns[name] for name in names], order)
	frappe.db.sql("set session group_concat_max_len = @@max_allowed_packet")
	result = frappe.qb.from_(rows).select(document).run()
	if result and result[0][0]:
		try:
			return json.loads(result[0][0], parse_float=Decimal if exact else float)
		except ValueError:
			pass  # cut short at group_concat_max_len
	# No rows, or too many for one document.
	if order_by:
		query = query.orderby(*(Field(name) for name in order_by))
	return [list(row) for row in query.run()]


def _fn(name: str, *args) -> Function:
	return Function(name, *args)


def period_start(date_field: Term, period: str) -> Term:
	"""First day of the period holding `date_field`, as a DATE."""
	if period == DAILY:
		return date_field
	if period == WEEKLY:
		return _fn("SUBDATE", date_field, _fn("WEEKDAY", date_field))
	if period == MONTHLY:
		return _fn("SUBDATE", date_field, _fn("DAYOFMONTH", date_field) - 1)
	year_start = _fn("MAKEDATE", _fn("YEAR", date_field), 1)
	return _fn("DATE_ADD", year_start, _Interval(_fn("QUARTER", date_field) - 1, "QUARTER"))


def period_label(start: datetime.date, period: str) -> str:
	if period == WEEKLY:
		year, week, _weekday = start.isocalendar()
		return f"{year}-W{week:02d}"
	if period == MONTHLY:
		return start.strftime("%Y-%m")
	if period == QUARTERLY:
		return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
	return start.isoformat()


def parse_filters(filters: dict | str | None, defaults: dict | None = None) -> frappe._dict:
	"""The report filters, checked; dates as dates."""
	filters = frappe._dict({**(defaults or {}), **frappe.parse_json(filters or {})})
	if not filters.from_date or not filters.to_date:
		frappe.throw(_("Set both From Date and To Date."), title=_("Missing Filters"))
	filters.from_date, filters.to_date = getdate(filters.from_date), getdate(filters.to_date)
	if filters.from_date > filters.to_date:
		frappe.throw(
			_("From Date {0} is after To Date {1}.").format(filters.from_date, filters.to_date),
			title=_("Invalid Filters"),
		)
	filters.include_unapproved = cint(filters.include_unapproved)
	_check_choice(filters, "period", PERIODS)
	_check_choice(filters, "group_by", GROUPS)
	_check_choice(filters, "rank_by", (QUANTITY, AMOUNT))
	return filters


def _check_choice(filters: frappe._dict, key: str, choices: tuple[str, ...]):
	if filters.get(key) and filters[key] not in choices:
		frappe.throw(
			_("{0} must be one of {1}, not {2}.").format(key, ", ".join(choices), filters[key]),
			title=_("Invalid Filters"),
		)


def check_access(user: str) -> bool:
	"""Refuse users who may not read orders; return whether they may see amounts."""
	if not frappe.has_permission("OC Order", "read", user=user):
		frappe.throw(_("You are not permitted to read orders."), frappe.PermissionError)
	restricted = user_permission_doctypes(user)
	if restricted:
		# The reports apply the role-based rules only; rather than show more than such a user
		# may read, they refuse.
		frappe.throw(
			_("Sales statistics are not available to users restricted by User Permissions on {0}.").format(
				", ".join(_(doctype) for doctype in sorted(restricted))
			),
			frappe.PermissionError,
		)
	return can_read_amounts(user)


def user_permission_doctypes(user: str) -> set[str]:
	linked = {"OC Order"}
	for doctype in ("OC Order", "OC Order Item"):
		linked.update(df.options for df in frappe.get_meta(doctype).get_link_fields())
	return linked.intersection(frappe.permissions.get_user_permissions(user) or {})


class Part(NamedTuple):
	"""Rows of a report's range read by one query (RollupQuery.parts)."""

	query: object
	whole: bool
	period: datetime.date | None


class SalesQuery:
	"""The orders (and, when needed, their lines) that count, limited to what `user` may read."""

	def __init__(self, filters: frappe._dict, user: str, with_items: bool):
		self.order = DocType("OC Order")
		self.item = DocType("OC Order Item")
		self.with_items = with_items or bool(filters.product)
		order, item = self.order, self.item
		query = frappe.qb.from_(order)
		if self.with_items:
			query = query.join(item).on(
				(item.parent == order.name) & (item.parenttype == "OC Order") & (item.parentfield == "items")
			)
		query = query.where(order.order_date[filters.from_date : filters.to_date])
		query = query.where(order.docstatus < 2 if filters.include_unapproved else order.docstatus == 1)
		for field, value in (
			(order.channel, filters.channel),
			(order.customer, filters.customer),
			(order.owner, filters.clerk),
		):
			if value:
				query = query.where(field == value)
		if filters.product:
			query = query.where(item.product == filters.product)
		scope = order_scope_condition(user, order)
		if scope is not None:
			query = query.where(scope)
		self.query = query

		self.date = order.order_date
		self.dimension = {
			CHANNEL: (order.channel, order.channel),
			CUSTOMER: (order.customer, order.customer_name),
			CLERK: (order.owner, None),
			PRODUCT: (item.product, item.product_name),
		}
		self.uom = item.uom

	def parts(self) -> list["Part"]:
		"""As RollupQuery.parts: one query, grouped by period."""
		return [Part(self.query, False, None)]

	def one_row_per(self, group_by: str) -> bool:
		return False

	def order_count(self) -> Term:
		return fn.Count(self.order.name).distinct() if self.with_items else fn.Count(self.order.name)

	def qty(self) -> Term:
		return fn.Sum(self.item.qty if self.with_items else self.order.total_qty)

	def amount(self) -> Term:
		return fn.Sum(self.item.amount if self.with_items else self.order.grand_total)


def sales_query(filters: frappe._dict, user: str, with_items: bool, group_by: str | None = None):
	"""The approved sales asked for, from the rollup when it holds them, else from the orders.

	`group_by` is the dimension the caller groups by (None: by period only)."""
	from order_clerk.sales_rollup_query import RollupNotApplicable, RollupQuery

	if not frappe.flags.oc_sales_from_lines:
		try:
			return RollupQuery(frappe._dict(filters, group_by=group_by), user, with_items)
		except RollupNotApplicable:
			pass
	return SalesQuery(filters, user, with_items)
