"""/my-orders/<name>: one order of the signed-in contact's customer (order_clerk.portal)."""

import frappe
from frappe import _

from order_clerk import portal

no_cache = 1


def get_context(context):
	name = frappe.form_dict.get("name") or ""
	contact = portal.page_contact(f"/my-orders/{name}")
	order = portal.order_of(contact, name)
	context.update(
		{
			"title": _("Order {0}").format(order.name),
			"show_sidebar": True,
			"contact": contact,
			"order": portal.order_view(contact, order),
			"parents": [{"route": "my-orders", "title": _("My Orders")}],
		}
	)
