"""The page sizes a site may choose in OC Settings.

wkhtmltopdf takes its page size and margins from the print's CSS: Frappe reads the
properties of the `.print-format` rule into its options (frappe.utils.pdf), so the format
sets page-width, page-height and margins there; `@page` does the same for a browser print.
"""

from typing import NamedTuple

from order_clerk.printing.settings import get_print_settings

A4 = "A4"
CONTINUOUS_FORM = "241 x 140 mm (continuous form)"


class PageSize(NamedTuple):
	name: str  # the OC Settings option
	css_class: str
	width_mm: int
	height_mm: int
	margin_mm: tuple[int, int, int, int]  # top, right, bottom, left
	logo_height_mm: int


PAGE_SIZES = {
	A4: PageSize(A4, "oc-a4", 210, 297, (12, 12, 12, 12), 14),
	# 9.5 x 5.5 inch fan-fold paper of dot-matrix printers: narrow margins, no room to waste.
	CONTINUOUS_FORM: PageSize(CONTINUOUS_FORM, "oc-continuous", 241, 140, (6, 8, 6, 8), 10),
}


def get_page_size(settings: dict | None = None) -> PageSize:
	settings = settings if settings is not None else get_print_settings()
	return PAGE_SIZES.get(settings.get("print_page_size")) or PAGE_SIZES[A4]


def page_css(page: PageSize) -> str:
	"""CSS that gives the page size and margins to wkhtmltopdf and to the browser."""
	top, right, bottom, left = page.margin_mm
	return (
		f".print-format {{ page-width: {page.width_mm}mm; page-height: {page.height_mm}mm; "
		f"margin-top: {top}mm; margin-right: {right}mm; margin-bottom: {bottom}mm; margin-left: {left}mm; }}\n"
		f"@page {{ size: {page.width_mm}mm {page.height_mm}mm; "
		f"margin: {top}mm {right}mm {bottom}mm {left}mm; }}"
	)
