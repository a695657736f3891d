"""The demo's story: orders at every stage of their life, and two years of history behind them.

Called at the end of order_clerk.demo.setup_demo; the history is built by
order_clerk.demo_history, the scanned pages by order_clerk.demo_files. The live orders go
through the real controllers, each step taken by the demo user whose job it is (the clerk
enters and submits, the reviewer approves, the warehouse confirms and dispatches, finance
issues the invoice), so maker and checker are always different people. The history (a few hundred approved orders over
two years) goes in by bulk insert, numbered from the app's own counters, so the reports and
charts have shape without minutes of set-up.

Idempotent: every order carries a fixed external reference (DEMO-…) that is its intake key;
an order that exists is left as it is, and the history is inserted only once.
"""

import zlib

import frappe
from frappe.utils import add_days, flt, getdate, nowdate

from order_clerk import archive, review
from order_clerk.demo import DEMO_CUSTOMERS, DEMO_PRODUCTS, DEMO_WAREHOUSE, setup_masters
from order_clerk.demo_files import print_server, save_file, scanned_page

CLERK = "clerk@example.com"
REVIEWER = "reviewer@example.com"
WAREHOUSE = "warehouse@example.com"
FINANCE = "finance@example.com"
INTEGRATOR = "integrator@example.com"

# Every demo order's external reference starts with it: the marker that keeps set-up idempotent.
PREFIX = "DEMO"

# name, contact, phone, email, delivery address, payment terms
MORE_CUSTOMERS = (
	(
		"苏州恒达精密机械有限公司",
		"王芳",
		"13912345601",
		"wang.fang@hengda.example.com",
		"江苏省苏州市工业园区星湖街218号",
		"月结60天",
	),
	(
		"宁波永盛五金贸易有限公司",
		"陈强",
		"13857400002",
		"chen.qiang@yongsheng.example.com",
		"浙江省宁波市北仑区明州路56号",
		"款到发货",
	),
	(
		"东莞鑫源电子有限公司",
		"刘敏",
		"13600000003",
		"liu.min@xinyuan.example.com",
		"广东省东莞市长安镇振安路168号",
		"货到付款",
	),
	(
		"杭州华通自动化设备有限公司",
		"赵磊",
		"13700000004",
		"zhao.lei@huatong.example.com",
		"浙江省杭州市滨江区江南大道3888号",
		"月结30天",
	),
	(
		"成都德力液压股份有限公司",
		"黄静",
		"13500000005",
		"huang.jing@deli.example.com",
		"四川省成都市郫都区德源大道99号",
		"预付30%，发货前付清",
	),
)

# code, name, specification, unit, standard rate
MORE_PRODUCTS = (
	("VLV-DN25", "不锈钢球阀", "DN25 PN16 304", "个", 46.0),
	("PMP-ISG50", "管道离心泵", "ISG50-160 3kW", "台", 1250.0),
	("CBL-YJV-3X4", "电力电缆", "YJV-0.6/1kV 3×4mm²", "米", 12.0),
	("CYL-SC40X100", "标准气缸", "SC40×100", "支", 180.0),
	("SNS-LJ12A3", "电感式接近开关", "LJ12A3-4-Z/BX", "个", 28.0),
	("GRB-NMRV050", "蜗轮蜗杆减速机", "NMRV050 i=30", "台", 520.0),
)

# Typical quantity of one line, by unit.
QUANTITIES = {"个": (50, 800), "台": (1, 12), "盒": (5, 120), "米": (100, 3000), "支": (4, 60)}

# The stages of the story, in the order an order lives them.
DRAFT, CLARIFICATION, PENDING, REJECTED = "draft", "clarification", "pending", "rejected"
APPROVED, PARTLY_SHIPPED, DELIVERED = "approved", "partly shipped", "delivered"
INVOICED, ARCHIVED = "invoiced", "archived"


