// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.query_reports["Clerk Daily Close"] = {
	filters: [
		{
			fieldname: "date",
			label: __("Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "clerk", label: __("Clerk"), fieldtype: "Link", options: "User" },
	],
};
