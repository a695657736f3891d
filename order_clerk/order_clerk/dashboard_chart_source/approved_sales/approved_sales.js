frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Approved Sales"] = {
	method: "order_clerk.order_clerk.dashboard_chart_source.approved_sales.approved_sales.get",
	filters: [
		{
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "OC Customer",
		},
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"],
		},
	],
};
