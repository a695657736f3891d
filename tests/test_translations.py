"""Every string the app shows has a Chinese translation, and Frappe serves it.

Translations are global in Frappe: an entry of the app's catalogue replaces Frappe's own
translation of the same English on every screen. So the catalogue leaves out what Frappe
already translates, except the few words the order desk deliberately says otherwise
(DELIBERATE_OVERRIDES), and a string counts as translated when either catalogue has it.

The strings are found the way Frappe's `bench generate-pot-file` finds them
(frappe.gettext.translate.generate_pot: babel's extract_from_dir with Frappe's extractors
for DocType JSON, reports, workspaces, Python, JavaScript and Jinja), in memory, without
writing a POT file. To them come the strings that are data rather than code and still show
in the desk: workflow states and actions, and role names.

A failure lists the missing entries in PO syntax, ready to paste into
order_clerk/locale/zh.po and translate (see "Translations" in the README).
"""

import csv
import os
import re
from collections import Counter

import frappe
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import escape, read_po, unescape
from frappe.gettext.translate import (
	get_is_gitignored_function_for_app,
	get_method_map,
	get_mo_path,
	write_binary,
)
from frappe.translate import clear_cache, get_translations_from_apps
from frappe.utils import get_bench_path

from order_clerk import excel_sheets, report_access, review
from order_clerk.order_clerk.report.order_statistics.order_statistics import GROUP_COLUMNS
from order_clerk.roles import ALL_ROLES

APP = "order_clerk"
LANG = "zh"
REPO_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PO_PATH = os.path.join(REPO_DIR, APP, "locale", f"{LANG}.po")
PO_NAME = f"{APP}/locale/{LANG}.po"

# {0}, {1}, {} and {name} as str.format reads them; %s, %d and %(name)s as %-formatting does.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[sdif]")
HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


# the app's strings


def app_root() -> str:
	"""The app's folder as the bench names it.

	Frappe's extractors read paths relative to the bench (the hooks extractor imports
	hooks.py by its path under apps/), so they need the bench's own path of the app, also
	when that is a link to a checkout elsewhere.
	"""
	path = os.path.join(get_bench_path(), "apps", APP)
	assert os.path.isfile(os.path.join(path, APP, "hooks.py")), f"{APP} is not in the bench at {path}"
	return path


def directory_filter(root: str):
	"""Frappe's filter: no hidden or private folders, nothing that git ignores."""
	is_ignored = get_is_gitignored_function_for_app(APP)
	try:
		is_ignored(os.path.join(root, APP))
	except Exception:
		# No usable git (a copy without .git, or a checkout of another user): the app's own
		# .gitignore still names the folders that hold no source.
		ignored = set()
		gitignore = os.path.join(root, ".gitignore")
		if os.path.exists(gitignore):
			with open(gitignore) as f:
				ignored = {line.strip().strip("/") for line in f if line.strip().endswith("/")}

		def is_ignored(path: str) -> bool:
			return os.path.basename(path.rstrip("/")) in ignored

	def keep(path) -> bool:
		name = os.path.basename(str(path).rstrip("/"))
		return not (name.startswith((".", "_")) or is_ignored(str(path)))

	return keep


def extracted_messages() -> dict[tuple[str, str | None], set[str]]:
	"""(msgid, msgctxt) -> the files it comes from, as generate_pot extracts them."""
	root = app_root()
	keywords = DEFAULT_KEYWORDS.copy()
	keywords["_lt"] = None
	method_map = get_method_map(APP) + get_method_map("frappe")
	messages: dict[tuple[str, str | None], set[str]] = {}
	for filename, _lineno, message, _comments, context in extract_from_dir(
		root, method_map, directory_filter=directory_filter(root), keywords=keywords
	):
		if not message:
			continue
		msgid = message[0] if isinstance(message, (tuple, list)) else message
		messages.setdefault((msgid, context), set()).add(filename)
	return messages


