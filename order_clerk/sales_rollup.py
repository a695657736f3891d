"""The sales rollup: approved sales summed per day, week and month at a few grains, kept in step
with the orders.

OC Sales Rollup holds the approved orders' figures (orders, quantity, amount) at each grain of
GRAINS, per span of days: a grain names the dimensions a row is kept for (customer, product,
channel, clerk = the order's owner); the other dimensions are empty. Grains without `product`
count whole orders (the order's total_qty and grand_total); grains with `product` count order
lines, an order once per product. A row's span is a Day, an ISO Week (Monday to Sunday) or a
calendar Month, starting on its `day`: the coarse grains (COARSE_GRAINS) are kept at all three,
so a report over two years reads 24 monthly rows where it would read 730 daily ones; the finest
grains, whose rows hardly merge over longer spans, by day only. Week and month rows are the sums
of the day rows they span. The sales reports read the smallest grain that holds every dimension
they filter or group by, from the longest spans that fit their range and periods
(order_clerk.sales_rollup_query.RollupQuery, `cover` below).

Kept exact in the transaction that changes an order (hooks.py doc_events): approval (on_submit)
adds the order, cancellation (on_cancel) subtracts it, an amendment is a cancellation and a
later approval. Each change is one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE that adds to the
rows of every span in place, so concurrent approvals add up rather than overwrite, and a failed
approval rolls the rows back with everything else. Rows are written in key order, so two
approvals touching the same rows wait for each other instead of deadlocking. Renaming a user
moves their figures as clerk (after_rename). The whole table is rebuilt from the orders by
`rebuild` (the patches order_clerk.patches.rebuild_sales_rollup and .sales_rollup_spans, and
`bench --site SITE order-clerk-rebuild-rollup`).
"""

import datetime

import frappe
from frappe.utils import add_months, getdate, now_datetime

ROLLUP = "OC Sales Rollup"
DIMENSIONS = ("customer", "product", "channel", "clerk")

# From the coarsest to the finest; readers take the first that holds what they need.
ORDER_GRAINS = ((), ("channel",), ("clerk",), ("customer",), ("customer", "channel", "clerk"))
PRODUCT_GRAINS = (("product",), ("customer", "product", "channel", "clerk"))
GRAINS = ORDER_GRAINS + PRODUCT_GRAINS

DAY, WEEK, MONTH = "Day", "Week", "Month"
SPANS = (DAY, WEEK, MONTH)
# Kept by week and month too; the finest grains would hardly merge (a row per order or line).
COARSE_GRAINS = ((), ("channel",), ("clerk",), ("customer",), ("product",))

# The first day of the span holding the order date (the orders' alias is `o`).
_SPAN_START = {
	DAY: "o.order_date",
	WEEK: "subdate(o.order_date, weekday(o.order_date))",
	MONTH: "subdate(o.order_date, dayofmonth(o.order_date) - 1)",
}


def grain_name(dimensions: tuple[str, ...]) -> str:
	return "+".join(dimensions) or "total"


def spans_of(grain: tuple[str, ...]) -> tuple[str, ...]:
	return SPANS if grain in COARSE_GRAINS else (DAY,)


def find_grain(dimensions: set[str]) -> tuple[str, ...]:
	"""The smallest grain whose rows hold every one of `dimensions`."""
	candidates = PRODUCT_GRAINS if "product" in dimensions else ORDER_GRAINS
	for grain in candidates:
		if dimensions.issubset(grain):
			return grain
	raise ValueError(f"No grain holds {sorted(dimensions)}")


# reading: which rows of which spans cover a range of days


def span_start(day: datetime.date, span: str) -> datetime.date:
	if span == WEEK:
		return day - datetime.timedelta(days=day.weekday())
	if span == MONTH:
		return day.replace(day=1)
	return day


def span_end(start: datetime.date, span: str) -> datetime.date:
	if span == WEEK:
		return start + datetime.timedelta(days=6)
	if span == MONTH:
		return getdate(add_months(start, 1)) - datetime.timedelta(days=1)
	return start


