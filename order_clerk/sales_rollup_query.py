"""The sales reports' figures from the sales rollup (order_clerk.sales_rollup): the same figures as
`sales_statistics.SalesQuery` gives from the orders and lines, read from the smallest grain of the
rollup that holds every dimension asked for and from its longest rows that fit the range and the
report's periods (`rollup_pieces`). `RollupNotApplicable` says the rollup cannot answer; the
caller then reads the orders (`sales_statistics.sales_query`).
"""

import datetime

import frappe
from frappe.query_builder import Criterion, DocType
from frappe.query_builder import functions as fn
from pypika.terms import Term, ValueWrapper

from order_clerk import sales_rollup
from order_clerk.permissions import order_scope_condition
from order_clerk.sales_statistics import (
	CHANNEL,
	CLERK,
	CUSTOMER,
	DAILY,
	MONTHLY,
	PRODUCT,
	QUARTERLY,
	WEEKLY,
	Part,
)


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
