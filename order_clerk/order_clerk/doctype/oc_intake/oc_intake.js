// Copyright (c) 2026, order_clerk contributors
// For license information, please see license.txt

// The review screen: the original beside the order read from it, each value with its confidence
// and where it was found. The clerk corrects values in place; the server decides (convert,
// process and reject in oc_intake.py), and says which actions are open and what confidence a
// value needs (get_review).

const OC_INTAKE_METHOD = "order_clerk.order_clerk.doctype.oc_intake.oc_intake.";

frappe.ui.form.on("OC Intake", {
	refresh(frm) {
		const wrapper = frm.get_field("review_html").$wrapper;
		wrapper.empty();
		frm.oc_review = null;
		if (frm.is_new()) return;
		const name = frm.doc.name;
		frappe.call({ method: OC_INTAKE_METHOD + "get_review", args: { name }, type: "GET" }).then((r) => {
			if (frm.doc.name !== name || !r.message) return;
			frm.oc_review = new IntakeReview(frm, wrapper, r.message);
			add_review_buttons(frm, r.message.actions);
		});
	},
});

function add_review_buttons(frm, actions) {
	if (actions.includes("apply_revision")) {
		frm.add_custom_button(__("Apply Revision"), () => frm.oc_review.apply_revision()).addClass(
			"btn-primary oc-apply-revision"
		);
	}
	if (actions.includes("convert")) {
		frm.add_custom_button(__("Convert to Order"), () => frm.oc_review.convert()).addClass(
			"btn-primary oc-convert"
		);
	}
	if (actions.includes("process")) {
		const label = frm.doc.status === "New" ? __("Read Document") : __("Read Again");
		frm.add_custom_button(label, () =>
			frappe
				.call({
					method: OC_INTAKE_METHOD + "process",
					args: { name: frm.doc.name },
					freeze: true,
					freeze_message: __("Reading the document…"),
				})
				.then(() => frm.reload_doc())
		);
	}
	if (actions.includes("reject")) {
		frm.add_custom_button(__("Reject"), () =>
			frappe.confirm(__("Reject intake {0}? No order will be made from it.", [frm.doc.name]), () =>
				frappe
					.call({ method: OC_INTAKE_METHOD + "reject", args: { name: frm.doc.name }, freeze: true })
					.then(() => frm.reload_doc())
			)
		);
	}
	add_reply_buttons(frm, actions);
}

// Answers to the sender: the server offers them (actions) and writes them (order_clerk.capture.replies).
function add_reply_buttons(frm, actions) {
	if (actions.includes("acknowledge")) {
		frm.add_custom_button(__("Acknowledge"), () =>
			frappe
				.call({
					method: OC_INTAKE_METHOD + "acknowledge",
					args: { name: frm.doc.name },
					freeze: true,
				})
				.then((r) => {
					if (!r.message) return;
					frappe.show_alert({
						message: __("The order's summary is queued to {0}.", [frm.doc.sender]),
						indicator: "green",
					});
					frm.reload_doc();
				})
		).addClass("oc-acknowledge");
	}
	if (actions.includes("clarify")) {
		frm.add_custom_button(__("Ask the Sender"), () => ask_the_sender(frm)).addClass("oc-clarify");
	}
	if (actions.includes("read_reply")) {
		// The sender's latest answer in the thread, read again for what was asked.
		frm.add_custom_button(__("Read the Reply"), () =>
			frappe
				.call({
					method: OC_INTAKE_METHOD + "read_reply",
					args: { name: frm.doc.name },
					freeze: true,
				})
				.then((r) => {
					if (!r.message) return;
					const changes = r.message.changes || [];
					frappe.show_alert({
						message: changes.length
							? __("The reply changed: {0}", [
									changes.map((c) => frappe.utils.escape_html(c)).join("; "),
								])
							: __("The reply changed nothing."),
						indicator: changes.length ? "green" : "orange",
					});
					frm.reload_doc();
				})
		).addClass("oc-read-reply");
	}
}

