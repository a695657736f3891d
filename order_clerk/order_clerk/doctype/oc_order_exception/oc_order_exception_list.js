frappe.listview_settings["OC Order Exception"] = {
	add_fields: ["status", "due_date"],
	get_indicator(doc) {
		const colors = { Open: "orange", Escalated: "red", Resolved: "green" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
