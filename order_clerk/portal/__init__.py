"""The customer portal: a customer's contacts read their company's orders, confirm them and ask about them.

Who belongs to which customer: a row of the customer's Portal Contacts (OC Customer Contact),
kept by the clerk, names a Website User who holds the Customer Portal User role. That role has
no permission on any DocType of the app, so REST, frappe.client, reportview and the desk give
a portal user nothing. Everything the portal shows is read here, on the server, for the one
customer the user belongs to, and only what a customer may see: no remarks, rejection reasons,
makers, descriptions of exceptions, or questions the clerk asked someone else. An order of
another customer is answered as if it did not exist (404), so its name tells nothing.

The portal writes two things on an order, both only here and never through a save by the
customer: the online confirmation (who, when, from which address; server-owned fields of the
order, see review.SERVER_OWNED_FIELDS) and a question, appended to the order's clarification
log with the portal user as its asker. Neither touches what was ordered, and a sealed order
takes neither (archive.guard_sealed).
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import cint, escape_html, flt, get_url, now_datetime, validate_email_address

from order_clerk import archive, review
from order_clerk.notify import assign, users_with_role
from order_clerk.order_clerk.doctype.oc_order.intake import content_fingerprint
from order_clerk.printing.formatting import format_amount, format_quantity
from order_clerk.roles import CUSTOMER_PORTAL_USER, ORDER_CLERK

# The confirmation is of what will be delivered: an order whose content the clerk no longer edits.
CONFIRMABLE_STATES = (review.PENDING_REVIEW, review.APPROVED)
CONFIRMATION_FIELDS = (
	"customer_confirmed_by",
	"customer_confirmed_name",
	"customer_confirmed_on",
	"customer_confirmed_ip",
)
# What a contact may download, each in its one print format; the print is logged as any other.
PRINT_FORMATS = {"OC Order": "OC Order Confirmation", "OC Delivery Note": "OC Delivery Note"}
ORDERS_PER_PAGE = 20
MAX_QUESTION_LENGTH = 2000
# Per user and hour: a company's contacts often share one address. Frappe's login protections
# (failed attempts lock the account) apply to signing in itself.
PORTAL_ACTIONS_PER_HOUR = 30
INVITATIONS_PER_HOUR = 30


class NotACustomerContactError(frappe.PermissionError):
	"""The user is no portal contact of a customer, or may not do this for it."""


class OrderNotConfirmableError(frappe.ValidationError):
	"""The order is not in a state in which the customer confirms it."""


class OrderAlreadyConfirmedError(frappe.DuplicateEntryError):
	"""The order was confirmed before."""


class InvalidPortalContactError(frappe.ValidationError):
	"""A contact row or invitation that cannot be a portal contact."""


# who is whose


def contact_of(user: str | None = None) -> frappe._dict | None:
	"""The portal contact `user` is (customer, customer_name, full_name, can_confirm), or None."""
	user = user or frappe.session.user
	if user in ("Guest", "Administrator") or CUSTOMER_PORTAL_USER not in frappe.get_roles(user):
		return None
	contact, customer = DocType("OC Customer Contact"), DocType("OC Customer")
	rows = (
		frappe.qb.from_(contact)
		.join(customer)
		.on(contact.parent == customer.name)
		.select(
			contact.parent.as_("customer"),
			customer.customer_name,
			contact.full_name,
			contact.can_confirm,
		)
		.where((contact.parenttype == "OC Customer") & (contact.parentfield == "contacts"))
		.where((contact.user == user) & (customer.disabled == 0))
		.run(as_dict=True)
	)
	# One customer per user (link_contact_users); anything else gives no access at all.
	return rows[0] if len(rows) == 1 else None


def require_contact() -> frappe._dict:
	contact = contact_of()
	if not contact:
		frappe.throw(
			_("Only a customer's contact signed in to the customer portal may do this."),
			NotACustomerContactError,
			title=_("Not Permitted"),
		)
	return contact


def order_of(contact: frappe._dict, order: str, for_update: bool = False):
	"""The contact's order of that name; any other order, existing or not, is "not found"."""
	customer = (
		frappe.db.get_value("OC Order", order, "customer") if isinstance(order, str) and order else None
	)
	if not customer or customer != contact.customer:
		frappe.throw(_("Order {0} was not found.").format(order), frappe.DoesNotExistError)
	return frappe.get_doc("OC Order", order, for_update=for_update)