// The questions the server wrote from what is missing or doubtful, for the clerk to edit and send
// (send_clarification checks again and queues the e-mail).
function ask_the_sender(frm) {
	const name = frm.doc.name;
	frappe.call({ method: OC_INTAKE_METHOD + "get_clarification", args: { name }, type: "GET" }).then((r) => {
		if (!r.message) return;
		const offered = r.message;
		const dialog = new frappe.ui.Dialog({
			title: __("Ask the Sender"),
			fields: [
				{
					fieldname: "recipients",
					fieldtype: "Data",
					label: __("To"),
					read_only: 1,
					default: offered.recipients,
				},
				{
					fieldname: "subject",
					fieldtype: "Data",
					label: __("Subject"),
					reqd: 1,
					default: offered.subject,
				},
				{
					fieldname: "message",
					fieldtype: "Text Editor",
					label: __("Message"),
					default: offered.message,
				},
			],
			primary_action_label: __("Send"),
			primary_action(values) {
				frappe
					.call({
						method: OC_INTAKE_METHOD + "send_clarification",
						args: { name, subject: values.subject, message: values.message },
						freeze: true,
					})
					.then((sent) => {
						if (!sent.message) return;
						dialog.hide();
						frappe.show_alert({
							message: __("The questions are queued to {0}.", [offered.recipients]),
							indicator: "green",
						});
						frm.reload_doc();
					});
			},
		});
		dialog.$wrapper.addClass("oc-clarification");
		dialog.show();
	});
}

// How a value was found, as the extraction notes it.
function how_found(note, source) {
	if (!note) return "";
	if (note === "defaulted") {
		return (
			{
				customer: __("from the customer's record"),
				product: __("the product's standard price"),
				sender: __("the sender"),
			}[source] || __("from the customer's record")
		);
	}
	const converted = note.match(/^converted from (.+)$/);
	if (converted) return __("converted from {0}", [converted[1]]);
	return (
		{
			"sender e-mail": __("by the sender's e-mail address"),
			"sender domain": __("by the sender's e-mail domain"),
			"sender number": __("by the sender's phone or fax number"),
			"name in document": __("named in the document"),
			"similar name in document": __("a similar name in the document"),
			"unknown sender": __("unknown sender"),
			"customer item code": __("by the customer's part number"),
			"product code": __("by our product code"),
			"name and specification": __("by name and specification"),
			specification: __("by the specification"),
			name: __("by the name only"),
			ambiguous: __("several products fit"),
			"no product": __("no product found"),
			usual: __("the usual, as on record"),
			absolute: "",
			relative: __("a relative date, counted from the day it arrived"),
		}[note] ?? note
	);
}

// Where in the original a value was found: a cell (Sheet!E6) as it is, the rest in words.
function where_label(source) {
	if (!source) return "";
	let m;
	if ((m = source.match(/^page (\d+), line (\d+)$/))) return __("page {0}, line {1}", [m[1], m[2]]);
	if ((m = source.match(/^page (\d+), table row (\d+)$/)))
		return __("page {0}, table row {1}", [m[1], m[2]]);
	if ((m = source.match(/^body line (\d+)$/))) return __("e-mail line {0}", [m[1]]);
	if ((m = source.match(/^image line (\d+)$/))) return __("scan line {0}", [m[1]]);
	if ((m = source.match(/^line (\d+)$/))) return __("line {0}", [m[1]]);
	const words = {
		subject: __("the subject"),
		sender: __("the sender"),
		customer: __("the customer's record"),
		product: __("the product's record"),
	};
	return words[source] || source;
}

function is_blank(value) {
	return value === null || value === undefined || value === "";
}

function same_value(a, b, numeric) {
	if (is_blank(a) && is_blank(b)) return true;
	if (numeric) return flt(a) === flt(b);
	return String(a ?? "") === String(b ?? "");
}

const FACT_FIELDS = {
	customer: { fieldtype: "Link", options: "OC Customer" },
	delivery_date: { fieldtype: "Date" },
	delivery_address: { fieldtype: "Small Text" },
};

const LINE_FIELDS = {
	product: { fieldtype: "Link", options: "OC Product" },
	qty: { fieldtype: "Float" },
	rate: { fieldtype: "Float" },
};

class IntakeReview {
	constructor(frm, wrapper, screen) {
		this.frm = frm;
		this.wrapper = wrapper;
		this.screen = screen;
		this.extraction = JSON.parse(frm.doc.extraction || "{}");
		this.editable = screen.actions.includes("convert");
		this.controls = { facts: {}, lines: [] };
		this.render();
	}

