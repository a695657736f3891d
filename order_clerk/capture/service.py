"""Intake records through the capture engine: read, decide, and make draft orders.

A document is converted without a person only when the customer is known and every fact and
every line was read with at least TOUCHLESS_CONFIDENCE; otherwise the intake waits in the
inbox as Needs Attention with what to check. Whoever converts is a maker of the order, and the
review (maker-checker) is unchanged.
"""

import json

import frappe
from frappe import _
from frappe.model.workflow import apply_workflow
from frappe.utils import flt, getdate

from order_clerk.capture import revisions
from order_clerk.capture.extract import Extraction, extract
from order_clerk.capture.layouts import learn as learn_layout
from order_clerk.capture.layouts import load_layouts
from order_clerk.capture.matching import Masters
from order_clerk.capture.model import TOUCHLESS_CONFIDENCE, fact_labels
from order_clerk.capture.readers import (
	Cell,
	UnreadableDocument,
	html_to_text,
	read_document,
	strip_quoted,
	text_page,
)
from order_clerk.capture.text import normalize

# An intake in one of these is finished: it is not read again and becomes no order.
CLOSED = ("Converted", "Duplicate", "Rejected")
HEADER_FACTS = (
	"customer",
	"customer_po",
	"delivery_date",
	"payment_terms",
	"delivery_address",
	"contact_person",
)


def load_masters() -> Masters:
	customers = frappe.get_all(
		"OC Customer",
		filters={"disabled": 0},
		fields=[
			"name as customer_name",
			"contact_person",
			"phone",
			"email",
			"delivery_address",
			"payment_terms",
		],
	)
	products = frappe.get_all(
		"OC Product",
		filters={"disabled": 0},
		fields=["name as product_code", "product_name", "specification", "uom", "standard_rate"],
	)
	items = frappe.get_all("OC Customer Item", fields=["customer", "customer_item_code", "product"])
	own = frappe.db.get_single_value("OC Settings", "company_name")
	return Masters(customers, products, items, own_names=(own,) if own else (), layouts=load_layouts())


def read_pages(intake):
	if not intake.source_file and intake.communication:
		return communication_pages(intake.communication)
	if not intake.source_file:
		frappe.throw(_("Intake {0} has no document to read.").format(intake.name), title=_("Nothing to Read"))
	file = frappe.get_doc("File", {"file_url": intake.source_file})
	content = file.get_content()
	if isinstance(content, str):  # Frappe decodes what is valid UTF-8
		content = content.encode("utf-8")
	try:
		return read_document(content, file.file_name or intake.source_file)
	except UnreadableDocument as e:
		frappe.throw(str(e), title=_("Unreadable Document"))


def confidences(result: dict) -> list[float]:
	values = [result[f]["confidence"] for f in HEADER_FACTS]
	for line in result["lines"]:
		values += [line["product"]["confidence"], line["qty"]["confidence"], line["rate"]["confidence"]]
	return values


def order_values(result: dict) -> dict:
	"""The draft order a reading stands for."""
	values = {f: result[f]["value"] for f in HEADER_FACTS}
	values["lines"] = [
		{"product": line["product"]["value"], "qty": line["qty"]["value"], "rate": line["rate"]["value"]}
		for line in result["lines"]
	]
	return values


def fingerprint(values: dict) -> str:
	lines = [(line["product"], flt(line["qty"]), flt(line["rate"])) for line in values["lines"]]
	facts = [str(values.get(f) or "") for f in ("delivery_date", "delivery_address", "payment_terms")]
	return json.dumps([facts, lines], sort_keys=True, default=str)


def process_intake(intake) -> None:
	pages = read_pages(intake)
	result: Extraction = extract(pages, load_masters(), intake.sender or "", getdate(intake.received_on))
	decide(intake, result.as_dict())


def decide(intake, data: dict) -> None:
	"""A reading decides the intake: fresh, or completed by the sender's reply (capture.sender_reply)."""
	intake.extraction = json.dumps(data, ensure_ascii=False, indent=1, default=str)
	intake.customer = data["customer"]["value"]
	intake.customer_po = data["customer_po"]["value"]
	scores = confidences(data)
	intake.confidence = round(100 * min(scores), 1) if data["lines"] else 0
	problems = list(data["problems"])
	labels = fact_labels()
	for fieldname in HEADER_FACTS:
		if (data[fieldname]["confidence"] or 0) < TOUCHLESS_CONFIDENCE:
			problems.append(_("Check {0}.").format(labels[fieldname]))
	intake.problems = "\n".join(dict.fromkeys(problems))
	earlier = earlier_intake(intake)
	if earlier:
		same = fingerprint(order_values(data)) == fingerprint(order_values(earlier.get_extraction()))
		intake.duplicate_of = earlier.name
		intake.status = "Duplicate" if same else "Revision"
		if same:
			intake.order = earlier.order
		else:
			revisions.record(intake)
		intake.save(ignore_permissions=True)
		return
	if (
		data["customer"]["value"]
		and data["lines"]
		and not data["problems"]
		and min(scores) >= TOUCHLESS_CONFIDENCE
	):
		intake.status = "Parsed"
		intake.save(ignore_permissions=True)
		make_order(intake, order_values(data), submit_for_review=True)
		return
	intake.status = "Needs Attention"
	intake.save(ignore_permissions=True)


def earlier_intake(intake):
	if not (intake.customer and intake.customer_po):
		return None
	name = frappe.db.get_value(
		"OC Intake",
		{
			"customer": intake.customer,
			"customer_po": intake.customer_po,
			"name": ("!=", intake.name),
			"status": ("in", ("Converted", "Needs Attention", "Parsed", "Revision")),
			"creation": ("<=", intake.creation),
		},
		"name",
		order_by="creation desc",
	)
	return frappe.get_doc("OC Intake", name) if name else None


