# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document

from order_clerk.bulk_orders import WrittenWithItsOrder


class OCProductionRequest(WrittenWithItsOrder, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		order_item: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		product: DF.Link | None
		requested_by: DF.Link | None
		requested_on: DF.Datetime | None
		requested_to: DF.Link | None
		shortage_qty: DF.Float
	# end: auto-generated types

	pass