def cover(
	from_date, to_date, spans=SPANS, same_period=None
) -> list[tuple[str, datetime.date, datetime.date]]:
	"""The rows that sum to the days from `from_date` to `to_date`, as (span, first, last): the
	rows of `span` whose day runs from `first` to `last`, in date order, runs of one span merged.
	The longest of `spans` are taken wherever they fit inside the range and, given
	`same_period(first_day, last_day)`, inside one of the caller's periods (a row must not be
	split between two periods). Where months are taken, weeks do not straddle two months, so that
	a month starting mid-week is still read from its monthly row."""
	from_date, to_date = getdate(from_date), getdate(to_date)

	def fits(start: datetime.date, span: str) -> bool:
		end = span_end(start, span)
		if end > to_date or (same_period and not same_period(start, end)):
			return False
		return not (span == WEEK and MONTH in spans and end.month != start.month)

	pieces: list[list] = []
	day = from_date
	while day <= to_date:
		span = DAY
		if MONTH in spans and day.day == 1 and fits(day, MONTH):
			span = MONTH
		elif WEEK in spans and day.weekday() == 0 and fits(day, WEEK):
			span = WEEK
		if pieces and pieces[-1][0] == span:
			pieces[-1][2] = day
		else:
			pieces.append([span, day, day])
		day = span_end(day, span) + datetime.timedelta(days=1)
	return [tuple(piece) for piece in pieces]


# writing

_SOURCE = {
	"customer": "ifnull(o.customer, '')",
	"product": "ifnull(i.product, '')",
	"channel": "ifnull(o.channel, '')",
	"clerk": "o.owner",
}


def _grain_select(grain: tuple[str, ...], span: str, where: str) -> str:
	"""SELECT of the rollup rows of `grain` and `span` for the orders matching `where` (constant SQL)."""
	by_product = "product" in grain
	columns = [f"'{grain_name(grain)}' as grain", f"'{span}' as span", f"{_SPAN_START[span]} as day"]
	columns += [f"{_SOURCE[d]} as {d}" if d in grain else f"'' as {d}" for d in DIMENSIONS]
	columns.append("ifnull(max(o.customer_name), '')" if "customer" in grain else "''")
	if by_product:
		columns += ["ifnull(max(i.product_name), '')", "ifnull(max(i.uom), '')"]
		columns += ["count(distinct o.name)", "sum(i.qty)", "sum(i.amount)"]
		source = (
			"`tabOC Order` o join `tabOC Order Item` i"
			" on i.parent = o.name and i.parenttype = 'OC Order' and i.parentfield = 'items'"
		)
	else:
		columns += ["''", "''", "count(*)", "sum(o.total_qty)", "sum(o.grand_total)"]
		source = "`tabOC Order` o"
	names = ("customer_name", "product_name", "uom", "orders", "qty", "amount")
	columns[-len(names) :] = [
		f"{column} as {name}" for column, name in zip(columns[-len(names) :], names, strict=True)
	]
	group_by = ", ".join([_SPAN_START[span], *(_SOURCE[d] for d in grain)])
	return f"select {', '.join(columns)} from {source} where {where} group by {group_by}"


_INSERT = """
	insert into `tabOC Sales Rollup` (name, grain, span, day, customer, product, channel, clerk,
		customer_name, product_name, uom, orders, qty, amount, creation, modified, owner, modified_by)
	select nextval(`oc_sales_rollup_id_seq`), grain, span, day, customer, product, channel, clerk,
		customer_name, product_name, uom, %(sign)s * orders, %(sign)s * qty, %(sign)s * amount,
		%(now)s, %(now)s, %(user)s, %(user)s
	from ({rows}) as changes
	order by grain, span, day, customer, product, channel, clerk
	on duplicate key update
		orders = `tabOC Sales Rollup`.orders + values(orders),
		qty = `tabOC Sales Rollup`.qty + values(qty),
		amount = `tabOC Sales Rollup`.amount + values(amount),
		customer_name = greatest(`tabOC Sales Rollup`.customer_name, values(customer_name)),
		product_name = greatest(`tabOC Sales Rollup`.product_name, values(product_name)),
		uom = greatest(`tabOC Sales Rollup`.uom, values(uom)),
		modified = values(modified), modified_by = values(modified_by)
"""


def _upsert(where: str, grains: tuple = GRAINS, spans: tuple = SPANS) -> str:
	"""INSERT of the rows of `grains` at each of their `spans` for the orders matching `where`,
	each multiplied by %(sign)s."""
	selects = " union all ".join(
		_grain_select(grain, span, where) for grain in grains for span in spans_of(grain) if span in spans
	)
	return _INSERT.format(rows=selects)