def contact_users(customer: str) -> list[str]:
	return frappe.get_all(
		"OC Customer Contact",
		filters={"parenttype": "OC Customer", "parent": customer, "user": ("is", "set")},
		pluck="user",
	)


def order_url(order) -> str | None:
	"""The order's page on the portal, when its customer has a portal contact."""
	if not order.customer or not contact_users(order.customer):
		return None
	return get_url(f"/my-orders/{order.name}")


# what a contact sees


def customer_status(order) -> str:
	"""The order's state as the customer reads it; the review's inner steps are not theirs."""
	if order.docstatus == 2:
		return _("Cancelled")
	if order.docstatus == 1:
		return _(order.status)
	if order.workflow_state == review.PENDING_REVIEW:
		return _("Being reviewed")
	return _("Being prepared")


def list_orders(contact: frappe._dict, start: int = 0) -> list[frappe._dict]:
	order = DocType("OC Order")
	rows = (
		frappe.qb.from_(order)
		.select(
			order.name,
			order.order_no,
			order.customer_po,
			order.order_date,
			order.delivery_date,
			order.revised_delivery_date,
			order.per_shipped,
			order.per_delivered,
			order.status,
			order.docstatus,
			order.workflow_state,
			order.customer_confirmed_on,
		)
		.where(order.customer == contact.customer)
		.orderby(order.creation, order=frappe.qb.desc)
		.limit(ORDERS_PER_PAGE + 1)
		.offset(max(cint(start), 0))
		.run(as_dict=True)
	)
	for row in rows:
		row.customer_status = customer_status(row)
	return rows


def order_view(contact: frappe._dict, order) -> frappe._dict:
	"""Everything the order's page shows, and nothing else."""
	confirmed = bool(order.customer_confirmed_on)
	return frappe._dict(
		name=order.name,
		order_no=order.order_no,
		customer_po=order.customer_po,
		order_date=order.order_date,
		delivery_date=order.delivery_date,
		revised_delivery_date=order.revised_delivery_date,
		delivery_address=order.delivery_address,
		status=customer_status(order),
		per_shipped=flt(order.per_shipped),
		per_delivered=flt(order.per_delivered),
		grand_total=format_amount(order.grand_total),
		lines=[line_view(row) for row in order.items],
		shipments=shipments_of(order.name),
		exceptions=open_exceptions_of(order.name),
		questions=questions_of(order),
		confirmed=confirmed,
		confirmed_by=order.customer_confirmed_name,
		confirmed_on=order.customer_confirmed_on,
		can_confirm=bool(
			cint(contact.can_confirm) and not confirmed and order.workflow_state in CONFIRMABLE_STATES
		),
		confirmation_pdf=order.docstatus == 1,
	)


def line_view(row) -> frappe._dict:
	qty = flt(row.qty)
	return frappe._dict(
		product=row.product_name or row.product,
		specification=row.specification,
		qty=format_quantity(row.qty),
		uom=row.uom,
		rate=format_amount(row.rate),
		amount=format_amount(row.amount),
		shipped_qty=format_quantity(row.shipped_qty),
		delivered_qty=format_quantity(row.delivered_qty),
		per_delivered=min(100, round(flt(row.delivered_qty) * 100 / qty)) if qty else 0,
	)


