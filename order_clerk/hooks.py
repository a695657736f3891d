app_name = "order_clerk"
app_title = "Order Clerk"
app_publisher = "order_clerk contributors"
app_description = "Order desk for the order-entry clerk: intake, maker-checker review, fulfilment, archive"
app_email = "order-clerk@example.com"
app_license = "mit"

export_python_type_annotations = True

# Desk helpers shared by the app's list views (saved filters).
app_include_js = "/assets/order_clerk/js/order_clerk.js"

after_install = "order_clerk.install.after_install"
after_migrate = "order_clerk.install.after_migrate"

permission_query_conditions = {
	"OC Order": "order_clerk.permissions.order_query_conditions",
	"Prepared Report": "order_clerk.report_access.prepared_report_query_conditions",
	# Lists of the app's child tables keep to rows of parents the user may read.
	"*": "order_clerk.permissions.child_query_conditions",
}

# No list filters, sorts or groups by a field above the user's permission level, and a child
# row read on its own needs its parent document (order_clerk.field_access, .permissions).
_framework_guards = [
	"order_clerk.field_access.install",
	"order_clerk.permissions.install_child_document_check",
]
before_request = _framework_guards
before_job = _framework_guards

has_permission = {
	"OC Order": "order_clerk.permissions.order_has_permission",
	"Prepared Report": "order_clerk.report_access.prepared_report_has_permission",
	# Files kept as evidence (order_clerk.immutability) are read-only for everyone.
	"File": "order_clerk.immutability.file_has_permission",
}

# The customer portal (order_clerk.portal): its pages, its menu, and the one print view its
# contacts may reach, the PDF of their own order or delivery note.
portal_menu_items = [{"title": "My Orders", "route": "/my-orders", "role": "Customer Portal User"}]
website_route_rules = [
	{"from_route": "/my-orders/<name>", "to_route": "my-orders/order"},
	# The receiver's sign-off page behind the QR code of a printed delivery note (no login).
	{"from_route": "/sign/<token>", "to_route": "sign"},
]
role_home_page = {"Customer Portal User": "my-orders"}
has_website_permission = {
	"OC Order": "order_clerk.portal.has_website_permission",
	"OC Delivery Note": "order_clerk.portal.has_website_permission",
}

# The sales reports run for the session user only, and keep prepared results to their owner.
override_whitelisted_methods = {
	"frappe.desk.query_report.run": "order_clerk.report_access.run",
	"frappe.client.get_count": "order_clerk.field_access.get_count",
	# Previews and raw prints render the stored document; every print is logged (order_clerk.printing).
	"frappe.www.printview.get_html_and_style": "order_clerk.printing.views.get_html_and_style",
	"frappe.www.printview.get_rendered_raw_commands": (
		"order_clerk.printing.views.get_rendered_raw_commands"
	),
	"frappe.utils.weasyprint.download_pdf": "order_clerk.printing.views.download_weasyprint_pdf",
	# Approve and Reject from the reviewers' e-mail obey the desk's rules (order_clerk.email_approval).
	"frappe.workflow.doctype.workflow_action.workflow_action.apply_action": (
		"order_clerk.email_approval.apply_action"
	),
	"frappe.workflow.doctype.workflow_action.workflow_action.confirm_action": (
		"order_clerk.email_approval.confirm_action"
	),
}

_guard_sealed = {
	"before_cancel": "order_clerk.archive.guard_sealed",
	"before_update_after_submit": "order_clerk.archive.guard_sealed",
	"on_trash": "order_clerk.archive.guard_sealed",
}
_record_print = {"before_print": "order_clerk.printing.log.record_print"}

# Every print of these DocTypes is recorded in OC Print Log (order_clerk.printing.log);
# nothing of a sealed order changes (order_clerk.archive).
# The sales rollup changes in the same transaction as the order (order_clerk.sales_rollup).
_sales_rollup = {
	"on_submit": "order_clerk.sales_rollup.add_order",
	"on_cancel": "order_clerk.sales_rollup.remove_order",
}

doc_events = {
	"OC Order": {
		**_guard_sealed,
		**_record_print,
		**_sales_rollup,
		# A customer's online confirmation is of what was ordered (order_clerk.portal).
		"validate": "order_clerk.portal.forget_stale_confirmation",
	},
	"User": {"after_rename": "order_clerk.sales_rollup.user_renamed"},
	"OC Outbound Slip": {**_guard_sealed, **_record_print},
	"OC Delivery Note": {**_guard_sealed, **_record_print},
	# Payments received after the archive is sealed are still recorded.
	"OC Invoice Request": {
		**_guard_sealed,
		"before_update_after_submit": (
			"order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request.guard_sealed"
		),
		**_record_print,
	},
	# An e-mail pulled from the orders mailbox (OC Settings, or an Email Account appending to
	# OC Intake) becomes an OC Intake; its body and attachments are then read
	# (order_clerk.capture.mailbox).
	"Communication": {"after_insert": "order_clerk.capture.mailbox.on_communication"},
	# Submitted documents, the masters they name and the files behind a sealed archive never
	# change (order_clerk.immutability).
	"File": {
		"before_insert": [
			"order_clerk.framework_guards.check_attach_permission",
			"order_clerk.immutability.file_before_insert",
		],
		"before_validate": "order_clerk.immutability.file_before_validate",
		"on_trash": "order_clerk.immutability.file_on_trash",
	},
	# Child rows change only through their parent; amending needs its own permission
	# (order_clerk.framework_guards).
	"*": {
		"before_validate": "order_clerk.framework_guards.refuse_child_on_its_own",
		"on_trash": "order_clerk.framework_guards.refuse_child_on_its_own",
		"before_insert": "order_clerk.framework_guards.check_amend_permission",
		"before_rename": "order_clerk.immutability.before_rename",
		"after_rename": "order_clerk.immutability.after_rename",
	},
}

# Every write and delete of a file's bytes passes here, so evidence is never overwritten or
# removed from disk, even by a path that skips permissions (order_clerk.immutability).
write_file = "order_clerk.immutability.write_file"
delete_file_data_content = "order_clerk.immutability.delete_file_data_content"

jinja = {
	"methods": [
		"order_clerk.money.rmb_uppercase",
		"order_clerk.printing.context.oc_print_context",
		"order_clerk.printing.lines.oc_outbound_slip_lines",
		"order_clerk.printing.lines.oc_delivery_note_lines",
		"order_clerk.printing.lines.oc_invoice_request_lines",
		"order_clerk.sign_off_link.oc_sign_off_link",
	],
}

scheduler_events = {
	"daily": [
		"order_clerk.archive.propose_archives",
		"order_clerk.archive.verify_sealed_records",
		"order_clerk.fulfilment.update_overdue_flags",
		"order_clerk.order_clerk.doctype.oc_order_exception.oc_order_exception.escalate_overdue_exceptions",
	],
}

# Stock questions go through order_clerk.stock.get_stock_levels. An app that keeps stock
# elsewhere (ERPNext, say) answers them instead by setting, in its own hooks.py:
# order_clerk_stock_levels = "my_app.stock.get_stock_levels"
