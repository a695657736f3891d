"""bench --site SITE order-clerk-capture-eval --corpus DIR

Feeds a corpus of customers' documents (the format of its README: masters.json, docs/, keys/)
through the intake as if each arrived through its channel, and compares every result with its
answer key: accuracy per field, the touchless rate, and the false-touchless count (documents
converted without a person that have any wrong value).
"""

import glob
import json
import os
from collections import Counter

import frappe
from frappe.utils import flt, getdate

from order_clerk.capture import service

FIELDS = ("customer", "customer_po", "delivery_date", "payment_terms", "delivery_address", "contact_person")
LINE_FIELDS = ("product", "qty", "rate")


def load_masters(corpus: str) -> None:
	"""The corpus's customers, products and customer part numbers, where the site lacks them."""
	with open(os.path.join(corpus, "masters.json"), encoding="utf-8") as f:
		masters = json.load(f)
	for customer in masters.get("customers", []):
		if not frappe.db.exists("OC Customer", customer["customer_name"]):
			frappe.get_doc({"doctype": "OC Customer", **customer}).insert(ignore_permissions=True)
	for product in masters.get("products", []):
		if not frappe.db.exists("OC Product", product["product_code"]):
			frappe.get_doc({"doctype": "OC Product", **product}).insert(ignore_permissions=True)
	for item in masters.get("customer_items", []):
		if not frappe.db.exists(
			"OC Customer Item",
			{"customer": item["customer"], "customer_item_code": item["customer_item_code"]},
		):
			frappe.get_doc({"doctype": "OC Customer Item", **item}).insert(ignore_permissions=True)


def _same(got, want) -> bool:
	if isinstance(want, int | float) and got is not None:
		return abs(flt(got) - flt(want)) < 1e-6
	return (got or None) == (want or None)


def evaluate(corpus: str, echo=print) -> dict:
	load_masters(corpus)
	right, total = Counter(), Counter()
	touchless = false_touchless = documents = 0
	for meta_path in sorted(glob.glob(os.path.join(corpus, "docs", "*.meta.json"))):
		doc_id = os.path.basename(meta_path).split(".")[0]
		with open(meta_path, encoding="utf-8") as f:
			meta = json.load(f)
		with open(os.path.join(corpus, "keys", f"{doc_id}.json"), encoding="utf-8") as f:
			key = json.load(f)
		path = next(
			p for p in glob.glob(os.path.join(corpus, "docs", f"{doc_id}.*")) if not p.endswith(".json")
		)
		with open(path, "rb") as f:
			content = f.read()
		intake = service.receive(
			content,
			os.path.basename(path),
			meta["channel"],
			meta.get("sender"),
			received_on=getdate(meta["received"]),
		)
		documents += 1
		data = intake.get_extraction()
		values = service.order_values(data) if data else {"lines": []}
		wrong = []
		for fieldname in FIELDS:
			total[fieldname] += 1
			got = values.get(fieldname)
			if _same(str(got) if fieldname == "delivery_date" and got else got, key.get(fieldname)):
				right[fieldname] += 1
			else:
				wrong.append(fieldname)
		got_lines, want_lines = values["lines"], key.get("lines", [])
		for index in range(max(len(got_lines), len(want_lines))):
			got = got_lines[index] if index < len(got_lines) else {}
			want = want_lines[index] if index < len(want_lines) else {}
			for fieldname in LINE_FIELDS:
				total[fieldname] += 1
				if _same(got.get(fieldname), want.get(fieldname)):
					right[fieldname] += 1
				else:
					wrong.append(f"line {index + 1} {fieldname}")
		converted = intake.status == "Converted" or (
			intake.status == "Duplicate"
			and frappe.db.get_value("OC Intake", intake.duplicate_of, "status") == "Converted"
		)
		touchless += converted
		if converted and wrong:
			false_touchless += 1
		echo(f"{doc_id}  {intake.status:<16} {', '.join(wrong) if wrong else 'all values right'}")
	frappe.db.commit()  # a bench command: no request commits for it
	figures = {
		"documents": documents,
		"accuracy": {f: right[f] / total[f] for f in (*FIELDS, *LINE_FIELDS) if total[f]},
		"overall_accuracy": sum(right.values()) / max(1, sum(total.values())),
		"touchless": touchless,
		"touchless_rate": touchless / max(1, documents),
		"false_touchless": false_touchless,
	}
	echo("")
	for fieldname, share in figures["accuracy"].items():
		echo(f"{fieldname:<18} {share:6.1%}")
	echo(
		f"{'all values':<18} {figures['overall_accuracy']:6.1%} ({sum(right.values())} of {sum(total.values())})"
	)
	echo(f"touchless          {touchless}/{documents} = {figures['touchless_rate']:.1%}")
	echo(f"false touchless    {false_touchless}")
	return figures
