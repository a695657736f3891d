// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

// Desk helpers shared by the app's forms and lists.
frappe.provide("order_clerk.list");

/**
 * Adds the app's saved filters to a list view's sidebar, above Frappe's own "Filter By".
 *
 * Each filter is computed when clicked, so it can say "mine" or "today" for whoever uses it:
 * { name, label, filters: () => [[doctype, field, operator, value], ...] or a promise of them,
 *   show: () => bool }
 */
order_clerk.list.add_saved_filters = function (listview, saved_filters) {
	const sidebar = listview.list_sidebar && listview.list_sidebar.sidebar;
	if (!sidebar) return;
	sidebar.find(".oc-saved-filters").remove();
	const shown = saved_filters.filter((saved) => !saved.show || saved.show());
	if (!shown.length) return;

	const $section = $(`<div class="sidebar-section oc-saved-filters">
		<li class="sidebar-label">${__("Saved Filters")}</li>
	</div>`);
	for (const saved of shown) {
		$(`<li class="list-link">
			<a class="btn btn-default btn-sm list-sidebar-button ellipsis" href="#"></a>
		</li>`)
			.find("a")
			.attr("data-saved-filter", saved.name)
			.text(saved.label)
			.on("click", (event) => {
				event.preventDefault();
				// As Frappe applies its own saved filters (list_filter.js). A filter may ask the
				// server (a promise), when only the server knows the rule.
				Promise.resolve(saved.filters()).then((filters) =>
					listview.filter_area.clear().then(() => listview.filter_area.add(filters))
				);
			})
			.end()
			.appendTo($section);
	}
	sidebar.find(".filter-section").first().before($section);
};

/**
 * The grids of the app's forms show text cells escaped.
 *
 * Frappe's grid puts a Data or text cell into its HTML as it is, and Frappe's sanitiser leaves
 * a value alone when it is a JSON string, so a specification typed as "<img onerror=…>" would
 * run in the browser of whoever opens the order. A read-only Data control of a form escapes
 * before it formats (and passes `inline`): there the value is not escaped twice.
 */
const OC_TEXT_FIELDTYPES = ["Data", "Small Text", "Text", "Long Text"];

order_clerk.escaped_text_formatter = function (value, df, options, doc) {
	const escaped_already = options && options.inline && df.fieldtype === "Data";
	if (typeof value === "string" && !escaped_already) value = frappe.utils.escape_html(value);
	return frappe.form.get_formatter(df.fieldtype)(value, df, options, doc);
};

order_clerk.escape_grid_text = function (frm) {
	for (const field of Object.values(frm.fields_dict || {})) {
		const grid = field.df && field.df.fieldtype === "Table" && field.grid;
		if (!grid) continue;
		// The document's own copies, which the grid reads when it next draws, and those of
		// the rows it already drew.
		const docfields = [
			frappe.meta.get_docfields(field.df.options, frm.docname),
			...(grid.grid_rows || []).map((row) => row.docfields || []),
		];
		let changed = false;
		for (const df of docfields.flat()) {
			const plain_text = OC_TEXT_FIELDTYPES.includes(df.fieldtype) && df.options !== "URL";
			if (plain_text && !df.formatter) {
				df.formatter = order_clerk.escaped_text_formatter;
				changed = true;
			}
		}
		if (changed && grid.grid_rows) grid.refresh();
	}
};

$(document).on("form-refresh", (event, frm) => {
	if (frm && frm.doctype && frm.meta && frm.meta.module === "Order Clerk")
		order_clerk.escape_grid_text(frm);
});

// Filters the app's reports share: a date range, and the sales reports' order filters.
frappe.provide("order_clerk.report");

order_clerk.report.date_range = function (from_default) {
	return [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", default: from_default, reqd: 1 },
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
	];
};

// The channel, customer and clerk of the orders counted, and whether unapproved ones count.
order_clerk.report.order_filters = function ({ product = false } = {}) {
	return [
		{
			fieldname: "channel",
			label: __("Channel"),
			fieldtype: "Select",
			options: ["", "Phone", "Email", "Online Platform", "Fax", "Sales Rep", "API", "Excel Import"],
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "OC Customer" },
		...(product
			? [{ fieldname: "product", label: __("Product"), fieldtype: "Link", options: "OC Product" }]
			: []),
		{ fieldname: "clerk", label: __("Clerk"), fieldtype: "Link", options: "User" },
		{
			fieldname: "include_unapproved",
			label: __("Include orders not yet approved"),
			fieldtype: "Check",
			default: 0,
		},
	];
};

// "Export to Excel" of the sales statistics, with the report's filters.
order_clerk.report.add_excel_export = function (report) {
	report.page.add_inner_button(__("Export to Excel"), () => {
		const filters = report.get_filter_values(true);
		if (!filters) return;
		const args = Object.fromEntries(Object.entries(filters).filter(([, value]) => value));
		window.open(`/api/method/order_clerk.api.export_statistics?${new URLSearchParams(args)}`);
	});
};