def make_order(intake, values: dict, submit_for_review: bool) -> str:
	"""A draft OC Order from the values; on any refusal the intake needs a person instead."""
	savepoint = "oc_capture_order"
	frappe.db.savepoint(savepoint)
	try:
		order = frappe.get_doc(
			{
				"doctype": "OC Order",
				"channel": intake.channel,
				"order_date": getdate(intake.received_on),
				"external_ref": values.get("customer_po"),
				"customer_po": values.get("customer_po"),
				"customer": values.get("customer"),
				"delivery_date": values.get("delivery_date"),
				"payment_terms": values.get("payment_terms"),
				"delivery_address": values.get("delivery_address"),
				"contact_person": values.get("contact_person"),
				"contact_email": intake.sender if "@" in (intake.sender or "") else None,
				"remarks": _("From intake {0}.").format(intake.name),
				"items": [
					{"product": line["product"], "qty": line["qty"], "rate": line["rate"]}
					for line in values.get("lines") or []
				],
			}
		)
		# Its sender is answered in their own thread once the intake is converted (capture.replies).
		order.flags.from_intake = intake.name
		order.insert()
		if intake.source_file:
			original = frappe.get_doc(
				{
					"doctype": "File",
					"file_url": intake.source_file,
					"attached_to_doctype": "OC Order",
					"attached_to_name": order.name,
					"is_private": 1,
				}
			).insert(ignore_permissions=True)
			order.db_set("original_order", original.file_url, update_modified=False)
		if submit_for_review:
			apply_workflow(order, "Submit for Review")
	except frappe.ValidationError as e:
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_last_message()
		intake.reload()
		intake.status = "Needs Attention"
		intake.problems = "\n".join(filter(None, [intake.problems, str(e)]))
		intake.save(ignore_permissions=True)
		return None
	intake.order = order.name
	intake.status = "Converted"
	intake.save(ignore_permissions=True)
	return order.name


def convert_intake(intake, corrections: dict) -> str:
	"""The clerk confirms the reading, with corrections; a corrected product is learned for the
	customer's part number, so the next order with it is read right."""
	if intake.status in CLOSED:
		frappe.throw(_("Intake {0} is {1}; it cannot become an order.").format(intake.name, _(intake.status)))
	revisions.check_convertible(intake)
	data = intake.get_extraction()
	if not data:
		frappe.throw(_("Read intake {0} first.").format(intake.name))
	values = order_values(data)
	for fieldname in HEADER_FACTS:
		if corrections.get(fieldname):
			values[fieldname] = corrections[fieldname]
	if corrections.get("lines") is not None:
		if not isinstance(corrections["lines"], list):
			frappe.throw(_("Lines must be a list of product, qty and rate."), frappe.ValidationError)
		learn_items(intake, values["customer"], data["lines"], corrections["lines"])
		values["lines"] = corrections["lines"]
	name = make_order(intake, values, submit_for_review=False)
	if not name:
		frappe.throw(
			intake.problems.splitlines()[-1] if intake.problems else _("The order could not be made.")
		)
	if intake.source_file or intake.communication:
		learn_layout(intake, values["customer"], values["lines"], read_pages(intake), load_masters())
	return name


def learn_items(intake, customer: str | None, read_lines: list[dict], corrected: list[dict]) -> None:
	if not customer:
		return
	for read, fixed in zip(read_lines, corrected, strict=False):
		code = (read.get("code") or "").strip()
		product = fixed.get("product")
		if not code or not product or product == read["product"]["value"]:
			continue
		if normalize(code) == normalize(product) or not frappe.db.exists("OC Product", product):
			continue
		existing = [
			item
			for item in frappe.get_all(
				"OC Customer Item", filters={"customer": customer}, fields=["name", "customer_item_code"]
			)
			if normalize(item.customer_item_code) == normalize(code)
		]
		if existing:
			frappe.db.set_value("OC Customer Item", existing[0].name, "product", product)
		else:
			frappe.get_doc(
				{
					"doctype": "OC Customer Item",
					"customer": customer,
					"customer_item_code": code,
					"product": product,
					"learned_from": intake.name,
				}
			).insert(ignore_permissions=True)


def receive(content: bytes, filename: str, channel: str, sender: str | None, received_on=None, subject=None):
	"""A document arriving through a channel: an intake with its original, read at once."""
	intake = frappe.get_doc(
		{
			"doctype": "OC Intake",
			"channel": channel,
			"sender": sender,
			"subject": subject or filename,
			"received_on": received_on or frappe.utils.now_datetime(),
		}
	)
	intake.insert()
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename,
			"content": content,
			"attached_to_doctype": "OC Intake",
			"attached_to_name": intake.name,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	intake.db_set("source_file", file.file_url)
	intake.source_file = file.file_url
	try:
		process_intake(intake)
	except frappe.ValidationError as e:
		frappe.clear_last_message()
		intake.db_set({"status": "Needs Attention", "problems": str(e)})
	return intake


def communication_pages(name: str):
	"""An e-mail that arrived through the orders mailbox: its new text, then its attachments."""
	communication = frappe.get_doc("Communication", name)
	pages = [text_page(strip_quoted(html_to_text(communication.content)), communication.subject or name)]
	if communication.subject:
		pages[0].lines.insert(0, Cell(communication.subject, "subject"))
	for file in frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Communication", "attached_to_name": name},
		fields=["name", "file_name"],
		order_by="creation asc",
	):
		content = frappe.get_doc("File", file.name).get_content()
		if isinstance(content, str):
			content = content.encode("utf-8")
		try:
			pages.extend(read_document(content, file.file_name))
		except UnreadableDocument:
			continue
	return pages
