"""The company block at the top of every printed document, from OC Settings."""

import base64
import io
import mimetypes

import frappe
from PIL import Image

from order_clerk.printing.settings import get_print_settings

# A logo larger than this is left out rather than inlined into every page of every print.
MAX_LOGO_BYTES = 2 * 1024 * 1024


def company_header(settings: dict | None = None) -> frappe._dict:
	settings = settings if settings is not None else get_print_settings()
	return frappe._dict(
		name=settings.get("company_name") or "",
		address_lines=[
			line.strip() for line in (settings.get("company_address") or "").splitlines() if line.strip()
		],
		phone=settings.get("company_phone") or "",
		logo=company_logo(settings.get("company_logo")),
	)


def company_logo(file_url: str | None) -> frappe._dict | None:
	"""The logo inlined as a data URI, with its width to height ratio; None without one.

	Inlined, a PDF needs no request back to the site (which may not reach itself), and a
	private file prints for every user who may print the document. The ratio lets the page
	give the image its size outright: wkhtmltopdf squeezes an image left to size itself in a
	table cell.
	"""
	if not file_url:
		return None
	mime_type = mimetypes.guess_type(file_url)[0]
	file_name = frappe.db.get_value("File", {"file_url": file_url}, "name")
	if not (mime_type or "").startswith("image/") or not file_name:
		return None
	file = frappe.get_doc("File", file_name)
	if (file.file_size or 0) > MAX_LOGO_BYTES:
		return None
	try:
		content = file.get_content()
		if isinstance(content, str):
			content = content.encode()
		with Image.open(io.BytesIO(content)) as image:
			width, height = image.size
	except (OSError, ValueError):
		return None
	return frappe._dict(
		src=f"data:{mime_type};base64,{base64.b64encode(content).decode()}",
		aspect=width / height,
	)
