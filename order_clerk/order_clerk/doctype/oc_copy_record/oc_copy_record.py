# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCCopyRecord(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		copy: DF.Literal["Stub", "Warehouse Copy", "Logistics Copy", "Finance Copy", "Customer Copy"]
		handed_on: DF.Datetime | None
		handed_to: DF.Data
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		recorded_by: DF.Link | None
		remarks: DF.Data | None
	# end: auto-generated types

	pass
