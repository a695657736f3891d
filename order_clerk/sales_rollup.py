"""The sales rollup: approved sales summed per day at a few grains, kept in step with the orders.

OC Sales Rollup holds, for every order date, the approved orders' figures (orders, quantity,
amount) at each grain of GRAINS: a grain names the dimensions a row is kept for (customer,
product, channel, clerk = the order's owner); the other dimensions are empty. Grains without
`product` count whole orders (the order's total_qty and grand_total); grains with `product`
count order lines, an order once per product. The sales reports read the smallest grain that
holds every dimension they filter or group by (order_clerk.sales_statistics.RollupQuery).

Kept exact in the transaction that changes an order (hooks.py doc_events): approval (on_submit)
adds the order, cancellation (on_cancel) subtracts it, an amendment is a cancellation and a
later approval. Each change is one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE that adds to the
rows in place, so concurrent approvals add up rather than overwrite, and a failed approval rolls
the rows back with everything else. Rows are written in key order, so two approvals touching the
same rows wait for each other instead of deadlocking. Renaming a user moves their figures as
clerk (after_rename). The whole table is rebuilt from the orders by the patch
order_clerk.patches.rebuild_sales_rollup and `bench --site SITE order-clerk-rebuild-rollup`.
"""

import frappe
from frappe.utils import now_datetime

ROLLUP = "OC Sales Rollup"
DIMENSIONS = ("customer", "product", "channel", "clerk")

# From the coarsest to the finest; readers take the first that holds what they need.
ORDER_GRAINS = ((), ("channel",), ("clerk",), ("customer",), ("customer", "channel", "clerk"))
PRODUCT_GRAINS = (("product",), ("customer", "product", "channel", "clerk"))
GRAINS = ORDER_GRAINS + PRODUCT_GRAINS


def grain_name(dimensions: tuple[str, ...]) -> str:
	return "+".join(dimensions) or "total"


def find_grain(dimensions: set[str]) -> str:
	"""The smallest grain whose rows hold every one of `dimensions`."""
	candidates = PRODUCT_GRAINS if "product" in dimensions else ORDER_GRAINS
	for grain in candidates:
		if dimensions.issubset(grain):
			return grain_name(grain)
	raise ValueError(f"No grain holds {sorted(dimensions)}")


_SOURCE = {
	"customer": "ifnull(o.customer, '')",
	"product": "ifnull(i.product, '')",
	"channel": "ifnull(o.channel, '')",
	"clerk": "o.owner",
}


def _grain_select(grain: tuple[str, ...], where: str) -> str:
	"""SELECT of the rollup rows of `grain` for the orders matching `where` (constant SQL text)."""
	by_product = "product" in grain
	columns = [f"'{grain_name(grain)}' as grain", "o.order_date as day"]
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
	group_by = ", ".join(["o.order_date", *(_SOURCE[d] for d in grain)])
	return f"select {', '.join(columns)} from {source} where {where} group by {group_by}"


def _upsert(where: str, grains: tuple = GRAINS) -> str:
	"""INSERT of the rows of `grains` for the orders matching `where`, each multiplied by %(sign)s."""
	selects = " union all ".join(_grain_select(grain, where) for grain in grains)
	return f"""
		insert into `tabOC Sales Rollup` (name, grain, day, customer, product, channel, clerk,
			customer_name, product_name, uom, orders, qty, amount, creation, modified, owner, modified_by)
		select nextval(`oc_sales_rollup_id_seq`), grain, day, customer, product, channel, clerk, customer_name, product_name, uom,
			%(sign)s * orders, %(sign)s * qty, %(sign)s * amount, %(now)s, %(now)s, %(user)s, %(user)s
		from ({selects}) as changes
		order by grain, day, customer, product, channel, clerk
		on duplicate key update
			orders = `tabOC Sales Rollup`.orders + values(orders),
			qty = `tabOC Sales Rollup`.qty + values(qty),
			amount = `tabOC Sales Rollup`.amount + values(amount),
			customer_name = greatest(`tabOC Sales Rollup`.customer_name, values(customer_name)),
			product_name = greatest(`tabOC Sales Rollup`.product_name, values(product_name)),
			uom = greatest(`tabOC Sales Rollup`.uom, values(uom)),
			modified = values(modified), modified_by = values(modified_by)
	"""


APPLY_ORDER = _upsert("o.name = %(order)s")
REBUILD_ALL = _upsert("o.docstatus = 1")
ADD_ORDERS = _upsert("o.docstatus = 1 and o.name in %(names)s")
# After a rename only the grains that name the renamed value change. Customers and products
# named by submitted orders cannot be renamed (order_clerk.immutability); users can.
_RENAMED_WHERE = {"clerk": "o.docstatus = 1 and o.owner = %(value)s"}
REBUILD_RENAMED = {
	dimension: _upsert(where, tuple(grain for grain in GRAINS if dimension in grain))
	for dimension, where in _RENAMED_WHERE.items()
}


def _params(**values) -> dict:
	return {"now": now_datetime(), "user": frappe.session.user, **values}


def add_order(doc, method=None):
	"""doc_events on_submit: the approved order's figures join the rollup."""
	frappe.db.sql(APPLY_ORDER, _params(order=doc.name, sign=1))


def remove_order(doc, method=None):
	"""doc_events on_cancel: the cancelled order's figures leave the rollup."""
	frappe.db.sql(APPLY_ORDER, _params(order=doc.name, sign=-1))
	# Rows nothing counts in any more would show as empty groups.
	frappe.db.sql(
		"delete from `tabOC Sales Rollup` where day = %(day)s and orders = 0", {"day": doc.order_date}
	)


def add_orders(names: list[str]):
	"""Add the approved ones of orders written without their controllers (bulk loads)."""
	if names:
		frappe.db.sql(ADD_ORDERS, _params(names=tuple(names), sign=1))


def rebuild(echo=None) -> int:
	"""Recompute the whole rollup from the approved orders; return the number of rows."""
	frappe.db.sql("delete from `tabOC Sales Rollup`")
	frappe.db.sql(REBUILD_ALL, _params(sign=1))
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
