"""QR codes as inline PNG data URIs, which both browsers and wkhtmltopdf show.

pyqrcode (a Frappe dependency) makes the matrix; Pillow writes the PNG, so no further
package is needed.
"""

import base64
import io

import pyqrcode
from PIL import Image

QUIET_ZONE = 4  # modules of white border the QR specification asks for
MODULE_PX = 8  # pixels per module: sharp when a printer scales it to about 20 mm


def qr_matrix(text: str) -> list[list[int]]:
	"""The QR code's modules, 1 for dark, without the quiet zone."""
	return pyqrcode.create(text, error="M").code


def qr_code_data_uri(text: str) -> str:
	matrix = qr_matrix(text)
	size = len(matrix) + 2 * QUIET_ZONE
	image = Image.new("1", (size, size), 1)
	pixels = image.load()
	for y, row in enumerate(matrix):
		for x, dark in enumerate(row):
			if dark:
				pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
	image = image.resize((size * MODULE_PX, size * MODULE_PX), Image.NEAREST)
	buffer = io.BytesIO()
	image.save(buffer, format="PNG")
	return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
