// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Best-Selling Products"] = {
	filters: [
		...order_clerk.report.date_range(frappe.datetime.month_start()),
		{
			fieldname: "top_n",
			label: __("Show Top"),
			fieldtype: "Int",
			default: 10,
			reqd: 1,
		},
		{
			fieldname: "rank_by",
			label: __("Rank By"),
			fieldtype: "Select",
			options: [
				{ value: "Quantity", label: __("Quantity") },
				{ value: "Amount", label: __("Amount") },
			],
			default: "Quantity",
			reqd: 1,
		},
		...order_clerk.report.order_filters(),
	],

	onload(report) {
		order_clerk.report.add_excel_export(report);
	},
};
