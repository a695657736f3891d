"""Give every order saved before the maker trail existed its maker rows.

The rows come from the fields that recorded makers before (owner, prepared_by,
submitted_for_review_by), as order_clerk.review.legacy_maker_rows reads them; an order that
already has rows is left alone, so the patch may run again.
"""

import frappe
from frappe.query_builder import DocType

from order_clerk.review import legacy_maker_rows

FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "idx",
	"parent", "parenttype", "parentfield", "user", "action", "acted_on",
)  # fmt: skip
CHUNK = 5_000


def execute():
	order, maker = DocType("OC Order"), DocType("OC Order Maker")
	orders = (
		frappe.qb.from_(order)
		.left_join(maker)
		.on((maker.parent == order.name) & (maker.parenttype == "OC Order"))
		.select(
			order.name,
			order.owner,
			order.creation,
			order.modified,
			order.docstatus,
			order.prepared_by,
			order.submitted_for_review_by,
			order.submitted_for_review_on,
		)
		.where(maker.name.isnull())
		.run(as_dict=True)
	)
	for start in range(0, len(orders), CHUNK):
		rows = []
		for doc in orders[start : start + CHUNK]:
			for idx, row in enumerate(legacy_maker_rows(doc), start=1):
				rows.append(
					(
						frappe.generate_hash(length=10),
						doc.creation,
						doc.modified,
						doc.owner,
						doc.owner,
						doc.docstatus,
						idx,
						doc.name,
						"OC Order",
						"makers",
						row["user"],
						row["action"],
						row["acted_on"],
					)
				)
		frappe.db.bulk_insert("OC Order Maker", FIELDS, rows)
