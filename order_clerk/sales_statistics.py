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
edges from daily ones (`rollup_pieces`); rows that are each one period and group need no
GROUP BY at all (`RollupQuery.parts`, `one_row_per`).

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
from frappe.query_builder import Criterion, DocType
from frappe.query_builder import functions as fn
from frappe.utils import cint, getdate
from pypika.terms import Field, Function, Term, ValueWrapper

from order_clerk import sales_rollup
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


class Part(NamedTuple):
	"""Rows of a report's range read by one query (RollupQuery.parts)."""

	query: object
	whole: bool
	period: datetime.date | None


class RollupNotApplicable(Exception):
	"""The rollup does not hold the figures asked for; read the orders instead."""


class _RollupAsOrder:
	"""The rollup's columns under the order's field names, for order_scope_condition: the rollup
	holds approved orders only, and its clerk is the order's owner."""

	def __init__(self, rollup: DocType):
		self.fields = {"docstatus": ValueWrapper(1), "owner": rollup.clerk}
		self.used = set()

	def __getattr__(self, fieldname: str):
		if fieldname not in self.fields:
			raise RollupNotApplicable(fieldname)
		self.used.add(fieldname)
		return self.fields[fieldname]


class RollupQuery:
	"""The same figures as SalesQuery, from the smallest grain of the rollup that holds them."""

	def __init__(self, filters: frappe._dict, user: str, with_items: bool):
		if filters.include_unapproved:
			raise RollupNotApplicable("include_unapproved")
		rollup = self.rollup = DocType(sales_rollup.ROLLUP)
		as_order = _RollupAsOrder(rollup)
		scope = order_scope_condition(user, as_order)
		needed = {"product"} if with_items or filters.product else set()
		needed.update(
			dimension
			for dimension, value in (
				("channel", filters.channel),
				("customer", filters.customer),
				("clerk", filters.clerk),
			)
			if value
		)
		if "owner" in as_order.used:
			needed.add("clerk")
		needed.update(_GROUP_DIMENSION[group] for group in [filters.group_by] if group)
		self.with_items = "product" in needed
		grain = self.dimensions = sales_rollup.find_grain(needed)
		self.grain = sales_rollup.grain_name(grain)
		query = frappe.qb.from_(rollup).where(rollup.grain == self.grain)
		for field, value in (
			(rollup.channel, filters.channel),
			(rollup.customer, filters.customer),
			(rollup.clerk, filters.clerk),
			(rollup.product, filters.product),
		):
			if value:
				query = query.where(field == value)
		if scope is not None:
			query = query.where(scope)
		self.base, self.period = query, filters.get("period")
		if filters.from_date and filters.to_date:
			self.pieces = rollup_pieces(filters, sales_rollup.spans_of(grain))
			self.query = self._of(self.pieces)
		elif filters.from_date or filters.to_date:
			raise RollupNotApplicable("a range open at one end")
		else:
			# All time: every approved order is in exactly one row of each span.
			self.pieces = None
			self.query = query.where(rollup.span == sales_rollup.spans_of(grain)[-1])
		self.date = rollup.day
		self.dimension = {
			CHANNEL: (rollup.channel, rollup.channel),
			CUSTOMER: (rollup.customer, rollup.customer_name),
			CLERK: (rollup.clerk, None),
			PRODUCT: (rollup.product, rollup.product_name),
		}
		self.uom = rollup.uom

	def _of(self, pieces: list[tuple]):
		"""The rows of `pieces` (span, first day, last day)."""
		if not pieces:
			raise RollupNotApplicable("no days in the range")
		rollup = self.rollup
		return self.base.where(
			Criterion.any((rollup.span == span) & rollup.day[first:last] for span, first, last in pieces)
		)

	def parts(self) -> list["Part"]:
		"""The query in parts, in date order: `whole` where each row spans exactly one of the
		report's periods (months read for Monthly), whose start is then its `day` and whose rows
		follow the rollup's key order; the pieces at the edges otherwise, with the `period` they
		all fall in where there is one."""
		if not self.pieces:
			return [Part(self.query, False, None)]
		whole_span = _PERIOD_SPAN.get(self.period)
		runs = []
		for piece in self._by_period(self.pieces) if whole_span else self.pieces:
			whole = piece[0] == whole_span
			# Whole periods read together; the days at each edge by the period they fall in.
			key = (whole, None if whole or not whole_span else period_of(piece[1], self.period))
			if runs and runs[-1][1] == key:
				runs[-1][0].append(piece)
			else:
				runs.append(([piece], key))
		return [Part(self._of(pieces), key[0], self._one_period(pieces)) for pieces, key in runs]

	def _by_period(self, pieces: list[tuple]) -> list[tuple]:
		"""`pieces` with runs of days or weeks cut where a period of the report starts (a run of
		whole periods is left whole)."""
		cut = []
		for span, first, last in pieces:
			if span == _PERIOD_SPAN[self.period]:
				cut.append((span, first, last))
				continue
			day = first
			while day <= last:
				if (
					cut
					and cut[-1][0] == span
					and period_of(cut[-1][1], self.period) == period_of(day, self.period)
				):
					cut[-1] = (span, cut[-1][1], day)
				else:
					cut.append((span, day, day))
				day = sales_rollup.span_end(day, span) + datetime.timedelta(days=1)
		return cut

	def _one_period(self, pieces: list[tuple]) -> datetime.date | None:
		if not self.period:
			return None
		first = period_of(pieces[0][1], self.period)
		last_day = sales_rollup.span_end(pieces[-1][2], pieces[-1][0])
		return first if period_of(last_day, self.period) == first else None

	def one_row_per(self, group_by: str) -> bool:
		"""Whether each row of a period is one group of `group_by`: its figures need no sums."""
		return self.dimensions == (_GROUP_DIMENSION[group_by],)

	def row_figures(self) -> tuple[Term, Term, Term]:
		"""A row's own orders, quantity and amount."""
		return self.rollup.orders, self.rollup.qty, self.rollup.amount

	def order_count(self) -> Term:
		return fn.Sum(self.rollup.orders)

	def qty(self) -> Term:
		return fn.Sum(self.rollup.qty)

	def amount(self) -> Term:
		return fn.Sum(self.rollup.amount)


