"""Credit control: how much a customer owes or has on order, and the limit an approval keeps to.

A customer's exposure is what they have been promised but not yet paid for:

- approved orders not yet invoiced: the value of each approved order (of a completed order,
  what was delivered) less what issued invoices cover, and
- issued invoices not yet paid: each issued invoice request's amount less the payments that
  finance recorded on it (回款).

An approval that would take the exposure above the customer's credit limit is refused with
the figures, unless a Credit Controller approves it with a reason (`approve_over_credit_limit`).
The check runs in the order's before_submit, so it holds on every path to approval (desk,
REST, e-mail, frappe.client). It reads under a lock on the customer's row, with locking reads,
so two approvals for one customer at once are taken one after the other and cannot both slip
under the limit.
"""

import frappe
from frappe import _
from frappe.query_builder import Case, DocType
from frappe.query_builder.functions import Coalesce, Sum
from frappe.utils import flt, fmt_money, getdate, nowdate

from order_clerk.exceptions import CreditLimitError
from order_clerk.roles import CREDIT_CONTROLLER, FINANCE_OFFICER, ORDER_CLERK, ORDER_REVIEWER, has_role
from order_clerk.status import COMPLETED

# Who may see a customer's exposure: the roles that already read its credit limit.
CREDIT_READERS = (ORDER_CLERK, ORDER_REVIEWER, FINANCE_OFFICER, CREDIT_CONTROLLER, "System Manager")

CUSTOMER_INDEX = "customer_docstatus"  # of OC Order and OC Invoice Request


def exposure_by_customer(customers: list[str] | None = None, lock: bool = False) -> dict[str, frappe._dict]:
	"""{customer: {orders_not_invoiced, invoices_unpaid, exposure, overdue_amount, overdue_invoices}},
	for the given customers (all when None). Aggregated in SQL, one query per kind of document."""
	order, line = DocType("OC Order"), DocType("OC Order Item")
	request = DocType("OC Invoice Request")

	open_orders = (
		frappe.qb.from_(order)
		.select(order.customer, Sum(order.grand_total))
		.where((order.docstatus == 1) & (order.status != COMPLETED))
		.groupby(order.customer)
	)
	# A completed order was closed with what it delivered; the rest will never be invoiced.
	completed_orders = (
		frappe.qb.from_(order)
		.join(line)
		.on((line.parent == order.name) & (line.parenttype == "OC Order"))
		.select(order.customer, Sum(line.delivered_qty * line.rate))
		.where((order.docstatus == 1) & (order.status == COMPLETED))
		.groupby(order.customer)
	)
	today = getdate(nowdate())
	overdue = (request.payment_status != "Paid") & (request.due_date < today)
	invoices = (
		frappe.qb.from_(request)
		.select(
			request.customer,
			Sum(request.total_amount),
			Sum(Coalesce(request.paid_amount, 0)),
			Sum(Case().when(overdue, request.total_amount - Coalesce(request.paid_amount, 0)).else_(0)),
			Sum(Case().when(overdue, 1).else_(0)),
		)
		.where((request.docstatus == 1) & (request.status == "Issued"))
		.groupby(request.customer)
	)
	queries = [open_orders, completed_orders, invoices]
	if customers is not None:
		if not customers:
			return {}
		# Through the (customer, docstatus) index: a locking read then locks only these
		# customers' approved documents, never an order another approval holds (a deadlock).
		queries = [
			q.force_index(CUSTOMER_INDEX).where(table.customer.isin(customers))
			for q, table in zip(queries, (order, order, request), strict=True)
		]
	if lock:
		# Locking reads see what other transactions committed after this one's snapshot.
		queries = [q.for_update() for q in queries]

	result: dict[str, frappe._dict] = {}

	def entry(customer: str) -> frappe._dict:
		return result.setdefault(
			customer,
			frappe._dict(ordered=0.0, invoiced=0.0, paid=0.0, overdue_amount=0.0, overdue_invoices=0),
		)

	for query in queries[:2]:
		for customer, value in query.run():
			entry(customer).ordered += flt(value)
	for customer, invoiced, paid, overdue_amount, overdue_count in queries[2].run():
		row = entry(customer)
		row.update(invoiced=flt(invoiced), paid=flt(paid), overdue_amount=flt(overdue_amount, 2))
		row.overdue_invoices = int(overdue_count or 0)
	for row in result.values():
		row.orders_not_invoiced = flt(max(row.ordered - row.invoiced, 0), 2)
		row.invoices_unpaid = flt(row.invoiced - row.paid, 2)
		row.exposure = flt(row.orders_not_invoiced + row.invoices_unpaid, 2)
	return result


