"""The print machinery without PDFs: copies, print log, marks, page sizes, translations.

Prints here go through frappe.get_print as HTML (printview and the print format, without
wkhtmltopdf), which is the path that records them.
"""

import glob
import os

import frappe
import pytest
from frappe.translate import get_messages_from_file, print_language

from order_clerk.exceptions import InvalidPrintSettingsError
from order_clerk.printing.context import document_mark, oc_print_context
from order_clerk.printing.copies import (
	COPIES_SETTING,
	COPY_KINDS,
	get_print_copies,
	parse_copy_names,
)
from order_clerk.printing.formatting import format_amount, format_quantity
from order_clerk.printing.page import PAGE_SIZES, get_page_size, page_css
from tests.print_helpers import (
	ORDER_CONFIRMATION,
	make_print_order,
	print_logs,
	set_print_settings,
)

pytestmark = pytest.mark.usefixtures("printing")

APP_DIR = os.path.dirname(frappe.get_app_path("order_clerk"))


def print_html(name, print_format=None, lang="zh") -> str:
	with print_language(lang):
		return frappe.get_print("OC Order", name, print_format=print_format)


# copies


def test_copy_names_one_per_line_without_blanks_or_repeats():
	assert parse_copy_names(" Stub \n\nFinance Copy\nStub\r\n") == ["Stub", "Finance Copy"]
	assert parse_copy_names(None) == []


def test_copies_come_from_settings_in_their_order():
	set_print_settings(outbound_slip_copies="Finance Copy\nStub")
	copies = get_print_copies("OC Outbound Slip")
	assert [(c.name, c.number, c.count) for c in copies] == [("Finance Copy", 1, 2), ("Stub", 2, 2)]


def test_emptied_setting_prints_the_default_copies():
	set_print_settings(delivery_note_copies="")
	names = [c.name for c in get_print_copies("OC Delivery Note")]
	assert names == ["Stub", "Customer Copy", "Logistics Copy", "Finance Copy"]


def test_document_without_copies_prints_one_unlabelled_copy():
	assert [tuple(c) for c in get_print_copies("OC Order")] == [("", "", True, 1, 1)]


def test_only_the_warehouse_copy_hides_prices():
	assert {name for name, kind in COPY_KINDS.items() if not kind.shows_prices} == {"Warehouse Copy"}


def test_copy_labels_are_translated_and_named_for_their_document():
	with print_language("zh"):
		slip = {c.name: c.label for c in get_print_copies("OC Outbound Slip", {})}
		note = {c.name: c.label for c in get_print_copies("OC Delivery Note", {})}
	assert slip == {"Stub": "存根联", "Warehouse Copy": "仓库联", "Finance Copy": "财务联"}
	assert note == {
		"Stub": "存根联",
		"Customer Copy": "客户签收联",
		"Logistics Copy": "随货同行联",
		"Finance Copy": "财务联",
	}
	with print_language("en"):
		assert get_print_copies("OC Delivery Note", {})[1].label == "Customer Sign-off Copy"


def test_settings_refuse_unknown_copy_names():
	settings = frappe.get_doc("OC Settings")
	before = settings.outbound_slip_copies
	settings.outbound_slip_copies = "Stub\nPink Copy"
	with pytest.raises(InvalidPrintSettingsError, match="Pink Copy"):
		settings.save()
	frappe.db.value_cache.pop("OC Settings", None)
	assert frappe.db.get_single_value("OC Settings", "outbound_slip_copies") == before


def test_every_copies_setting_exists_in_oc_settings():
	meta = frappe.get_meta("OC Settings")
	for field in COPIES_SETTING.values():
		assert meta.get_field(field), field


# print log


def test_every_print_is_logged_whatever_the_format(people):
	order = make_print_order(people)
	frappe.set_user(people.clerk)
	print_html(order.name)
	print_html(order.name, print_format="Standard")
	logs = print_logs("OC Order", order.name)
	assert [(log.print_format, log.print_count, log.is_reprint) for log in logs] == [
		(ORDER_CONFIRMATION, 1, 0),
		("Standard", 2, 1),
	]


