"""Sign-off from the receiver's phone: the QR code on a printed delivery note.

Each print of a dispatched delivery note that is not yet signed for carries a link to
/sign/<token>. The token names the note and when the link expires, and is signed with a key
derived from the site's encryption key (HMAC-SHA256): it cannot be guessed, altered or moved
to another note. No login is needed; the link opens that one note's lines (quantities only,
never prices) and records the sign-off once, through the delivery note's own rules (the same
validation and the same discrepancy exception as the desk's Record Sign-off). After that, and
after it expires, the link is refused.
"""

import base64
import hashlib
import hmac
import io
import time
from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, convert_utc_to_system_timezone, flt, format_datetime, get_url, now_datetime
from frappe.utils.password import get_encryption_key

from order_clerk.exceptions import SignOffLinkError, SignOffLinkUsedError, SignOffPhotoError

DOCTYPE = "OC Delivery Note"
ROUTE = "sign"
DEFAULT_VALID_DAYS = 14
MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SIGNED_BY_MAX = 140
REMARKS_MAX = 1000


# the token


def _key() -> bytes:
	return hashlib.sha256(f"order_clerk sign-off link:{get_encryption_key()}".encode()).digest()


def _b64(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
	return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(note: str, expires: int) -> str:
	payload = f"{note}|{int(expires)}".encode()
	signature = hmac.new(_key(), payload, hashlib.sha256).digest()
	return f"{_b64(payload)}.{_b64(signature)}"


def read_token(token: str) -> tuple[str, int]:
	"""(note, expiry as a Unix time) of a token this site signed, or SignOffLinkError."""
	try:
		payload_text, signature_text = (token or "").split(".")
		payload, signature = _unb64(payload_text), _unb64(signature_text)
		expected = hmac.new(_key(), payload, hashlib.sha256).digest()
		if not hmac.compare_digest(signature, expected):
			raise ValueError
		note, expires = payload.decode().rsplit("|", 1)
		return note, int(expires)
	except (ValueError, UnicodeDecodeError, TypeError):
		refuse_link()


def refuse_link():
	frappe.throw(
		_("This sign-off link is not valid. Scan the QR code on the delivery note again."),
		SignOffLinkError,
		title=_("Link Not Valid"),
	)


def local_time(expires: int) -> str:
	"""A Unix time as the site's clock shows it."""
	utc = datetime.fromtimestamp(expires, tz=timezone.utc).replace(tzinfo=None)
	return format_datetime(convert_utc_to_system_timezone(utc), "yyyy-MM-dd HH:mm")


def valid_days() -> int:
	days = frappe.db.get_single_value("OC Settings", "sign_off_link_days")
	return cint(days) if cint(days) > 0 else DEFAULT_VALID_DAYS


def can_sign_by_link(doc) -> bool:
	return doc.doctype == DOCTYPE and doc.docstatus == 1 and doc.sign_status == "Pending"


def oc_sign_off_link(doc) -> frappe._dict | None:
	"""Jinja (the delivery note's print): the link and QR code for the receiver, while the note
	is dispatched and not yet signed for; None otherwise."""
	if not can_sign_by_link(doc):
		return None
	from order_clerk.printing.qr import qr_code_data_uri

	expires = int(time.time()) + valid_days() * 24 * 3600
	url = get_url(f"/{ROUTE}/{make_token(doc.name, expires)}")
	return frappe._dict(url=url, qr=qr_code_data_uri(url), expires=local_time(expires))


# the note behind a link


def note_for(token: str, for_update: bool = False):
	"""The delivery note a valid, unexpired, unused link names."""
	name, expires = read_token(token)
	if time.time() > expires:
		frappe.throw(
			_(
				"This sign-off link expired on {0}. Ask the sender for a new print of the delivery note."
			).format(local_time(expires)),
			SignOffLinkError,
			title=_("Link Expired"),
		)
	if not frappe.db.exists(DOCTYPE, name):
		refuse_link()
	doc = frappe.get_doc(DOCTYPE, name, for_update=for_update)
	if doc.docstatus == 1 and doc.sign_status != "Pending":
		frappe.throw(
			_("Delivery note {0} was signed for on {1} ({2}); this link has been used.").format(
				doc.name, format_datetime(doc.signed_at, "yyyy-MM-dd HH:mm"), _(doc.sign_status)
			),
			SignOffLinkUsedError,
			title=_("Already Signed"),
		)
	if not can_sign_by_link(doc):
		refuse_link()  # cancelled, or never dispatched
	return doc


def receiver_view(doc) -> frappe._dict:
	"""What the receiver sees: the note's header and its lines, quantities only."""
	return frappe._dict(
		name=doc.name,
		customer=doc.customer,
		order_no=doc.order_no or doc.order,
		ship_date=doc.ship_date,
		carrier=doc.carrier,
		tracking_no=doc.tracking_no,
		delivery_address=doc.delivery_address,
		lines=[
			frappe._dict(
				idx=row.idx,
				product=row.product,
				product_name=row.product_name,
				specification=row.specification,
				qty=flt(row.qty),
				uom=row.uom,
			)
			for row in doc.items
		],
	)


# the sign-off


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=60, seconds=10 * 60)
def sign(
	token: str,
	signed_by: str | None = None,
	received: str | dict | None = None,
	refused: int | str = 0,
	remarks: str | None = None,
) -> dict:
	"""Record the receiver's sign-off through a link: received {line idx: quantity}, the
	receiver's name, and a photo of the signed paper (multipart field `photo`) unless refused.

	The link is the only credential: it reaches this note's sign-off and nothing else."""
	# The note's row lock: of two submissions at once, the second finds the note signed.
	doc = note_for(token, for_update=True)
	refused = cint(refused)
	signed_by = (signed_by or "").strip()
	if not signed_by:
		frappe.throw(_("Write the name of the person receiving the goods."), frappe.ValidationError)
	if len(signed_by) > SIGNED_BY_MAX or len(remarks or "") > REMARKS_MAX:
		frappe.throw(_("The name or the remarks are too long."), frappe.ValidationError)
	quantities = parse_received(received, doc)
	for row in doc.items:
		row.received_qty = 0 if refused else quantities.get(row.idx, flt(row.qty))
	short = any(flt(row.received_qty) < flt(row.qty) for row in doc.items)
	doc.sign_status = "Refused" if refused else ("Partly Signed" if short else "Signed")
	doc.signed_by = signed_by
	doc.signed_at = now_datetime()
	doc.sign_off_remarks = (remarks or "").strip() or None
	doc.flags.signed_by_link = True
	photo = frappe.request.files.get("photo") if frappe.request and frappe.request.files else None
	if photo:
		doc.signed_receipt = save_photo(doc, photo)
	elif not refused:
		frappe.throw(
			_("Take a photo of the signed delivery note and send it with the sign-off."), SignOffPhotoError
		)
	# The rules, the delivered quantities and the discrepancy exception are the note's own.
	doc.flags.ignore_permissions = True
	doc.save()
	return {"name": doc.name, "sign_status": doc.sign_status, "message": _(doc.sign_status)}


