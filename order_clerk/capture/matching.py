"""Who sent an order and what they ordered, from the site's master data.

Masters are passed in as plain dicts (see Masters), so the same code serves the site and the
evaluation of a corpus. Every answer carries a confidence: an unknown sender or an ambiguous
product is never guessed silently.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from order_clerk.capture.text import normalize

# Specification words that say nothing about which product it is.
_UNIT_SUFFIX = re.compile(r"(mm2|mm|kw|kv|v|m|kg|μm|um)$")


@dataclass
class Masters:
	customers: list[dict]  # customer_name, email, phone, contact_person, delivery_address, payment_terms
	products: list[dict]  # product_code, product_name, specification, uom, standard_rate
	customer_items: list[dict] = field(default_factory=list)  # customer, customer_item_code, product
	conversions: list[dict] = field(default_factory=list)  # product, uom, factor
	own_names: tuple[str, ...] = ()  # our own company's names, never a customer
	# customer -> normalised column heading -> column role, learned from the clerk (capture.layouts)
	layouts: dict[str, dict[str, str]] = field(default_factory=dict)

	def __post_init__(self):
		self.product_by_code = {p["product_code"]: p for p in self.products}
		self._specs = {p["product_code"]: _spec_tokens(p) for p in self.products}
		by_name: dict[str, list[str]] = {}
		for p in self.products:
			by_name.setdefault(normalize(p["product_name"]), []).append(p["product_code"])
		self._same_name = by_name
		self._discriminating = {}
		for p in self.products:
			siblings = [
				self._specs[c] for c in by_name[normalize(p["product_name"])] if c != p["product_code"]
			]
			shared = set.intersection(*[set(s) for s in siblings]) if siblings else set()
			common = (
				{t for t in self._specs[p["product_code"]] if all(t in s for s in siblings)}
				if siblings
				else set()
			)
			self._discriminating[p["product_code"]] = [
				t for t in self._specs[p["product_code"]] if t not in common and t not in shared
			] or self._specs[p["product_code"]][:1]


def _spec_tokens(product: dict) -> list[str]:
	tokens = []
	for token in re.split(r"[\s,，]+", str(product.get("specification") or "")):
		norm = normalize(token)
		if len(norm) >= 2:
			tokens.append(norm)
			core = _UNIT_SUFFIX.sub("", norm)
			if core != norm and len(core) >= 3 and re.search(r"\d", core):
				tokens.append(core)
	return tokens


def contains(haystack: str, needle: str) -> bool:
	"""`needle` in `haystack` (both normalised) and not as part of a longer code or number."""
	if not needle:
		return False
	start = haystack.find(needle)
	while start >= 0:
		before = haystack[start - 1] if start else ""
		after = haystack[start + len(needle) : start + len(needle) + 1]
		alnum_before = (
			bool(before)
			and needle[0].isascii()
			and needle[0].isalnum()
			and before.isascii()
			and (before.isalnum() or before in ".-/")
		)
		alnum_after = (
			bool(after)
			and needle[-1].isascii()
			and needle[-1].isalnum()
			and after.isascii()
			and (after.isalnum() or after in ".-/x")
		)
		if not alnum_before and not alnum_after:
			return True
		start = haystack.find(needle, start + 1)
	return False


@dataclass
class Match:
	value: str | None
	confidence: float
	how: str
	spans: list[str] = field(default_factory=list)  # the normalised texts that matched


def match_customer(masters: Masters, sender: str, text: str) -> Match:
	sender = (sender or "").strip().lower()
	digits = re.sub(r"\D", "", sender)
	for customer in masters.customers:
		email = (customer.get("email") or "").strip().lower()
		if sender and email and sender == email:
			return Match(customer["customer_name"], 0.99, "sender e-mail")
	if "@" in sender:
		domain = sender.rsplit("@", 1)[1]
		owners = [c for c in masters.customers if (c.get("email") or "").lower().endswith("@" + domain)]
		if len(owners) == 1:
			return Match(owners[0]["customer_name"], 0.95, "sender domain")
	if len(digits) >= 7:
		for customer in masters.customers:
			for number in (customer.get("phone"), customer.get("fax")):
				if number and re.sub(r"\D", "", number) == digits:
					return Match(customer["customer_name"], 0.95, "sender number")
	body = normalize(text)
	for own in masters.own_names:
		body = body.replace(normalize(own), " ")
	named = [c for c in masters.customers if normalize(c["customer_name"]) in body]
	if len(named) == 1:
		# Named in the document, but the sender is not on record for it: a person confirms.
		confidence = 0.9 if not sender or "@" not in sender else 0.8
		return Match(named[0]["customer_name"], confidence, "name in document")
	best, best_score = None, 0.0
	for customer in masters.customers:
		score = fuzz.partial_ratio(normalize(customer["customer_name"]), body)
		if score > best_score:
			best, best_score = customer, score
	if best and best_score >= 85:
		return Match(best["customer_name"], 0.5, "similar name in document")
	return Match(None, 0.0, "unknown sender")


def match_product(masters: Masters, text: str, customer: str | None, code_hint: str = "") -> Match:
	"""The product a line orders: by the customer's part number, our code, or name and specification."""
	line = normalize(text, spaces=True)
	hint = normalize(code_hint)
	if customer:
		for item in masters.customer_items:
			if item["customer"] == customer:
				code = normalize(item["customer_item_code"])
				if (hint and hint == code) or contains(line, code):
					return Match(item["product"], 0.99, "customer item code", [code])
	for product in masters.products:
		code = normalize(product["product_code"])
		if (hint and hint == code) or contains(line, code):
			return Match(product["product_code"], 0.98, "product code", [code])
	scored = []
	for product in masters.products:
		code = product["product_code"]
		name = normalize(product["product_name"])
		name_hit = name in line or (len(name) >= 3 and fuzz.partial_ratio(name, line) >= 90)
		tokens = [t for t in masters._specs[code] if contains(line, t)]
		key_hits = [t for t in masters._discriminating[code] if contains(line, t)]
		if not key_hits and not name_hit:
			continue
		score = (2 if name_hit else 0) + 3 * len(key_hits) + len(tokens)
		scored.append((score, bool(key_hits), name_hit, code, tokens))
	if not scored:
		return Match(None, 0.0, "no product")
	scored.sort(reverse=True)
	score, key_hit, name_hit, code, tokens = scored[0]
	runner_up = scored[1][0] if len(scored) > 1 else -1
	spans = [*tokens, normalize(masters.product_by_code[code]["product_name"])]
	if key_hit and name_hit and score > runner_up:
		return Match(code, 0.95, "name and specification", spans)
	if key_hit and score > runner_up:
		# A model number no other product's specification carries names the product by itself.
		unique = [
			t for t in tokens if len(t) >= 5 and sum(t in specs for specs in masters._specs.values()) == 1
		]
		return Match(code, 0.92 if unique else 0.85, "specification", spans)
	if (
		name_hit
		and len(masters._same_name[normalize(masters.product_by_code[code]["product_name"])]) == 1
		and score > runner_up
	):
		return Match(code, 0.8, "name", spans)
	return Match(code, 0.3, "ambiguous", spans)