	render() {
		this.wrapper.html(`
			<style>${IntakeReview.css}</style>
			<div class="oc-review">
				<div class="oc-review-original"></div>
				<div class="oc-review-extracted"></div>
			</div>`);
		if (this.screen.revision) this.render_revision(this.wrapper.find(".oc-review"));
		this.render_original(this.wrapper.find(".oc-review-original"));
		this.render_extracted(this.wrapper.find(".oc-review-extracted"));
		// Pointing at a value shows where it was found in the original.
		this.wrapper.off(".oc_review");
		const pointers = ".oc-value[data-where], .oc-column[data-where]";
		this.wrapper.on("mouseenter.oc_review", pointers, (e) =>
			this.point_at(e.currentTarget.dataset.where)
		);
		this.wrapper.on("mouseleave.oc_review", pointers, () => this.point_at(null));
		this.wrapper.on("click.oc_review", ".oc-map-columns", () => this.map_columns());
	}

	// A revised purchase order: what it changes against the order we hold, line by line.
	render_revision($review) {
		const esc = frappe.utils.escape_html;
		const revision = this.screen.revision;
		const kinds = { added: __("Added"), removed: __("Removed"), changed: __("Changed") };
		const outcome = {
			update: __("Applying it updates draft order {0}.", [esc(revision.order)]),
			exception: __(
				"Order {0} is approved: applying it raises a Customer Change exception and leaves the order as it is.",
				[esc(revision.order)]
			),
			frozen: __(
				"Order {0} is waiting for review and cannot change; a reviewer must reject it back to you first.",
				[esc(revision.order)]
			),
			cancelled: __("Order {0} was cancelled; convert this revision into a new order.", [
				esc(revision.order),
			]),
			"no order": __("The earlier intake has not become an order; convert this revision instead."),
			done: revision.exception
				? __("Raised as Customer Change exception {0}.", [esc(revision.exception)])
				: __("Applied to order {0}.", [esc(revision.order || "")]),
		}[revision.outcome];
		const show = (value) => (is_blank(value) ? "" : esc(String(value)));
		const rows = revision.changes
			.map((change) => {
				const before =
					change.change === "changed"
						? show(change.old)
						: change.change === "removed"
							? __("{0} at {1}", [show(change.qty), show(change.rate)])
							: "";
				const after =
					change.change === "changed"
						? show(change.new)
						: change.change === "added"
							? __("{0} at {1}", [show(change.qty), show(change.rate)])
							: "";
				return `<tr class="oc-change oc-change-${esc(change.change)}">
					<td>${esc(kinds[change.change] || change.change)}</td>
					<td>${show(change.line)}</td>
					<td>${show(change.product)}</td>
					<td>${change.change === "changed" ? esc(change.label || "") : ""}</td>
					<td>${before}</td><td>${after}</td>
				</tr>`;
			})
			.join("");
		$review.before(`
			<div class="oc-revision">
				<div class="oc-review-heading">${__("Changes in the Revision")}</div>
				<p class="small text-muted oc-revision-outcome">${outcome || ""}</p>
				${
					rows
						? `<table class="table table-sm oc-revision-changes"><thead><tr>
							<th>${__("Change")}</th><th>#</th><th>${__("Product")}</th><th>${__("What")}</th>
							<th>${__("Before")}</th><th>${__("After")}</th></tr></thead><tbody>${rows}</tbody></table>`
						: `<p class="text-muted">${__("The revision changes nothing on the order.")}</p>`
				}
			</div>`);
	}

	apply_revision() {
		const frm = this.frm;
		const revision = this.screen.revision;
		const question =
			revision.outcome === "exception"
				? __("Raise a Customer Change exception on approved order {0}?", [
						frappe.utils.escape_html(revision.order),
					])
				: __("Update draft order {0} with the customer's changes?", [
						frappe.utils.escape_html(revision.order),
					]);
		frappe.confirm(question, () =>
			frappe
				.call({
					method: "order_clerk.capture.revisions.apply_revision",
					args: { name: frm.doc.name },
					freeze: true,
				})
				.then((r) => {
					if (!r.message) return;
					frappe.show_alert({
						message: r.message.exception
							? __("Customer Change exception {0} raised.", [
									frappe.utils.escape_html(r.message.exception),
								])
							: __("Order {0} updated.", [frappe.utils.escape_html(r.message.order)]),
						indicator: "green",
					});
					frm.reload_doc();
				})
		);
	}

