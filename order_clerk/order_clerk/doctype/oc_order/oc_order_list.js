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
	onload(listview) {
		order_clerk.list.add_saved_filters(listview, [
			{
				name: "my-drafts",
				label: __("My Drafts"),
				show: () => frappe.model.can_create("OC Order"),
				// Everything of mine that I can still change: drafts, questions open, sent back.
				filters: () => [
					["OC Order", "owner", "=", frappe.session.user],
					["OC Order", "workflow_state", "in", ["Draft", "Needs Clarification", "Rejected"]],
				],
			},
			{
				name: "awaiting-my-review",
				label: __("Awaiting My Review"),
				show: () => frappe.user.has_role("Order Reviewer"),
				// Maker-checker: orders I created, changed or submitted are not mine to approve.
				filters: () => [
					["OC Order", "workflow_state", "=", "Pending Review"],
					["OC Order", "owner", "!=", frappe.session.user],
					["OC Order", "submitted_for_review_by", "!=", frappe.session.user],
					["OC Order", "prepared_by", "not like", `%${frappe.session.user}%`],
				],
			},
			{
				name: "to-ship-today",
				label: __("To Ship Today"),
				// Due today, or already late, and not fully shipped.
				filters: () => [
					["OC Order", "docstatus", "=", 1],
					["OC Order", "status", "in", ["To Ship", "Partly Shipped"]],
					["OC Order", "delivery_date", "<=", frappe.datetime.get_today()],
				],
			},
		]);
	},
};
