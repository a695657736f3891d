"""Values the app fills in on its own, so that a fresh site never surprises.

Each has a sensible default, can be given explicitly, or stops with a message in the user's
language that names the setting to fix; never a framework MandatoryError about a field the user
never saw.
"""

import frappe
from frappe import _

from order_clerk.exceptions import MissingSettingError


def outbound_warehouse(warehouse: str | None = None, throw: bool = True) -> str | None:
	"""The warehouse goods leave from: the one given, else OC Settings > Default Warehouse, else
	the only enabled warehouse when there is exactly one. Without one: an error naming the
	setting, or None when `throw` is off (the desk lets the user choose in the form)."""
	if warehouse:
		if not frappe.db.exists("OC Warehouse", {"name": warehouse, "disabled": 0}):
			frappe.throw(_("Warehouse {0} does not exist or is disabled.").format(frappe.bold(warehouse)))
		return warehouse
	default = frappe.db.get_single_value("OC Settings", "default_warehouse")
	if default and not frappe.db.get_value("OC Warehouse", default, "disabled"):
		return default
	enabled = frappe.get_all("OC Warehouse", filters={"disabled": 0}, pluck="name", limit=2)
	if len(enabled) == 1:
		return enabled[0]
	if not throw:
		return None
	if not enabled:
		message = _(
			"There is no warehouse yet. Create one (OC Warehouse), then choose it as Default Warehouse in OC Settings."
		)
	else:
		message = _(
			"Which warehouse do the goods leave from? Give the warehouse, or set Default Warehouse in OC Settings."
		)
	frappe.throw(message, MissingSettingError, title=_("Default Warehouse"))
