// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Outbound Slip", {
	refresh(frm) {
		if (frm.doc.docstatus === 1 && frappe.user.has_role(["Order Clerk", "System Manager"])) {
			frm.add_custom_button(
				__("Delivery Note"),
				() =>
					frappe.model.open_mapped_doc({
						method: "order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip.make_delivery_note",
						frm,
					}),
				__("Create")
			);
		}
	},
});
