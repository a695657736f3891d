// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

const OC_ORDER_REVIEW_COLORS = {
	Draft: "gray",
	"Needs Clarification": "orange",
	"Pending Review": "blue",
	Rejected: "red",
};

const OC_ORDER_STATUS_COLORS = {
	"To Ship": "orange",
	"Partly Shipped": "yellow",
	Shipped: "blue",
	Delivered: "green",
	"On Hold": "red",
	Completed: "green",
	Cancelled: "gray",
};

frappe.listview_settings["OC Order"] = {
	add_fields: ["workflow_state", "status", "docstatus", "order_no", "is_overdue"],
	has_indicator_for_draft: true,
	get_indicator(doc) {
		if (doc.docstatus === 0) {
			const state = doc.workflow_state || "Draft";
			return [__(state), OC_ORDER_REVIEW_COLORS[state] || "gray", `workflow_state,=,${state}`];
		}
		if (doc.is_overdue) {
			return [__("Overdue"), "red", "is_overdue,=,1"];
		}
		return [__(doc.status), OC_ORDER_STATUS_COLORS[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
