"""Reference prices: a customer's agreed price, or else the product's standard rate."""

import frappe


def get_reference_prices(customer: str | None, products: list[str]) -> dict[str, float]:
	"""Reference price of each product for the customer, in two queries whatever the count."""
	products = sorted({p for p in products if p})
	if not products:
		return {}
	standard = dict(
		frappe.get_all(
			"OC Product", filters={"name": ("in", products)}, fields=["name", "standard_rate"], as_list=True
		)
	)
	return reference_prices_from(standard, agreed_prices(customer, products))


def agreed_prices(customer: str | None, products: list[str]) -> dict[str, float]:
	"""The prices agreed with the customer, by product."""
	if not customer or not products:
		return {}
	return {
		row.product: row.rate
		for row in frappe.get_all(
			"OC Customer Price",
			filters={"parenttype": "OC Customer", "parent": customer, "product": ("in", list(products))},
			fields=["product", "rate"],
		)
	}


def agreed_prices_of(customers: list[str], products: list[str]) -> dict[tuple[str, str], float]:
	"""The prices agreed with each of the customers, by (customer, product), in one query."""
	if not customers or not products:
		return {}
	return {
		(row.parent, row.product): row.rate
		for row in frappe.get_all(
			"OC Customer Price",
			filters={
				"parenttype": "OC Customer",
				"parent": ("in", list(customers)),
				"product": ("in", list(products)),
			},
			fields=["parent", "product", "rate"],
		)
	}


def reference_prices_from(standard: dict[str, float], agreed: dict[str, float]) -> dict[str, float]:
	"""The agreed price where there is one, else the standard rate when it is set."""
	prices = {product: rate for product, rate in standard.items() if rate}
	prices.update(agreed)
	return prices
