"""A renamed user (a new e-mail address) leaves the record of sealed documents as it was.

Frappe rewrites every link to a renamed User, submitted documents included; the app's
submitted and cancelled documents keep the name they recorded of who made, approved or sealed
them (order_clerk.immutability). Drafts follow the new name.
"""

import frappe
import pytest

from order_clerk.exceptions import RenameRefusedError
from tests.utils import act, make_customer, make_order, make_product, unique


def _user(*roles: str) -> str:
	email = f"{unique('rename').lower()}@test.example.com"
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Rename",
			"send_welcome_email": 0,
			"roles": [{"role": role} for role in roles],
		}
	).insert(ignore_permissions=True)
	return email


@pytest.fixture
def sealed():
	"""An order made by one clerk and approved by one reviewer, each with no other document."""
	clerk, reviewer = _user("Order Clerk"), _user("Order Reviewer")
	customer, product = make_customer(), make_product()
	frappe.set_user(clerk)
	order = make_order(
		customer,
		product,
		payment_terms="Net 30",
		delivery_address="88 Zhangjiang Road, Shanghai",
		contact_person="Zhang Wei",
		contact_phone="13800000000",
	)
	act(order.name, "Submit for Review")
	frappe.set_user(reviewer)
	act(order.name, "Approve")
	frappe.set_user("Administrator")
	return frappe._dict(clerk=clerk, reviewer=reviewer, order=order.name)


def _trail(order: str) -> tuple:
	doc = frappe.get_doc("OC Order", order)
	return doc.approved_by, doc.submitted_for_review_by, sorted(row.user for row in doc.makers)


def _new_name() -> str:
	return f"{unique('renamed').lower()}@test.example.com"


def test_an_approved_order_keeps_its_approver_and_makers_when_they_are_renamed(sealed):
	trail = _trail(sealed.order)
	assert trail[0] == sealed.reviewer and sealed.clerk in trail[2], trail
	for user in (sealed.reviewer, sealed.clerk):
		new_name = _new_name()
		assert frappe.rename_doc("User", user, new_name) == new_name
		assert frappe.db.exists("User", new_name) and not frappe.db.exists("User", user)
	assert _trail(sealed.order) == trail


def test_a_user_rename_that_skips_its_checks_is_refused(sealed):
	"""Document.rename is whitelisted with validate_rename: that path is undone."""
	new_name = _new_name()
	frappe.db.savepoint("unchecked_rename")
	with pytest.raises(RenameRefusedError, match="only be renamed with its checks"):
		frappe.get_doc("User", sealed.reviewer).rename(new_name, validate_rename=False)
	frappe.db.rollback(save_point="unchecked_rename")
	assert frappe.db.exists("User", sealed.reviewer) and not frappe.db.exists("User", new_name)
	assert _trail(sealed.order)[0] == sealed.reviewer


def test_a_sealed_archive_record_keeps_who_sealed_it(sealed):
	sealer = _user("Order Reviewer")
	record = frappe.get_doc({"doctype": "OC Archive Record", "order": sealed.order}).insert(
		ignore_permissions=True
	)
	# Sealing for real needs a finished order; the seal as the database records it.
	frappe.db.set_value("OC Archive Record", record.name, {"docstatus": 1, "sealed_by": sealer})
	frappe.rename_doc("User", sealer, _new_name())
	assert frappe.db.get_value("OC Archive Record", record.name, "sealed_by") == sealer


def test_a_draft_follows_the_new_name():
	user = _user("Order Clerk")
	frappe.set_user(user)
	draft = make_order(make_customer(), make_product())
	frappe.set_user("Administrator")
	assert user in [row.user for row in frappe.get_doc("OC Order", draft.name).makers]
	new_name = _new_name()
	frappe.rename_doc("User", user, new_name)
	makers = [row.user for row in frappe.get_doc("OC Order", draft.name).makers]
	assert new_name in makers and user not in makers, makers
