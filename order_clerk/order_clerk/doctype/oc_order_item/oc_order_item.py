# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document

from order_clerk.bulk_orders import WrittenWithItsOrder


class OCOrderItem(WrittenWithItsOrder, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		delivered_qty: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		price_deviation_percent: DF.Percent
		price_deviation_reason: DF.SmallText | None
		price_list_rate: DF.Currency
		product: DF.Link | None
		product_name: DF.Data | None
		qty: DF.Float
		rate: DF.Currency
		shipped_qty: DF.Float
		specification: DF.Data | None
		uom: DF.Data | None
	# end: auto-generated types

	pass
