"""The permission model of order_clerk, as one table: who may do what to which DocType.

tests/test_attack_matrix.py attacks every cell of it through the REST API of a real server.
Read it as the intended model (README "Roles" and "Security model", the DocType permissions,
order_clerk/permissions.py); when the model changes, change it here first.

Profiles are the test users of tests/conftest.py: one per role, `clerk_reviewer` holding two
roles, `norole` a user without any role, and `guest` nobody logged in.

Operations, each as a hostile client would send it:

- list    GET /api/resource/<doctype>, filtered to the target (a child: ?parent=<parent doctype>)
- get     GET /api/resource/<doctype>/<name>
- create  POST /api/resource/<doctype>
- update  PUT /api/resource/<doctype>/<name> of a draft (a child row: PUT of the row itself)
- delete  DELETE /api/resource/<doctype>/<name>
- rename  POST frappe.client.rename_doc
- submit  PUT /api/resource/<doctype>/<name> with docstatus 1 (OC Order: the Approve action)
- cancel  POST frappe.client.cancel
- amend   POST /api/resource/<doctype> of a copy of a cancelled document, with amended_from

Every cell not listed as allowed must be refused: HTTP 403, and nothing written. A rename by a
user without write permission is refused with 403 before anything else is checked (so the
refusal names no documents); otherwise Frappe answers a refused rename with 417 ("... not
allowed to be renamed", or the app's RenameRefusedError for names used by sealed documents),
which counts as a refusal for rename only. A child row written or deleted on its own is refused with 403, or with
417 where the framework or the parent's controller refuses the change (a row of a submitted
document); either way nothing is written.

Row scope on top of the table (tests/test_attack_matrix.py::test_row_scope_*): an Order
Integrator reaches only the orders it created, Warehouse Operators and Finance Officers only
approved orders; the same holds for every child row of an order.
"""

PROFILES = ("clerk", "reviewer", "warehouse", "finance", "integrator", "clerk_reviewer", "norole", "guest")
OPERATIONS = ("list", "get", "create", "update", "delete", "rename", "submit", "cancel", "amend")
CHILD_OPERATIONS = ("list", "get", "update", "delete")

R = frozenset({"list", "get"})


def ops(*names: str) -> frozenset:
	unknown = set(names) - set(OPERATIONS)
	assert not unknown, unknown
	return R | frozenset(names)


NOTHING = frozenset()

# doctype -> profile -> the operations it may take. A profile not named may do nothing.
MODEL: dict[str, dict[str, frozenset]] = {
	# The order: clerks keep it until review, the reviewer decides (never on an order they
	# made), the integrator creates and edits its own, warehouse and finance only read.
	"OC Order": {
		"clerk": ops("create", "update", "delete", "amend"),
		"reviewer": ops("update", "submit", "cancel"),  # update: the rejection reason
		"warehouse": R,
		"finance": R,
		"integrator": ops("create", "update"),  # its own orders only
		"clerk_reviewer": ops("create", "update", "delete", "submit", "cancel", "amend"),
	},
	# The clerk drafts slips and notes; only the warehouse confirms, dispatches and cancels.
	"OC Outbound Slip": {
		"clerk": ops("create", "update", "delete"),
		"reviewer": R,
		"warehouse": ops("update", "submit", "cancel"),
		"finance": R,
		"clerk_reviewer": ops("create", "update", "delete"),
	},
	"OC Delivery Note": {
		"clerk": ops("create", "update", "delete"),
		"reviewer": R,
		"warehouse": ops("update", "submit", "cancel"),
		"finance": R,
		"clerk_reviewer": ops("create", "update", "delete"),
	},
	# The clerk sends invoice requests to finance; finance records the invoice on them.
	"OC Invoice Request": {
		"clerk": ops("create", "update", "delete", "submit", "cancel", "amend"),
		"reviewer": R,
		"finance": ops("update"),
		"clerk_reviewer": ops("create", "update", "delete", "submit", "cancel", "amend"),
	},
	# The clerk files, the reviewer seals; a sealed record is never cancelled or deleted.
	"OC Archive Record": {
		"clerk": ops("create", "update"),
		"reviewer": ops("update", "submit"),
		"finance": R,
		"clerk_reviewer": ops("create", "update", "submit"),
	},
	"OC Order Exception": {
		"clerk": ops("create", "update"),
		"reviewer": ops("create", "update"),
		"warehouse": R,
		"clerk_reviewer": ops("create", "update"),
	},
	# Master data: the clerk maintains it; renaming is refused once sealed documents use it.
	"OC Customer": {
		"clerk": ops("create", "update", "delete", "rename"),
		"reviewer": R,
		"warehouse": R,
		"finance": R,
		"clerk_reviewer": ops("create", "update", "delete", "rename"),
	},
	"OC Product": {
		"clerk": ops("create", "update", "delete", "rename"),
		"reviewer": R,
		"warehouse": R,
		"finance": R,
		"clerk_reviewer": ops("create", "update", "delete", "rename"),
	},
	"OC Warehouse": {
		"clerk": R,
		"reviewer": R,
		"warehouse": ops("create", "update"),
		"finance": R,
		"clerk_reviewer": R,
	},
	# Stock moves only through stock entries of the warehouse; ledger and balances are the
	# server's own records, read-only for everyone.
	"OC Stock Entry": {
		"clerk": R,
		"reviewer": R,
		"warehouse": ops("create", "update", "delete", "submit", "cancel", "amend"),
		"clerk_reviewer": R,
	},
	"OC Stock Ledger Entry": {"clerk": R, "reviewer": R, "warehouse": R, "clerk_reviewer": R},
	"OC Stock Balance": {"clerk": R, "reviewer": R, "warehouse": R, "clerk_reviewer": R},
	# Written by the server at each print, read by clerks and reviewers.
	"OC Print Log": {"clerk": R, "reviewer": R, "clerk_reviewer": R},
	# Documents received before they become orders: the clerk processes them; an integrator
	# hands them in and reads its own.
	"OC Intake": {
		"clerk": ops("create", "update", "delete"),
		"reviewer": R,
		"integrator": ops("create"),  # its own
		"clerk_reviewer": ops("create", "update", "delete"),
	},
	# The customer's own item codes for our products: master data of the clerk.
	"OC Customer Item": {
		"clerk": ops("create", "update", "delete"),
		"reviewer": R,
		"clerk_reviewer": ops("create", "update", "delete"),
	},
	# The headings of a customer's sheets and what they mean, learned from the clerk.
	"OC Customer Layout": {
		"clerk": ops("create", "update", "delete"),
		"reviewer": R,
		"clerk_reviewer": ops("create", "update", "delete"),
	},
	# Pre-computed sales figures: read through the reports only, never directly.
	"OC Sales Rollup": {},
	# A single: no list, create, delete or rename; the reviewer keeps the settings.
	"OC Settings": {
		"clerk": frozenset({"get"}),
		"reviewer": frozenset({"get", "update"}),
		"clerk_reviewer": frozenset({"get", "update"}),
	},
}

