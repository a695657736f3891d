// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Order", {
	refresh(frm) {
		frm.trigger("show_completeness");
		frm.trigger("add_fulfilment_buttons");
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

	add_fulfilment_buttons(frm) {
		if (frm.doc.docstatus !== 1) return;
		const clerk = frappe.user.has_role(["Order Clerk", "System Manager"]);
		const open = !["Completed", "Cancelled"].includes(frm.doc.status);
		frm.add_custom_button(__("Check Stock"), () => show_stock_check(frm), __("View"));
		frm.add_custom_button(__("Order Status"), () => show_order_status(frm), __("View"));
		if (clerk && open && flt(frm.doc.per_shipped) < 100 && frm.doc.status !== "On Hold") {
			frm.add_custom_button(
				__("Outbound Slip"),
				() =>
					frappe.model.open_mapped_doc({
						method: "order_clerk.order_clerk.doctype.oc_order.oc_order.make_outbound_slip",
						frm,
					}),
				__("Create")
			);
		}
		if (clerk && open) {
			frm.add_custom_button(
				__("Exception"),
				() => frappe.new_doc("OC Order Exception", { order: frm.doc.name }),
				__("Create")
			);
			frm.add_custom_button(
				__("Production Request"),
				() =>
					frappe.call({
						method: "order_clerk.api.request_production",
						args: { order: frm.doc.name },
						freeze: true,
						callback: () => frm.reload_doc(),
					}),
				__("Create")
			);
		}
		if (clerk && ["Delivered", "Completed"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Archive"), () =>
				frappe.call({
					method: "order_clerk.api.make_archive_record",
					args: { order: frm.doc.name },
					freeze: true,
					callback: ({ message }) => frappe.set_route("Form", "OC Archive Record", message.name),
				})
			);
		}
		if (clerk && frm.doc.contact_email) {
			frm.add_custom_button(__("Send Status Update"), () =>
				frappe.call({
					method: "order_clerk.api.send_status_update",
					args: { order: frm.doc.name },
					freeze: true,
					callback: ({ message }) =>
						message && frappe.show_alert({ message: __("Status update queued"), indicator: "green" }),
				})
			);
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

function show_stock_check(frm) {
	frappe.call({
		method: "order_clerk.api.stock_check",
		type: "GET",
		args: { order: frm.doc.name },
		callback({ message }) {
			const rows = (message || [])
				.map(
					(line) => `<tr class="${line.shortage > 0 ? "text-danger" : ""}">
						<td>${line.idx}</td><td>${frappe.utils.escape_html(line.product_name || line.product)}</td>
						<td class="text-right">${format_number(line.to_ship)}</td>
						<td class="text-right">${format_number(line.on_hand)}</td>
						<td class="text-right">${format_number(line.committed)}</td>
						<td class="text-right">${format_number(line.available)}</td>
						<td class="text-right">${format_number(line.shortage)}</td></tr>`
				)
				.join("");
			frm.get_field("stock_check_html").$wrapper.html(`<table class="table table-bordered table-sm">
				<thead><tr><th>#</th><th>${__("Product")}</th><th>${__("To Ship")}</th>
				<th>${__("On Hand")}</th><th>${__("Committed")}</th><th>${__("Available")}</th>
				<th>${__("Shortage")}</th></tr></thead><tbody>${rows}</tbody></table>`);
			frm.scroll_to_field("stock_check_html");
		},
	});
}

function show_order_status(frm) {
	frappe.call({
		method: "order_clerk.api.order_status",
		type: "GET",
		args: { order: frm.doc.name },
		callback({ message: s }) {
			const shipments = (s.shipments || [])
				.map(
					(x) => `<li>${x.outbound_slip} → ${x.delivery_note || __("no delivery note yet")}
						${x.carrier ? frappe.utils.escape_html(x.carrier) : ""} ${x.tracking_no || ""}
						${x.sign_status ? __(x.sign_status) : ""}</li>`
				)
				.join("");
			frappe.msgprint({
				title: __("Order Status"),
				message: `<p>${__(s.status)}: ${s.per_shipped}% ${__("shipped")}, ${s.per_delivered}% ${__(
					"delivered"
				)}</p><ul>${shipments}</ul><p>${__("Open exceptions")}: ${(s.open_exceptions || []).length}</p>`,
			});
		},
	});
}
