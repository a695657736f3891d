"""Amounts in Chinese uppercase (人民币大写), as a person writes them on a form or cheque.

Conventions, after the PBOC rules for filling in bills and settlement vouchers:

- Digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, groups 万 and 亿, then 元角分.
- 拾 always carries its digit: 10 is 壹拾元整, 1010 is 壹仟零壹拾元整.
- One 零 stands for each run of missing digits inside the yuan part: 1,000,001 is
  壹佰万零壹元整, 100,001,000 is 壹亿零壹仟元整. Zeros that only close a 万 or 亿 group
  before a non-zero 仟 are not read: 107,000 is 壹拾万柒仟元整, as it is spoken.
- 整 follows 元 when there are no 角 and no 分; nothing follows 角 or 分.
- After 元, 零 is written when the 元 digit is 0 and 角 is not (1,680.32 is
  壹仟陆佰捌拾元零叁角贰分; 100,000,000.10 is 壹亿元零壹角), and when 角 is 0 and 分 is
  not (325.04 is 叁佰贰拾伍元零肆分).
- Below one yuan there is no 元: 0.10 is 壹角, 0.01 is 壹分; zero is 零元整.
- Negative amounts (returns, red-letter corrections) are prefixed with 负; an amount that
  rounds to zero is never negative.
- The amount is rounded half up to the 分 in decimal arithmetic; a float is read by its
  shortest decimal form (2.675 becomes 2.68, as typed, not 2.67 as stored).
- Amounts beyond ±MAX_AMOUNT, non-numbers, NaN and infinities are refused with
  AmountInWordsError (a ValueError and a frappe.ValidationError).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from frappe import _

from order_clerk.exceptions import AmountInWordsError

# The largest order total the app accepts (see OC Order's intake checks).
MAX_AMOUNT = Decimal("999999999999")

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("仟", "佰", "拾", "")
GROUPS = ("亿", "万", "")
CENT = Decimal("0.01")


def rmb_uppercase(amount) -> str:
	"""The amount in Chinese uppercase: 12345.67 -> 壹万贰仟叁佰肆拾伍元陆角柒分."""
	value = round_to_fen(amount)
	sign = "负" if value < 0 else ""
	fen_total = int(abs(value) * 100)
	yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
	if not (yuan or jiao or fen):
		return "零元整"
	words = _yuan_words(yuan) + "元" if yuan else ""
	if not (jiao or fen):
		return sign + words + "整"
	if yuan and (yuan % 10 == 0 or not jiao):
		words += "零"
	if jiao:
		words += DIGITS[jiao] + "角"
	if fen:
		words += DIGITS[fen] + "分"
	return sign + words


def round_to_fen(amount) -> Decimal:
	"""The amount rounded half up to the 分, within ±MAX_AMOUNT, or AmountInWordsError."""
	value = _to_decimal(amount)
	# Checked before rounding too: quantizing a huge exponent overflows the context.
	if abs(value) > MAX_AMOUNT + 1 or abs(value := value.quantize(CENT, ROUND_HALF_UP)) > MAX_AMOUNT:
		raise AmountInWordsError(
			_("The amount {0} is larger than {1} and cannot be written in words.").format(amount, MAX_AMOUNT)
		)
	return value


def _to_decimal(amount) -> Decimal:
	if isinstance(amount, bool) or not isinstance(amount, int | float | str | Decimal):
		raise AmountInWordsError(_("{0} is not an amount of money.").format(repr(amount)))
	try:
		# A float by its shortest repr: the figure that was typed, not its binary value.
		value = Decimal(repr(amount) if isinstance(amount, float) else amount)
	except (InvalidOperation, ValueError):
		raise AmountInWordsError(_("{0} is not an amount of money.").format(repr(amount))) from None
	if not value.is_finite():
		raise AmountInWordsError(_("{0} is not an amount of money.").format(repr(amount)))
	return value


def _yuan_words(yuan: int) -> str:
	"""The whole yuan, 1 to 999,999,999,999, without the 元."""
	words = ""
	missing = False  # digits were skipped since the last one written
	groups = (yuan // 10**8, yuan // 10**4 % 10**4, yuan % 10**4)
	for group, group_unit in zip(groups, GROUPS, strict=True):
		if not group:
			missing = missing or bool(words)
			continue
		for place, digit in zip(PLACES, f"{group:04d}", strict=True):
			if digit == "0":
				missing = missing or bool(words)
				continue
			if missing:
				words += "零"
				missing = False
			words += DIGITS[int(digit)] + place
		words += group_unit
		# Zeros that close a group are read by its unit (壹拾万柒仟), not by 零.
		missing = False
	return words