	render_original($box) {
		const original = this.screen.original;
		const esc = frappe.utils.escape_html;
		const doc = this.frm.doc;
		const link = original.url
			? `<a href="${esc(original.url)}" target="_blank" rel="noopener">${esc(original.file_name)}</a>`
			: esc(original.file_name || "");
		$box.append(`
			<div class="oc-review-heading">${__("Original")}: ${link}</div>
			<div class="oc-review-meta small text-muted">
				${esc(doc.sender || "")}${doc.subject ? " · " + esc(doc.subject) : ""}
			</div>`);
		if (original.kind === "image") {
			$box.append(
				`<img class="oc-original-image" src="${esc(original.url)}" alt="${esc(original.file_name)}">`
			);
		} else if (original.kind === "pdf") {
			$box.append(
				`<iframe class="oc-original-pdf" src="${esc(original.url)}" title="${esc(original.file_name)}"></iframe>`
			);
		} else if (original.pages && original.pages.length) {
			original.pages.forEach((page) => $box.append(this.page_html(page)));
		} else {
			$box.append(
				`<p class="text-muted">${
					original.url
						? __("This document cannot be shown here; open it with the link above.")
						: __("There is no original document.")
				}</p>`
			);
		}
	}

	page_html(page) {
		const esc = frappe.utils.escape_html;
		const title = `<div class="oc-page-title small text-muted">${esc(page.title)}</div>`;
		if (page.rows) {
			const rows = page.rows
				.map(
					(row) =>
						`<tr>${row
							.map(
								([text, where]) =>
									`<td data-where="${esc(where)}" title="${esc(where)}">${esc(text)}</td>`
							)
							.join("")}</tr>`
				)
				.join("");
			return `${title}<div class="oc-original-sheet"><table class="oc-sheet">${rows}</table></div>`;
		}
		const lines = (page.lines || [])
			.map(
				([text, where]) =>
					`<div class="oc-original-line" data-where="${esc(where)}"><span class="oc-where">${esc(
						where_label(where)
					)}</span>${esc(text)}</div>`
			)
			.join("");
		return `${title}<div class="oc-original-text">${lines}</div>`;
	}

	// The columns of the sheet's table as the reader understood them; the clerk may give one
	// another meaning (map_columns keeps it for the customer and reads the document again).
	render_columns($box) {
		const view = this.screen.columns;
		if (!view) return;
		const esc = frappe.utils.escape_html;
		const may_map = this.screen.actions.includes("map_columns");
		const label_of = (column) =>
			(view.meanings.find((m) => m.value === column.meaning) || {}).label ||
			column.read_as ||
			__("Not read");
		const rows = view.columns
			.map((column) => {
				const options = (column.meaning ? [] : [{ value: "", label: label_of(column) }])
					.concat(view.meanings)
					.map((m) => {
						const selected = m.value === column.meaning ? "selected" : "";
						return `<option value="${esc(m.value)}" ${selected}>${esc(m.label)}</option>`;
					})
					.join("");
				const read = esc(column.meaning);
				const meaning = may_map
					? `<select class="form-control input-xs oc-column-meaning" data-read="${read}">${options}</select>`
					: `<span class="oc-column-meaning-text">${esc(label_of(column))}</span>`;
				return `<tr class="oc-column ${column.meaning ? "" : "oc-column-unread"}"
					data-where="${esc(column.where)}" data-heading="${esc(column.heading)}">
					<td class="text-muted">${esc(column.where)}</td>
					<td class="oc-column-heading">${esc(column.heading)}</td>
					<td>${meaning}</td>
				</tr>`;
			})
			.join("");
		const note = may_map
			? __(
					"What each column of the customer's sheet means, as read. Give a column another meaning and apply: the mapping is kept for this customer and the document is read again."
				)
			: esc(view.refusal || "");
		const apply = __("Apply Column Mapping");
		const button = may_map
			? `<button class="btn btn-xs btn-default oc-map-columns">${apply}</button>`
			: "";
		$box.append(`
			<div class="oc-columns">
				<div class="oc-review-heading">${__("Columns of the Table")}</div>
				<div class="small text-muted oc-columns-note">${note}</div>
				<table class="table table-sm oc-columns-table">
					<thead><tr><th>${__("Cell")}</th><th>${__("Column Heading")}</th><th>${__("Means")}</th></tr></thead>
					<tbody>${rows}</tbody>
				</table>
				${button}
			</div>`);
	}

