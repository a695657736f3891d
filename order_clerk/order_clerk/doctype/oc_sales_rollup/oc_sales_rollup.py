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
		span: DF.Literal["Day", "Week", "Month"]
		uom: DF.Data | None
	# end: auto-generated types

	# Written only by order_clerk.sales_rollup, in SQL.
	pass


# One row per combination: approvals add to it with INSERT ... ON DUPLICATE KEY UPDATE, and
# readers find a grain's rows of one span over a range of days by it. Short grain, span and
# channel columns keep it within InnoDB's 3072 bytes, an ordinary B-tree: a longer key becomes a
# hash that serves the upserts but no range of days, and every read would scan the table.
UNIQUE_KEY = "rollup_key"
UNIQUE_COLUMNS = ["grain", "span", "day", "customer", "product", "channel", "clerk"]


def on_doctype_update():
	frappe.db.add_unique("OC Sales Rollup", UNIQUE_COLUMNS, constraint_name=UNIQUE_KEY)
