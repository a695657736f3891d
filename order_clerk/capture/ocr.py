"""Scanned pages and faxes through Tesseract OCR, read more than once.

A fax is grey, speckled and ruled: Tesseract reads it far better once the speckle is filtered,
the ink is told from the paper (halfway between the darkest ink and the paper's own grey, so a
shaded table heading stays paper), and the table's rules are taken out (straight dark runs much
longer than any character's stroke). The page is then read in several ways (enlarged, filtered
before or after enlarging, more or less grey taken for ink), each of which misreads different
characters. One reading is the page's text; the others are kept beside it, so that the
extraction accepts only what the readings agree on and what can be checked
(order_clerk.capture.consensus).
"""

import io
import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from frappe import _
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from order_clerk.capture.text import UNITS

# A table's rule is a straight dark run at least 60 pixels long on a fax, and this share of the
# page's width on a finer scan; a character's stroke is far shorter.
RULE_LENGTH = 60
RULE_SHARE = 1 / 28
MAX_PIXELS = 40_000_000
# A page is enlarged (small print reads better) only up to this size: a scan made at a high
# resolution is read as it is.
MAX_ENLARGED_PIXELS = 40_000_000
# The ways a page is read: (enlargement, speckle filtered before enlarging, filter size, where
# ink ends between the darkest ink and the paper, Tesseract's page segmentation: 6 reads the page
# as one block of lines, 11 finds text wherever it stands, such as a PO number boxed beside the
# title). Each misreads different characters; the first is the page's text.
READINGS = (
	(2, False, 3, 0.5, 6),
	(2, True, 3, 0.5, 6),
	(2, False, 5, 0.5, 6),
	(2, False, 3, 0.6, 6),
	(2, True, 3, 0.6, 6),
	(3, True, 3, 0.5, 6),
	(1, True, 3, 0.5, 6),
	(2, False, 3, 0.5, 11),
	(2, True, 3, 0.5, 11),
	(3, True, 3, 0.5, 11),
)
# Tesseract writes one space between the Chinese characters of a word, and more between columns.
CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
# A thousands comma read as a point: 2.534.40 can only be 2,534.40.
THOUSANDS_AS_POINTS = re.compile(r"(?<![\d.,])(\d{1,3})((?:\.\d{3})+)(\.\d{1,2})(?![\d.])")
# What the table's rules and the page's edge leave as marks: never part of a value.
RULE_MARKS = re.compile(r"[|\[\]【】_]")
# Single characters standing apart at the end of a line, a unit apart (200 个): what is left of
# a rule or a stamp.
_ONE_CHARACTER_UNITS = "".join(unit for unit in UNITS if len(unit) == 1)
STRAY_ENDING = re.compile(rf"(?:[ \t]+[^\sA-Za-z0-9.,{_ONE_CHARACTER_UNITS}])+[ \t]*$", re.M)


class OcrError(Exception):
	pass


def _long_runs(dark: np.ndarray, length: int) -> np.ndarray:
	"""Pixels inside a horizontal dark run of at least `length` pixels."""
	rows, width = dark.shape
	if width < length:
		return np.zeros_like(dark)
	counter = np.int16 if width < np.iinfo(np.int16).max else np.int32
	counts = np.zeros((rows, width + 1), counter)
	np.cumsum(dark, axis=1, out=counts[:, 1:])
	full = (counts[:, length:] - counts[:, :-length]) == length  # run starting at j is all dark
	starts = np.zeros((rows, full.shape[1] + 1), counter)
	np.cumsum(full, axis=1, out=starts[:, 1:])
	column = np.arange(width)
	high = np.minimum(column, full.shape[1] - 1) + 1
	low = np.maximum(column - length + 1, 0)
	return (starts[:, high] - starts[:, low]) > 0


def clean(image: Image.Image, scale: int = 1, filter_first: bool = True, size: int = 3, ink_share=0.5):
	"""Black ink on white paper, without speckle or table rules, enlarged `scale` times."""
	grey = ImageOps.exif_transpose(image).convert("L")
	while scale > 1 and grey.width * grey.height * scale * scale > MAX_ENLARGED_PIXELS:
		scale -= 1
	if filter_first:
		grey = grey.filter(ImageFilter.MedianFilter(size))
	if scale != 1:
		grey = grey.resize((grey.width * scale, grey.height * scale), Image.LANCZOS)
	if not filter_first:
		grey = grey.filter(ImageFilter.MedianFilter(size))
	pixels = np.asarray(grey)
	ink, paper = np.percentile(pixels, 1), np.percentile(pixels, 50)
	dark = pixels <= ink + (paper - ink) * ink_share
	length = max(RULE_LENGTH * scale, int(pixels.shape[1] * RULE_SHARE))
	rules = _long_runs(dark, length) | _long_runs(dark.T, length).T
	return Image.fromarray(np.where(dark & ~rules, 0, 255).astype(np.uint8))


def tesseract(image: Image.Image, languages: str, segmentation: int = 6) -> str:
	with tempfile.NamedTemporaryFile(suffix=".png") as file:
		image.save(file, format="PNG")
		file.flush()
		try:
			result = subprocess.run(
				["tesseract", file.name, "-", "-l", languages, "--psm", str(segmentation)],
				capture_output=True,
				timeout=120,
				check=True,
				# One thread: Tesseract's own threads cost more than they give on a busy server.
				env={**os.environ, "OMP_THREAD_LIMIT": "1"},
			)
		except (subprocess.SubprocessError, OSError) as e:
			raise OcrError(str(e)) from e
	text = CJK_SPACE.sub("", result.stdout.decode("utf-8", errors="replace"))
	text = THOUSANDS_AS_POINTS.sub(lambda m: m[1] + m[2].replace(".", ",") + m[3], text)
	return STRAY_ENDING.sub("", RULE_MARKS.sub(" ", text))


def read(content: bytes, filename: str) -> list[str]:
	"""The texts of the page's readings, the first being the page's own."""
	try:
		image = Image.open(io.BytesIO(content))
		if image.width * image.height > MAX_PIXELS:
			raise OcrError(_("{0} is too large an image to read.").format(filename))
		image.load()
	except (UnidentifiedImageError, OSError, ValueError) as e:
		raise OcrError(str(e)) from e

	def reading(way):
		*cleaning, segmentation = way
		return tesseract(clean(image, *cleaning), "chi_sim", segmentation)

	# Tesseract runs as its own process: two readings at a time use two cores.
	with ThreadPoolExecutor(max_workers=2) as pool:
		return list(pool.map(reading, READINGS))