	// Only the columns the clerk changed; the server checks the whole mapping.
	map_columns() {
		const frm = this.frm;
		const mapping = {};
		this.wrapper.find(".oc-column").each((_i, row) => {
			const $select = $(row).find("select.oc-column-meaning");
			if ($select.length && $select.val() !== $select.attr("data-read")) {
				mapping[row.dataset.heading] = $select.val();
			}
		});
		if (!Object.keys(mapping).length) {
			frappe.msgprint(__("Give a column another meaning first."));
			return;
		}
		frappe
			.call({
				method: OC_INTAKE_METHOD + "map_columns",
				args: { name: frm.doc.name, mapping: JSON.stringify(mapping) },
				freeze: true,
				freeze_message: __("Reading the document with the columns as mapped…"),
			})
			.then((r) => {
				if (!r.message) return;
				frappe.show_alert({
					message: r.message.order
						? __("Read again with the columns as mapped: order {0} made.", [
								frappe.utils.escape_html(r.message.order),
							])
						: __("Read again with the columns as mapped: {0}.", [__(r.message.status)]),
					indicator: "green",
				});
				frm.reload_doc();
			});
	}

	render_extracted($box) {
		const data = this.extraction;
		const threshold = this.screen.threshold;
		this.render_columns($box);
		if (!data.lines) {
			$box.append(`<div class="oc-review-heading">${__("Extracted Order")}</div>
				<p class="text-muted">${__("The document has not been read yet.")}</p>`);
			return;
		}
		$box.append(`
			<div class="oc-review-heading">${__("Extracted Order")}</div>
			<div class="small text-muted">${__(
				"Values read with less than {0}% confidence are highlighted; missing values are marked.",
				[Math.round(threshold * 100)]
			)}</div>
			<table class="table table-sm oc-review-facts"><tbody></tbody></table>
			<table class="table table-sm oc-review-lines">
				<thead><tr>
					<th>#</th><th>${__("In the Document")}</th><th>${__("Product")}</th>
					<th>${__("Qty")}</th><th>${__("Rate")}</th>
				</tr></thead>
				<tbody></tbody>
			</table>`);
		const $facts = $box.find(".oc-review-facts tbody");
		this.screen.facts.forEach((fact) => {
			const $row = $(
				`<tr data-fact="${fact}"><th>${frappe.utils.escape_html(this.screen.labels[fact])}</th></tr>`
			);
			$row.append(
				this.value_cell(data[fact] || {}, FACT_FIELDS[fact] || { fieldtype: "Data" }, (control) => {
					this.controls.facts[fact] = control;
				})
			);
			$facts.append($row);
		});
		const $lines = $box.find(".oc-review-lines tbody");
		data.lines.forEach((line, index) => {
			const esc = frappe.utils.escape_html;
			const $row = $(`<tr data-line="${index + 1}">
				<td>${index + 1}</td>
				<td class="oc-line-text">
					${line.code ? `<div class="oc-line-code">${esc(line.code)}</div>` : ""}
					<div>${esc(line.text || "")}</div>
				</td></tr>`);
			const controls = {};
			Object.entries(LINE_FIELDS).forEach(([field, df]) => {
				$row.append(this.value_cell(line[field] || {}, df, (control) => (controls[field] = control)));
			});
			this.controls.lines.push(controls);
			$lines.append($row);
		});
	}

	// One value: an input (or its text, when it can no longer change), its confidence, and how
	// and where it was found.
	value_cell(read, df, keep) {
		const esc = frappe.utils.escape_html;
		const missing = is_blank(read.value);
		const low = !missing && (read.confidence || 0) < this.screen.threshold;
		const where = where_label(read.source);
		const how = how_found(read.note, read.source);
		const $cell = $(`<td class="oc-value ${missing ? "oc-missing" : ""} ${low ? "oc-low" : ""}"
			${read.source ? `data-where="${esc(read.source)}"` : ""}
			title="${esc([where, how].filter(Boolean).join(" · "))}">
				<div class="oc-input"></div>
				<div class="oc-value-facts small">
					<span class="oc-confidence">${
						missing ? __("Missing") : __("{0}% sure", [Math.round((read.confidence || 0) * 100)])
					}</span>
					${where ? `<span class="oc-source">${esc(where)}</span>` : ""}
					${how ? `<span class="oc-how">${esc(how)}</span>` : ""}
				</div>
			</td>`);
		if (this.editable) {
			const control = frappe.ui.form.make_control({
				parent: $cell.find(".oc-input"),
				df: { ...df, fieldname: `oc_review_${frappe.utils.get_random(6)}` },
				render_input: true,
				only_input: true,
			});
			control.set_value(missing ? "" : read.value);
			control.read = read.value;
			keep(control);
		} else {
			$cell.find(".oc-input").text(missing ? "" : String(read.value));
		}
		return $cell;
	}

