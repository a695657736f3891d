"""Customers, products and documents the order-capture tests receive, in their customers' own words."""

import csv
import io

import frappe
import openpyxl

from tests.utils import unique


def make_capture_customer(name: str, contact: str, domain: str, address: str, terms: str):
	"""A customer who sends orders from `domain`, with the defaults the capture may fill in."""
	return frappe.get_doc(
		{
			"doctype": "OC Customer",
			"customer_name": unique(name),
			"contact_person": contact,
			"email": f"{unique('buyer').lower()}@{domain}",
			"delivery_address": address,
			"payment_terms": terms,
		}
	).insert()


def make_capture_product(code: str, name: str, specification: str, uom: str, rate: float, mark: str = "Z"):
	"""A product whose specification starts with a mark of its own, so no other test's product
	of the same name and specification can be taken for it."""
	return frappe.get_doc(
		{
			"doctype": "OC Product",
			"product_code": unique(code),
			"product_name": name,
			"specification": f"{unique(mark)} {specification}",
			"uom": uom,
			"standard_rate": rate,
		}
	).insert()


def bearing_buyer(domain: str) -> tuple:
	"""华联五金, who orders tapered roller bearings (圆锥滚子轴承) by e-mail from `domain`."""
	customer = make_capture_customer(
		"华联五金", "周建国", domain, "安徽省合肥市包河区繁华大道1208号", "月结30天"
	)
	return customer, make_capture_product("CAP", "圆锥滚子轴承", "30×62×17.25", "套", 18.6)


def revising_shop(domain: str, code: str, products: tuple) -> tuple:
	"""恒通机电, who revises its orders, and the products of `products` ((name, spec, rate), …)."""
	customer = make_capture_customer(
		"恒通机电", "陈立", domain, "江苏省苏州市工业园区星湖街328号", "月结60天"
	)
	return customer, [
		make_capture_product(code, name, spec, "个", rate, mark="K") for name, spec, rate in products
	]


def order_csv(po: str, code: str, qty: int, rate: float) -> bytes:
	"""A customer's CSV export, GBK-encoded, as their system writes it: one line and its total."""
	buffer = io.StringIO()
	writer = csv.writer(buffer)
	writer.writerows(
		[
			["订单号", po],
			["交货日期", "2030-12-20"],
			[],
			["物料编码", "品名", "数量", "单位", "单价", "金额"],
			[code, "圆锥滚子轴承", qty, "套", rate, f"{qty * rate:.2f}"],
			["合计", "", "", "", "", f"{qty * rate:.2f}"],
		]
	)
	return buffer.getvalue().encode("gb18030")


def lines_csv(po: str, lines, date: str | None = "2030-12-20", total: bool = True) -> bytes:
	"""A GBK CSV of lines (code, name, qty, rate), with its delivery date where given."""
	rows = [f"订单号,{po}"] + ([f"交货日期,{date}"] if date else []) + ["", "物料编码,品名,数量,单价,金额"]
	rows += [f"{code},{name},{qty},{rate},{qty * rate:.2f}" for code, name, qty, rate in lines]
	if total:
		rows.append(f"合计,,,,{sum(qty * rate for _code, _name, qty, rate in lines):.2f}")
	return "\n".join(rows).encode("gb18030")


# Headings of a customer's own sheet that the reader does not know (物资说明 it takes for a remark).
OWN_HEADINGS = ("序", "物资说明", "型号规格", "需求件数", "结算价")


def own_headings_sheet(po: str, lines, headings=OWN_HEADINGS) -> bytes:
	"""An xlsx in the customer's own headings: a title, the order number and delivery date, then
	a line per (product, qty, rate) under the headings (row 5)."""
	book = openpyxl.Workbook()
	rows = book.active
	rows.append(["采购单"])
	rows.append(["订单号", po])
	rows.append(["交货日期", "2030-12-20"])
	rows.append([])
	rows.append(list(headings))
	for index, (product, qty, rate) in enumerate(lines, start=1):
		rows.append([index, product.product_name, product.specification, qty, rate])
	buffer = io.BytesIO()
	book.save(buffer)
	return buffer.getvalue()
