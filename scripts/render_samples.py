"""Renders a sample of each print format of the app to PDF and PNG, for a person to look at.

Run through scripts/render_samples.sh, which passes the bench and the site. The sample
documents are made on the site inside one transaction that is rolled back at the end:
nothing is left behind, no document number is used up. A temporary web server serves the
site's print styles, which wkhtmltopdf fetches while making each PDF.
"""

import argparse
import io
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from typing import NamedTuple

warnings.filterwarnings("ignore", message=".*ARC4.*")  # from pypdf's imports, not ours

import cssutils
import frappe
import requests
from frappe.model.workflow import apply_workflow
from frappe.translate import print_language

CLERK = "clerk@example.com"
REVIEWER = "reviewer@example.com"
WAREHOUSE = "warehouse@example.com"
FINANCE = "finance@example.com"
CONTINUOUS_FORM = "241 x 140 mm (continuous form)"


class Sample(NamedTuple):
	name: str
	doctype: str
	print_format: str
	lang: str
	make: Callable[[], str]  # returns the document's name
	printed_by: str = CLERK
	prints: int = 1  # a second print shows the reprint mark
	page_size: str = "A4"


def make_order(approved: bool) -> str:
	customer = frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": f"华东机电有限公司（样张 {frappe.generate_hash(length=4)}）",
			"contact_person": "张伟",
			"phone": "138 0000 0001",
			"email": "zhang.wei@example.com",
			"payment_terms": "月结30天",
			"delivery_address": "上海市浦东新区张江路88号 3号楼收货处",
		}
	).insert(ignore_permissions=True)
	products = []
	for name, spec, uom, rate in (
		("深沟球轴承", "6204-2RS", "个", 12.5),
		("三相异步电动机", "Y2-90L-4 1.5kW", "台", 860.0),
		("六角螺栓", "M8×30 8.8级 镀锌", "盒", 45.0),
		("Deep groove ball bearing", "6305-ZZ", "pcs", 18.75),
	):
		product = frappe.get_doc(
			{
				"doctype": "OC Product",
				"product_code": f"S-{frappe.generate_hash(length=6).upper()}",
				"product_name": name,
				"specification": spec,
				"uom": uom,
				"standard_rate": rate,
			}
		).insert(ignore_permissions=True)
		products.append(product.name)
	frappe.set_user(CLERK)
	order = frappe.get_doc(
		{
			"doctype": "OC Order",
			"channel": "Phone",
			"customer": customer.name,
			"customer_po": "PO-2026-0042",
			"order_date": frappe.utils.nowdate(),
			"delivery_date": frappe.utils.add_days(frappe.utils.nowdate(), 14),
			"remarks": "送货前请电话联系收货人。\nPlease call before delivery.",
			"items": [
				{"product": products[0], "qty": 200},
				{"product": products[1], "qty": 3},
				{"product": products[2], "qty": 12.5},
				{"product": products[3], "qty": 40},
			],
		}
	).insert()
	if approved:
		apply_workflow({"doctype": "OC Order", "name": order.name}, "Submit for Review")
		frappe.set_user(REVIEWER)
		apply_workflow({"doctype": "OC Order", "name": order.name}, "Approve")
	frappe.set_user("Administrator")
	return order.name


def private_file(doctype: str, name: str, file_name: str, content: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name,
				"content": content,
				"is_private": 1,
				"attached_to_doctype": doctype,
				"attached_to_name": name,
			}
		)
		.insert(ignore_permissions=True)
		.file_url
	)


def make_slip(confirmed: bool = True) -> str:
	"""An outbound slip of a sample order, drafted by the clerk, confirmed by the warehouse."""
	from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip

	order = make_order(True)
	warehouse = frappe.get_doc(
		{"doctype": "OC Warehouse", "warehouse_name": f"成品仓 {frappe.generate_hash(length=4)}"}
	).insert(ignore_permissions=True)
	frappe.set_user(WAREHOUSE)
	for row in frappe.get_doc("OC Order", order).items:
		entry = frappe.get_doc(
			{
				"doctype": "OC Stock Entry",
				"entry_type": "Receipt",
				"warehouse": warehouse.name,
				"items": [{"product": row.product, "qty": row.qty}],
			}
		).insert()
		entry.submit()
	frappe.set_user(CLERK)
	slip = make_outbound_slip(order)
	slip.warehouse = warehouse.name
	slip.remarks = "第4行随下一批发出。"
	slip.items = [row for row in slip.items if row.idx < 4]
	slip.insert()
	if confirmed:
		frappe.set_user(WAREHOUSE)
		slip.submit()
	frappe.set_user("Administrator")
	return slip.name


