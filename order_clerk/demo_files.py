"""The demo's files: scanned-looking pages (a faxed order, a signed receipt, an invoice) and
the print server that the demo's PDFs need while the story is built (order_clerk.demo_data)."""

import io
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import frappe
import requests
from frappe.utils import flt


def save_file(doc, file_name: str, content: bytes) -> str:
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": content,
			"is_private": 1,
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
		}
	)
	file.insert(ignore_permissions=True)
	return file.file_url


def scanned_page(title: str, doc) -> bytes:
	"""A small greyscale 'scan' of a paper form: title, reference, lines and a red stamp."""
	from PIL import Image, ImageDraw

	image = Image.new("RGB", (640, 420), (246, 244, 238))
	draw = ImageDraw.Draw(image)
	font = _font(26)
	small = _font(16)
	draw.text((30, 24), title, fill=(30, 30, 30), font=font)
	draw.text((30, 70), f"{doc.doctype} {doc.name}", fill=(60, 60, 60), font=small)
	customer = doc.get("customer_name") or doc.get("customer") or ""
	draw.text((30, 96), str(customer), fill=(60, 60, 60), font=small)
	for row in range(6):
		y = 140 + row * 34
		draw.line((30, y, 610, y), fill=(150, 150, 150), width=1)
	for row, item in enumerate((doc.get("items") or [])[:5]):
		draw.text((36, 148 + row * 34), f"{item.product}  × {flt(item.qty):g}", fill=(40, 40, 40), font=small)
	draw.ellipse((470, 280, 590, 400), outline=(200, 30, 30), width=5)
	draw.text((497, 328), "签收章", fill=(200, 30, 30), font=small)
	draw.line((60, 370, 120, 350, 170, 385, 230, 345, 280, 372), fill=(20, 20, 90), width=3)
	buffer = io.BytesIO()
	image.convert("L").save(buffer, format="PNG", optimize=True)
	return buffer.getvalue()


def _font(size: int):
	from PIL import ImageFont

	for path in (
		"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
		"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	):
		if os.path.exists(path):
			return ImageFont.truetype(path, size)
	return ImageFont.load_default()


@contextmanager
def print_server():
	"""PDF rendering fetches the print stylesheet from the site's URL. During set-up nothing may
	serve it yet, so a short-lived web server serves it on a free local port."""
	if _answers(frappe.utils.get_url()):
		yield
		return
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		port = s.getsockname()[1]
	sites_path = os.path.abspath(frappe.local.sites_path)
	process = subprocess.Popen(
		[
			os.path.join(os.path.dirname(sys.executable), "gunicorn"),
			"--bind",
			f"127.0.0.1:{port}",
			"--workers",
			"1",
			"frappe.app:application_with_statics()",
		],
		cwd=sites_path,
		stdout=subprocess.DEVNULL,
		stderr=subprocess.DEVNULL,
	)
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://{frappe.local.site}:{port}"
	try:
		deadline = time.monotonic() + 120
		while not _answers(frappe.local.conf.host_name):
			if process.poll() is not None or time.monotonic() > deadline:
				frappe.throw(frappe._("The web server for rendering PDFs did not start."))
			time.sleep(0.5)
		yield
	finally:
		frappe.local.conf.host_name = previous
		process.terminate()
		try:
			process.wait(timeout=20)
		except subprocess.TimeoutExpired:
			process.kill()


def _answers(url: str) -> bool:
	try:
		return requests.get(f"{url}/api/method/ping", timeout=5).status_code == 200
	except requests.RequestException:
		return False
