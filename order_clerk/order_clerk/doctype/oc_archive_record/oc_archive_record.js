// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Archive Record", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Gather Documents"), () =>
				frappe.call({
					method: "order_clerk.api.gather_archive",
					args: { archive_record: frm.doc.name },
					callback: () => {
						frappe.show_alert({ message: __("Gathering in the background"), indicator: "blue" });
						frm.reload_doc();
					},
				})
			);
		}
		if (frm.doc.docstatus === 1) {
			frm.add_custom_button(__("Verify"), () =>
				frappe.call({
					method: "order_clerk.api.verify_archive",
					args: { archive_record: frm.doc.name },
					freeze: true,
					callback: ({ message }) => {
						const bad = (message || []).filter((r) => r.status !== "Intact");
						frappe.msgprint({
							title: __("Verification"),
							indicator: bad.length ? "red" : "green",
							message: bad.length
								? bad
										.map((r) =>
											frappe.utils.escape_html(`${__(r.kind)} ${r.document_name}: ${__(r.status)}`)
										)
										.join("<br>")
								: __("Every file is intact."),
						});
						frm.reload_doc();
					},
				})
			);
		}
		if (frm.doc.missing_items && frm.doc.docstatus === 0) {
			frm.dashboard.set_headline_alert(
				`${__("Missing")}: ${frappe.utils.escape_html(frm.doc.missing_items).replace(/\n/g, "; ")}`,
				"orange"
			);
		}
	},
});

frappe.realtime.on("progress", (data) => {
	if (cur_frm && cur_frm.doctype === "OC Archive Record" && data.docname === cur_frm.doc.name && data.percent >= 100) {
		cur_frm.reload_doc();
	}
});
