frappe.listview_settings["OC Outbound Slip"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Draft: "gray", Issued: "blue", Delivered: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
