# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class OCSalesRollup(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		channel: DF.Data | None
		clerk: DF.Data | None
		customer: DF.Data | None
		customer_name: DF.Data | None
		day: DF.Date
		grain: DF.Data | None
		name: DF.Int | None
		orders: DF.Int
		product: DF.Data | None
		product_name: DF.Data | None
		qty: DF.Float
		uom: DF.Data | None
	# end: auto-generated types

	# Written only by order_clerk.sales_rollup, in SQL.
	pass


def on_doctype_update():
	# One row per combination: approvals add to it with INSERT ... ON DUPLICATE KEY UPDATE.
	frappe.db.add_unique(
		"OC Sales Rollup",
		["grain", "day", "customer", "product", "channel", "clerk"],
		constraint_name="unique_rollup_key",
	)