def shipments_of(order: str) -> list[frappe._dict]:
	notes = frappe.get_all(
		"OC Delivery Note",
		filters={"order": order, "docstatus": 1},
		fields=["name", "ship_date", "carrier", "tracking_no", "status", "sign_status", "signed_at"],
		order_by="creation asc",
	)
	for note in notes:
		note.status = _(note.status) if note.status else ""
		note.sign_status = _(note.sign_status or "Pending")
	return notes


def open_exceptions_of(order: str) -> list[frappe._dict]:
	# The kind, since when and the revised date only: descriptions and resolutions are internal.
	rows = frappe.get_all(
		"OC Order Exception",
		filters={"order": order, "status": ("in", archive.OPEN_EXCEPTION_STATES)},
		fields=["exception_type", "creation", "revised_delivery_date"],
		order_by="creation asc",
	)
	return [
		frappe._dict(
			kind=_(row.exception_type),
			since=row.creation,
			revised_delivery_date=row.revised_delivery_date,
		)
		for row in rows
	]


def questions_of(order) -> list[frappe._dict]:
	"""The questions the customer's contacts asked on the portal, with our answers."""
	askers = set(contact_users(order.customer))
	return [
		frappe._dict(
			question=row.question,
			asked_on=row.asked_on,
			answer=row.answer,
			answered_on=row.answered_on,
		)
		for row in order.clarifications
		if row.asked_by in askers
	]


# what a contact does


def limit_rate(action: str, limit: int, seconds: int = 60 * 60) -> None:
	"""At most `limit` calls of `action` by the session user in `seconds` (429 beyond)."""
	key = frappe.cache.make_key(f"rl:order_clerk.portal.{action}:{frappe.session.user}")
	count = frappe.cache.incrby(key, 1)
	if count == 1:
		frappe.cache.expire(key, seconds)
	if count > limit:
		frappe.throw(
			_("You hit the rate limit because of too many requests. Please try after sometime."),
			frappe.RateLimitExceededError,
		)


@frappe.whitelist(methods=["POST"])
def confirm_order(order: str) -> dict:
	"""The signed-in contact confirms the order online; who, when and from where is recorded."""
	contact = require_contact()
	limit_rate("confirm_order", PORTAL_ACTIONS_PER_HOUR)
	doc = order_of(contact, order, for_update=True)
	if not cint(contact.can_confirm):
		frappe.throw(
			_("You may read {0}'s orders but not confirm them.").format(contact.customer_name),
			NotACustomerContactError,
			title=_("Not Permitted"),
		)
	if doc.customer_confirmed_on:
		frappe.throw(
			_("Order {0} was confirmed by {1} on {2}.").format(
				doc.name, doc.customer_confirmed_name, frappe.utils.format_datetime(doc.customer_confirmed_on)
			),
			OrderAlreadyConfirmedError,
			title=_("Already Confirmed"),
		)
	if doc.workflow_state not in CONFIRMABLE_STATES:
		frappe.throw(
			_("Order {0} cannot be confirmed now: it is {1}.").format(doc.name, customer_status(doc)),
			OrderNotConfirmableError,
			title=_("Not Confirmable"),
		)
	archive.guard_sealed(doc)
	confirmation = {
		"customer_confirmed_by": frappe.session.user,
		"customer_confirmed_name": contact.full_name,
		"customer_confirmed_on": now_datetime(),
		"customer_confirmed_ip": frappe.local.request_ip,
	}
	# Server-owned fields, written here only: no save of the order by its customer.
	doc.db_set(confirmation)
	doc.add_comment(
		"Info",
		_("{0} confirmed the order on the customer portal.").format(escape_html(contact.full_name)),
	)
	return {
		"order": doc.name,
		"confirmed_by": contact.full_name,
		"confirmed_on": str(doc.customer_confirmed_on),
	}


