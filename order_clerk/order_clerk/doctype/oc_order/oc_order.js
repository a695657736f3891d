// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

frappe.ui.form.on("OC Order", {
	setup(frm) {
		set_rate_formatter(frm);
	},

	onload(frm) {
		load_price_tolerance(frm);
	},

	refresh(frm) {
		use_rate_formatter(frm);
		// A link shows its value as stored; the state is a word the user reads in their language.
		frm.set_df_property("workflow_state", "formatter", (value) =>
			value ? frappe.utils.escape_html(__(value)) : ""
		);
		frm.trigger("show_headline");
		frm.trigger("add_fulfilment_buttons");
		show_price_deviations(frm);
		show_credit_position(frm);
	},

	// The headline says why an order came back and, while it can change, what is still missing.
	show_headline(frm) {
		const parts = [];
		const rejected = frm.doc.workflow_state === "Rejected" && frm.doc.rejection_reason;
		if (rejected) {
			parts.push(
				`<div class="oc-rejection"><strong>${__("Rejected")}</strong>: ${frappe.utils.escape_html(
					frm.doc.rejection_reason
				)}</div>`
			);
		}
		frm.dashboard.clear_headline();
		if (parts.length) frm.dashboard.set_headline_alert(parts.join(""), "red");
		if (frm.doc.docstatus !== 0) return;
		// What is still missing is the server's answer (`order_clerk.api.check_facts`), asked for
		// the form as it stands, once the clerk pauses; a late answer to older values is dropped.
		const asked = (frm.oc_facts_asked = (frm.oc_facts_asked || 0) + 1);
		frm.oc_check_facts ||= frappe.utils.debounce((ask) => ask(), 300);
		frm.oc_check_facts(() =>
			frappe.xcall("order_clerk.api.check_facts", { doc: facts_of(frm.doc) }).then((missing) => {
				if (asked !== frm.oc_facts_asked || frm.doc.docstatus !== 0) return;
				const messages = missing.map((fact) => fact.message);
				frm.dashboard.clear_headline();
				frm.dashboard.set_headline_alert(
					parts.concat(completeness_html(messages)).join(""),
					rejected ? "red" : messages.length ? "orange" : "green"
				);
			})
		);
	},

	// Asks the reviewer why, and saves it, before Reject goes to the server (which requires it).
	before_workflow_action(frm) {
		if (frm.selected_workflow_action !== "Reject") return;
		// The workflow froze the screen; the freeze would cover the dialog.
		frappe.dom.unfreeze();
		return new Promise((resolve, reject) => {
			let answered = false;
			const dialog = new frappe.ui.Dialog({
				title: __("Reject Order {0}", [frappe.utils.escape_html(frm.doc.name)]),
				fields: [
					{
						fieldname: "rejection_reason",
						fieldtype: "Small Text",
						label: __("Rejection Reason"),
						description: __("The clerk sees this reason on the order."),
						default: frm.doc.rejection_reason,
						reqd: 1,
					},
				],
				primary_action_label: __("Reject"),
				primary_action({ rejection_reason }) {
					answered = true;
					dialog.hide();
					// Balanced by the unfreeze that follows the workflow action.
					frappe.dom.freeze();
					frm.set_value("rejection_reason", rejection_reason)
						.then(() => frm.save())
						.then(resolve)
						.catch((error) => {
							frappe.dom.unfreeze();
							reject(error);
						});
				},
			});
			dialog.onhide = () => {
				if (answered) return;
				frm.selected_workflow_action = null;
				reject(new Error("Rejection cancelled"));
			};
			dialog.show();
		});
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
						message &&
						frappe.show_alert({ message: __("Status update queued"), indicator: "green" }),
				})
			);
		}
	},

	customer(frm) {
		fill_customer_defaults(frm);
		(frm.doc.items || []).forEach((row) => row.product && fetch_product_details(frm, row));
		frm.trigger("show_headline");
	},

	delivery_date(frm) {
		frm.trigger("show_headline");
	},

	payment_terms(frm) {
		frm.trigger("show_headline");
	},

	delivery_address(frm) {
		frm.trigger("show_headline");
	},
});

frappe.ui.form.on("OC Order Item", {
	product(frm, cdt, cdn) {
		fetch_product_details(frm, locals[cdt][cdn]);
		frm.trigger("show_headline");
	},
	qty(frm, cdt, cdn) {
		set_amount(frm, locals[cdt][cdn]);
	},
	rate(frm, cdt, cdn) {
		set_amount(frm, locals[cdt][cdn]);
	},
	price_list_rate(frm, cdt, cdn) {
		set_price_deviation(frm, locals[cdt][cdn]);
	},
	price_deviation_reason(frm, cdt, cdn) {
		frm.trigger("show_headline");
		show_price_deviations(frm);
		refresh_rate_cell(frm, locals[cdt][cdn]);
	},
	items_add(frm) {
		frm.trigger("show_headline");
	},
	items_remove(frm) {
		set_totals(frm);
	},
});

