"""Printing through a real server: the PDF download, the print view and the desk's preview.

Those are GET requests, which Frappe rolls back unless told to commit: the print log must
still be there afterwards. The client talks to the server by its address (Host 127.0.0.1:port,
the site named in X-Frappe-Site-Name), so that wkhtmltopdf, fetching the print styles from
the URL the server gives, reaches the same server.
"""

import io
import threading

import frappe
import pytest
from pypdf import PdfReader

from tests.print_helpers import (
	ORDER_CONFIRMATION,
	TOTAL_IN_WORDS,
	approve,
	flat,
	make_print_order,
	print_logs,
)
from tests.utils import Api

pytestmark = pytest.mark.rest

DOWNLOAD_PDF = "/api/method/frappe.utils.print_format.download_pdf"
PREVIEW = "/api/method/frappe.www.printview.get_html_and_style"


@pytest.fixture(scope="module")
def clients(server, credentials):
	made = {}
	for profile in ("clerk", "reviewer", "warehouse", "norole"):
		api = Api(server, server.removeprefix("http://"), *credentials[profile])
		api.session.headers["X-Frappe-Site-Name"] = frappe.local.site
		made[profile] = api
	return made


def committed_order(people, approved=False) -> str:
	order = make_print_order(people)
	if approved:
		order = approve(order, people)
	frappe.db.commit()  # seen by the server process
	frappe.set_user("Administrator")
	return order.name


def download(api, name, **params):
	return api.get(DOWNLOAD_PDF, doctype="OC Order", name=name, format=ORDER_CONFIRMATION, **params)


def pdf_text(response) -> str:
	assert response.status_code == 200, response.text[:500]
	assert response.headers["Content-Type"].startswith("application/pdf")
	return flat(PdfReader(io.BytesIO(response.content)).pages[0].extract_text())


def committed_logs(name):
	frappe.db.rollback()  # a fresh snapshot: see what the server committed
	return print_logs("OC Order", name)


def test_pdf_downloads_are_logged_and_a_second_one_is_a_reprint(clients, people):
	name = committed_order(people)
	first = pdf_text(download(clients["clerk"], name, language="zh"))
	second = pdf_text(download(clients["clerk"], name, language="zh"))
	assert "补打" not in first and TOTAL_IN_WORDS in first and "草稿" in first
	assert "补打（第2次打印）" in second
	logs = committed_logs(name)
	assert [(log.print_count, log.is_reprint, log.printed_by) for log in logs] == [
		(1, 0, people.clerk),
		(2, 1, people.clerk),
	]
	assert {log.print_format for log in logs} == {ORDER_CONFIRMATION}


def test_concurrent_prints_of_one_document_get_distinct_numbers(clients, people):
	name = committed_order(people)
	texts = []

	def print_once():
		texts.append(pdf_text(download(clients["clerk"], name, language="zh")))

	threads = [threading.Thread(target=print_once) for _ in range(2)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join()
	assert sorted("补打（第2次打印）" in text for text in texts) == [False, True]
	assert [log.print_count for log in committed_logs(name)] == [1, 2]


def test_browser_print_view_is_logged(clients, people):
	name = committed_order(people)
	response = clients["clerk"].get(
		"/printview", doctype="OC Order", name=name, format=ORDER_CONFIRMATION, trigger_print=1
	)
	assert response.status_code == 200, response.text[:500]
	assert "oc-sheet" in response.text
	assert [log.print_count for log in committed_logs(name)] == [1]


def test_desk_preview_is_not_a_print_and_shows_the_next_number(clients, people):
	name = committed_order(people)
	preview = clients["clerk"].get(PREVIEW, doc="OC Order", name=name, print_format=ORDER_CONFIRMATION)
	assert preview.status_code == 200, preview.text[:500]
	assert "Reprint (print no." not in preview.json()["message"]["html"]
	assert committed_logs(name) == []
	pdf_text(download(clients["clerk"], name))
	preview = clients["clerk"].get(PREVIEW, doc="OC Order", name=name, print_format=ORDER_CONFIRMATION)
	assert "Reprint (print no. 2)" in preview.json()["message"]["html"]
	assert len(committed_logs(name)) == 1


def test_refused_download_is_not_logged(clients, people):
	name = committed_order(people)
	response = download(clients["norole"], name)
	assert response.status_code == 403
	assert committed_logs(name) == []


def test_warehouse_download_shows_quantities_without_prices(clients, people):
	name = committed_order(people, approved=True)
	text = pdf_text(download(clients["warehouse"], name, language="zh"))
	assert "六角螺栓" in text and "200" in text
	for price in ("12.50", "9,845.67", "12,345.67", TOTAL_IN_WORDS):
		assert price not in text, price
	assert "草稿" not in text
	assert [log.printed_by for log in committed_logs(name)] == [people.warehouse]
