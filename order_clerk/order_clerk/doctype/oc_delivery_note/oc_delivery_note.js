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
		if (frm.doc.docstatus === 1 && frm.doc.sign_status === "Pending") {
			frm.dashboard.set_headline(__("Awaiting the customer's sign-off: fill in Customer Sign-off and Update."));
		}
	},
});