def story(prefix: str = PREFIX) -> list[frappe._dict]:
	"""The live orders: (reference, stage, channel, customer, lines, details), one per stage or two."""
	hd, sz = DEMO_CUSTOMERS[0][0], DEMO_CUSTOMERS[1][0]
	hengda, yongsheng, xinyuan, huatong, deli = (c[0] for c in MORE_CUSTOMERS)
	specs = (
		("01", DRAFT, "Phone", hd, [("BRG-6204", 300), ("BLT-M8X30", 40)], {"no_delivery_date": True}),
		(
			"02",
			CLARIFICATION,
			"Email",
			huatong,
			[("MTR-Y2-90L", 6), ("GRB-NMRV050", 6)],
			{"question": "电机功率是1.5kW还是2.2kW？减速机速比是否仍为1:30？", "asked_to": "赵磊"},
		),
		("03", PENDING, "Online Platform", xinyuan, [("SNS-LJ12A3", 200), ("CYL-SC40X100", 24)], {}),
		(
			"04",
			PENDING,
			"Fax",
			hd,
			[("BRG-6204", 500)],
			{"rate": 11.8, "reason": "年度框架协议价，销售经理已确认", "original": True},
		),
		("05", PENDING, "API", sz, [("VLV-DN25", 120), ("CBL-YJV-3X4", 1500)], {"maker": INTEGRATOR}),
		(
			"06",
			REJECTED,
			"Sales Rep",
			deli,
			[("PMP-ISG50", 4)],
			{"reason": "客户信用额度已用完，需先回款再下单。"},
		),
		("07", APPROVED, "Phone", yongsheng, [("BLT-M8X30", 80), ("VLV-DN25", 60)], {"exception": "open"}),
		(
			"08",
			PARTLY_SHIPPED,
			"Email",
			hengda,
			[("MTR-Y2-90L", 10), ("BRG-6204", 400)],
			{"exception": "escalated"},
		),
		("09", DELIVERED, "Online Platform", xinyuan, [("SNS-LJ12A3", 300)], {}),
		("10", INVOICED, "Phone", huatong, [("CYL-SC40X100", 30), ("GRB-NMRV050", 5)], {}),
		("11", ARCHIVED, "Fax", hd, [("BRG-6204", 600), ("BLT-M8X30", 50)], {"original": True}),
	)
	return [
		frappe._dict(
			ref=f"{prefix}-S{number}",
			stage=stage,
			channel=channel,
			customer=customer,
			lines=lines,
			**details,
		)
		for number, stage, channel, customer, lines, details in specs
	]


def build(prefix: str = PREFIX):
	"""Master data, the history and the live story; what exists already is kept."""
	# The history reads this module's master data: imported here, not at the top.
	from order_clerk.demo_history import build_history

	previous = frappe.session.user
	try:
		frappe.set_user("Administrator")
		ensure_masters()
		build_history(prefix)
		build_story(prefix)
	finally:
		frappe.set_user(previous)


# master data


def ensure_masters():
	setup_masters((*DEMO_CUSTOMERS, *MORE_CUSTOMERS), (*DEMO_PRODUCTS, *MORE_PRODUCTS))


def ensure_stock(orders: list[frappe._dict]):
	"""Enough on hand for every line the story ships, received by the warehouse."""
	from order_clerk.stock import get_stock_levels

	needed = {}
	for spec in orders:
		if spec.stage in (PARTLY_SHIPPED, DELIVERED, INVOICED, ARCHIVED):
			for product, qty in spec.lines:
				needed[product] = needed.get(product, 0) + qty
	levels = get_stock_levels(list(needed), DEMO_WAREHOUSE)
	short = [
		{"product": product, "qty": qty * 2}
		for product, qty in needed.items()
		if product not in levels or flt(levels[product].on_hand) < qty
	]
	if not short:
		return
	frappe.set_user(WAREHOUSE)
	entry = frappe.get_doc(
		{
			"doctype": "OC Stock Entry",
			"entry_type": "Receipt",
			"warehouse": DEMO_WAREHOUSE,
			"items": short,
			"remarks": "期初入库",
		}
	).insert()
	entry.submit()


# the live story


def order_of(ref: str, channel: str) -> str | None:
	return frappe.db.get_value("OC Order", {"intake_key": f"{channel}:{ref}"}, "name")


def build_story(prefix: str = PREFIX, stages: set[str] | None = None):
	"""The live orders (those of `stages` only, when given) that do not exist yet."""
	todo = [
		spec
		for spec in story(prefix)
		if (stages is None or spec.stage in stages) and not order_of(spec.ref, spec.channel)
	]
	if not todo:
		return
	ensure_stock(todo)
	with print_server():
		for age, spec in enumerate(reversed(todo)):
			make_story_order(spec, days_ago=2 * age + 1)
	frappe.set_user("Administrator")


def make_story_order(spec: frappe._dict, days_ago: int):
	order_date = add_days(nowdate(), -days_ago)
	order = {
		"doctype": "OC Order",
		"channel": spec.channel,
		"external_ref": spec.ref,
		"customer": spec.customer,
		"customer_po": f"PO{getdate(order_date):%Y%m%d}-{spec.ref[-2:]}",
		"order_date": order_date,
		"delivery_date": None if spec.get("no_delivery_date") else add_days(order_date, 20),
		"items": [
			{
				"product": product,
				"qty": qty,
				"rate": spec.get("rate"),
				"price_deviation_reason": spec.get("reason") if spec.get("rate") else None,
			}
			for product, qty in spec.lines
		],
	}
	if spec.get("maker") == INTEGRATOR:
		# An integrating system reads no master data: it sends every fact, as its shop did.
		order.update(
			frappe.db.get_value(
				"OC Customer", spec.customer, ["payment_terms", "delivery_address"], as_dict=True
			)
		)
		for line in order["items"]:
			line["rate"] = frappe.db.get_value("OC Product", line["product"], "standard_rate")
	frappe.set_user(spec.get("maker") or CLERK)
	doc = frappe.get_doc(order).insert()
	if spec.get("original"):
		doc.original_order = save_file(doc, f"{spec.ref}-传真原件.png", scanned_page("客户订单（传真）", doc))
		doc.save()
	if spec.stage == DRAFT:
		return
	if spec.stage == CLARIFICATION:
		doc.append("clarifications", {"question": spec.question, "asked_to": spec.asked_to})
		doc.save()
		act(doc.name, review.REQUEST_CLARIFICATION)
		return
	act(doc.name, review.SUBMIT_FOR_REVIEW)
	if spec.stage == PENDING:
		return
	frappe.set_user(REVIEWER)
	if spec.stage == REJECTED:
		doc = frappe.get_doc("OC Order", doc.name)
		doc.rejection_reason = spec.reason
		doc.save()
		act(doc.name, review.REJECT)
		return
	act(doc.name, review.APPROVE)
	if spec.get("exception") == "open":
		raise_exception(doc.name, "Stock Shortage", "现货不足，等待供应商到货后发货。", due_in=3)
	if spec.stage == APPROVED:
		return
	if spec.stage == PARTLY_SHIPPED:
		ship(doc.name, half=True)
		raise_exception(doc.name, "Logistics Problem", "物流车辆故障，余货改派。", due_in=-2, escalate=True)
		return
	note = ship(doc.name)
	sign(note)
	if spec.stage == DELIVERED:
		return
	request_invoice(note, issue=spec.stage == ARCHIVED)
	if spec.stage == ARCHIVED:
		seal(doc.name)


