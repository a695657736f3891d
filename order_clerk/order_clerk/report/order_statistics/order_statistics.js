// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Order Statistics"] = {
	filters: [
		...order_clerk.report.date_range(
			frappe.datetime.month_start(frappe.datetime.add_months(frappe.datetime.get_today(), -2))
		),
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
		...order_clerk.report.order_filters({ product: true }),
	],

	onload(report) {
		order_clerk.report.add_excel_export(report);
	},
};