def data_messages() -> dict[tuple[str, str | None], set[str]]:
	"""Strings that are data, shown translated: workflow states and actions, roles."""
	messages: dict[tuple[str, str | None], set[str]] = {}
	for state in review.STATES:
		messages.setdefault((state.name, None), set()).add(f"{APP}/review.py")
	for transition in review.TRANSITIONS:
		messages.setdefault((transition.action, None), set()).add(f"{APP}/review.py")
	for role in ALL_ROLES:
		messages.setdefault((role, None), set()).add(f"{APP}/roles.py")
	# Passed to _() as values: spreadsheet columns and sheets, channels, report names.
	runtime = {c.label for c in excel_sheets.ORDER_COLUMNS + excel_sheets.LINE_COLUMNS}
	runtime |= {excel_sheets.ORDERS_SHEET, excel_sheets.LINES_SHEET, excel_sheets.LISTS_SHEET}
	runtime |= {label for _type, _options, label in GROUP_COLUMNS.values()}
	runtime |= set(excel_sheets.channels()) | set(report_access.APP_REPORTS)
	for text in runtime:
		messages.setdefault((text, None), set()).add(f"{APP}/excel_sheets.py")
	return messages


# Frappe's English words the order desk translates its own way, on every screen of the site:
# the review states and the clerk's vocabulary, where Frappe's Chinese reads wrong for it.
DELIBERATE_OVERRIDES = {
	"Draft": "草稿",  # Frappe: 草案
	"Approved": "已审核",  # Frappe: 已批准
	"Rejected": "已驳回",  # Frappe: 拒绝
	"Cancelled": "已作废",  # Frappe: 取消
	"CANCELLED": "已作废",  # the print watermark
	"Review": "审核",  # Frappe: 评论
	"Pending": "待处理",  # Frappe: 有待
	"Order": "订单",  # Frappe: 订购
	"Shipping": "发运",  # Frappe: 运输中
	"Exception": "异常",  # Frappe: 例外
	"Archive": "归档",  # Frappe: 档案
	"Archived": "已归档",  # Frappe: 已存档
	"API": "接口",  # Frappe: 应用程序界面, for the order channel
}


@pytest.fixture(scope="module")
def frappe_words() -> dict[str, str]:
	"""Frappe's own Chinese translations."""
	path = os.path.join(frappe.get_app_path("frappe"), "translations", f"{LANG}.csv")
	with open(path, encoding="utf-8") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2 and row[1]}


@pytest.fixture(scope="module")
def app_messages() -> dict[tuple[str, str | None], set[str]]:
	messages = extracted_messages()
	for key, sources in data_messages().items():
		messages.setdefault(key, set()).update(sources)
	return messages


# the PO file


def po_keys(text: str) -> list[tuple[str, str | None]]:
	"""(msgid, msgctxt) of every entry of a PO file in file order, repeats included.

	babel's reader keeps the last of two entries with the same msgid and says nothing.
	"""
	keys: list[tuple[str, str | None]] = []
	entry: dict[str, str] = {}
	field = None

	def flush():
		if "msgid" in entry:
			keys.append((entry["msgid"], entry.get("msgctxt")))

	for raw in text.splitlines():
		line = raw.strip()
		if not line or line.startswith("#"):  # comments, and obsolete entries (#~)
			continue
		if line.startswith('"'):
			if field:
				entry[field] += unescape(line)
			continue
		keyword, _, value = line.partition(" ")
		if keyword in ("msgctxt", "msgid") and ("msgstr" in entry or "msgstr[0]" in entry):
			flush()
			entry = {}
		field = keyword
		entry[field] = unescape(value.strip())
	flush()
	return [key for key in keys if key[0]]  # without the header


@pytest.fixture(scope="module")
def po_text() -> str:
	with open(PO_PATH, encoding="utf-8") as f:
		return f.read()


@pytest.fixture(scope="module")
def catalog():
	with open(PO_PATH, "rb") as f:
		return read_po(f, abort_invalid=True)


def translation(catalog, msgid: str, context: str | None) -> str:
	"""The msgstr Frappe would serve: none for a missing or fuzzy entry (not compiled)."""
	message = catalog.get(msgid, context=context)
	if message is None or message.fuzzy or not isinstance(message.string, str):
		return ""
	return message.string.strip()


def po_stub(missing: list[tuple[tuple[str, str | None], set[str]]]) -> str:
	lines = []
	for (msgid, context), sources in missing:
		lines.extend(f"#: {source}" for source in sorted(sources))
		if context:
			lines.append(f"msgctxt {escape(context)}")
		lines += [f"msgid {escape(msgid)}", 'msgstr ""', ""]
	return "\n".join(lines)


