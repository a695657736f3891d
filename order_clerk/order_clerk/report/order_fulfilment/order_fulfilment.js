// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Order Fulfilment"] = {
	filters: [
		...order_clerk.report.date_range(frappe.datetime.add_months(frappe.datetime.month_start(), -2)),
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Customer", label: __("Customer") },
				{ value: "Month", label: __("Month") },
			],
			default: "Customer",
			reqd: 1,
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "OC Customer" },
	],
};