@frappe.whitelist(methods=["POST"])
def ask_question(order: str, question: str) -> dict:
	"""The signed-in contact's question lands in the order's clarification log, for the clerk."""
	contact = require_contact()
	limit_rate("ask_question", PORTAL_ACTIONS_PER_HOUR)
	question = (question or "").strip() if isinstance(question, str) else ""
	if not question:
		frappe.throw(_("Write your question first."), frappe.ValidationError, title=_("No Question"))
	if len(question) > MAX_QUESTION_LENGTH:
		frappe.throw(
			_("Your question is longer than {0} characters; please shorten it.").format(MAX_QUESTION_LENGTH),
			frappe.ValidationError,
			title=_("Question Too Long"),
		)
	doc = order_of(contact, order, for_update=True)
	archive.guard_sealed(doc)
	user, now = frappe.session.user, now_datetime()
	row = doc.append("clarifications", {"question": question, "asked_by": user, "asked_on": now})
	row.docstatus = doc.docstatus
	# The row alone, not a save of the order by its customer; the order's timestamp moves, so a
	# form opened before cannot save over the question.
	row.db_insert()
	frappe.db.set_value("OC Order", doc.name, {"modified": now, "modified_by": user}, update_modified=False)
	doc.add_comment(
		"Info",
		_("{0} asked a question on the customer portal.").format(escape_html(contact.full_name)),
	)
	clerks = set(users_with_role(ORDER_CLERK))
	assign(
		doc,
		[user for user in review.makers_of(doc) if user in clerks] or sorted(clerks),
		_("{0} of {1} asks about order {2}: {3}").format(
			escape_html(contact.full_name),
			escape_html(contact.customer_name or contact.customer),
			doc.name,
			escape_html(question),
		),
	)
	return {"order": doc.name, "question": row.name}


@frappe.whitelist(methods=["GET"])
def download_pdf(doctype: str, name: str):
	"""The order confirmation or a delivery note of the contact's order, as a PDF (logged as a print)."""
	contact = require_contact()
	if doctype not in PRINT_FORMATS or not isinstance(name, str):
		frappe.throw(_("There is no such document to download."), frappe.DoesNotExistError)
	order = name if doctype == "OC Order" else frappe.db.get_value(doctype, name, "order")
	order_of(contact, order)
	doc = frappe.get_doc(doctype, name)
	if doc.docstatus != 1:
		frappe.throw(
			_("{0} {1} is not final yet; it can be downloaded once it is.").format(_(doctype), name),
			frappe.DoesNotExistError,
		)
	# The customer's own order: its prices are theirs to see (order_clerk.printing.context).
	doc.flags.oc_customer_copy = True
	frappe.flags.oc_portal_print = (doctype, name)
	try:
		pdf = frappe.get_print(doctype, name, PRINT_FORMATS[doctype], doc=doc, as_pdf=True)
	finally:
		frappe.flags.oc_portal_print = None
	frappe.local.response.filename = f"{name}.pdf"
	frappe.local.response.filecontent = pdf
	frappe.local.response.type = "pdf"


def has_website_permission(doc, ptype: str, user: str, verbose: bool = False) -> bool:
	"""hooks has_website_permission: Frappe's print view lets a contact render only the print
	download_pdf asks for, never any other format or document."""
	if frappe.flags.get("oc_portal_print") != (doc.doctype, doc.name):
		return False
	contact = contact_of(user)
	return bool(contact and doc.get("customer") == contact.customer)


# what the clerk does


@frappe.whitelist(methods=["POST"])
def invite_contact(customer: str, email: str, full_name: str | None = None, can_confirm: int = 1) -> dict:
	"""Invite a person of the customer to the portal: a Website User with Frappe's welcome e-mail,
	linked as a portal contact of the customer (needs write permission on the customer)."""
	doc = frappe.get_doc("OC Customer", customer)
	doc.check_permission("write")
	limit_rate("invite_contact", INVITATIONS_PER_HOUR)
	email = (email or "").strip().lower() if isinstance(email, str) else ""
	if not validate_email_address(email):
		frappe.throw(_("{0} is not a valid e-mail address.").format(email), InvalidPortalContactError)
	row = next((row for row in doc.contacts if (row.email or "").lower() == email), None)
	if not row:
		row = doc.append("contacts", {"email": email})
	row.full_name = (full_name or "").strip() or row.full_name or email
	row.can_confirm = cint(can_confirm)
	user, welcomed = ensure_portal_user(email, row.full_name)
	doc.flags.oc_invited = {email: now_datetime()}
	doc.save()
	return {"user": user, "welcome_email": welcomed}


