# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OCWarehouse(Document):
	# begin: auto-generated types
	# end: auto-generated types

	pass
