// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Delivery Note", {
	refresh(frm) {
		const signed = ["Signed", "Partly Signed"].includes(frm.doc.sign_status);
		if (frm.doc.docstatus === 1 && signed && frappe.user.has_role(["Order Clerk", "System Manager"])) {
			frm.add_custom_button(
				__("Invoice Request"),
				() =>
					frappe.model.open_mapped_doc({
						method: "order_clerk.order_clerk.doctype.oc_delivery_note.oc_delivery_note.make_invoice_request",
						frm,
					}),
				__("Create")
			);
		}
		const can_sign = frappe.user.has_role(["Order Clerk", "Warehouse Operator", "System Manager"]);
		if (frm.doc.docstatus === 1 && frm.doc.sign_status === "Pending") {
			frm.dashboard.set_headline(__("Awaiting the customer's sign-off."));
			if (can_sign) {
				frm.add_custom_button(__("Record Sign-off"), () => record_sign_off(frm)).addClass("btn-primary");
			}
		}
	},
});

function record_sign_off(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Record Sign-off"),
		size: "large",
		fields: [
			{
				fieldname: "sign_status",
				fieldtype: "Select",
				label: __("Sign Status"),
				options: ["Signed", "Partly Signed", "Refused"].map((value) => ({ value, label: __(value) })),
				default: "Signed",
				reqd: 1,
			},
			{ fieldname: "signed_by", fieldtype: "Data", label: __("Signed By") },
			{ fieldname: "signed_at", fieldtype: "Datetime", label: __("Signed At"), default: "now" },
			{ fieldname: "column_break", fieldtype: "Column Break" },
			{
				fieldname: "signed_receipt",
				fieldtype: "Attach",
				label: __("Signed Receipt"),
				description: __("The scanned receipt with the customer's signature."),
			},
			{ fieldname: "remarks", fieldtype: "Small Text", label: __("Sign-off Remarks") },
			{ fieldname: "lines_section", fieldtype: "Section Break", label: __("Received Quantities") },
			{
				fieldname: "lines",
				fieldtype: "Table",
				cannot_add_rows: true,
				cannot_delete_rows: true,
				in_place_edit: true,
				data: (frm.doc.items || []).map((row) => ({
					line: row.name,
					// The dialog's grid shows a Data value as HTML.
					product: frappe.utils.escape_html(row.product_name || row.product),
					qty: row.qty,
					received_qty: row.qty,
				})),
				fields: [
					{ fieldname: "line", fieldtype: "Data", hidden: 1 },
					{ fieldname: "product", fieldtype: "Data", label: __("Product"), read_only: 1, in_list_view: 1 },
					{ fieldname: "qty", fieldtype: "Float", label: __("Shipped Quantity"), read_only: 1, in_list_view: 1 },
					{ fieldname: "received_qty", fieldtype: "Float", label: __("Received Quantity"), in_list_view: 1 },
				],
			},
		],
		primary_action_label: __("Record"),
		primary_action(values) {
			const received = {};
			(values.lines || []).forEach((row) => (received[row.line] = flt(row.received_qty)));
			frappe.call({
				method: "order_clerk.api.record_sign_off",
				args: {
					delivery_note: frm.doc.name,
					sign_status: values.sign_status,
					signed_by: values.signed_by,
					signed_at: values.signed_at,
					signed_receipt: values.signed_receipt,
					received,
					remarks: values.remarks,
				},
				freeze: true,
				callback: () => {
					dialog.hide();
					frm.reload_doc();
				},
			});
		},
	});
	dialog.show();
}
