frappe.listview_settings["OC Delivery Note"] = {
	add_fields: ["status", "sign_status"],
	get_indicator(doc) {
		const colors = {
			Draft: "gray",
			"In Transit": "blue",
			Signed: "green",
			"Partly Signed": "orange",
			Refused: "red",
			Cancelled: "gray",
		};
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
	onload(listview) {
		order_clerk.list.add_saved_filters(listview, [
			{
				name: "awaiting-sign-off",
				label: __("Awaiting Sign-off"),
				// Dispatched, and the customer's signature not yet recorded.
				filters: () => [
					["OC Delivery Note", "docstatus", "=", 1],
					["OC Delivery Note", "sign_status", "=", "Pending"],
				],
			},
		]);
	},
};
