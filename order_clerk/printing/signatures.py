"""Signature blocks (制单, 审核, 仓库, 承运, 客户签收, 财务) at the foot of a printed form.

A print format lists the blocks it wants and, where the system knows them, who signs and
when; a block without a person is left blank for a pen. Who signs is a user of the site,
printed by full name, or a name as written on the document (a driver, the customer's
receiver), who is no user.
"""

from typing import NamedTuple

from frappe import _
from frappe.utils import formatdate, get_fullname

PREPARED = "prepared"
REVIEWED = "reviewed"
WAREHOUSE = "warehouse"
CARRIER = "carrier"
CUSTOMER = "customer"
CUSTOMER_CONFIRMATION = "customer_confirmation"
FINANCE = "finance"


class SignatureBlock(NamedTuple):
	kind: str
	label: str
	name: str  # who signs, when known
	date: str  # when, when known


def signature_label(kind: str) -> str:
	# Context "Signature": these short words are translated as the captions of a form.
	labels = {
		PREPARED: _("Prepared by", context="Signature"),
		REVIEWED: _("Reviewed by", context="Signature"),
		WAREHOUSE: _("Warehouse", context="Signature"),
		CARRIER: _("Carrier", context="Signature"),
		CUSTOMER: _("Customer Signature", context="Signature"),
		CUSTOMER_CONFIRMATION: _("Customer Confirmation", context="Signature"),
		FINANCE: _("Finance", context="Signature"),
	}
	return labels[kind]


def signature_blocks(signatures) -> list[SignatureBlock]:
	"""Blocks from (kind, user, date) or (kind, user, date, written name) entries.

	Any of them may be empty; a written name is printed as it is, in place of the user's.
	"""
	blocks = []
	for kind, user, date, *written in signatures or ():
		name = (written[0] if written else "") or (get_fullname(user) if user else "")
		blocks.append(SignatureBlock(kind, signature_label(kind), name, formatdate(date) if date else ""))
	return blocks
