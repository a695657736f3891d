// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Customer", {
	refresh(frm) {
		if (frm.is_new() || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Invite to Portal"), () => invite_to_portal(frm));
	},
});

// The server makes the Website User, sends Frappe's welcome e-mail and links the contact row
// (order_clerk.portal.invite_contact); the form only asks who.
function invite_to_portal(frm) {
	const dialog = new frappe.ui.Dialog({
		title: __("Invite to Portal"),
		fields: [
			{ fieldname: "email", fieldtype: "Data", options: "Email", label: __("Email"), reqd: 1 },
			{ fieldname: "full_name", fieldtype: "Data", label: __("Full Name"), reqd: 1 },
			{
				fieldname: "can_confirm",
				fieldtype: "Check",
				label: __("Can Confirm Orders"),
				default: 1,
			},
		],
		primary_action_label: __("Send Invitation"),
		primary_action(values) {
			frappe.call({
				method: "order_clerk.portal.invite_contact",
				type: "POST",
				args: { customer: frm.doc.name, ...values },
				freeze: true,
				callback(r) {
					if (r.exc) return;
					dialog.hide();
					frappe.show_alert({
						message: r.message.welcome_email
							? __("Invitation sent to {0}.", [frappe.utils.escape_html(values.email)])
							: __("{0} can sign in to the portal now.", [
									frappe.utils.escape_html(values.email),
							  ]),
						indicator: "green",
					});
					frm.reload_doc();
				},
			});
		},
	});
	dialog.show();
}
