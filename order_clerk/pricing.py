"""Reference prices: a customer's agreed price, or else the product's standard rate."""

import frappe


def get_reference_prices(customer: str | None, products: list[str]) -> dict[str, float]:
	"""Reference price of each product for the customer, in two queries whatever the count."""
	products = sorted({p for p in products if p})
	if not products:
		return {}
	prices = {
		row.name: row.standard_rate
		for row in frappe.get_all(
			"OC Product", filters={"name": ("in", products)}, fields=["name", "standard_rate"]
		)
		if row.standard_rate
	}
	if customer:
		for row in frappe.get_all(
			"OC Customer Price",
			filters={"parenttype": "OC Customer", "parent": customer, "product": ("in", products)},
			fields=["product", "rate"],
		):
			prices[row.product] = row.rate
	return prices