def make_note(dispatched: bool = True, signed: bool = False) -> str:
	"""A delivery note of a confirmed slip; dispatched, and signed for short when asked."""
	from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note

	slip = make_slip()
	frappe.set_user(CLERK)
	note = make_delivery_note(slip)
	note.update(
		{
			"carrier": "顺丰速运",
			"tracking_no": "SF1402 3345 8867",
			"vehicle_no": "沪A·D12345",
			"driver": "李建国",
			"driver_phone": "139 0000 0002",
		}
	)
	note.insert()
	if dispatched:
		frappe.set_user(WAREHOUSE)
		note.submit()
	if signed:
		frappe.set_user(CLERK)
		note = frappe.get_doc("OC Delivery Note", note.name)
		note.sign_status = "Partly Signed"
		note.signed_by = "王磊"
		note.signed_receipt = private_file(note.doctype, note.name, "receipt.txt", "signed receipt")
		for row in note.items:
			row.received_qty = row.qty - 10 if row.idx == 1 else row.qty
		note.save()
	frappe.set_user("Administrator")
	return note.name


def make_invoice_request(issued: bool = False) -> str:
	"""An invoice request for a signed note; submitted and issued by finance when asked."""
	from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

	note = make_note(signed=True)
	frappe.set_user(CLERK)
	request = new_invoice_request([note])
	request.remarks = "发票请随月结对账单一并寄出。"
	request.insert()
	if issued:
		request.submit()
		frappe.set_user(FINANCE)
		request = frappe.get_doc("OC Invoice Request", request.name)
		request.invoice_no = "04412345"
		request.invoice_date = frappe.utils.nowdate()
		request.invoice_copy = private_file(request.doctype, request.name, "invoice.txt", "invoice")
		request.save()
	frappe.set_user("Administrator")
	return request.name


SAMPLES = (
	Sample(
		"order-confirmation-draft-zh", "OC Order", "OC Order Confirmation", "zh", lambda: make_order(False)
	),
	Sample(
		"order-confirmation-reprint-zh",
		"OC Order",
		"OC Order Confirmation",
		"zh",
		lambda: make_order(True),
		prints=2,
	),
	Sample(
		"order-confirmation-approved-en", "OC Order", "OC Order Confirmation", "en", lambda: make_order(True)
	),
	Sample(
		"order-confirmation-warehouse-zh",
		"OC Order",
		"OC Order Confirmation",
		"zh",
		lambda: make_order(True),
		printed_by=WAREHOUSE,
	),
	Sample(
		"order-confirmation-continuous-zh",
		"OC Order",
		"OC Order Confirmation",
		"zh",
		lambda: make_order(True),
		page_size=CONTINUOUS_FORM,
	),
	Sample("outbound-slip-draft-zh", "OC Outbound Slip", "OC Outbound Slip", "zh", lambda: make_slip(False)),
	Sample("outbound-slip-reprint-en", "OC Outbound Slip", "OC Outbound Slip", "en", make_slip, prints=2),
	Sample(
		"outbound-slip-continuous-zh",
		"OC Outbound Slip",
		"OC Outbound Slip",
		"zh",
		make_slip,
		page_size=CONTINUOUS_FORM,
	),
	Sample(
		"outbound-slip-warehouse-zh",
		"OC Outbound Slip",
		"OC Outbound Slip",
		"zh",
		make_slip,
		printed_by=WAREHOUSE,
	),
	Sample("delivery-note-dispatched-zh", "OC Delivery Note", "OC Delivery Note", "zh", make_note),
	Sample(
		"delivery-note-signed-en",
		"OC Delivery Note",
		"OC Delivery Note",
		"en",
		lambda: make_note(signed=True),
	),
	Sample(
		"delivery-note-continuous-zh",
		"OC Delivery Note",
		"OC Delivery Note",
		"zh",
		lambda: make_note(signed=True),
		page_size=CONTINUOUS_FORM,
	),
	Sample(
		"invoice-request-draft-zh", "OC Invoice Request", "OC Invoice Request", "zh", make_invoice_request
	),
	Sample(
		"invoice-request-issued-en",
		"OC Invoice Request",
		"OC Invoice Request",
		"en",
		lambda: make_invoice_request(issued=True),
		printed_by=FINANCE,
	),
	Sample(
		"invoice-request-continuous-zh",
		"OC Invoice Request",
		"OC Invoice Request",
		"zh",
		lambda: make_invoice_request(issued=True),
		page_size=CONTINUOUS_FORM,
		prints=2,
	),
)


