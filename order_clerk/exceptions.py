"""Errors the app raises, so that callers and tests can tell them apart.

Each maps to an HTTP status through its Frappe base class: ValidationError 417,
PermissionError 403, DuplicateEntryError 409.
"""

import frappe


class InvalidOrderDataError(frappe.ValidationError):
	"""A value of the wrong kind or out of range."""


class IncompleteOrderError(frappe.ValidationError):
	"""The order lacks one of the facts a clerk must confirm before review."""


class IllegalTransitionError(frappe.ValidationError):
	"""A workflow state change that the review workflow does not allow."""


class ReviewPermissionError(frappe.PermissionError):
	"""The user may not take this review step (role or maker-checker)."""


class DuplicateOrderError(frappe.DuplicateEntryError):
	"""An order with the same channel and external reference already exists."""


class FrozenOrderError(frappe.ValidationError):
	"""The order's content cannot change in its current state."""


class InvalidPrintSettingsError(frappe.ValidationError):
	"""A print setting names something the app does not know (a copy of a form, say)."""


class CreditLimitError(frappe.ValidationError):
	"""The approval would take the customer's exposure above their credit limit."""


class ArchiveSealedError(frappe.ValidationError):
	"""The order is archived and sealed: nothing of it changes (order_clerk.archive)."""


class ArchiveIncompleteError(frappe.ValidationError):
	"""An archive record lacks what sealing needs; the message names each missing piece."""
