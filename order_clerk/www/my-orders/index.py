"""/my-orders: the orders of the signed-in contact's customer (order_clerk.portal)."""

import frappe
from frappe import _
from frappe.utils import cint

from order_clerk import portal

no_cache = 1


def get_context(context):
	contact = portal.page_contact("/my-orders")
	start = max(cint(frappe.form_dict.get("start")), 0)
	orders = portal.list_orders(contact, start)
	context.update(
		{
			"title": _("My Orders"),
			"show_sidebar": True,
			"contact": contact,
			"orders": orders[: portal.ORDERS_PER_PAGE],
			"previous_start": max(start - portal.ORDERS_PER_PAGE, 0) if start else None,
			"next_start": start + portal.ORDERS_PER_PAGE if len(orders) > portal.ORDERS_PER_PAGE else None,
		}
	)
