"""Every error the app raises, so that callers and tests can tell them apart.

Each maps to an HTTP status through its Frappe base class: ValidationError 417,
PermissionError 403, DuplicateEntryError 409. The modules that raise them import them from
here (and so still offer them under their old names).
"""

import frappe

# Orders and their review


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


# Master data


class DuplicateCustomerPriceError(frappe.ValidationError):
	pass


# Fulfilment


class OverShipmentError(frappe.ValidationError):
	pass


class OrderNotShippableError(frappe.ValidationError):
	pass


class InsufficientStockError(frappe.ValidationError):
	pass


class NoShortageError(frappe.ValidationError):
	pass


class SignOffError(frappe.ValidationError):
	pass


class DuplicateDeliveryNoteError(frappe.DuplicateEntryError, frappe.ValidationError):
	"""A slip has one delivery note, and a note lists each slip line once (HTTP 409)."""


class CopyLedgerError(frappe.ValidationError):
	pass


class OrderExceptionError(frappe.ValidationError):
	pass


class MissingSettingError(frappe.ValidationError):
	"""The app needs a value that neither the caller nor OC Settings gives."""


# Invoicing


class InvoiceRequestError(frappe.ValidationError):
	pass


class DuplicateInvoiceRequestError(frappe.DuplicateEntryError, InvoiceRequestError):
	"""A delivery note is on one invoice request (HTTP 409)."""


# Archive and evidence


class DuplicateArchiveRecordError(frappe.DuplicateEntryError):
	"""An order has one archive record (a unique index on the order holds it under concurrency)."""


class RenameRefusedError(frappe.ValidationError):
	"""An approved document, or a master that approved documents name, keeps its name."""


class RenameNotPermittedError(frappe.PermissionError):
	"""A rename by a user without write permission on the DocType."""


class EvidenceFileError(frappe.ValidationError):
	"""A file kept as evidence cannot be deleted, replaced, re-pointed or made public."""


# Sign-off from the receiver's phone


class SignOffLinkError(frappe.PermissionError):
	"""The link is not one this site made for a note that can still be signed for (403)."""


class SignOffLinkUsedError(frappe.ValidationError):
	"""The note's sign-off is recorded already: the link has been used (417)."""


class SignOffPhotoError(frappe.ValidationError):
	"""The photo of the signed paper is missing, too large or not an image (417)."""


# Customer portal


class OrderNotConfirmableError(frappe.ValidationError):
	"""The order is not in a state in which the customer confirms it."""


class OrderAlreadyConfirmedError(frappe.DuplicateEntryError):
	"""The order was confirmed before."""


class NotACustomerContactError(frappe.PermissionError):
	"""The user is no portal contact of a customer, or may not do this for it."""


class InvalidPortalContactError(frappe.ValidationError):
	"""A contact row or invitation that cannot be a portal contact."""


# Permissions, amounts and files


class HiddenFieldQueryError(frappe.PermissionError):
	"""A list query filters, sorts or groups by a field the user may not read."""


class AmountInWordsError(frappe.ValidationError, ValueError):
	"""The value cannot be written as an amount in Chinese uppercase."""


class WorkbookTooLargeError(frappe.ValidationError):
	"""An uploaded workbook beyond one of the import limits."""


# Order capture: answering an intake's sender


class SenderAlreadyAnsweredError(frappe.DuplicateEntryError):
	"""The sender of an intake has already had the order's acknowledgement (HTTP 409)."""


class CannotAnswerSenderError(frappe.ValidationError):
	"""No reply can go to an intake's sender: no address, no order yet, or no outgoing email."""


# Order capture: the clerk's mapping of a customer's columns


class ColumnMappingError(frappe.ValidationError):
	"""A column mapping that cannot be kept: an unknown meaning or heading, two columns with one
	meaning, an intake without a known customer, or one that is closed."""


class IntakeAlreadyDecidedError(frappe.ValidationError):
	"""An intake that is converted, a duplicate or rejected: the sender's reply changes nothing on it
	(HTTP 409)."""

	http_status_code = 409


class NoReplyToReadError(frappe.ValidationError):
	"""No reply of the sender to read: none in the intake's thread, or an intake that asks nothing."""