// What `check_facts` reads of the form: the seven facts and each line's price deviation.
function facts_of(doc) {
	return {
		name: doc.__islocal ? null : doc.name,
		customer: doc.customer,
		delivery_date: doc.delivery_date,
		payment_terms: doc.payment_terms,
		delivery_address: doc.delivery_address,
		items: (doc.items || []).map((row) => ({
			product: row.product,
			qty: row.qty,
			rate: row.rate,
			price_deviation_percent: row.price_deviation_percent,
			price_deviation_reason: row.price_deviation_reason,
		})),
	};
}

function completeness_html(missing) {
	if (!missing.length) {
		return `<div class="oc-completeness" data-complete="1">
			<span class="indicator-pill green">${__("All seven facts confirmed")}</span>
		</div>`;
	}
	const items = missing.map((fact) => `<li>${frappe.utils.escape_html(fact)}</li>`).join("");
	return `<div class="oc-completeness" data-complete="0">
		<span class="indicator-pill orange">${__("Still to confirm: {0}", [missing.length])}</span>
		<ul class="oc-missing-facts mb-0 mt-1">${items}</ul>
	</div>`;
}

function needs_deviation_reason(row, tolerance) {
	if (tolerance === null || tolerance === undefined) return false;
	return Math.abs(flt(row.price_deviation_percent)) > flt(tolerance);
}

function is_price_deviation(row, tolerance) {
	return (
		needs_deviation_reason(row, tolerance) ||
		Boolean(flt(row.price_deviation_percent) && (row.price_deviation_reason || "").trim())
	);
}

function load_price_tolerance(frm) {
	// Only those who may read the settings get the tolerance; others see the deviations that
	// carry a reason, which on an approved order are all of those beyond the tolerance.
	frm.oc_price_tolerance = null;
	if (!frappe.model.can_read("OC Settings")) return;
	frappe.db.get_single_value("OC Settings", "price_tolerance_percent").then((value) => {
		frm.oc_price_tolerance = flt(value);
		frm.trigger("show_headline");
		show_price_deviations(frm);
		frm.refresh_field("items");
	});
}

// The rate of a line priced away from its reference shows the deviation, in red while the
// reason is missing; the reason is its tooltip.
function set_rate_formatter(frm) {
	const base_formatter = frappe.form.get_formatter("Currency");
	frm.oc_rate_formatter = (value, df, options, row) => {
		const formatted = base_formatter(value, df, options, row);
		if (!row || !is_price_deviation(row, frm.oc_price_tolerance)) return formatted;
		const reason = (row.price_deviation_reason || "").trim();
		return `<span class="oc-price-deviation ${reason ? "text-warning" : "text-danger"}"
			title="${frappe.utils.escape_html(reason || __("No reason given yet"))}">
			${formatted} <small>(${format_deviation(row)})</small></span>`;
	};
	// Rows copy their fields from the meta, or from the grid's copy when it already exists.
	frappe.meta.docfield_map["OC Order Item"].rate.formatter = frm.oc_rate_formatter;
}

function format_deviation(row) {
	const percent = flt(row.price_deviation_percent);
	return `${percent > 0 ? "+" : ""}${format_number(percent, null, 2)}%`;
}

function use_rate_formatter(frm) {
	const grid = frm.fields_dict.items && frm.fields_dict.items.grid;
	const rate = grid && grid.docfields && grid.docfields.find((df) => df.fieldname === "rate");
	if (rate && rate.formatter !== frm.oc_rate_formatter) {
		grid.update_docfield_property("rate", "formatter", frm.oc_rate_formatter);
	}
}

// Below the items: every line priced away from its reference, with the reason given.
function show_price_deviations(frm) {
	const field = frm.fields_dict.items;
	if (!field) return;
	let $box = field.$wrapper.find(".oc-price-deviations");
	if (!$box.length) $box = $('<div class="oc-price-deviations mt-2"></div>').appendTo(field.$wrapper);
	const can_see_prices = frm.perm[1] && frm.perm[1].read;
	const rows = (frm.doc.items || []).filter((row) => is_price_deviation(row, frm.oc_price_tolerance));
	if (!can_see_prices || !rows.length) {
		$box.empty().addClass("hidden");
		return;
	}
	const lines = rows
		.map((row) => {
			const reason = (row.price_deviation_reason || "").trim();
			return `<li class="${reason ? "" : "text-danger"}" data-idx="${row.idx}">
				${__("Row {0}: {1} at {2}, reference {3} ({4})", [
					row.idx,
					frappe.utils.escape_html(row.product_name || row.product || ""),
					format_currency(row.rate),
					format_currency(row.price_list_rate),
					format_deviation(row),
				])}
				— ${reason ? frappe.utils.escape_html(reason) : __("No reason given yet")}</li>`;
		})
		.join("");
	$box.removeClass("hidden").html(`<div class="alert alert-warning mb-0">
		<strong>${__("Price Deviations")}</strong><ul class="mb-0">${lines}</ul></div>`);
}