	point_at(where) {
		const $original = this.wrapper.find(".oc-review-original");
		$original.find(".oc-source-active").removeClass("oc-source-active");
		if (!where) return;
		const $found = $original.find("[data-where]").filter((_i, el) => el.dataset.where === where);
		$found.addClass("oc-source-active");
	}

	// Only what the clerk changed; the lines go whole (the server takes them as the order's lines).
	corrections() {
		const corrections = {};
		Object.entries(this.controls.facts).forEach(([fact, control]) => {
			const value = control.get_value();
			if (!same_value(value, control.read)) corrections[fact] = value;
		});
		const lines = this.controls.lines.map((controls) => ({
			product: controls.product.get_value(),
			qty: controls.qty.get_value(),
			rate: controls.rate.get_value(),
		}));
		const changed = this.controls.lines.some(
			(controls, i) =>
				!same_value(lines[i].product, controls.product.read) ||
				!same_value(lines[i].qty, controls.qty.read, true) ||
				!same_value(lines[i].rate, controls.rate.read, true)
		);
		if (changed) corrections.lines = lines;
		return corrections;
	}

	convert() {
		const frm = this.frm;
		frappe
			.call({
				method: OC_INTAKE_METHOD + "convert",
				args: { name: frm.doc.name, corrections: JSON.stringify(this.corrections()) },
				freeze: true,
				freeze_message: __("Making the order…"),
			})
			.then((r) => {
				if (!r.message) return;
				frappe.show_alert({ message: __("Order {0} made.", [r.message]), indicator: "green" });
				frappe.set_route("Form", "OC Order", r.message);
			});
	}
}

IntakeReview.css = `
	.oc-review { display: flex; gap: var(--padding-lg, 20px); align-items: flex-start; }
	.oc-review-original, .oc-review-extracted { flex: 1 1 50%; min-width: 0; }
	.oc-review-heading { font-weight: 600; margin-bottom: 4px; }
	.oc-original-image { max-width: 100%; border: 1px solid var(--border-color); }
	.oc-original-pdf { width: 100%; height: 80vh; border: 1px solid var(--border-color); }
	.oc-original-sheet, .oc-original-text { max-height: 80vh; overflow: auto;
		border: 1px solid var(--border-color); font-size: var(--text-sm, 12px); }
	.oc-sheet td { border: 1px solid var(--border-color); padding: 2px 4px; white-space: nowrap; }
	.oc-original-line { padding: 1px 4px; white-space: pre-wrap; }
	.oc-where { color: var(--text-muted); margin-right: 8px; }
	.oc-source-active { background: var(--yellow-100, #fff7d3); outline: 2px solid var(--yellow-400, #f5c000); }
	.oc-review-facts th { width: 25%; font-weight: normal; color: var(--text-muted); }
	.oc-value.oc-low { background: var(--orange-50, #fff5eb); }
	.oc-value.oc-low .oc-confidence { color: var(--orange-600, #d4660d); font-weight: 600; }
	.oc-value.oc-missing { background: var(--red-50, #fff0f0); }
	.oc-value.oc-missing .oc-confidence { color: var(--red-600, #c9303a); font-weight: 600; }
	.oc-value-facts span + span::before { content: " · "; }
	.oc-value-facts { color: var(--text-muted); }
	.oc-line-text { max-width: 260px; font-size: var(--text-sm, 12px); }
	.oc-line-code { font-weight: 600; }
	.oc-revision { margin-bottom: var(--padding-md, 15px); }
	.oc-columns { margin-bottom: var(--padding-md, 15px); }
	.oc-columns-table select { max-width: 180px; }
	.oc-column-unread .oc-column-heading { color: var(--orange-600, #d4660d); font-weight: 600; }
	.oc-change-added td:first-child { color: var(--green-600, #2f9d58); font-weight: 600; }
	.oc-change-removed td:first-child { color: var(--red-600, #c9303a); font-weight: 600; }
	.oc-change-changed td:first-child { color: var(--orange-600, #d4660d); font-weight: 600; }
`;
