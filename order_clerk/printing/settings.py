"""OC Settings as the printing code reads it: one query, and never a stale cached value."""

import frappe


def get_print_settings() -> frappe._dict:
	# Not get_cached_doc nor get_single_value, whose caches can outlive a rolled-back change.
	return frappe._dict(frappe.db.get_singles_dict("OC Settings", cast=True))
