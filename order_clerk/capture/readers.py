"""Documents as text: every reader returns the same shape, whatever the format.

A Page holds the document's text lines and its tables (rows of cells), each with where it
was found ("Sheet1!B7", "page 1, line 12", "image line 4"), so the desk can show a value
beside its source.
"""

import csv
import email
import email.policy
import io
import re
import shutil
from dataclasses import dataclass, field

from frappe import _

from order_clerk.capture import ocr
from order_clerk.capture.text import clean

# Larger inputs are refused: a document is a purchase order, not a data dump.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 60
MAX_PAGES = 20


class UnreadableDocument(Exception):
	"""The document cannot be read; the message says why, for the clerk."""


@dataclass
class Cell:
	text: str
	where: str


@dataclass
class Page:
	"""What one document (or one attachment) says."""

	name: str
	kind: str  # "sheet", "text", "pdf", "image"
	lines: list[Cell] = field(default_factory=list)
	tables: list[list[list[Cell]]] = field(default_factory=list)
	# OCR and scanned input are less sure than typed text.
	ocr: bool = False
	# Other OCR readings of the same page, to be compared with its lines.
	readings: list[list[Cell]] = field(default_factory=list)

	def all_text(self) -> str:
		return "\n".join(line.text for line in self.lines)


def extension_of(filename: str) -> str:
	return (filename.rsplit(".", 1)[-1] if "." in filename else "").lower()


