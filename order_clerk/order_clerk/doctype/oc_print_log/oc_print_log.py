# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class OCPrintLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		is_reprint: DF.Check
		name: DF.Int | None
		print_count: DF.Int
		print_format: DF.Data | None
		printed_at: DF.Datetime | None
		printed_by: DF.Link | None
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
	# end: auto-generated types

	pass


def on_doctype_update():
	# The prints of a document are looked up by document.
	frappe.db.add_index("OC Print Log", ["reference_doctype", "reference_name"])
