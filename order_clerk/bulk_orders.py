"""Many new orders at once (the Excel import): every check of a single order, with the master
data read once for all of them and the rows written in bulk.

Each order is still an OC Order Document taken through the steps of Document.insert before it
writes (defaults, links, the create permission, before_insert, naming, validate and the app's
hooks, Frappe's field checks and the workflow) and after (after_insert, on_update, on_change,
global search, version): what is stored is what a single insert stores. Only where the reads
and writes go differs:

- customers, products, agreed prices and the (channel, external reference) keys already taken
  are read once for all the orders (MasterData); the controller asks it instead of the database
  (doc.flags.master_data), and the links are checked against it;
- names come from one block of the naming series' counter, taken under its row lock;
- orders and their rows go in with one INSERT per table for up to CHUNK_ROWS rows.

The caller holds a savepoint around it: should another request take one of the external
references meanwhile, the unique index on intake_key refuses the INSERT and the caller rolls
back every order of the batch.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.core.doctype.server_script.server_script_utils import run_server_script_for_doc_event
from frappe.desk.form.document_follow import follow_document
from frappe.integrations.doctype.webhook import run_webhooks
from frappe.model.document import Document
from frappe.model.meta import Meta
from frappe.model.naming import NamingSeries, make_autoname, set_new_name
from frappe.utils import now
from frappe.utils.global_search import update_global_search

from order_clerk.exceptions import DuplicateOrderError
from order_clerk.order_clerk.doctype.oc_order.intake import CUSTOMER_FIELDS, PRODUCT_FIELDS, intake_key_of
from order_clerk.permissions import can_read_amounts
from order_clerk.pricing import agreed_prices_of, reference_prices_from
from order_clerk.workflow_actions import open_actions

DOCTYPE = "OC Order"
CHUNK_ROWS = 2_000
# The links MasterData answers; an order linking to anything else has its links checked by Frappe.
WORKFLOW_HOOK = "frappe.workflow.doctype.workflow_action.workflow_action.process_workflow_actions"
CHECKED_LINKS = {("OC Order", "customer"): "customers", ("OC Order Item", "product"): "products"}


class MasterData:
	"""What the orders of a batch read from masters, read once for the whole batch."""

	def __init__(self, payloads: list[dict]):
		customers = sorted({p["customer"] for p in payloads if isinstance(p.get("customer"), str)})
		products = sorted(
			{
				line["product"]
				for p in payloads
				for line in p.get("items") or []
				if isinstance(line.get("product"), str)
			}
		)
		self.customers = _rows("OC Customer", customers, CUSTOMER_FIELDS)
		self.products = _rows("OC Product", products, PRODUCT_FIELDS)
		self.agreed = agreed_prices_of(list(self.customers), list(self.products))
		keys = sorted({k for k in (intake_key_of(frappe._dict(p)) for p in payloads) if k})
		self.intake_keys = dict(
			frappe.get_all(
				DOCTYPE, filters={"intake_key": ("in", keys)}, fields=["intake_key", "name"], as_list=True
			)
			if keys
			else []
		)
		self.folded = {
			kind: {name.casefold(): name for name in getattr(self, kind)}
			for kind in ("customers", "products")
		}
		self._may_read = {}
		self._may_read_prices = {}
		self._defaults = {}
		self.metas = {}

	def meta(self, doctype: str) -> "BatchMeta":
		if doctype not in self.metas:
			self.metas[doctype] = BatchMeta.of(doctype)
		return self.metas[doctype]

	def prices(self, customer: str | None, products: dict) -> dict[str, float]:
		standard = {name: product.standard_rate for name, product in products.items()}
		agreed = {p: self.agreed[customer, p] for p in products if (customer, p) in self.agreed}
		return reference_prices_from(standard, agreed)

	def may_read_customer(self, customer: str, user: str) -> bool:
		if (customer, user) not in self._may_read:
			self._may_read[customer, user] = frappe.has_permission("OC Customer", "read", customer, user=user)
		return self._may_read[customer, user]

	def set_defaults(self, doc: Document):
		"""Document._set_defaults with each table's new-row values made once for the batch
		(frappe.new_doc copies them anew for the order and for each of its tables)."""
		doctypes = [doc.doctype, *(df.options for df in doc.meta.get_table_fields())]
		if frappe.flags.in_import or any(_has_dynamic_defaults(doctype) for doctype in doctypes):
			doc._set_defaults()
			return
		doc.update_if_missing(self._new_values(doc.doctype))
		for df in doc.meta.get_table_fields():
			values = self._new_values(df.options, doc, df.fieldname)
			for row in doc.get(df.fieldname) or []:
				if row.is_new():
					row.update_if_missing(values)

	def _new_values(self, doctype: str, parent: Document | None = None, parentfield: str | None = None):
		# A new order has no name yet: the values of its rows are the same for every order.
		if (doctype, parentfield) not in self._defaults:
			self._defaults[doctype, parentfield] = frappe.new_doc(
				doctype, parent_doc=parent, parentfield=parentfield, as_dict=True
			)
		return self._defaults[doctype, parentfield]

	def may_read_prices(self, user: str) -> bool:
		if user not in self._may_read_prices:
			self._may_read_prices[user] = can_read_amounts(user, "OC Customer")
		return self._may_read_prices[user]

	def check_links(self, doc: Document) -> bool:
		"""Frappe's link check of the order against the master data; False when the order also
		links to something the master data does not hold, for Frappe to check instead."""
		found = []
		for row in (doc, *doc.get_all_children()):
			for df in row.meta.get_link_fields() + row.meta.get("fields", {"fieldtype": "Dynamic Link"}):
				value = row.get(df.fieldname)
				if not value:
					continue
				kind = CHECKED_LINKS.get((row.doctype, df.fieldname))
				if not kind or not isinstance(value, str):
					return False
				found.append((row, df, kind, value))
		invalid = []
		for row, df, kind, value in found:
			name = self.folded[kind].get(value.casefold())
			if not name:
				label = f"{_(df.label, context=df.parent)}: {value}"
				invalid.append(f"{_('Row')} #{row.idx}: {label}" if row.get("parentfield") else label)
				continue
			row.set(df.fieldname, name)
			master = getattr(self, kind)[name]
			for fetched in row.meta.get_fields_to_fetch(df.fieldname):
				if not fetched.get("fetch_if_empty") or not row.get(fetched.fieldname):
					row.set_fetch_from_value(df.options, fetched, master)
		if invalid:
			frappe.throw(_("Could not find {0}").format(", ".join(invalid)), frappe.LinkValidationError)
		return True


class BatchMeta(Meta):
	"""A DocType's metadata for the documents of one batch. Meta filters its fields anew on
	every call (the data, phone, select, link, code fields... of each row Frappe checks); within
	a batch the metadata does not change, so each answer is kept for the next row."""

	@classmethod
	def of(cls, doctype: str) -> "BatchMeta":
		meta = object.__new__(cls)
		meta.__dict__.update(frappe.get_meta(doctype).__dict__)
		meta._answers = {}
		return meta

	def get(self, key, filters=None, limit=None, default=None):
		if key != "fields" or not isinstance(filters, dict) or limit:
			return super().get(key, filters, limit, default)
		question = repr(sorted(filters.items()))
		if question not in self._answers:
			self._answers[question] = super().get(key, filters)
		return self._answers[question]


def _has_dynamic_defaults(doctype: str) -> bool:
	"""Whether a new document of `doctype` takes defaults that differ from one to the next (the
	time now, or a value of its parent's)."""
	return any(
		str(df.default or "").startswith(":")
		or (df.fieldtype == "Datetime" and str(df.default or "").lower() == "now")
		or df.fieldtype == "Time"
		for df in frappe.get_meta(doctype).fields
	)


def _rows(doctype: str, names: list[str], fields) -> dict:
	if not names:
		return {}
	fields = [*fields, *_fetched_fields(doctype)]
	rows = frappe.get_all(doctype, filters={"name": ("in", names)}, fields=list(dict.fromkeys(fields)))
	return {row.name: row for row in rows}


def _fetched_fields(doctype: str) -> list[str]:
	"""Fields of `doctype` that an order or its lines fetch through a link to it."""
	fields = []
	for parent in (DOCTYPE, "OC Order Item"):
		meta = frappe.get_meta(parent)
		for link in meta.get_link_fields():
			if link.options == doctype:
				fields += [df.fetch_from.split(".")[-1] for df in meta.get_fields_to_fetch(link.fieldname)]
	return fields


def reserve_names(count: int) -> list[str | None]:
	"""`count` consecutive names of the order's naming series, or None each when a naming rule
	of the site decides the names (then each order is named as it is validated)."""
	doctypes = [DOCTYPE, *(df.options for df in frappe.get_meta(DOCTYPE).get_table_fields())]
	if frappe.get_all(
		"Document Naming Rule", filters={"document_type": ("in", doctypes), "disabled": 0}, limit=1
	):
		return [None] * count
	from order_clerk.numbering import next_count

	series = NamingSeries(frappe.get_meta(DOCTYPE).autoname)
	prefix, digits = series.get_prefix(), series.series.count("#")
	first = next_count(prefix, count) - count + 1
	return [f"{prefix}{number:0{digits}d}" for number in range(first, first + count)]


def prepare(payload: dict, master_data: MasterData, name: str | None) -> Document:
	"""The order as Document.insert has it just before it writes; raises what insert raises."""
	doc = frappe.get_doc(payload)
	for row in (doc, *doc.get_all_children()):
		row.meta = master_data.meta(row.doctype)
	doc.flags.master_data = master_data
	doc.flags.notifications_executed = []
	doc.set("__islocal", True)
	master_data.set_defaults(doc)
	doc.set_user_and_timestamp()
	doc.set_docstatus()
	doc.check_if_latest()
	doc._validate_links()
	doc.check_permission("create")
	doc.run_method("before_insert")
	if name:
		doc.set_new_name(set_name=name, set_child_names=False)
		for child in doc.get_all_children():
			_name_row(child)
	else:
		doc.set_new_name()
	doc.set_parent_in_children()
	doc.validate_higher_perm_levels()
	doc.flags.in_insert = True
	doc.run_before_save_methods()
	doc._validate()
	doc.set_docstatus()
	doc.flags.in_insert = False
	return doc


def write(docs: list[Document], progress: Callable[[int], None] | None = None):
	"""Insert the prepared orders and their rows in bulk, then run what insert runs after."""
	try:
		insert_rows(docs, progress)
	except Exception as e:
		if frappe.db.is_unique_key_violation(e) and "intake_key" in str(e):
			frappe.throw(
				_("Another order with one of these external references was taken in meanwhile."),
				DuplicateOrderError,
				title=_("Duplicate Order"),
			)
		raise
	# Before on_update, whose workflow hook then finds them (order_clerk.workflow_actions).
	insert_rows(open_actions(docs))
	for doc in docs:
		_after_insert(doc)
	user = frappe.session.user
	if docs and frappe.get_cached_value("User", user, "follow_created_documents"):
		for doc in docs:
			follow_document(doc.doctype, doc.name, user)
	if docs:
		# One refresh of open order lists for the whole batch, not one per order.
		frappe.publish_realtime(
			"list_update", {"doctype": DOCTYPE, "name": docs[-1].name, "user": user}, after_commit=True
		)


def insert_rows(docs: list[Document], progress: Callable[[int], None] | None = None):
	"""Documents and their child rows, as db_insert writes them, one INSERT per table and chunk."""
	rows: dict[str, list[dict]] = {}
	for doc in docs:
		rows.setdefault(doc.doctype, []).append(_row(doc))
		for child in doc.get_all_children():
			rows.setdefault(child.doctype, []).append(_row(child))
	written = 0
	for doctype, values in rows.items():
		fields = list(values[0])
		# As db_insert writes a row (columns named from the DocType's meta, values as parameters),
		# many rows to a statement.
		columns = ", ".join(f"`{field}`" for field in fields)
		placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
		for start in range(0, len(values), CHUNK_ROWS):
			chunk = values[start : start + CHUNK_ROWS]
			try:
				frappe.db.sql(
					f"insert into `tab{doctype}` ({columns}) values "
					+ ", ".join([placeholders] * len(chunk)),
					[value[field] for value in chunk for field in fields],
				)
			except Exception as e:
				# As db_insert refuses a row whose name is taken.
				if frappe.db.is_primary_key_violation(e):
					raise frappe.DuplicateEntryError(doctype, None, e) from e
				raise
			written += len(chunk)
			if progress:
				progress(written)


def upsert_rows(rows: list[Document]):
	"""Saved child rows as db_update writes them (updated in every column but the name), one
	statement per table whatever the number of rows."""
	by_doctype: dict[str, list[dict]] = {}
	for row in rows:
		by_doctype.setdefault(row.doctype, []).append(_row(row))
	for doctype, values in by_doctype.items():
		fields = list(values[0])
		columns = ", ".join(f"`{field}`" for field in fields)
		placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
		updates = ", ".join(f"`{field}`=values(`{field}`)" for field in fields if field != "name")
		for start in range(0, len(values), CHUNK_ROWS):
			chunk = values[start : start + CHUNK_ROWS]
			frappe.db.sql(
				f"insert into `tab{doctype}` ({columns}) values "
				+ ", ".join([placeholders] * len(chunk))
				+ f" on duplicate key update {updates}",
				[value[field] for value in chunk for field in fields],
			)


def _row(doc: Document) -> dict:
	"""The columns BaseDocument.db_insert writes, with the name and time it gives a row added
	during validation (the maker rows)."""
	if not doc.name:
		_name_row(doc)
	if not doc.creation:
		doc.creation = doc.modified = now()
		doc.owner = doc.modified_by = frappe.session.user
	return doc.get_valid_dict(convert_dates_to_str=True, ignore_virtual=True)


def _after_insert(doc: Document):
	"""Document.insert's steps after the write, but the per-document cache clearing and list
	refresh: names fresh from the counter are in no cache, and one refresh is sent per batch."""
	doc.run_method("after_insert")
	doc.flags.in_insert = True
	_on_update(doc)
	update_global_search(doc)
	doc.save_version()
	doc.run_method("on_change")
	doc.flags.in_insert = False
	for key in ("__islocal", "__unsaved"):
		if hasattr(doc, key):
			delattr(doc, key)
	doc.flags.master_data = None


def _on_update(doc: Document):
	"""doc.run_method("on_update") without Frappe's workflow hook, whose work (the open Workflow
	Action) write() did for the whole batch: the hook would only look each one up again."""
	doc.on_update()
	hooks = frappe.get_doc_hooks()
	for handler in hooks.get(doc.doctype, {}).get("on_update", []) + hooks.get("*", {}).get("on_update", []):
		if handler != WORKFLOW_HOOK:
			frappe.get_attr(handler)(doc, "on_update")
	doc.run_notifications("on_update")
	run_webhooks(doc, "on_update")
	run_server_script_for_doc_event(doc, "on_update")


def _name_row(row: Document):
	"""A child row's name as set_new_name gives it (a hash: the app's rows have no naming rule
	nor before_naming), without running the row's hooks for it."""
	if (row.meta.autoname or "hash").lower() == "hash":
		row.name = make_autoname("hash", row.doctype)
	else:
		set_new_name(row)


class WrittenWithItsOrder:
	"""For the rows of an order's tables: OCOrder.db_insert writes all of them with one
	statement per table, and Document.insert's own INSERT of each row is then left out."""

	def db_insert(self, *args, **kwargs):
		if not self.flags.written_with_order:
			super().db_insert(*args, **kwargs)
