"""The copies of a multi-part form (多联单): which ones a document prints, and their labels.

OC Settings lists, one per line and in print order, the copies an outbound slip or a
delivery note prints. The names there are fixed English keys; what each copy is called on
paper comes from translations, so a Chinese site prints 存根联, 仓库联 and so on. A document
with no copies setting prints one unlabelled copy.
"""

from typing import NamedTuple

import frappe
from frappe import _, _lt

from order_clerk.exceptions import InvalidPrintSettingsError
from order_clerk.printing.settings import get_print_settings

STUB = "Stub"
WAREHOUSE_COPY = "Warehouse Copy"
FINANCE_COPY = "Finance Copy"
LOGISTICS_COPY = "Logistics Copy"
CUSTOMER_COPY = "Customer Copy"


class CopyKind(NamedTuple):
	label: object  # translated when made a string, in the language of the print
	shows_prices: bool


COPY_KINDS = {
	STUB: CopyKind(_lt("Stub"), True),
	WAREHOUSE_COPY: CopyKind(_lt("Warehouse Copy"), False),
	FINANCE_COPY: CopyKind(_lt("Finance Copy"), True),
	LOGISTICS_COPY: CopyKind(_lt("Logistics Copy"), True),
	CUSTOMER_COPY: CopyKind(_lt("Customer Copy"), True),
}

# The OC Settings field that lists the copies of each multi-part document.
COPIES_SETTING = {
	"OC Outbound Slip": "outbound_slip_copies",
	"OC Delivery Note": "delivery_note_copies",
}

# What a copy is called on one kind of document when its general name does not fit.
LABEL_OVERRIDES = {
	("OC Delivery Note", CUSTOMER_COPY): _lt("Customer Sign-off Copy"),
}


class PrintCopy(NamedTuple):
	name: str  # the key in OC Settings, "" for the single copy of a document without copies
	label: str  # translated; "" for the single copy
	shows_prices: bool  # what the copy shows; whether the user may see prices is checked apart
	number: int  # 1-based position in the print
	count: int  # how many copies the print has


def get_print_copies(doctype: str, settings: dict | None = None) -> list[PrintCopy]:
	"""The copies one print of a `doctype` document gives, in order."""
	field = COPIES_SETTING.get(doctype)
	if not field:
		return [PrintCopy("", "", True, 1, 1)]
	configured = (settings if settings is not None else get_print_settings()).get(field)
	names = [name for name in parse_copy_names(configured) if name in COPY_KINDS]
	if not names:
		# A document prints at least one copy: an emptied setting means the default set.
		names = parse_copy_names(frappe.get_meta("OC Settings").get_field(field).default)
	return [
		PrintCopy(name, copy_label(doctype, name), COPY_KINDS[name].shows_prices, number, len(names))
		for number, name in enumerate(names, start=1)
	]


def copy_label(doctype: str, name: str) -> str:
	return str(LABEL_OVERRIDES.get((doctype, name)) or COPY_KINDS[name].label)


def parse_copy_names(text: str | None) -> list[str]:
	"""The copy names of a setting, one per line, without blanks and repeats."""
	names = []
	for line in (text or "").splitlines():
		name = line.strip()
		if name and name not in names:
			names.append(name)
	return names


def validate_copy_settings(settings) -> None:
	"""OC Settings may list only known copy names."""
	for field in COPIES_SETTING.values():
		unknown = [name for name in parse_copy_names(settings.get(field)) if name not in COPY_KINDS]
		if unknown:
			frappe.throw(
				_("{0}: unknown copy {1}. Use one per line of: {2}.").format(
					_(settings.meta.get_label(field)), ", ".join(unknown), ", ".join(COPY_KINDS)
				),
				InvalidPrintSettingsError,
				title=_("Invalid Copies"),
			)
