"""Amounts in Chinese uppercase: every convention of order_clerk.money, and refused input."""

from decimal import Decimal

import frappe
import pytest

from order_clerk.money import MAX_AMOUNT, AmountInWordsError, rmb_uppercase


@pytest.mark.parametrize(
	"amount, words",
	[
		# the cases
		(0, "零元整"),
		("0.01", "壹分"),
		("0.10", "壹角"),
		(10, "壹拾元整"),
		(100, "壹佰元整"),
		(1_000_001, "壹佰万零壹元整"),
		("100000000.10", "壹亿元零壹角"),
		("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
		(MAX_AMOUNT, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
		# single digits and 拾
		(1, "壹元整"),
		(9, "玖元整"),
		(15, "壹拾伍元整"),
		(110, "壹佰壹拾元整"),
		(1010, "壹仟零壹拾元整"),
		(100_010, "壹拾万零壹拾元整"),
		(110_000, "壹拾壹万元整"),
		# zeros inside and between groups
		("1409.50", "壹仟肆佰零玖元伍角"),
		("6007.14", "陆仟零柒元壹角肆分"),
		(10_010_000, "壹仟零壹万元整"),
		(100_000_001, "壹亿零壹元整"),
		(100_001_000, "壹亿零壹仟元整"),
		(101_000, "壹拾万壹仟元整"),
		(1_000_000_005, "壹拾亿零伍元整"),
		(100_100_000, "壹亿零壹拾万元整"),
		(10_000, "壹万元整"),
		(100_000_000, "壹亿元整"),
		(100_000_000_000, "壹仟亿元整"),
		(200_000_000_000, "贰仟亿元整"),
		# 角 and 分 after whole yuan
		("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
		("107000.53", "壹拾万柒仟元零伍角叁分"),
		("16409.02", "壹万陆仟肆佰零玖元零贰分"),
		("325.04", "叁佰贰拾伍元零肆分"),
		("10.05", "壹拾元零伍分"),
		("1.5", "壹元伍角"),
		("1.55", "壹元伍角伍分"),
		("0.55", "伍角伍分"),
		("0.05", "伍分"),
		("999999999999.00", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
	],
)
def test_amount_in_words(amount, words):
	assert rmb_uppercase(amount) == words


@pytest.mark.parametrize(
	"amount, words",
	[
		("0.005", "壹分"),
		("0.004", "零元整"),
		("1.005", "壹元零壹分"),
		("2.675", "贰元陆角捌分"),
		(2.675, "贰元陆角捌分"),  # the float as typed, not its binary value 2.67499...
		(0.1 + 0.2, "叁角"),
		("0.095", "壹角"),
		("9.995", "壹拾元整"),
		("999999999998.995", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
	],
)
def test_rounds_half_up_to_the_fen(amount, words):
	assert rmb_uppercase(amount) == words


def test_accepts_every_numeric_type():
	for amount in (12, 12.0, "12", " 12.00 ", Decimal("12"), Decimal("1.2E1")):
		assert rmb_uppercase(amount) == "壹拾贰元整", amount


@pytest.mark.parametrize(
	"amount, words",
	[
		(-1, "负壹元整"),
		("-12345.67", "负壹万贰仟叁佰肆拾伍元陆角柒分"),
		("-0.10", "负壹角"),
		(-MAX_AMOUNT, "负玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"),
		("-0.004", "零元整"),
		("-0", "零元整"),
	],
)
def test_negative_amounts_read_with_fu(amount, words):
	assert rmb_uppercase(amount) == words


@pytest.mark.parametrize(
	"amount",
	[
		"abc",
		"",
		"1,000",
		"12元",
		None,
		True,
		[1],
		{"amount": 1},
		float("nan"),
		"NaN",
		Decimal("NaN"),
		Decimal("sNaN"),
		float("inf"),
		"-Infinity",
		MAX_AMOUNT + Decimal("0.01"),
		"999999999999.005",  # rounds up past the limit
		10**12,
		-(10**12),
		"1e13",
		"1e30",
		Decimal("-1E+40"),
	],
)
def test_refuses_what_is_not_a_writable_amount(amount):
	with pytest.raises(AmountInWordsError) as refused:
		rmb_uppercase(amount)
	assert isinstance(refused.value, ValueError)
	assert isinstance(refused.value, frappe.ValidationError)
	# Says what is wrong with the amount: not a number at all, or too large to write.
	message = str(refused.value)
	assert f"{amount!r} is not an amount of money." in message or (
		"cannot be written in words" in message and str(MAX_AMOUNT) in message
	), message


def test_refusal_names_the_limit():
	with pytest.raises(AmountInWordsError, match="999999999999"):
		rmb_uppercase(10**12)


def test_exposed_to_jinja():
	assert frappe.render_template("{{ rmb_uppercase(12345.67) }}", {}) == "壹万贰仟叁佰肆拾伍元陆角柒分"
