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
}

has_permission = {
	"OC Order": "order_clerk.permissions.order_has_permission",
}

# Every print of these DocTypes is recorded in OC Print Log (order_clerk.printing.log).
doc_events = {
	"OC Order": {"before_print": "order_clerk.printing.log.record_print"},
}

jinja = {
	"methods": [
		"order_clerk.money.rmb_uppercase",
		"order_clerk.printing.context.oc_print_context",
	],
}
