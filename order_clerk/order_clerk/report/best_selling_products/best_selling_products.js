// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Best-Selling Products"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
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
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "OC Customer" },
		{ fieldname: "clerk", label: __("Clerk"), fieldtype: "Link", options: "User" },
		{
			fieldname: "include_unapproved",
			label: __("Include orders not yet approved"),
			fieldtype: "Check",
			default: 0,
		},
	],

	onload(report) {
		report.page.add_inner_button(__("Export to Excel"), () => {
			const filters = report.get_filter_values(true);
			if (!filters) return;
			const args = Object.fromEntries(Object.entries(filters).filter(([, value]) => value));
			window.open(`/api/method/order_clerk.api.export_statistics?${new URLSearchParams(args)}`);
		});
	},
};
