# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_clerk import portal
from order_clerk.exceptions import DuplicateCustomerPriceError


class OCCustomer(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_customer_contact.oc_customer_contact import (
			OCCustomerContact,
		)
		from order_clerk.order_clerk.doctype.oc_customer_price.oc_customer_price import OCCustomerPrice

		contact_person: DF.Data | None
		contacts: DF.Table[OCCustomerContact]
		credit_limit: DF.Currency
		customer_name: DF.Data
		delivery_address: DF.SmallText | None
		disabled: DF.Check
		email: DF.Data | None
		payment_days: DF.Int
		payment_terms: DF.Data | None
		phone: DF.Data | None
		prices: DF.Table[OCCustomerPrice]
	# end: auto-generated types

	def validate(self):
		self.validate_prices()
		portal.link_contact_users(self)

	def validate_prices(self):
		seen = {}
		for row in self.prices:
			if row.product in seen:
				frappe.throw(
					_("Rows {0} and {1} both give a price for product {2}.").format(
						seen[row.product], row.idx, row.product
					),
					DuplicateCustomerPriceError,
				)
			seen[row.product] = row.idx
