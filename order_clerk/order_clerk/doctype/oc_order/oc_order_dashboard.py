from frappe import _


def get_data():
	return {
		"fieldname": "order",
		"transactions": [
			{"label": _("Fulfilment"), "items": ["OC Outbound Slip", "OC Delivery Note"]},
			{"label": _("Follow-up"), "items": ["OC Order Exception", "OC Archive Record"]},
		],
	}
