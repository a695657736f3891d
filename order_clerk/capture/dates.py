"""Delivery dates as customers write them, resolved against the day the order arrived."""

import calendar
import re
from datetime import date, timedelta

from order_clerk.capture.text import clean, parse_number

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_NUM = r"(\d+|[零〇一二两三四五六七八九十]+)"

ABSOLUTE = (
	re.compile(r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"),
	re.compile(r"(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
)
MONTH_DAY = re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*[月/.-]\s*(?P<d>\d{1,2})\s*[日号]?")
AFTER_DAYS = re.compile(r"(?:收到|接到)?(?:订单|合同|本单)?(?:后|起)\s*" + _NUM + r"\s*(?:个)?(?:天|日)")
WITHIN_DAYS = re.compile(_NUM + r"\s*(?:个)?(?:天|日)内")
WITHIN_WEEKS = re.compile(_NUM + r"\s*(?:个)?(?:周|星期|礼拜)内")
NEXT_WEEKDAY = re.compile(r"下(?:个)?(?:周|星期|礼拜)([一二三四五六日天])")
THIS_WEEKDAY = re.compile(r"(?:本|这)(?:个)?(?:周|星期|礼拜)([一二三四五六日天])")
END_OF_MONTH = re.compile(r"(?:本|这个?)月(?:底|末)")
END_OF_NEXT_MONTH = re.compile(r"下(?:个)?月(?:底|末)")


def _number(text: str) -> int | None:
	value = parse_number(text)
	return int(value) if value is not None else None


def _safe_date(y: int, m: int, d: int) -> date | None:
	try:
		return date(y, m, d)
	except ValueError:
		return None


def parse_date(text, received: date) -> tuple[date | None, str]:
	"""The date `text` states, and how it was read ("absolute" or "relative"; "" if none)."""
	if isinstance(text, date):
		return text, "absolute"
	value = clean(text)
	if not value:
		return None, ""
	for pattern in ABSOLUTE:
		match = pattern.search(value)
		if match:
			found = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
			if found:
				return found, "absolute"
	match = MONTH_DAY.search(value)
	if match:
		m, d = int(match["m"]), int(match["d"])
		found = _safe_date(received.year, m, d)
		if found and found < received:
			found = _safe_date(received.year + 1, m, d)
		if found:
			return found, "relative"
	for pattern, days in ((AFTER_DAYS, 1), (WITHIN_DAYS, 1), (WITHIN_WEEKS, 7)):
		match = pattern.search(value)
		if match and _number(match.group(1)) is not None:
			return received + timedelta(days=days * _number(match.group(1))), "relative"
	match = NEXT_WEEKDAY.search(value)
	if match:
		monday = received - timedelta(days=received.weekday()) + timedelta(days=7)
		return monday + timedelta(days=WEEKDAYS[match.group(1)]), "relative"
	match = THIS_WEEKDAY.search(value)
	if match:
		monday = received - timedelta(days=received.weekday())
		return monday + timedelta(days=WEEKDAYS[match.group(1)]), "relative"
	if END_OF_MONTH.search(value):
		return date(
			received.year, received.month, calendar.monthrange(received.year, received.month)[1]
		), "relative"
	if END_OF_NEXT_MONTH.search(value):
		y, m = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
		return date(y, m, calendar.monthrange(y, m)[1]), "relative"
	return None, ""