# tests


def test_the_po_file_parses_with_its_header(catalog):
	assert catalog.locale is not None and str(catalog.locale) == LANG
	assert catalog.charset.lower() == "utf-8"


def test_no_msgid_is_there_twice(po_text):
	repeated = [key for key, count in Counter(po_keys(po_text)).items() if count > 1]
	assert repeated == [], f"{PO_NAME} has these entries (msgid, msgctxt) more than once: {repeated}"


def test_the_extraction_finds_the_apps_strings(app_messages):
	# A broken extraction would find nothing and miss nothing: check it sees every kind of source.
	keys = set(app_messages)
	assert ("OC Order", None) in keys  # DocType name
	assert ("Customer PO", None) in keys  # field label
	assert ("Online Platform", None) in keys  # Select option
	assert ("Check Stock", None) in keys  # JavaScript
	assert ("Order {0} cannot go to review yet. Missing: {1}", None) in keys  # Python
	assert ("Prepared by", "Signature") in keys  # Python with context
	assert ("Our reference", None) in keys  # email template
	assert ("Stub", None) in keys  # lazy translation
	assert ("Pending Review", None) in keys  # workflow state (data)
	assert ("Order Integrator", None) in keys  # role (data)


def test_every_app_string_has_a_chinese_translation(app_messages, catalog, frappe_words):
	def translated(msgid, context):
		# With a context, Frappe falls back to the translation without one.
		return (
			translation(catalog, msgid, context)
			or translation(catalog, msgid, None)
			or frappe_words.get(msgid)
		)

	missing = sorted(
		((key, sources) for key, sources in app_messages.items() if not translated(*key)),
		key=lambda item: (sorted(item[1])[0], item[0][0]),
	)
	if missing:
		pytest.fail(
			f"{len(missing)} string(s) of the app have no Chinese translation in {PO_NAME}. "
			"Add these entries there, translated (an empty or fuzzy msgstr counts as missing), then "
			"compile: bench --site SITE compile-po-to-mo --app order_clerk --force\n\n" + po_stub(missing),
			pytrace=False,
		)


def test_the_catalogue_redefines_only_the_deliberate_words(catalog, frappe_words):
	redefined = {
		message.id: message.string
		for message in catalog
		if message.id and not message.context and message.id in frappe_words
	}
	assert redefined == DELIBERATE_OVERRIDES


def test_translations_keep_placeholders_and_markup(catalog):
	broken = []
	for message in catalog:
		if not message.id or not message.string:
			continue
		msgid, msgstr = message.id, message.string
		if Counter(PLACEHOLDER.findall(msgid)) != Counter(PLACEHOLDER.findall(msgstr)):
			broken.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
		if Counter(HTML_TAG.findall(msgid)) != Counter(HTML_TAG.findall(msgstr)):
			broken.append(f"HTML tags differ: {msgid!r} -> {msgstr!r}")
		if (msgid != msgid.strip()) != (msgstr != msgstr.strip()):
			broken.append(f"leading or trailing space differs: {msgid!r} -> {msgstr!r}")
	assert broken == [], "\n".join(broken)


def test_frappe_serves_the_translations(catalog):
	# Compile as `bench compile-po-to-mo` does, then read back what the desk and _() get.
	write_binary(APP, catalog, LANG)
	assert os.path.exists(get_mo_path(APP, LANG))
	served = get_translations_from_apps(LANG, [APP])
	assert served["OC Order"] == "销售订单"
	assert served["Pending Review"] == "待审核"
	assert served["Prepared by:Signature"] == "制单"
	unserved = [
		(message.id, message.context)
		for message in catalog
		if message.id
		and message.string
		and not message.fuzzy
		and served.get(f"{message.id}:{message.context}" if message.context else message.id) != message.string
	]
	assert unserved == []

	clear_cache()
	assert frappe._("OC Order", lang=LANG) == "销售订单"
	assert frappe._("Order Clerk", lang=LANG) == "开单文员"
	assert frappe._("Issued", lang=LANG, context="OC Invoice Request") == "已开票"
	assert frappe._("Issued", lang=LANG, context="OC Outbound Slip") == "已出库"
