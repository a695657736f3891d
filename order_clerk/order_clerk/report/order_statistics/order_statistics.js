// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Order Statistics"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(frappe.datetime.add_months(frappe.datetime.get_today(), -2)),
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
			fieldname: "period",
			label: __("Period"),
			fieldtype: "Select",
			options: [
				{ value: "Daily", label: __("Daily") },
				{ value: "Weekly", label: __("Weekly") },
				{ value: "Monthly", label: __("Monthly") },
				{ value: "Quarterly", label: __("Quarterly") },
			],
			default: "Monthly",
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Channel", label: __("Channel") },
				{ value: "Customer", label: __("Customer") },
				{ value: "Clerk", label: __("Clerk") },
				{ value: "Product", label: __("Product") },
			],
			default: "Customer",
			reqd: 1,
		},
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "OC Customer" },
		{ fieldname: "product", label: __("Product"), fieldtype: "Link", options: "OC Product" },
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
