# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document

from order_clerk.bulk_orders import WrittenWithItsOrder


class OCOrderClarification(WrittenWithItsOrder, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer: DF.SmallText | None
		answered_by: DF.Link | None
		answered_on: DF.Datetime | None
		asked_by: DF.Link | None
		asked_on: DF.Datetime | None
		asked_to: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		question: DF.SmallText
	# end: auto-generated types

	pass
