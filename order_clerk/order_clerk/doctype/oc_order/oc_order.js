// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Order", {
	refresh(frm) {
		frm.trigger("show_completeness");
		if (frm.doc.rejection_reason && frm.doc.workflow_state === "Rejected") {
			frm.dashboard.set_headline_alert(
				`${__("Rejected")}: ${frappe.utils.escape_html(frm.doc.rejection_reason)}`,
				"red"
			);
		}
	},

	show_completeness(frm) {
		if (frm.doc.docstatus !== 0) return;
		const missing = (frm.doc.missing_facts || "").split("\n").filter(Boolean);
		if (frm.is_new()) return;
		if (missing.length) {
			frm.dashboard.add_comment(
				`${__("Still to confirm")}: ${missing.map(frappe.utils.escape_html).join("; ")}`,
				"orange",
				true
			);
		} else {
			frm.dashboard.add_comment(__("All seven facts are confirmed."), "green", true);
		}
	},

	customer(frm) {
		(frm.doc.items || []).forEach((row) => row.product && fetch_product_details(frm, row));
	},
});

frappe.ui.form.on("OC Order Item", {
	product(frm, cdt, cdn) {
		fetch_product_details(frm, locals[cdt][cdn]);
	},
	qty(frm, cdt, cdn) {
		set_amount(frm, locals[cdt][cdn]);
	},
	rate(frm, cdt, cdn) {
		set_amount(frm, locals[cdt][cdn]);
	},
	items_remove(frm) {
		set_totals(frm);
	},
});

function fetch_product_details(frm, row) {
	if (!row.product) return;
	frappe.call({
		method: "order_clerk.api.get_product_details",
		type: "GET",
		args: { product: row.product, customer: frm.doc.customer || null },
		callback({ message }) {
			if (!message) return;
			frappe.model.set_value(row.doctype, row.name, {
				specification: row.specification || message.specification,
				uom: row.uom || message.uom,
				price_list_rate: message.price_list_rate,
				rate: row.rate || message.price_list_rate,
			});
		},
	});
}

function set_amount(frm, row) {
	frappe.model.set_value(row.doctype, row.name, "amount", flt(row.qty) * flt(row.rate));
	set_totals(frm);
}

function set_totals(frm) {
	const items = frm.doc.items || [];
	frm.set_value(
		"total_qty",
		items.reduce((sum, row) => sum + flt(row.qty), 0)
	);
	frm.set_value(
		"grand_total",
		items.reduce((sum, row) => sum + flt(row.amount), 0)
	);
}
