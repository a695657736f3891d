// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Customer Credit"] = {
	filters: [
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "OC Customer",
		},
		{
			fieldname: "over_limit_only",
			label: __("Over the Limit Only"),
			fieldtype: "Check",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		const formatted = default_formatter(value, row, column, data);
		if (data && data.over_limit && ["exposure", "headroom"].includes(column.fieldname)) {
			return `<span class="text-danger">${formatted}</span>`;
		}
		return formatted;
	},
};