def _longer_spans_from_days(span: str) -> str:
	"""INSERT of the `span` rows of the coarse grains summed from their day rows (a rebuild)."""
	start = _SPAN_START[span].replace("o.order_date", "r.day")
	grains = ", ".join(f"'{grain_name(grain)}'" for grain in COARSE_GRAINS)
	rows = f"""
		select r.grain, '{span}' as span, {start} as day, r.customer, r.product, r.channel, r.clerk,
			max(r.customer_name) as customer_name, max(r.product_name) as product_name, max(r.uom) as uom,
			sum(r.orders) as orders, sum(r.qty) as qty, sum(r.amount) as amount
		from `tabOC Sales Rollup` r
		where r.span = '{DAY}' and r.grain in ({grains})
		group by r.grain, {start}, r.customer, r.product, r.channel, r.clerk
	"""
	# The rows are read from the table written to: MariaDB materialises them first.
	return _INSERT.format(rows=rows)


APPLY_ORDER = _upsert("o.name = %(order)s")
REBUILD_DAYS = _upsert("o.docstatus = 1", spans=(DAY,))
REBUILD_LONGER_SPANS = tuple(_longer_spans_from_days(span) for span in SPANS if span != DAY)
ADD_ORDERS = _upsert("o.docstatus = 1 and o.name in %(names)s")
# After a rename only the grains that name the renamed value change. Customers and products
# named by submitted orders cannot be renamed (order_clerk.immutability); users can.
_RENAMED_WHERE = {"clerk": "o.docstatus = 1 and o.owner = %(value)s"}
REBUILD_RENAMED = {
	dimension: _upsert(where, tuple(grain for grain in GRAINS if dimension in grain))
	for dimension, where in _RENAMED_WHERE.items()
}
# Rows nothing counts in any more, on the given days; read through the unique key.
DELETE_EMPTY = """
	delete from `tabOC Sales Rollup`
	where grain in %(grains)s and span in %(spans)s and day in %(days)s and orders = 0
"""


def _params(**values) -> dict:
	return {"now": now_datetime(), "user": frappe.session.user, **values}


def add_order(doc, method=None):
	"""doc_events on_submit: the approved order's figures join the rollup."""
	frappe.db.sql(APPLY_ORDER, _params(order=doc.name, sign=1))


def remove_order(doc, method=None):
	"""doc_events on_cancel: the cancelled order's figures leave the rollup."""
	frappe.db.sql(APPLY_ORDER, _params(order=doc.name, sign=-1))
	# Rows nothing counts in any more would show as empty groups.
	day = getdate(doc.order_date)
	frappe.db.sql(
		DELETE_EMPTY,
		{
			"grains": tuple(grain_name(grain) for grain in GRAINS),
			"spans": SPANS,
			"days": tuple({span_start(day, span) for span in SPANS}),
		},
	)


def add_orders(names: list[str]):
	"""Add the approved ones of orders written without their controllers (bulk loads)."""
	if names:
		frappe.db.sql(ADD_ORDERS, _params(names=tuple(names), sign=1))


def rebuild(echo=None) -> int:
	"""Recompute the whole rollup from the approved orders; return the number of rows."""
	frappe.db.sql("delete from `tabOC Sales Rollup`")
	frappe.db.sql(REBUILD_DAYS, _params(sign=1))
	for statement in REBUILD_LONGER_SPANS:
		frappe.db.sql(statement, _params(sign=1))
	rows = frappe.db.count(ROLLUP)
	if echo:
		echo(f"Sales rollup rebuilt: {rows} rows.")
	return rows


def _rebuild_dimension(dimension: str, old: str, new: str):
	"""Move the figures kept under `old` to `new`, merged with what `new` had."""
	frappe.db.sql(
		f"delete from `tabOC Sales Rollup` where {dimension} in (%(old)s, %(new)s)", {"old": old, "new": new}
	)
	frappe.db.sql(REBUILD_RENAMED[dimension], _params(sign=1, value=new))


def user_renamed(doc, method=None, old: str | None = None, new: str | None = None, merge=False):
	_rebuild_dimension("clerk", old, new)