def read_document(content: bytes, filename: str) -> list[Page]:
	"""Every page of a document: one for a sheet or text, several for an e-mail with attachments."""
	if len(content) > MAX_BYTES:
		raise UnreadableDocument(_("{0} is larger than {1} MB.").format(filename, MAX_BYTES // (1024 * 1024)))
	reader = READERS.get(extension_of(filename))
	if not reader:
		raise UnreadableDocument(_("{0}: this kind of file cannot be read.").format(filename))
	return reader(content, filename)


def decode_text(content: bytes) -> str:
	"""UTF-8 (with or without BOM), else GB18030 (which covers GBK and GB2312)."""
	for encoding in ("utf-8-sig", "gb18030"):
		try:
			return content.decode(encoding)
		except UnicodeDecodeError:
			continue
	return content.decode("utf-8", errors="replace")


def _rows_page(name: str, kind: str, rows: list[list], where) -> Page:
	page = Page(name=name, kind=kind)
	table = []
	for r, row in enumerate(rows[:MAX_ROWS]):
		cells = [Cell(clean(value), where(r, c)) for c, value in enumerate(row[:MAX_COLUMNS])]
		table.append(cells)
		text = " ".join(cell.text for cell in cells if cell.text)
		if text:
			page.lines.append(Cell(text, where(r, 0)))
	page.tables.append(table)
	return page


def _column_letter(index: int) -> str:
	letters = ""
	index += 1
	while index:
		index, rest = divmod(index - 1, 26)
		letters = chr(65 + rest) + letters
	return letters


def _cell_value(value):
	if value is None:
		return ""
	if isinstance(value, float) and value.is_integer():
		return str(int(value))
	if hasattr(value, "strftime"):
		return value.strftime("%Y-%m-%d")
	return str(value)


def read_xlsx(content: bytes, filename: str) -> list[Page]:
	import openpyxl

	try:
		# Not read-only: merged cells must be known to fill them in.
		book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
	except Exception as e:
		raise UnreadableDocument(_("{0} is not a readable Excel workbook.").format(filename)) from e
	pages = []
	for sheet in book.worksheets:
		if sheet.sheet_state != "visible":
			continue
		rows = [
			[_cell_value(v) for v in row]
			for row in sheet.iter_rows(
				max_row=min(sheet.max_row, MAX_ROWS),
				max_col=min(sheet.max_column, MAX_COLUMNS),
				values_only=True,
			)
		]
		title = sheet.title
		pages.append(
			_rows_page(filename, "sheet", rows, lambda r, c, t=title: f"{t}!{_column_letter(c)}{r + 1}")
		)
	return pages


def read_xls(content: bytes, filename: str) -> list[Page]:
	import xlrd

	try:
		book = xlrd.open_workbook(file_contents=content)
	except Exception as e:
		raise UnreadableDocument(_("{0} is not a readable Excel workbook.").format(filename)) from e
	pages = []
	for sheet in book.sheets():
		rows = [
			[_cell_value(sheet.cell_value(r, c)) for c in range(min(sheet.ncols, MAX_COLUMNS))]
			for r in range(min(sheet.nrows, MAX_ROWS))
		]
		title = sheet.name
		pages.append(
			_rows_page(filename, "sheet", rows, lambda r, c, t=title: f"{t}!{_column_letter(c)}{r + 1}")
		)
	return pages


def read_csv(content: bytes, filename: str) -> list[Page]:
	text = decode_text(content)
	try:
		dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
	except csv.Error:
		dialect = csv.excel
	rows = list(csv.reader(io.StringIO(text), dialect))
	return [_rows_page(filename, "sheet", rows, lambda r, c: f"{_column_letter(c)}{r + 1}")]


def text_page(text: str, name: str, kind: str = "text", label: str = "line") -> Page:
	page = Page(name=name, kind=kind)
	for number, line in enumerate(text.splitlines(), start=1):
		value = clean(line)
		if value:
			page.lines.append(Cell(value, f"{label} {number}"))
	return page


def read_txt(content: bytes, filename: str) -> list[Page]:
	return [text_page(strip_quoted(decode_text(content)), filename)]


# Where an earlier message begins inside a reply or forward.
QUOTE_MARKERS = re.compile(
	r"^\s*(?:-{2,}\s*(?:原始邮件|Original Message|转发邮件|Forwarded message)\s*-{2,}|"
	r"在.{0,60}写道[:：]|On .{0,80}wrote:|_{6,})",
	re.I | re.M,
)


def strip_quoted(text: str) -> str:
	"""The new part of an e-mail body: quoted earlier messages (and "> " lines) removed."""
	match = QUOTE_MARKERS.search(text)
	if match:
		text = text[: match.start()]
	lines = text.splitlines()
	# A second header block (发件人: … 发送时间: …) after the first lines starts a quoted message.
	for index, line in enumerate(lines):
		if index > 3 and re.match(r"^\s*(发件人|From)\s*[:：]", line):
			lines = lines[:index]
			break
	return "\n".join(line for line in lines if not line.lstrip().startswith(">"))


def read_eml(content: bytes, filename: str) -> list[Page]:
	message = email.message_from_bytes(content, policy=email.policy.default)
	pages = []
	body = message.get_body(preferencelist=("plain", "html"))
	if body is not None:
		text = body.get_content()
		if body.get_content_type() == "text/html":
			text = html_to_text(text)
		subject = clean(message.get("subject", ""))
		page = text_page(strip_quoted(text), filename, "text", "body line")
		if subject:
			page.lines.insert(0, Cell(subject, "subject"))
		pages.append(page)
	for part in message.iter_attachments():
		name = part.get_filename() or "attachment"
		if extension_of(name) in READERS and extension_of(name) != "eml":
			try:
				pages.extend(read_document(part.get_content(), name))
			except UnreadableDocument:
				continue
	return pages


def html_to_text(html: str) -> str:
	text = re.sub(r"<br\s*/?>|</p>|</tr>|</div>|</li>", "\n", html or "", flags=re.I)
	text = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", text, flags=re.I | re.S)
	text = re.sub(r"<[^>]+>", " ", text)
	import html as html_lib

	return html_lib.unescape(text)


def read_pdf(content: bytes, filename: str) -> list[Page]:
	import pdfplumber

	pages = []
	try:
		pdf = pdfplumber.open(io.BytesIO(content))
	except Exception as e:
		raise UnreadableDocument(_("{0} is not a readable PDF.").format(filename)) from e
	with pdf:
		for number, source in enumerate(pdf.pages[:MAX_PAGES], start=1):
			# Bold text in generated PDFs is often the same glyph printed twice.
			plain = source.dedupe_chars(tolerance=1)
			text = plain.extract_text() or ""
			if len(text.strip()) < 20:
				image = source.to_image(resolution=300).original
				buffer = io.BytesIO()
				image.save(buffer, format="PNG")
				pages.extend(read_image(buffer.getvalue(), f"{filename} p{number}"))
				continue
			page = text_page(text, filename, "pdf", f"page {number}, line")
			for table in plain.extract_tables():
				page.tables.append(
					[
						[Cell(clean(value), f"page {number}, table row {r + 1}") for value in row]
						for r, row in enumerate(table)
					]
				)
			pages.append(page)
	return pages


def read_image(content: bytes, filename: str) -> list[Page]:
	"""A scanned page or fax through Tesseract OCR (Simplified Chinese), read in several ways
	(capture.ocr): the page holds the first reading, the others are kept beside it."""
	if not shutil.which("tesseract"):
		raise UnreadableDocument(_("Tesseract OCR is not installed on the server."))
	try:
		texts = ocr.read(content, filename)
	except ocr.OcrError as e:
		raise UnreadableDocument(_("{0} could not be read by OCR.").format(filename)) from e
	page = text_page(texts[0], filename, "image", "image line")
	page.ocr = True
	page.readings = [text_page(text, filename, "image", "image line").lines for text in texts[1:]]
	return [page]


READERS = {
	"xlsx": read_xlsx,
	"xlsm": read_xlsx,
	"xls": read_xls,
	"csv": read_csv,
	"txt": read_txt,
	"eml": read_eml,
	"pdf": read_pdf,
	"png": read_image,
	"jpg": read_image,
	"jpeg": read_image,
	"tif": read_image,
	"tiff": read_image,
}
