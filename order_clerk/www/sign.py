"""/sign/<token>: the receiver signs for the goods of one delivery note on their phone
(order_clerk.sign_off_link). No login: the signed link is the only key, and it opens this
note's lines, quantities only, and nothing else."""

import frappe

from order_clerk import sign_off_link

no_cache = 1
sitemap = 0


def get_context(context):
	token = frappe.form_dict.get("token") or ""
	context.no_breadcrumbs = True
	context.show_sidebar = False
	try:
		doc = sign_off_link.note_for(token)
	except (sign_off_link.SignOffLinkError, sign_off_link.SignOffLinkUsedError) as refusal:
		frappe.clear_last_message()
		context.refusal = str(refusal)
		context.http_status_code = 403 if isinstance(refusal, frappe.PermissionError) else 409
		return context
	context.token = token
	context.note = sign_off_link.receiver_view(doc)
	context.max_photo_mb = sign_off_link.MAX_PHOTO_BYTES // (1024 * 1024)
	return context
