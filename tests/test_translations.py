"""Chinese for every user-facing string of the reports, the workspace and the Excel import."""

import csv
import json
import os
import re

import frappe
from babel.messages.pofile import read_po

from order_clerk import excel_sheets, report_access
from order_clerk.order_clerk.report.order_statistics.order_statistics import GROUP_COLUMNS

APP = frappe.get_app_path("order_clerk")
SOURCES = (
	"sales_statistics.py",
	"report_access.py",
	"excel_sheets.py",
	"excel_import.py",
	"statistics_export.py",
	"api.py",
	"order_clerk/report/order_statistics/order_statistics.py",
	"order_clerk/report/order_statistics/order_statistics.js",
	"order_clerk/report/best_selling_products/best_selling_products.py",
	"order_clerk/report/best_selling_products/best_selling_products.js",
	"order_clerk/doctype/oc_order/oc_order_list.js",
)
# _("...") and __("..."), with Python's adjacent literals joined.
TRANSLATABLE = re.compile(r'(?<![\w.])__?\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)')


def literal_strings() -> set[str]:
	strings = set()
	for source in SOURCES:
		with open(os.path.join(APP, source), encoding="utf-8") as f:
			for match in TRANSLATABLE.finditer(f.read()):
				strings.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))).replace('\\"', '"'))
	return strings


def runtime_strings() -> set[str]:
	"""Strings passed to _() as values: labels, sheet names, channels, report names."""
	strings = {c.label for c in excel_sheets.ORDER_COLUMNS + excel_sheets.LINE_COLUMNS}
	strings |= {excel_sheets.ORDERS_SHEET, excel_sheets.LINES_SHEET, excel_sheets.LISTS_SHEET}
	strings |= {label for _type, _options, label in GROUP_COLUMNS.values()}
	strings |= set(excel_sheets.channels()) | set(report_access.SALES_REPORTS)
	return strings


def desk_strings() -> set[str]:
	"""Labels of the workspace, its number cards and charts, which the desk translates."""
	with open(os.path.join(APP, "order_clerk/workspace/order_clerk/order_clerk.json"), encoding="utf-8") as f:
		workspace = json.load(f)
	strings = {workspace["label"]}
	strings |= {s["label"] for s in workspace["shortcuts"]} | {
		s.get("format") for s in workspace["shortcuts"]
	}
	strings |= {link["label"] for link in workspace["links"]}
	strings |= {c["number_card_name"] for c in workspace["number_cards"]}
	strings |= {c["chart_name"] for c in workspace["charts"]}
	return strings - {None}


def translations() -> tuple[dict, dict]:
	with open(os.path.join(APP, "locale", "zh.po"), "rb") as f:
		ours = {m.id: m.string for m in read_po(f) if m.id}
	with open(os.path.join(frappe.get_app_path("frappe"), "translations", "zh.csv"), encoding="utf-8") as f:
		frappes = {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}
	return ours, frappes


def test_every_string_has_a_chinese_translation():
	ours, frappes = translations()
	wanted = literal_strings() | runtime_strings() | desk_strings()
	assert len(wanted) > 100
	missing = sorted(s for s in wanted if not ours.get(s) and not frappes.get(s))
	assert missing == []


def test_the_catalogue_does_not_redefine_frappes_words():
	ours, frappes = translations()
	assert sorted(set(ours) & set(frappes)) == []


def test_frappe_serves_the_translations():
	from frappe.translate import get_translations_from_apps

	served = get_translations_from_apps("zh", apps=["order_clerk"])
	assert served["Order Statistics"] == "订单统计"
	assert served["Best-Selling Products"] == "畅销产品"
	assert served["Orders Awaiting Review"] == "待审核订单"
