# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCCustomerContact(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		can_confirm: DF.Check
		email: DF.Data
		full_name: DF.Data
		invited_on: DF.Datetime | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		user: DF.Link | None
	# end: auto-generated types

	pass
