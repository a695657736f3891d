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
				// Maker-checker: the server knows who made each order (its maker trail).
				filters: () =>
					frappe
						.call({
							method: "order_clerk.order_clerk.doctype.oc_order.oc_order.get_orders_awaiting_my_review",
							type: "GET",
						})
						.then((r) => r.message || [])
						.then((names) => [
							["OC Order", "workflow_state", "=", "Pending Review"],
							// "name is not set" matches nothing: no order awaits me.
							names.length
								? ["OC Order", "name", "in", names]
								: ["OC Order", "name", "is", "not set"],
						]),
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
		if (frappe.model.can_create("OC Order")) add_excel_import_menu(listview);
	},
};

function show_order_import_result(listview, result) {
	if (!result) return;
	if (result.status === "Queued") {
		frappe.msgprint(
			__("The file has {0} lines; it is being imported in the background.", [result.lines]),
			__("Import Queued")
		);
		return;
	}
	if (result.status === "Failed") {
		frappe.msgprint({
			title: __("Import Refused"),
			indicator: "red",
			message: __(
				"The file has {0} errors, so no order was created. The marked workbook lists each one with its sheet, row and column: {1}",
				[result.errors.length, `<a href="${encodeURI(result.error_file)}">${__("Download")}</a>`]
			),
		});
		return;
	}
	frappe.msgprint({
		title: __("Import Finished"),
		indicator: "green",
		message: __("{0} draft orders created, {1} already imported.", [
			result.orders.length,
			result.already_imported.length,
		]),
	});
	listview.refresh();
}

function add_excel_import_menu(listview) {
	listview.page.add_menu_item(__("Download Order Import Template"), () => {
		window.open("/api/method/order_clerk.api.download_order_import_template");
	});
	listview.page.add_menu_item(__("Import Orders from Excel"), () => {
		new frappe.ui.FileUploader({
			allow_multiple: false,
			make_attachments_public: false,
			restrictions: { allowed_file_types: [".xlsx"] },
			on_success(file) {
				frappe
					.call({
						method: "order_clerk.api.import_orders",
						args: { file_url: file.file_url },
						freeze: true,
						freeze_message: __("Importing orders..."),
					})
					.then((r) => show_order_import_result(listview, r.message));
			},
		});
	});
	frappe.realtime.off("order_import_finished");
	frappe.realtime.on("order_import_finished", (result) => show_order_import_result(listview, result));
}
