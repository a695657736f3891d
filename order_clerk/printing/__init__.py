"""Print machinery shared by every printed document of the app.

- copies: the labelled copies of a multi-part form (多联单), from OC Settings.
- log: OC Print Log, written on every print; the reprint (补打) count.
- page: the page sizes of OC Settings, as wkhtmltopdf options and CSS.
- header: company name, address, phone and logo from OC Settings.
- qr: QR codes as inline PNG data URIs.
- signatures: the signature blocks at the foot of a form (制单, 审核, 仓库, 承运, 客户签收).
- formatting: quantities and amounts as the printed forms show them.
- lines: the lines of outbound slips, delivery notes and invoice requests as printed.
- settings: OC Settings as the printing code reads it.
- context: everything a print format needs, in one call from Jinja (oc_print_context).

The Jinja side lives in order_clerk/templates/print/: styles, macros and the page frame.
"""
