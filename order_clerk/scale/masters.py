"""Customers, products and staff for generated data, with names a trading company would have.

Names are a function of their index, so a second run finds the same customers and products
and adds only what is missing.
"""

import random

import frappe
from frappe.utils import now_datetime

from order_clerk.roles import ORDER_CLERK, ORDER_REVIEWER

CITIES = (
	("上海", "上海市浦东新区张江路"),
	("苏州", "苏州市工业园区星湖街"),
	("杭州", "杭州市滨江区江南大道"),
	("宁波", "宁波市北仑区新碶街道"),
	("无锡", "无锡市新吴区长江路"),
	("常州", "常州市武进区常武中路"),
	("南京", "南京市江宁区胜太路"),
	("深圳", "深圳市宝安区福永大道"),
	("东莞", "东莞市长安镇振安路"),
	("佛山", "佛山市顺德区容桂大道"),
	("广州", "广州市黄埔区科学大道"),
	("厦门", "厦门市集美区杏林路"),
	("青岛", "青岛市黄岛区长江西路"),
	("天津", "天津市西青区海泰大道"),
	("武汉", "武汉市东西湖区金银湖路"),
	("成都", "成都市郫都区德源大道"),
	("重庆", "重庆市九龙坡区科城路"),
	("温州", "温州市瓯海区温瑞大道"),
)
BRANDS = (
	"恒达", "宏发", "鑫源", "华通", "永盛", "金泰", "瑞丰", "中联", "德力", "正泰",
	"富康", "新亚", "远东", "长城", "盛世", "天成", "同创", "安泰", "博远", "嘉禾",
)  # fmt: skip
TRADES = ("机电", "五金", "轴承", "电气", "自动化", "精密机械", "电子", "液压", "紧固件", "工业设备", "机床")
SUFFIXES = ("有限公司", "贸易有限公司", "股份有限公司")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超", "霞")
PAYMENT_TERMS = ("月结30天", "月结60天", "款到发货", "货到付款", "预付30%，发货前付清")

# prefix, name, models, uom, base rate, typical quantity
PRODUCT_FAMILIES = (
	(
		"BRG",
		"深沟球轴承",
		("6201", "6202", "6203", "6204", "6205", "6206", "6305", "6308"),
		"个",
		8.5,
		(20, 2000),
	),
	("BLT", "六角螺栓", ("M6X20", "M8X30", "M10X40", "M12X50", "M16X60", "M20X80"), "盒", 35.0, (5, 500)),
	("MTR", "三相异步电动机", ("Y2-80M", "Y2-90L", "Y2-100L", "Y2-112M", "Y2-132S"), "台", 860.0, (1, 30)),
	("VLV", "不锈钢球阀", ("DN15", "DN20", "DN25", "DN32", "DN40", "DN50"), "个", 46.0, (5, 300)),
	("PMP", "离心水泵", ("ISG40", "ISG50", "ISG65", "ISG80"), "台", 1250.0, (1, 12)),
	("CBL", "电力电缆", ("YJV-3X2.5", "YJV-3X4", "YJV-3X6", "YJV-3X10"), "米", 12.0, (100, 5000)),
	("CYL", "气缸", ("SC32X50", "SC40X100", "SC50X150", "SC63X200"), "支", 180.0, (2, 80)),
	("SNS", "接近开关", ("LJ12A3", "LJ18A3", "LJ30A3"), "个", 28.0, (10, 400)),
	("BLTG", "同步带", ("HTD-5M", "HTD-8M", "T5", "T10"), "条", 65.0, (5, 200)),
	("GRB", "减速机", ("NMRV030", "NMRV050", "NMRV063", "NMRV075"), "台", 520.0, (1, 20)),
)
VARIANTS = ("", "-A", "-B", "-C", "-Z", "-ZZ", "-2RS", "-H", "-L", "-S")


def customer_name(index: int) -> tuple[str, str]:
	"""Name and address of the index-th customer (unique for max_customers() of them)."""
	# A stride coprime with the number of names spreads neighbours over cities and trades.
	index = index * 7919 % max_customers()
	index, city = divmod(index, len(CITIES))
	index, brand = divmod(index, len(BRANDS))
	index, trade = divmod(index, len(TRADES))
	suffix = SUFFIXES[index % len(SUFFIXES)]
	name = f"{CITIES[city][0]}{BRANDS[brand]}{TRADES[trade]}{suffix}"
	return name, f"{CITIES[city][1]}{index * 7 % 300 + 1}号"