def ensure_portal_user(email: str, full_name: str) -> tuple[str, bool]:
	"""The Website User of `email` with the portal role, made with Frappe's welcome e-mail when new.

	Clerks may not manage users: the caller has checked write permission on the customer, and a
	desk user is never turned into a customer's contact.
	"""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": full_name,
				"user_type": "Website User",
				"send_welcome_email": 1,
				"roles": [{"role": CUSTOMER_PORTAL_USER}],
			}
		)
		# Through the e-mail queue, sent after the request commits (Frappe sends it at once otherwise).
		user.flags.delay_emails = True
		user.insert(ignore_permissions=True)
		return user.name, True
	user = frappe.get_doc("User", email)
	if user.user_type != "Website User" or not user.enabled:
		frappe.throw(
			_("{0} is a user of this site who cannot be a customer's portal contact.").format(email),
			InvalidPortalContactError,
		)
	if CUSTOMER_PORTAL_USER not in [row.role for row in user.roles]:
		user.flags.ignore_permissions = True
		user.add_roles(CUSTOMER_PORTAL_USER)
	if user.last_login:
		return user.name, False
	# Invited before but never signed in: the welcome e-mail again, with a fresh link.
	user.flags.delay_emails = True
	user.send_welcome_mail_to_user()
	return user.name, True


def link_contact_users(customer) -> None:
	"""OC Customer validate: each contact row names the Website User of its e-mail (server-owned),
	and a person is the portal contact of one customer only."""
	before = {row.name: row for row in (customer.get_doc_before_save() or frappe._dict()).get("contacts", [])}
	invited = customer.flags.get("oc_invited") or {}
	seen = {}
	for row in customer.contacts:
		row.email = (row.email or "").strip().lower()
		if not validate_email_address(row.email):
			frappe.throw(
				_("Portal contact row {0}: {1} is not a valid e-mail address.").format(row.idx, row.email),
				InvalidPortalContactError,
			)
		if row.email in seen:
			frappe.throw(
				_("Portal contact rows {0} and {1} both have the e-mail address {2}.").format(
					seen[row.email], row.idx, row.email
				),
				InvalidPortalContactError,
			)
		seen[row.email] = row.idx
		other = frappe.db.get_value(
			"OC Customer Contact",
			{"parenttype": "OC Customer", "email": row.email, "parent": ("!=", customer.name)},
			"parent",
		)
		if other:
			frappe.throw(
				_("{0} is already a portal contact of customer {1}.").format(row.email, other),
				InvalidPortalContactError,
			)
		row.user = frappe.db.get_value("User", {"name": row.email, "user_type": "Website User"}, "name")
		previous = before.get(row.name)
		row.invited_on = invited.get(row.email) or (previous.invited_on if previous else None)


def forget_stale_confirmation(doc, method=None) -> None:
	"""OC Order validate: a confirmation is of what was ordered; a change of that voids it."""
	before = doc.get_doc_before_save()
	if not before or not doc.customer_confirmed_on:
		return
	if content_fingerprint(before) != content_fingerprint(doc):
		for field in CONFIRMATION_FIELDS:
			doc.set(field, None)


def page_contact(path: str) -> frappe._dict:
	"""The portal contact of a page's visitor; a guest signs in first and comes back to `path`."""
	if frappe.session.user == "Guest":
		from urllib.parse import quote

		frappe.local.flags.redirect_location = f"/login?redirect-to={quote(path)}"
		raise frappe.Redirect
	return require_contact()
