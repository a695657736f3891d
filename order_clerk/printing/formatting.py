"""Quantities and amounts as the printed forms show them, in the site's number format."""

from decimal import Decimal

from frappe.utils import flt, fmt_money

from order_clerk.money import round_to_fen


def format_quantity(value) -> str:
	"""10 rather than 10.000; 2.5 stays 2.5."""
	number = flt(value, 6)
	decimals = -Decimal(repr(number)).normalize().as_tuple().exponent
	return fmt_money(number, precision=max(decimals, 0))


def format_amount(value) -> str:
	"""Two decimals without a currency symbol, rounded as the amount in words is (half up)."""
	return fmt_money(float(round_to_fen(flt(value))), precision=2)