def _product_variants() -> list[tuple[tuple, str, str, int]]:
	"""Every (family, model, variant, step), common models first, each family in turn."""
	longest = max(len(family[2]) for family in PRODUCT_FAMILIES)
	variants = []
	for step, variant in enumerate(VARIANTS):
		for model_index in range(longest):
			for family in PRODUCT_FAMILIES:
				if model_index < len(family[2]):
					variants.append((family, family[2][model_index], variant, step))
	return variants


PRODUCT_VARIANTS = _product_variants()


def product(index: int) -> dict:
	"""The index-th product (codes are unique for max_products() of them)."""
	(prefix, name, _models, uom, rate, quantities), model, variant, step = PRODUCT_VARIANTS[index]
	return {
		"product_code": f"{prefix}-{model}{variant}",
		"product_name": name,
		"specification": f"{model}{variant}",
		"uom": uom,
		"standard_rate": round(rate * (1 + step * 0.08), 2),
		"quantities": quantities,
	}


def max_products() -> int:
	return len(PRODUCT_VARIANTS)


def max_customers() -> int:
	return len(CITIES) * len(BRANDS) * len(TRADES) * len(SUFFIXES)


def ensure_customers(count: int, rng: random.Random) -> list[dict]:
	rows, customers = [], []
	now = now_datetime()
	for index in range(count):
		name, address = customer_name(index)
		contact = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
		customer = {
			"name": name,
			"customer_name": name,
			"contact_person": contact,
			"phone": f"13{rng.randrange(100000000, 999999999)}",
			"email": f"purchase{index}@customer{index}.example.com",
			"payment_terms": rng.choice(PAYMENT_TERMS),
			"delivery_address": address,
		}
		customers.append(customer)
		rows.append((*customer.values(), 0, now, now, "Administrator", "Administrator", 0))
	fields = [*customers[0].keys(), "disabled", "creation", "modified", "owner", "modified_by", "docstatus"]
	frappe.db.bulk_insert("OC Customer", fields, rows, ignore_duplicates=True)
	# A rerun keeps the master data already there, so read back what orders will show.
	stored = frappe.get_all(
		"OC Customer",
		filters={"name": ("in", [c["name"] for c in customers])},
		fields=[
			"name",
			"customer_name",
			"contact_person",
			"phone",
			"email",
			"payment_terms",
			"delivery_address",
		],
	)
	return sorted(stored, key=lambda c: c.name)


def ensure_products(count: int) -> list[dict]:
	products = [product(index) for index in range(min(count, max_products()))]
	now = now_datetime()
	fields = ["name", "product_code", "product_name", "specification", "uom", "standard_rate"]
	rows = [
		(p["product_code"], p["product_code"], p["product_name"], p["specification"], p["uom"], p["standard_rate"],
		 0, now, now, "Administrator", "Administrator", 0)
		for p in products
	]  # fmt: skip
	frappe.db.bulk_insert(
		"OC Product",
		[*fields, "disabled", "creation", "modified", "owner", "modified_by", "docstatus"],
		rows,
		ignore_duplicates=True,
	)
	rates = dict(
		frappe.get_all(
			"OC Product",
			filters={"name": ("in", [p["product_code"] for p in products])},
			fields=["name", "standard_rate"],
			as_list=True,
		)
	)
	for p in products:
		p["standard_rate"] = float(rates[p["product_code"]] or p["standard_rate"])
	return products


def ensure_staff(clerks: int = 6, reviewers: int = 2) -> tuple[list[str], list[str]]:
	def user(kind: str, number: int, role: str) -> str:
		email = f"{kind}{number:02d}@staff.example.com"
		if not frappe.db.exists("User", email):
			doc = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": rng_names[number % len(rng_names)],
					"send_welcome_email": 0,
				}
			)
			doc.append("roles", {"role": role})
			doc.insert(ignore_permissions=True)
		return email

	rng_names = [s + g for s, g in zip(SURNAMES, GIVEN_NAMES * 2, strict=False)]
	return (
		[user("clerk", n, ORDER_CLERK) for n in range(1, clerks + 1)],
		[user("reviewer", n, ORDER_REVIEWER) for n in range(1, reviewers + 1)],
	)