def parse_received(received, doc) -> dict[int, float]:
	if isinstance(received, str):
		try:
			received = frappe.parse_json(received) if received.strip() else {}
		except ValueError:
			received = None
	if received is None:
		received = {}
	if not isinstance(received, dict):
		frappe.throw(_("The received quantities could not be read."), frappe.ValidationError)
	lines = {row.idx for row in doc.items}
	quantities = {}
	for key, value in received.items():
		idx = cint(key) if str(key).isdigit() else None
		if idx not in lines:
			frappe.throw(
				_("Line {0} is not on delivery note {1}.").format(key, doc.name), frappe.ValidationError
			)
		try:
			quantities[idx] = float(value)
		except (TypeError, ValueError):
			frappe.throw(
				_("Line {0}: the received quantity must be a number.").format(idx), frappe.ValidationError
			)
	return quantities


def save_photo(doc, upload) -> str:
	"""Keep the photo as a private file of the note; only JPEG, PNG and WebP images, at most
	MAX_PHOTO_BYTES. Returns its URL."""
	from PIL import Image, UnidentifiedImageError

	content = upload.stream.read(MAX_PHOTO_BYTES + 1)
	if len(content) > MAX_PHOTO_BYTES:
		frappe.throw(
			_("The photo is larger than {0} MB; take it again at a lower resolution.").format(
				MAX_PHOTO_BYTES // (1024 * 1024)
			),
			SignOffPhotoError,
		)
	try:
		with Image.open(io.BytesIO(content)) as image:
			kind = image.format
			image.verify()
	except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
		kind = None
	if kind not in PHOTO_FORMATS:
		frappe.throw(_("Send the photo as a JPEG, PNG or WebP image."), SignOffPhotoError)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"sign-off-{doc.name}.{PHOTO_FORMATS[kind]}",
			"content": content,
			"is_private": 1,
			"attached_to_doctype": DOCTYPE,
			"attached_to_name": doc.name,
			"attached_to_field": "signed_receipt",
		}
	)
	file.flags.ignore_permissions = True
	file.insert()
	# The bytes are on disk before the transaction commits: a sign-off that fails removes them.
	frappe.db.after_rollback.add(lambda: _remove_file_bytes(file))
	return file.file_url


def _remove_file_bytes(file) -> None:
	import os

	path = file.get_full_path()
	if os.path.exists(path):
		os.remove(path)
