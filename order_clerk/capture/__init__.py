"""Order capture: customers' own documents (spreadsheets, e-mails, PDFs, faxes) read into
draft orders, each value with its confidence and where in the document it was found.

readers   bytes of a document -> its text lines and tables, with their locations
text      normalisation, numbers (Arabic and Chinese), quantities and units
dates     absolute and relative delivery dates ("下周五前", "收到订单后10天内")
extract   the order's header facts and lines from a read document
matching  customers and products from the site's masters and the customer's own part numbers
"""
