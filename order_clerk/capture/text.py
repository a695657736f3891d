"""Text helpers shared by the readers and the extractor."""

import re
import unicodedata

import cn2an

# Units a document may count in, longest first so "千克" wins over "克".
UNITS = (
	"千克",
	"公斤",
	"kg",
	"KG",
	"pcs",
	"PCS",
	"pc",
	"套",
	"个",
	"只",
	"件",
	"台",
	"米",
	"m",
	"箱",
	"卷",
	"盒",
	"包",
	"条",
	"根",
	"把",
	"付",
	"副",
	"片",
	"桶",
	"吨",
	"支",
	"块",
	"组",
	"对",
	"张",
	"袋",
)
PACK_UNITS = ("箱", "卷", "盒", "包", "袋", "桶")
UNIT_ALIASES = {
	"公斤": "千克",
	"kg": "千克",
	"KG": "千克",
	"pcs": "个",
	"PCS": "个",
	"pc": "个",
	"只": "个",
	"件": "个",
	"ea": "个",
	"each": "个",
	"unit": "个",
	"units": "个",
	"set": "套",
	"sets": "套",
}
# Words for one piece of whatever is counted: 5 个 of a product sold by 台 are 5 台. A specific
# counting word (套, 对, 副) is no such word: a set or a pair may hold several pieces.
EACH = "个"
COUNTED = frozenset({"个", "台", "套", "支", "把", "根", "片", "条", "块", "张"})

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
CN_NUMBER = re.compile(f"[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?")
NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|(?<![\w.])-?\d+(?:\.\d+)?(?![\d.])")


def normalize(value, spaces: bool = False) -> str:
	"""Half-width, one kind of multiplication sign, lower case: for comparing. Without
	`spaces`, white space is dropped; with it, kept as one space (a boundary between words)."""
	text = unicodedata.normalize("NFKC", str(value or ""))
	text = text.replace("²", "2").replace("Φ", "φ").replace("Ф", "φ")
	text = re.sub(r"(?<=[\d.a-zA-Z])\s*[×xX*＊]\s*(?=[\d.])", "x", text)
	text = re.sub(r"(?<=\d)\s+(?=mm|kw|kv|v\b)", "", text, flags=re.I)
	return re.sub(r"\s+", " " if spaces else "", text).strip().lower()


# PDF fonts often map ideographs to look-alike radicals (⽇ for 日): take the ideograph.
_RADICALS = re.compile("[\u2e80-\u2fdf]")


def clean(value) -> str:
	"""Collapsed white space, characters as the document writes them (，stays ，)."""
	text = str(value or "").replace("\u3000", " ").replace("\xa0", " ")
	text = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
	return re.sub(r"[ \t]+", " ", text).strip()


def parse_number(text) -> float | None:
	"""A number written with digits (1,200.50) or in Chinese (两千, 一千五百, 五百)."""
	if text is None:
		return None
	if isinstance(text, int | float):
		return float(text)
	raw = clean(text).replace("，", ",").replace("￥", "").replace("¥", "").strip()
	raw = re.sub(r"^(rmb|cny)", "", raw, flags=re.I).strip()
	match = NUMBER.fullmatch(raw)
	if match:
		return float(raw.replace(",", ""))
	if raw and CN_NUMBER.fullmatch(raw):
		try:
			return float(cn2an.cn2an(raw.replace("两", "二").replace("〇", "零"), "smart"))
		except (ValueError, KeyError, IndexError):
			return None
	return None


def numbers_in(text: str) -> list[tuple[float, int, int]]:
	"""Every Arabic number in `text` as (value, start, end)."""
	found = []
	for match in NUMBER.finditer(text):
		found.append((float(match.group().replace(",", "")), match.start(), match.end()))
	return found


QTY_WITH_UNIT = re.compile(
	r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|["
	+ _CN_DIGITS
	+ r"]+)\s*(?P<unit>"
	+ "|".join(re.escape(u) for u in UNITS)
	+ r")(?![a-zA-Z²\d/])"
)
PACK_SIZE = re.compile(
	r"(?:每|@|/)?\s*(?P<pack>"
	+ "|".join(PACK_UNITS)
	+ r")\s*(?:装|=|含)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>"
	+ "|".join(re.escape(u) for u in UNITS)
	+ r")|(?P<num2>\d+(?:\.\d+)?)\s*(?P<unit2>"
	+ "|".join(re.escape(u) for u in UNITS)
	+ r")\s*/\s*(?P<pack2>"
	+ "|".join(PACK_UNITS)
	+ r")"
)


def unit_of(text) -> str:
	value = clean(text)
	return UNIT_ALIASES.get(value, UNIT_ALIASES.get(value.lower(), value))


def same_count(unit: str, product_unit: str) -> bool:
	"""Whether a quantity in `unit` is the same number in the product's unit."""
	unit, product_unit = unit_of(unit), unit_of(product_unit)
	return unit == product_unit or (unit == EACH and product_unit in COUNTED)


def pack_sizes(text: str) -> dict[str, tuple[float, str]]:
	"""Pack sizes a text states: {"箱": (50, "个")} for "每箱50个" or "50个/箱"."""
	sizes = {}
	for match in PACK_SIZE.finditer(clean(text)):
		if match.group("pack"):
			sizes[match.group("pack")] = (float(match.group("num")), unit_of(match.group("unit")))
		else:
			sizes[match.group("pack2")] = (float(match.group("num2")), unit_of(match.group("unit2")))
	return sizes
