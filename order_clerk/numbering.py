"""Gapless per-year document numbers (SO-2026-00001, ARC-2026-00001), and other counters.

The counter lives in Frappe's `tabSeries` and is read with a row lock inside the caller's
transaction: concurrent callers queue on the lock, and a transaction that fails rolls the
counter back with everything else, so no number is ever skipped or given twice.
"""

import frappe
from frappe.query_builder import DocType


def next_number(prefix: str, year: int, digits: int = 5) -> str:
	return f"{prefix}-{year}-{reserve_numbers(prefix, year, 1):0{digits}d}"


def peek_next_number(prefix: str, year: int, digits: int = 5) -> str:
	"""The number `next_number` would give now, without taking it."""
	key = f"{prefix}-{year}-"
	return f"{key}{current_count(key) + 1:0{digits}d}"


def reserve_numbers(prefix: str, year: int, count: int) -> int:
	"""Take `count` consecutive numbers (more than one for bulk loads); return the first."""
	return next_count(f"{prefix}-{year}-", count) - count + 1


def next_count(key: str, count: int = 1) -> int:
	"""Adds `count` to the counter `key` (at most 100 characters) and returns the new value,
	under a row lock."""
	series = DocType("Series")
	# Make sure the row exists without racing another transaction that creates it too, and take
	# its exclusive lock at once. INSERT IGNORE took only a shared lock on an existing row: two
	# transactions holding it both waited to upgrade it for the FOR UPDATE below, a deadlock.
	frappe.qb.into(series).columns(series.name, series.current).insert(key, 0).on_duplicate_key_update(
		series.current, series.current
	).run()
	# A locking read sees what other transactions committed, whatever this one read before.
	current = frappe.qb.from_(series).select(series.current).where(series.name == key).for_update().run()
	value = int(current[0][0] or 0) + count
	frappe.qb.update(series).set(series.current, value).where(series.name == key).run()
	return value


def current_count(key: str) -> int:
	return int(frappe.db.get_value("Series", key, "current", order_by=None) or 0)