def exposure_of(customer: str, lock: bool = False) -> frappe._dict:
	empty = frappe._dict(
		orders_not_invoiced=0.0, invoices_unpaid=0.0, exposure=0.0, overdue_amount=0.0, overdue_invoices=0
	)
	return exposure_by_customer([customer], lock=lock).get(customer) or empty


def position(order, lock: bool = False, limit: float | None = None) -> frappe._dict:
	"""The customer's limit and exposure, before and with `order` if it is not approved yet."""
	if limit is None:
		limit = frappe.db.get_value("OC Customer", order.customer, "credit_limit")
	current = exposure_of(order.customer, lock=lock)
	# Counted with the others once approved; while it is being approved, its docstatus is
	# already 1 in memory and 0 in the database.
	approving = frappe.db.get_value("OC Order", order.name, "docstatus") == 0 if order.docstatus else True
	this_order = flt(order.grand_total) if approving else 0.0
	after = flt(current.exposure + this_order, 2)
	limit = flt(limit)
	return frappe._dict(
		customer=order.customer,
		credit_limit=limit,
		orders_not_invoiced=current.orders_not_invoiced,
		invoices_unpaid=current.invoices_unpaid,
		overdue_amount=current.overdue_amount,
		exposure=current.exposure,
		this_order=this_order,
		exposure_after=after,
		headroom=flt(limit - after, 2) if limit else None,
		over_limit=bool(limit) and after > limit + 0.005,
	)


def check_credit(order) -> None:
	"""before_submit of an order: refuse an approval above the limit, or record the override."""
	order.credit_approved_by = order.credit_override_reason = None
	order.credit_limit_at_approval = order.exposure_at_approval = None
	# Serialises approvals for one customer: the second waits here until the first commits.
	limit = flt(frappe.db.get_value("OC Customer", order.customer, "credit_limit", for_update=True))
	if not limit:
		return  # no limit, no control, and no locking reads
	figures = position(order, lock=True, limit=limit)
	order.credit_limit_at_approval, order.exposure_at_approval = limit, figures.exposure_after
	if not figures.over_limit:
		return
	reason = (frappe.flags.get("credit_override") or {}).get(order.name)
	if reason and has_role(CREDIT_CONTROLLER):
		order.credit_approved_by = frappe.session.user
		order.credit_override_reason = reason
		return
	frappe.throw(
		_(
			"Approving order {0} would take {1}'s exposure to {2}, above its credit limit of {3} "
			"(approved orders not yet invoiced {4}, invoices not yet paid {5}, this order {6}). "
			"A Credit Controller may approve it over the limit, with a reason."
		).format(
			order.name,
			order.customer_name or order.customer,
			money(figures.exposure_after),
			money(figures.credit_limit),
			money(figures.orders_not_invoiced),
			money(figures.invoices_unpaid),
			money(figures.this_order),
		),
		CreditLimitError,
		title=_("Credit Limit Exceeded"),
	)


def money(value) -> str:
	return fmt_money(flt(value), precision=2, currency="CNY")


def can_see_credit() -> bool:
	return has_role(*CREDIT_READERS)


def approve_over_limit(doc, reason: str):
	"""A Credit Controller approves an order that takes its customer above the credit limit.

	Every other rule of approval still holds (the Approve transition's role, maker-checker,
	completeness); the reason is kept on the order and in its approval trail."""
	from frappe.model.workflow import apply_workflow

	from order_clerk import review

	if not has_role(CREDIT_CONTROLLER):
		frappe.throw(
			_("Only a {0} may approve an order over the customer's credit limit.").format(
				_(CREDIT_CONTROLLER)
			),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(
			_("Give the reason for approving order {0} over the credit limit.").format(doc.name),
			CreditLimitError,
			title=_("Reason Required"),
		)
	frappe.flags.credit_override = {doc.name: reason}
	try:
		return apply_workflow(doc, review.APPROVE)
	finally:
		frappe.flags.credit_override = None
