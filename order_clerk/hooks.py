app_name = "order_clerk"
app_title = "Order Clerk"
app_publisher = "order_clerk contributors"
app_description = "Order desk for the order-entry clerk: intake, maker-checker review, fulfilment, archive"
app_email = "order-clerk@example.com"
app_license = "mit"

export_python_type_annotations = True

after_install = "order_clerk.install.after_install"
after_migrate = "order_clerk.install.after_migrate"

permission_query_conditions = {
	"OC Order": "order_clerk.permissions.order_query_conditions",
	"Prepared Report": "order_clerk.report_access.prepared_report_query_conditions",
}

has_permission = {
	"OC Order": "order_clerk.permissions.order_has_permission",
	"Prepared Report": "order_clerk.report_access.prepared_report_has_permission",
}

# The sales reports run for the session user only, and keep prepared results to their owner.
override_whitelisted_methods = {
	"frappe.desk.query_report.run": "order_clerk.report_access.run",
}