function fill_customer_defaults(frm) {
	// As the server does on save: what the clerk left empty comes from the customer's master data.
	if (!frm.doc.customer) return;
	const fields = {
		payment_terms: "payment_terms",
		delivery_address: "delivery_address",
		contact_person: "contact_person",
		contact_phone: "phone",
		contact_email: "email",
	};
	frappe.db.get_value("OC Customer", frm.doc.customer, Object.values(fields)).then(({ message }) => {
		if (!message) return;
		const values = {};
		for (const [target, source] of Object.entries(fields)) {
			if (!frm.doc[target] && message[source]) values[target] = message[source];
		}
		if (Object.keys(values).length) frm.set_value(values);
	});
}

function fetch_product_details(frm, row) {
	if (!row.product) return;
	frappe.call({
		method: "order_clerk.api.get_product_details",
		type: "GET",
		args: { product: row.product, customer: frm.doc.customer || null },
		callback({ message }) {
			if (!message) return;
			frappe.model.set_value(row.doctype, row.name, {
				product_name: message.product_name,
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
	set_price_deviation(frm, row);
	set_totals(frm);
}

function set_price_deviation(frm, row) {
	// Same rounding as the server (intake.set_item_details).
	const reference = flt(row.price_list_rate);
	const percent = reference && flt(row.rate) ? flt(((flt(row.rate) - reference) / reference) * 100, 2) : 0;
	if (flt(row.price_deviation_percent) !== percent) {
		frappe.model.set_value(row.doctype, row.name, "price_deviation_percent", percent);
	}
	frm.trigger("show_headline");
	show_price_deviations(frm);
	refresh_rate_cell(frm, row);
}

function refresh_rate_cell(frm, row) {
	// The grid redraws a cell when its own value changes; the rate's look depends on others.
	const grid_row = frm.fields_dict.items.grid.get_row(row.name);
	if (grid_row) grid_row.refresh_field("rate");
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
	frm.trigger("show_headline");
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
						<td>${cint(line.idx)}</td><td>${frappe.utils.escape_html(line.product_name || line.product)}</td>
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
			// Carrier and tracking number are typed by users: every value is escaped.
			const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
			const shipments = (s.shipments || [])
				.map(
					(x) => `<li class="oc-shipment">${esc(x.outbound_slip)} →
						${x.delivery_note ? esc(x.delivery_note) : __("no delivery note yet")}
						<span class="oc-carrier">${esc(x.carrier)}</span>
						<span class="oc-tracking-no">${esc(x.tracking_no)}</span>
						${x.sign_status ? esc(__(x.sign_status)) : ""}</li>`
				)
				.join("");
			frappe.msgprint({
				title: __("Order Status"),
				message: `<p>${esc(__(s.status))}: ${esc(flt(s.per_shipped))}% ${__("shipped")},
					${esc(flt(s.per_delivered))}% ${__("delivered")}</p><ul>${shipments}</ul>
					<p>${__("Open exceptions")}: ${(s.open_exceptions || []).length}</p>`,
			});
		},
	});
}

// The reviewer sees the customer's exposure and credit limit before approving; the server
// decides (order_clerk.credit), this only shows its figures.
const CREDIT_ROLES = [
	"Order Clerk",
	"Order Reviewer",
	"Finance Officer",
	"Credit Controller",
	"System Manager",
];

function show_credit_position(frm) {
	if (frm.doc.docstatus !== 0 || frm.doc.workflow_state !== "Pending Review" || !frm.doc.customer) return;
	if (!CREDIT_ROLES.some((role) => frappe.user.has_role(role))) return;
	const order = frm.doc.name;
	frappe.call({
		method: "order_clerk.api.get_credit_position",
		type: "GET",
		args: { order },
		callback({ message: position }) {
			// Another order may be open by the time the answer comes.
			if (!position || !position.credit_limit || frm.doc.name !== order) return;
			const text = __(
				"Credit limit {0}; exposure {1} now, {2} with this order (orders not invoiced {3}, invoices unpaid {4}).",
				[
					format_currency(position.credit_limit),
					format_currency(position.exposure),
					format_currency(position.exposure_after),
					format_currency(position.orders_not_invoiced),
					format_currency(position.invoices_unpaid),
				]
			);
			frm.dashboard.add_comment(
				frappe.utils.escape_html(text),
				position.over_limit ? "red" : "green",
				true
			);
			if (position.over_limit && frappe.user.has_role("Credit Controller")) {
				add_credit_override_button(frm);
			}
		},
	});
}

function add_credit_override_button(frm) {
	frm.add_custom_button(__("Approve over Credit Limit"), () => {
		frappe.prompt(
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Credit Override Reason"),
				description: __("Kept on the order and in its approval trail."),
				reqd: 1,
			},
			({ reason }) =>
				frappe
					.call({
						method: "order_clerk.api.approve_over_credit_limit",
						args: { order: frm.doc.name, reason },
						freeze: true,
					})
					.then(() => frm.reload_doc()),
			__("Approve Order {0} over the Credit Limit", [frappe.utils.escape_html(frm.doc.name)]),
			__("Approve")
		);
	});
}
