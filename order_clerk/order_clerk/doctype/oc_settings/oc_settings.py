# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk.printing.copies import validate_copy_settings


class OCSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledge_intakes: DF.Check
		allow_negative_stock: DF.Check
		company_address: DF.SmallText | None
		company_logo: DF.AttachImage | None
		company_name: DF.Data | None
		company_phone: DF.Data | None
		default_retention_years: DF.Literal["10", "30"]
		default_supervisor: DF.Link | None
		default_warehouse: DF.Link | None
		delivery_note_copies: DF.SmallText | None
		email_reviewers: DF.Check
		invoice_required_for_archive: DF.Check
		order_no_digits: DF.Int
		order_no_prefix: DF.Data
		orders_email_account: DF.Link | None
		outbound_slip_copies: DF.SmallText | None
		price_tolerance_percent: DF.Percent
		print_page_size: DF.Literal["A4", "241 x 140 mm (continuous form)"]
		production_role: DF.Link | None
		sign_off_link_days: DF.Int
		send_acknowledgement: DF.Check
	# end: auto-generated types

	def on_update(self):
		from order_clerk.install import sync_workflow_email_alert

		sync_workflow_email_alert()

	def validate(self):
		validate_copy_settings(self)
		self.validate_default_warehouse()

	def validate_default_warehouse(self):
		if self.default_warehouse and frappe.db.get_value("OC Warehouse", self.default_warehouse, "disabled"):
			frappe.throw(
				_("Warehouse {0} is disabled: choose another Default Warehouse.").format(
					frappe.bold(self.default_warehouse)
				)
			)
