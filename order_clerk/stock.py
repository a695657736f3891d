"""Stock: the ledger, balances, and the one question every stock check asks.

`get_stock_levels` is the only way the app reads stock. A site running ERPNext can answer
from ERPNext's stock instead by naming its own function in a hooks.py:

    order_clerk_stock_levels = "my_app.stock.get_stock_levels"

The last app that sets the hook wins. The function takes (products, warehouse=None,
exclude_order=None) and returns {product: StockLevel}.
"""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import flt, nowdate

from order_clerk import status as statuses
from order_clerk.exceptions import InsufficientStockError


class StockLevel(NamedTuple):
	on_hand: float
	committed: float
	available: float


def get_stock_levels(
	products: list[str], warehouse: str | None = None, exclude_order: str | None = None
) -> dict[str, StockLevel]:
	"""On hand, committed to approved orders not yet shipped, and available, per product."""
	hooked = frappe.get_hooks("order_clerk_stock_levels")
	if hooked:
		return frappe.get_attr(hooked[-1])(products, warehouse=warehouse, exclude_order=exclude_order)
	return ledger_stock_levels(products, warehouse=warehouse, exclude_order=exclude_order)


def ledger_stock_levels(
	products: list[str], warehouse: str | None = None, exclude_order: str | None = None
) -> dict[str, StockLevel]:
	products = sorted({p for p in products if p})
	if not products:
		return {}
	balance = DocType("OC Stock Balance")
	query = (
		frappe.qb.from_(balance)
		.select(balance.product, Sum(balance.actual_qty))
		.where(balance.product.isin(products))
		.groupby(balance.product)
	)
	if warehouse:
		query = query.where(balance.warehouse == warehouse)
	on_hand = dict(query.run())
	committed = committed_quantities(products, exclude_order)
	return {
		product: StockLevel(
			flt(on_hand.get(product)),
			flt(committed.get(product)),
			flt(on_hand.get(product)) - flt(committed.get(product)),
		)
		for product in products
	}


def committed_quantities(products: list[str], exclude_order: str | None = None) -> dict[str, float]:
	"""Quantities approved orders still have to ship, per product."""
	order, item = DocType("OC Order"), DocType("OC Order Item")
	query = (
		frappe.qb.from_(item)
		.join(order)
		.on(item.parent == order.name)
		.select(item.product, Sum(item.qty - item.shipped_qty))
		.where(
			(order.docstatus == 1)
			& order.status.notin(list(statuses.CLOSED))
			& item.product.isin(products)
			& (item.qty > item.shipped_qty)
		)
		.groupby(item.product)
	)
	if exclude_order:
		query = query.where(order.name != exclude_order)
	return dict(query.run())


def _balance_name(product: str, warehouse: str) -> str:
	return f"{product}::{warehouse}"


def post(voucher, rows: list[dict], reverse: bool = False):
	"""Add ledger rows for a voucher and move the balances, under a lock per balance.

	rows: dicts with product, warehouse, qty_change, voucher_detail_no. On cancel, pass the
	same rows with reverse=True: new rows with the opposite sign are added, none is changed.
	"""
	allow_negative = frappe.db.get_single_value("OC Settings", "allow_negative_stock")
	for row in sorted(rows, key=lambda r: (r["product"], r["warehouse"])):
		change = -flt(row["qty_change"]) if reverse else flt(row["qty_change"])
		name = _balance_name(row["product"], row["warehouse"])
		current = frappe.db.get_value("OC Stock Balance", name, "actual_qty", for_update=True)
		if current is None:
			frappe.get_doc(
				{
					"doctype": "OC Stock Balance",
					"product": row["product"],
					"warehouse": row["warehouse"],
					"actual_qty": 0,
				}
			).insert(ignore_permissions=True)
			current = frappe.db.get_value("OC Stock Balance", name, "actual_qty", for_update=True)
		new_qty = flt(current) + change
		if new_qty < 0 and change < 0 and not allow_negative:
			frappe.throw(
				_("Not enough stock of {0} in {1}: {2} on hand, {3} needed.").format(
					frappe.bold(row["product"]), row["warehouse"], flt(current), -change
				),
				InsufficientStockError,
				title=_("Insufficient Stock"),
			)
		frappe.db.set_value("OC Stock Balance", name, "actual_qty", new_qty, update_modified=False)
		frappe.get_doc(
			{
				"doctype": "OC Stock Ledger Entry",
				"posting_date": voucher.get("posting_date") or nowdate(),
				"product": row["product"],
				"warehouse": row["warehouse"],
				"qty_change": change,
				"voucher_type": voucher.doctype,
				"voucher_no": voucher.name,
				"voucher_detail_no": row.get("voucher_detail_no"),
				"is_reversal": 1 if reverse else 0,
			}
		).insert(ignore_permissions=True)


def ledger_balance(product: str, warehouse: str) -> float:
	"""The sum of the ledger, which balances must always equal."""
	ledger = DocType("OC Stock Ledger Entry")
	total = (
		frappe.qb.from_(ledger)
		.select(Sum(ledger.qty_change))
		.where((ledger.product == product) & (ledger.warehouse == warehouse))
		.run()
	)
	return flt(total[0][0])