# Child tables: read as their parent is read (and only where the parent's table field is
# readable: agreed prices are permlevel 1 on the customer); never written on their own.
# child -> (parent doctype, table field)
CHILDREN: dict[str, tuple[str, str]] = {
	"OC Order Item": ("OC Order", "items"),
	"OC Order Clarification": ("OC Order", "clarifications"),
	"OC Production Request": ("OC Order", "production_requests"),
	"OC Order Maker": ("OC Order", "makers"),
	"OC Outbound Slip Item": ("OC Outbound Slip", "items"),
	"OC Copy Record": ("OC Outbound Slip", "copies"),
	"OC Delivery Note Item": ("OC Delivery Note", "items"),
	"OC Invoice Request Note": ("OC Invoice Request", "delivery_notes"),
	"OC Invoice Payment": ("OC Invoice Request", "payments"),
	"OC Order Exception Line": ("OC Order Exception", "lines"),
	"OC Delivery Date Revision": ("OC Order Exception", "date_revisions"),
	"OC Archive Item": ("OC Archive Record", "items"),
	"OC Stock Entry Item": ("OC Stock Entry", "items"),
	"OC Customer Price": ("OC Customer", "prices"),
	"OC Customer Contact": ("OC Customer", "contacts"),
}

# Who may read the rows of a child table, when that differs from who may read its parent.
CHILD_READERS_OVERRIDE = {
	# Agreed prices are amounts: not for the warehouse.
	"OC Customer Price": frozenset({"clerk", "reviewer", "finance", "clerk_reviewer"}),
}


def child_model(child: str) -> dict[str, frozenset]:
	parent = CHILDREN[child][0]
	readers = CHILD_READERS_OVERRIDE.get(child) or frozenset(
		profile for profile, allowed in MODEL[parent].items() if "get" in allowed
	)
	return {profile: R for profile in readers}


def allowed(doctype: str, profile: str) -> frozenset:
	model = child_model(doctype) if doctype in CHILDREN else MODEL[doctype]
	return model.get(profile, NOTHING)


# Cells where an allowed operation ends in a business rule (HTTP 417) rather than success,
# with the reason. Everything else allowed must succeed.
RULE_REFUSALS = {
	# Sealing needs every document of the finished order gathered; the matrix's record is
	# of an order that has only just been approved.
	("OC Archive Record", "submit"): "an archive record is sealed only when complete",
}

# Fields a profile may not read, anywhere (documents, lists, child lists, reports, prints).
HIDDEN_FIELDS = {
	"warehouse": {
		"OC Order": ("grand_total",),
		"OC Order Item": (
			"rate",
			"amount",
			"price_list_rate",
			"price_deviation_percent",
			"price_deviation_reason",
		),
		"OC Customer": ("credit_limit", "prices"),
		"OC Product": ("standard_rate",),
	},
}
