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
