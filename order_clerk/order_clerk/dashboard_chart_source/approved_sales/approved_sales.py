# Copyright (c) 2026, order_clerk contributors
# For license information, please see license.txt
"""Charts of approved orders read from the sales rollup (order_clerk.sales_dashboard)."""

import frappe
from frappe.utils.dashboard import cache_source

from order_clerk.sales_dashboard import chart_data


@frappe.whitelist()
@cache_source
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | None = None,
	filters: str | list | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
	refresh: int | None = None,
) -> dict | None:
	# `refresh` is read by cache_source: given, the chart is computed anew and cached again.
	return chart_data(chart_name, chart, no_cache, filters, from_date, to_date, timespan, time_interval)
