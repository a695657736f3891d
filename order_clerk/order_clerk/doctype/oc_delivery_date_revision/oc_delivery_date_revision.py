# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCDeliveryDateRevision(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		previous_date: DF.Date | None
		revised_by: DF.Link | None
		revised_date: DF.Date | None
		revised_on: DF.Datetime | None
	# end: auto-generated types

	pass
