"""Fields above a user's permission level answer no questions: not in filters, sort or group-by.

Frappe leaves out of a list the columns a user may not read (a warehouse operator listing
orders gets no grand_total), but still filters, sorts and groups by them: a filter
`grand_total > 50000` on one order name answers yes or no about a hidden amount, and sorting
by `rate` ranks hidden prices. Every list of the framework (frappe.get_list, frappe.client,
/api/resource, /api/v2, frappe.desk.reportview, report builder reports) runs through
frappe.model.db_query.DatabaseQuery, and v15 offers no hook there that sees the filters;
this module extends DatabaseQuery.parse_args, the step where the filters become lists, to
refuse such a query for the app's DocTypes with a message that names the field.

The form's history answers no questions either: Frappe sends a form the last Versions of its
document with every value that changed (desk getdoc, get_docinfo), whatever the user may read;
`readable_version_data` keeps only what the user may read.

Installed before every request and background job (hooks.py), and when imported.
"""

import json
import re

import frappe
from frappe import _
from frappe.model import get_permitted_fields
from frappe.model.db_query import DatabaseQuery
from frappe.utils import get_filter

from order_clerk.exceptions import HiddenFieldQueryError

APP_MODULE = "Order Clerk"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def hidden_fields(doctype: str, parenttype: str | None, user: str) -> set[str]:
	"""Columns of `doctype` the user may not read (as a child of `parenttype`, if given)."""
	meta = frappe.get_meta(doctype)
	if meta.module != APP_MODULE:
		return set()
	if meta.istable and not parenttype:
		# Frappe refuses a child list without its parent; nothing to add here.
		return set()
	permitted = get_permitted_fields(doctype, parenttype=parenttype, user=user, ignore_virtual=True)
	return set(meta.get_valid_columns()) - set(permitted)


def check_query(query: DatabaseQuery):
	"""Refuse filters, or-filters, sort and group-by of `query` on fields the user may not read."""
	if query.flags.ignore_permissions or query.user == "Administrator":
		return
	doctype = query.doctype
	parenttype = query.parent_doctype if frappe.get_meta(doctype).istable else None
	own = hidden_fields(doctype, parenttype, query.user)
	by_child = {
		df.options: hidden_fields(df.options, doctype, query.user)
		for df in frappe.get_meta(doctype).get_table_fields()
	}
	if not own and not any(by_child.values()):
		return

	for condition in [*(query.filters or []), *(query.or_filters or [])]:
		if isinstance(condition, str):
			_refuse_words(condition, own.union(*by_child.values()), doctype)
			continue
		parsed = get_filter(doctype, condition)
		hidden = own if parsed.doctype == doctype else by_child.get(parsed.doctype, set())
		_refuse_words(parsed.fieldname, hidden, parsed.doctype)

	every_hidden = own.union(*by_child.values())
	for clause in (query.order_by, query.group_by):
		if isinstance(clause, str) and clause != "KEEP_DEFAULT_ORDERING":
			_refuse_words(clause, every_hidden, doctype)


def _refuse_words(text: str, hidden: set[str], doctype: str):
	for word in IDENTIFIER.findall(text or ""):
		if word in hidden:
			label = _(frappe.get_meta(doctype).get_label(word))
			message = _("You may not filter, sort or group by {0} ({1}) of {2}: you cannot read that field.")
			frappe.throw(
				message.format(label, word, _(doctype)),
				HiddenFieldQueryError,
				title=_("Not Permitted"),
			)


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	"""frappe.client.get_count through the permission-checked list query.

	Frappe 15's own counts with frappe.db.count, which checks neither the user's permission on
	the DocType nor the rows or fields the user may read.
	"""
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	rows = frappe.get_list(
		doctype,
		filters=filters,
		fields=[f"count(distinct `tab{doctype}`.`name`) as total_count"],
		order_by=None,
	)
	return rows[0].total_count if rows else 0


def readable_version_data(doctype: str, data: str | None, user: str) -> str | None:
	"""Version data of a `doctype` document without the values of fields the user may not read:
	changed fields, and the rows and row changes of tables (whole tables above the user's level)."""
	meta = frappe.get_meta(doctype)
	if meta.module != APP_MODULE or not data or user == "Administrator":
		return data
	levels = set(meta.get_permlevel_access("read", user=user))

	def readable(of_meta, fieldname: str) -> bool:
		df = of_meta.get_field(fieldname)
		return df is None or df.permlevel in levels

	def table(fieldname: str):
		df = meta.get_field(fieldname)
		return frappe.get_meta(df.options) if df and df.fieldtype in frappe.model.table_fields else None

	try:
		version = json.loads(data)
	except ValueError:
		return data
	version["changed"] = [row for row in version.get("changed") or [] if readable(meta, row[0])]
	for key in ("added", "removed"):
		version[key] = [
			[fieldname, {k: v for k, v in (row or {}).items() if readable(table(fieldname), k)}]
			for fieldname, row in version.get(key) or []
			if table(fieldname) and readable(meta, fieldname)
		]
	row_changes = []
	for fieldname, idx, row_name, changes in version.get("row_changed") or []:
		if not (table(fieldname) and readable(meta, fieldname)):
			continue
		changes = [change for change in changes if readable(table(fieldname), change[0])]
		if changes:
			row_changes.append([fieldname, idx, row_name, changes])
	version["row_changed"] = row_changes
	return frappe.as_json(version)


def install():
	"""Extend DatabaseQuery.parse_args with check_query, and the form's Versions with
	readable_version_data (once per process)."""
	_install_version_filter()
	if getattr(DatabaseQuery.parse_args, "checks_hidden_fields", False):
		return
	parse_args = DatabaseQuery.parse_args

	def parse_args_and_check(self):
		parse_args(self)
		check_query(self)

	parse_args_and_check.checks_hidden_fields = True
	DatabaseQuery.parse_args = parse_args_and_check


def _install_version_filter():
	from frappe.desk.form import load

	if getattr(load.get_versions, "keeps_to_readable_fields", False):
		return
	get_versions = load.get_versions

	def get_readable_versions(doc):
		versions = get_versions(doc)
		for version in versions:
			version.data = readable_version_data(doc.doctype, version.data, frappe.session.user)
		return versions

	get_readable_versions.keeps_to_readable_fields = True
	load.get_versions = get_readable_versions


install()
