frappe.listview_settings["OC Invoice Request"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		const colors = { Draft: "gray", Requested: "orange", Issued: "green", Cancelled: "gray" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
