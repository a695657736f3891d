import frappe

from order_clerk.sales_rollup import rebuild


def execute():
	# Rows by week and month joined the rows by day: the unique key gained the span and fits a
	# B-tree (the new key is made by the DocType's on_doctype_update); the old one, a hash too
	# long for a B-tree, goes, and the table is refilled at every span.
	if frappe.db.sql("show index from `tabOC Sales Rollup` where Key_name = 'unique_rollup_key'"):
		frappe.db.sql_ddl("alter table `tabOC Sales Rollup` drop index `unique_rollup_key`")
	rebuild()