def set_company_header():
	from PIL import Image, ImageDraw

	logo = Image.new("RGB", (240, 80), "white")
	draw = ImageDraw.Draw(logo)
	draw.rectangle((4, 4, 76, 76), fill=(0, 84, 166))
	draw.polygon([(20, 60), (40, 20), (60, 60)], fill="white")
	draw.rectangle((90, 30, 236, 50), fill=(0, 84, 166))
	buffer = io.BytesIO()
	logo.save(buffer, format="PNG")
	file = frappe.get_doc(
		{"doctype": "File", "file_name": "sample-logo.png", "is_private": 1, "content": buffer.getvalue()}
	).insert(ignore_permissions=True)
	for field, value in (
		("company_name", "华东贸易有限公司"),
		("company_address", "上海市闵行区金都路1号 201100"),
		("company_phone", "021-5555 0000"),
		("company_logo", file.file_url),
	):
		frappe.db.set_single_value("OC Settings", field, value)


def render(sample: Sample, out_dir: str) -> list[str]:
	frappe.db.set_single_value("OC Settings", "print_page_size", sample.page_size)
	name = sample.make()
	frappe.set_user(sample.printed_by)
	with print_language(sample.lang):
		for _ in range(sample.prints):
			pdf = frappe.get_print(sample.doctype, name, print_format=sample.print_format, as_pdf=True)
	frappe.set_user("Administrator")
	pdf_path = os.path.join(out_dir, f"{sample.name}.pdf")
	with open(pdf_path, "wb") as f:
		f.write(pdf)
	subprocess.run(["pdftoppm", "-r", "110", "-png", pdf_path, pdf_path[:-4]], check=True)
	return sorted(f for f in os.listdir(out_dir) if f.startswith(sample.name) and f.endswith(".png"))


def start_server(sites_path: str, site: str) -> tuple[subprocess.Popen, str]:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		port = s.getsockname()[1]
	gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
	process = subprocess.Popen(
		[gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", "2", "frappe.app:application_with_statics()"],
		cwd=sites_path,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	url = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + 90
	while time.monotonic() < deadline and process.poll() is None:
		try:
			if requests.get(f"{url}/api/method/ping", headers={"Host": site}, timeout=10).ok:
				return process, url
		except requests.RequestException:
			pass
		time.sleep(0.5)
	process.kill()
	sys.exit("The web server for the print styles did not start.")


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", required=True)
	parser.add_argument("--out", required=True)
	args = parser.parse_args()
	cssutils.log.setLevel(logging.CRITICAL)  # Frappe's CSS parser warns of every modern property
	if not shutil.which("pdftoppm"):
		sys.exit("pdftoppm is missing: install poppler-utils (scripts/setup.sh does).")
	os.makedirs(args.out, exist_ok=True)
	sites_path = os.path.abspath(args.sites_path)
	server, url = start_server(sites_path, args.site)
	try:
		os.chdir(sites_path)
		frappe.init(site=args.site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		frappe.local.conf.host_name = url  # where wkhtmltopdf fetches the print styles
		# As in tests: printview's access log would otherwise commit the sample documents; and
		# under test a notification's email (assignments at approval) is sent at once, which
		# commits too, unless emails are muted.
		frappe.flags.in_test = frappe.flags.mute_emails = True
		for user in (CLERK, REVIEWER, WAREHOUSE, FINANCE):
			if not frappe.db.exists("User", user):
				sys.exit(f"Demo user {user} is missing: run scripts/setup.sh first.")
		set_company_header()
		for sample in SAMPLES:
			for png in render(sample, args.out):
				print(os.path.join(args.out, png))
	finally:
		if frappe.db:
			frappe.db.rollback()
			frappe.destroy()
		server.terminate()
		server.wait(timeout=20)


if __name__ == "__main__":
	main()
