# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk.bulk_orders import WrittenWithItsOrder
from order_clerk.exceptions import ReviewPermissionError


class OCOrderMaker(WrittenWithItsOrder, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acted_on: DF.Datetime | None
		action: DF.Literal["Created", "Changed", "Submitted for Review"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		user: DF.Link
	# end: auto-generated types

	# The order writes its maker rows itself, as part of its own save (order_clerk.review).
	# A row saved or deleted on its own (PUT or DELETE of the row, bulk_update, run_doc_method)
	# would bypass that, so it is refused.

	def validate(self):
		refuse_direct_change()

	def on_trash(self):
		refuse_direct_change()


def refuse_direct_change():
	frappe.throw(
		_("The makers of an order are recorded by the server and cannot be changed."),
		ReviewPermissionError,
		title=_("Not Permitted"),
	)
