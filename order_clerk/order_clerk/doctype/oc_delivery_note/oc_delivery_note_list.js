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
};
