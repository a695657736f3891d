# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCOrderExceptionLine(Document):
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
		qty: DF.Float
	# end: auto-generated types

	pass