_GROUP_DIMENSION = {CHANNEL: "channel", CUSTOMER: "customer", CLERK: "clerk", PRODUCT: "product"}


def period_of(day: datetime.date, period: str) -> datetime.date:
	"""First day of the period holding `day` (period_start, in Python)."""
	if period == WEEKLY:
		return day - datetime.timedelta(days=day.weekday())
	if period == MONTHLY:
		return day.replace(day=1)
	if period == QUARTERLY:
		return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
	return day


# The span of the rollup that is exactly one of the report's periods.
_PERIOD_SPAN = {DAILY: sales_rollup.DAY, WEEKLY: sales_rollup.WEEK, MONTHLY: sales_rollup.MONTH}

# The rollup's spans a report may read for its periods (None: one period, the whole range).
_PERIOD_SPANS = {
	None: sales_rollup.SPANS,
	DAILY: (sales_rollup.DAY,),
	WEEKLY: (sales_rollup.DAY, sales_rollup.WEEK),
	MONTHLY: sales_rollup.SPANS,
	QUARTERLY: sales_rollup.SPANS,
}


def rollup_pieces(filters: frappe._dict, spans: tuple[str, ...]) -> list[tuple]:
	"""The rollup rows that sum to the range, each inside one of the report's periods: whole
	months and weeks where they fit, days at the edges (sales_rollup.cover)."""
	period = filters.get("period")
	spans = tuple(span for span in _PERIOD_SPANS[period] if span in spans)
	same_period = None
	if period in (MONTHLY, QUARTERLY):

		def same_period(first: datetime.date, last: datetime.date) -> bool:
			return period_of(first, period) == period_of(last, period)

	return sales_rollup.cover(filters.from_date, filters.to_date, spans, same_period)


def sales_query(filters: frappe._dict, user: str, with_items: bool, group_by: str | None = None):
	"""The approved sales asked for, from the rollup when it holds them, else from the orders.

	`group_by` is the dimension the caller groups by (None: by period only)."""
	if not frappe.flags.oc_sales_from_lines:
		try:
			return RollupQuery(frappe._dict(filters, group_by=group_by), user, with_items)
		except RollupNotApplicable:
			pass
	return SalesQuery(filters, user, with_items)