def test_reprint_mark_in_the_html(people):
	order = make_print_order(people)
	assert "补打" not in print_html(order.name)
	assert "补打（第2次打印）" in print_html(order.name)
	assert "Reprint (print no. 3)" in print_html(order.name, lang="en")


def test_refused_print_is_not_logged(people):
	order = make_print_order(people)
	frappe.set_user(people.norole)
	with pytest.raises(frappe.PermissionError):
		print_html(order.name)
	frappe.set_user("Administrator")
	assert print_logs("OC Order", order.name) == []


def test_context_outside_a_print_shows_the_next_print_number_and_records_nothing(people):
	order = make_print_order(people)
	print_html(order.name)
	doc = frappe.get_doc("OC Order", order.name)
	status = oc_print_context(doc).status
	assert (status.count, status.is_reprint, status.recorded) == (2, True, False)
	assert len(print_logs("OC Order", order.name)) == 1


def test_print_log_is_read_only_for_people():
	meta = frappe.get_meta("OC Print Log")
	assert meta.in_create
	assert not [perm.role for perm in meta.permissions if perm.write or perm.create or perm.delete]


def test_every_print_format_of_the_app_records_its_prints():
	doc_events = frappe.get_hooks("doc_events")
	formats = frappe.get_all(
		"Print Format", filters={"module": "Order Clerk", "standard": "Yes"}, pluck="doc_type"
	)
	assert formats
	for doctype in formats:
		assert "order_clerk.printing.log.record_print" in doc_events.get(doctype, {}).get(
			"before_print", []
		), doctype


# marks, page sizes, figures


def test_only_a_submitted_document_prints_without_a_mark():
	with print_language("zh"):
		marks = [document_mark(frappe._dict(docstatus=status)) for status in (0, 1, 2)]
	assert marks == ["草稿", "", "已作废"]


def test_page_size_from_settings():
	set_print_settings(print_page_size="241 x 140 mm (continuous form)")
	page = get_page_size()
	assert (page.width_mm, page.height_mm) == (241, 140)
	assert "page-width: 241mm; page-height: 140mm" in page_css(page)
	set_print_settings(print_page_size="A4")
	assert get_page_size() == PAGE_SIZES["A4"]


def test_figures_as_printed():
	assert [format_quantity(v) for v in (10, 10.0, 2.5, 1234567, 0.125)] == [
		"10",
		"10",
		"2.5",
		"1,234,567",
		"0.125",
	]
	assert [format_amount(v) for v in (0, 12.5, 12345.675, None)] == ["0.00", "12.50", "12,345.68", "0.00"]


# translations


def new_print_messages() -> set[tuple[str, str | None]]:
	"""The translatable strings of the print machinery and formats, with their context."""
	paths = [
		os.path.join(APP_DIR, "order_clerk", "money.py"),
		*glob.glob(os.path.join(APP_DIR, "order_clerk", "printing", "*.py")),
		*glob.glob(os.path.join(APP_DIR, "order_clerk", "templates", "print", "*.html")),
		*glob.glob(os.path.join(APP_DIR, "order_clerk", "order_clerk", "print_format", "*", "*.html")),
	]
	frappe.flags.scanned_files = set()
	messages = {
		(message, context) for path in paths for _, message, context, _ in get_messages_from_file(path)
	}
	meta = frappe.get_meta("OC Print Log")
	messages.update((text, None) for text in (meta.name, meta.description) if text)
	for df in meta.fields:
		messages.update((text, None) for text in (df.label, df.description) if text)
	return messages


def test_every_new_print_string_has_a_chinese_translation():
	# The app's catalogue or Frappe's own (tests/test_translations.py checks the catalogue);
	# here: the site, compiled at set-up, reads every print string in Chinese.
	messages = new_print_messages()
	assert len(messages) > 40
	untranslated = [
		(msg, ctx) for msg, ctx in messages if frappe._(msg, lang="zh", context=ctx) == msg and msg != "A4"
	]
	assert untranslated == []
