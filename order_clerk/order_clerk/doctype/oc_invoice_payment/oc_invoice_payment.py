# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCInvoicePayment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		received_on: DF.Date
		recorded_by: DF.Link | None
		recorded_on: DF.Datetime | None
		reference: DF.Data | None
	# end: auto-generated types

	pass
