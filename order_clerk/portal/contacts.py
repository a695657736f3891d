"""Who is whose on the customer portal: the customer a portal user is a contact of, and the
Website Users behind a customer's Portal Contacts (order_clerk.portal)."""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.utils import get_url, validate_email_address

from order_clerk.exceptions import InvalidPortalContactError, NotACustomerContactError
from order_clerk.roles import CUSTOMER_PORTAL_USER, has_role


def contact_of(user: str | None = None) -> frappe._dict | None:
	"""The portal contact `user` is (customer, customer_name, full_name, can_confirm), or None."""
	user = user or frappe.session.user
	if user in ("Guest", "Administrator") or not has_role(CUSTOMER_PORTAL_USER, user=user):
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


def page_contact(path: str) -> frappe._dict:
	"""The portal contact of a page's visitor; a guest signs in first and comes back to `path`."""
	if frappe.session.user == "Guest":
		from urllib.parse import quote

		frappe.local.flags.redirect_location = f"/login?redirect-to={quote(path)}"
		raise frappe.Redirect
	return require_contact()
