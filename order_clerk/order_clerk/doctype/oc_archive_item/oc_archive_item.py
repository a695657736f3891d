# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCArchiveItem(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		document_name: DF.DynamicLink | None
		document_type: DF.Link | None
		file: DF.Attach | None
		kind: DF.Literal[
			"Order",
			"Original Order",
			"Approval Trail",
			"Outbound Slip",
			"Delivery Note",
			"Signed Receipt",
			"Invoice Request",
			"Invoice Copy",
			"Print and Copy Records",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		required: DF.Check
		sha256: DF.Data | None
		source_file: DF.Data | None
		verification: DF.Literal["", "Intact", "Changed", "Missing"]
	# end: auto-generated types

	pass
