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
from frappe.utils import cint, escape_html, now_datetime, validate_email_address

from order_clerk import archive, review
from order_clerk.exceptions import OrderAlreadyConfirmedError, OrderNotConfirmableError
from order_clerk.notify import assign, users_with_role
from order_clerk.order_clerk.doctype.oc_order.intake import content_fingerprint
from order_clerk.portal.contacts import (
	InvalidPortalContactError,
	NotACustomerContactError,
	contact_of,
	contact_users,
	ensure_portal_user,
	link_contact_users,
	order_of,
	order_url,
	page_contact,
	require_contact,
)
from order_clerk.portal.views import (
	CONFIRMABLE_STATES,
	ORDERS_PER_PAGE,
	customer_status,
	list_orders,
	order_view,
)
from order_clerk.roles import ORDER_CLERK

# What the pages (www/my-orders) and the hooks use besides the endpoints below.
__all__ = [
	"CONFIRMABLE_STATES",
	"ORDERS_PER_PAGE",
	"InvalidPortalContactError",
	"NotACustomerContactError",
	"ask_question",
	"confirm_order",
	"contact_of",
	"contact_users",
	"download_pdf",
	"ensure_portal_user",
	"forget_stale_confirmation",
	"has_website_permission",
	"invite_contact",
	"link_contact_users",
	"list_orders",
	"order_of",
	"order_url",
	"order_view",
	"page_contact",
	"require_contact",
]

CONFIRMATION_FIELDS = (
	"customer_confirmed_by",
	"customer_confirmed_name",
	"customer_confirmed_on",
	"customer_confirmed_ip",
)
# What a contact may download, each in its one print format; the print is logged as any other.
PRINT_FORMATS = {"OC Order": "OC Order Confirmation", "OC Delivery Note": "OC Delivery Note"}
MAX_QUESTION_LENGTH = 2000
# Per user and hour: a company's contacts often share one address. Frappe's login protections
# (failed attempts lock the account) apply to signing in itself.
PORTAL_ACTIONS_PER_HOUR = 30
INVITATIONS_PER_HOUR = 30


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


def forget_stale_confirmation(doc, method=None) -> None:
	"""OC Order validate: a confirmation is of what was ordered; a change of that voids it."""
	before = doc.get_doc_before_save()
	if not before or not doc.customer_confirmed_on:
		return
	if content_fingerprint(before) != content_fingerprint(doc):
		for field in CONFIRMATION_FIELDS:
			doc.set(field, None)