def act(order: str, action: str):
	from frappe.model.workflow import apply_workflow

	apply_workflow(frappe.get_doc("OC Order", order), action)


def ship(order: str, half: bool = False) -> str:
	"""The clerk drafts the slip, the warehouse confirms it; a delivery note is dispatched."""
	from order_clerk.order_clerk.doctype.oc_order.oc_order import make_outbound_slip
	from order_clerk.order_clerk.doctype.oc_outbound_slip.oc_outbound_slip import make_delivery_note

	frappe.set_user(CLERK)
	slip = make_outbound_slip(order)
	slip.warehouse = DEMO_WAREHOUSE
	if half:
		slip.items = slip.items[:1]
		slip.items[0].qty = flt(slip.items[0].qty / 2)
	slip.insert()
	frappe.set_user(WAREHOUSE)
	frappe.get_doc("OC Outbound Slip", slip.name).submit()
	frappe.set_user(CLERK)
	note = make_delivery_note(slip.name)
	note.update(
		{
			"carrier": "顺丰速运",
			"tracking_no": f"SF{zlib.crc32(order.encode()):012d}",
			"vehicle_no": "沪A·3K852",
			"driver": "李师傅",
			"driver_phone": "13900001111",
		}
	)
	note.insert()
	frappe.set_user(WAREHOUSE)
	frappe.get_doc("OC Delivery Note", note.name).submit()
	return note.name


def sign(note: str):
	"""The clerk records the customer's signature with the scanned receipt."""
	frappe.set_user(CLERK)
	doc = frappe.get_doc("OC Delivery Note", note)
	doc.sign_status = "Signed"
	doc.signed_by = frappe.db.get_value("OC Customer", doc.customer, "contact_person") or "收货人"
	doc.signed_receipt = save_file(doc, f"{note}-签收单.png", scanned_page("签收单", doc))
	doc.save()


def request_invoice(note: str, issue: bool):
	from order_clerk.order_clerk.doctype.oc_invoice_request.oc_invoice_request import new_invoice_request

	frappe.set_user(CLERK)
	request = new_invoice_request([note]).insert()
	request.submit()
	if issue:
		frappe.set_user(FINANCE)
		request = frappe.get_doc("OC Invoice Request", request.name)
		request.invoice_no = f"3100{zlib.crc32(note.encode()) % 10**8:08d}"
		request.invoice_date = nowdate()
		request.invoice_copy = save_file(
			request, f"{request.name}-发票.png", scanned_page("增值税专用发票", request)
		)
		request.save()


def seal(order: str):
	"""The clerk files the order, the gathering runs, a reviewer seals and verifies it."""
	frappe.set_user(CLERK)
	record = frappe.get_doc({"doctype": "OC Archive Record", "order": order}).insert()
	archive.gather(record.name)
	frappe.set_user(REVIEWER)
	record = frappe.get_doc("OC Archive Record", record.name)
	record.cabinet, record.box = "A-03", "2026-017"
	record.submit()
	archive.verify(frappe.get_doc("OC Archive Record", record.name))


def raise_exception(order: str, kind: str, description: str, due_in: int, escalate: bool = False):
	if frappe.db.exists("OC Order Exception", {"order": order, "exception_type": kind}):
		return
	frappe.set_user(CLERK)
	exception = frappe.get_doc(
		{
			"doctype": "OC Order Exception",
			"exception_type": kind,
			"order": order,
			"description": description,
			"due_date": add_days(nowdate(), due_in),
			"responsible": CLERK,
			"supervisor": REVIEWER,
		}
	).insert()
	if escalate:
		# What the daily escalation job does with an exception past its due date.
		frappe.set_user("Administrator")
		exception.reload()
		exception.status = "Escalated"
		exception.save()
