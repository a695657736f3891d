# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.mapper import get_mapped_doc
from frappe.utils import flt, now_datetime

from order_clerk import archive, fulfilment, stock
from order_clerk import status as statuses
from order_clerk.copy_ledger import validate_copies
from order_clerk.roles import WAREHOUSE_OPERATOR, require_role
from order_clerk.site_defaults import outbound_warehouse


class OCOutboundSlip(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF
		from order_clerk.order_clerk.doctype.oc_copy_record.oc_copy_record import OCCopyRecord
		from order_clerk.order_clerk.doctype.oc_outbound_slip_item.oc_outbound_slip_item import (
			OCOutboundSlipItem,
		)

		amended_from: DF.Link | None
		copies: DF.Table[OCCopyRecord]
		customer: DF.Link | None
		issued_by: DF.Link | None
		issued_on: DF.Datetime | None
		items: DF.Table[OCOutboundSlipItem]
		order: DF.Link
		order_no: DF.Data | None
		posting_date: DF.Date
		remarks: DF.SmallText | None
		status: DF.Literal["Draft", "Issued", "Cancelled"]
		total_qty: DF.Float
		warehouse: DF.Link
	# end: auto-generated types

	def before_validate(self):
		# Before Frappe's mandatory check: a slip saved without a warehouse (a REST create, a
		# form left empty) takes the default one, or is refused naming the setting.
		if self.docstatus == 0 and not self.warehouse:
			self.warehouse = outbound_warehouse()

	def validate(self):
		self.validate_order()
		archive.guard_sealed(self)
		self.validate_lines()
		self.total_qty = sum(flt(row.qty) for row in self.items)
		validate_copies(self)
		self.set_status()

	def before_update_after_submit(self):
		validate_copies(self)

	def before_submit(self):
		require_role((WAREHOUSE_OPERATOR,), _("confirm the issue of goods"))
		self.issued_by = frappe.session.user
		self.issued_on = now_datetime()

	def on_submit(self):
		fulfilment.check_shippable(self.order)
		fulfilment.add_shipped(self.order, self.quantities())
		stock.post(self, self.ledger_rows(-1))
		statuses.set_status(self, update=True)

	def on_cancel(self):
		fulfilment.add_shipped(self.order, {line: -qty for line, qty in self.quantities().items()})
		stock.post(self, self.ledger_rows(-1), reverse=True)
		statuses.set_status(self, update=True)

	def validate_order(self):
		docstatus = frappe.db.get_value("OC Order", self.order, "docstatus")
		if docstatus != 1:
			frappe.throw(
				_("Order {0} is not approved; outbound slips are made from approved orders.").format(
					self.order
				)
			)

	def validate_lines(self):
		lines = {
			row.name: row
			for row in frappe.get_all(
				"OC Order Item",
				filters={"parent": self.order, "parenttype": "OC Order"},
				fields=["name", "product", "product_name", "specification", "uom", "qty", "shipped_qty"],
			)
		}
		for row in self.items:
			line = lines.get(row.order_item)
			if not line:
				frappe.throw(_("Row {0}: the line does not belong to order {1}.").format(row.idx, self.order))
			if flt(row.qty) <= 0:
				frappe.throw(_("Row {0}: Quantity (qty) must be greater than 0.").format(row.idx))
			remaining = flt(line.qty) - flt(line.shipped_qty)
			if flt(row.qty) > remaining + fulfilment.EPSILON:
				frappe.throw(
					_("Row {0}: {1} is more than the {2} still to ship of {3}.").format(
						row.idx, flt(row.qty), remaining, line.product
					),
					fulfilment.OverShipmentError,
				)
			row.product, row.product_name, row.specification, row.uom = (
				line.product,
				line.product_name,
				line.specification,
				line.uom,
			)
			row.ordered_qty = line.qty

	def set_status(self):
		statuses.set_status(self)

	def quantities(self) -> dict[str, float]:
		totals = {}
		for row in self.items:
			totals[row.order_item] = totals.get(row.order_item, 0) + flt(row.qty)
		return totals

	def ledger_rows(self, sign: int) -> list[dict]:
		return [
			{
				"product": row.product,
				"warehouse": self.warehouse,
				"qty_change": sign * flt(row.qty),
				"voucher_detail_no": row.name,
			}
			for row in self.items
		]


@frappe.whitelist()
def make_delivery_note(source_name: str, target_doc=None):
	"""A delivery note for a confirmed outbound slip (desk: frappe.model.open_mapped_doc)."""
	from order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note import (
		DuplicateDeliveryNoteError,
	)

	slip = frappe.get_doc("OC Outbound Slip", source_name)
	slip.check_permission("read")
	frappe.has_permission("OC Delivery Note", "create", throw=True)
	if slip.docstatus != 1:
		frappe.throw(_("Outbound slip {0} is not confirmed yet.").format(source_name))
	existing = frappe.db.get_value(
		"OC Delivery Note", {"outbound_slip": source_name, "docstatus": ("<", 2)}, "name"
	)
	if existing:
		frappe.throw(
			_("Outbound slip {0} already has delivery note {1}.").format(source_name, existing),
			DuplicateDeliveryNoteError,
			title=_("Duplicate Delivery Note"),
		)
	order = frappe.db.get_value(
		"OC Order",
		slip.order,
		["name", "order_no", "customer", "delivery_address", "contact_person", "contact_phone"],
		as_dict=True,
	)

	def set_missing_values(source, target):
		target.order = order.name
		target.order_no = order.order_no
		target.customer = order.customer
		target.delivery_address = order.delivery_address
		target.contact_person = order.contact_person
		target.contact_phone = order.contact_phone

	return get_mapped_doc(
		"OC Outbound Slip",
		source_name,
		{
			"OC Outbound Slip": {
				"doctype": "OC Delivery Note",
				"field_map": {"name": "outbound_slip"},
				"field_no_map": ["status", "remarks"],
			},
			"OC Outbound Slip Item": {
				"doctype": "OC Delivery Note Item",
				"field_map": {"name": "outbound_slip_item", "order_item": "order_item"},
			},
		},
		target_doc,
		set_missing_values,
	)
