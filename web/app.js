/*
 * app.js - progressive enhancement for the aivalue dashboard.  Every page
 * works without it; with it:
 *  - tables marked class="sortable" sort by a column when its header is
 *    clicked (or activated with Enter/Space);
 *  - the navigation groups (<details>) open one at a time and close on
 *    Escape or a click elsewhere;
 *  - forms marked data-api="/api/v1/.../{field}" act through the API:
 *    the script adds a token field (never part of the page, never sent in
 *    a URL), and on submit POSTs the fields named in data-api-fields as
 *    JSON with "Authorization: Bearer TOKEN" (the sign-in cookie only
 *    reads), then shows the answer in the form's <output>.  Without the
 *    script these forms stay as they are: the CR sign form writes the
 *    commands to run, and the exception forms stay hidden behind the CLI
 *    commands printed next to them;
 *  - every table cell without a data-label gets its column's header text
 *    as one, which the narrow layout (style.css, under 640 px) shows in
 *    front of the cell when a table reflows into one block per row.
 */
(function () {
	"use strict";

	function cellValue(row, i) {
		var c = row.cells[i];
		if (!c) return "";
		return (c.getAttribute("data-sort") || c.textContent || "").trim();
	}

	function compare(a, b) {
		var na = parseFloat(a), nb = parseFloat(b);
		if (!isNaN(na) && !isNaN(nb) && String(na) === a.replace(/^\+/, "") &&
		    String(nb) === b.replace(/^\+/, ""))
			return na - nb;
		return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
	}

	function sortBy(table, th, index) {
		var body = table.tBodies[0];
		if (!body) return;
		var asc = th.getAttribute("aria-sort") !== "ascending";
		var rows = Array.prototype.slice.call(body.rows);
		rows.sort(function (r1, r2) {
			var d = compare(cellValue(r1, index), cellValue(r2, index));
			return asc ? d : -d;
		});
		rows.forEach(function (r) { body.appendChild(r); });
		Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
			h.removeAttribute("aria-sort");
		});
		th.setAttribute("aria-sort", asc ? "ascending" : "descending");
	}

	function enhance(table) {
		if (!table.tHead || !table.tHead.rows.length) return;
		Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
			th.tabIndex = 0;
			th.title = "sort by this column";
			th.addEventListener("click", function () { sortBy(table, th, i); });
			th.addEventListener("keydown", function (e) {
				if (e.key === "Enter" || e.key === " ") {
					e.preventDefault();
					sortBy(table, th, i);
				}
			});
		});
	}

	function navGroups() {
		var groups = document.querySelectorAll("details.nav-group");
		function closeAll(except) {
			Array.prototype.forEach.call(groups, function (d) {
				if (d !== except) d.open = false;
			});
		}
		Array.prototype.forEach.call(groups, function (d) {
			d.addEventListener("toggle", function () { if (d.open) closeAll(d); });
		});
		document.addEventListener("click", function (e) {
			if (!e.target.closest || !e.target.closest("details.nav-group")) closeAll(null);
		});
		document.addEventListener("keydown", function (e) {
			if (e.key !== "Escape") return;
			var open = document.querySelector("details.nav-group[open]");
			if (open) {
				open.open = false;
				open.querySelector("summary").focus();
			}
		});
	}

	function apiForm(form) {
		var fields = (form.getAttribute("data-api-fields") || "").split(/\s+/).filter(Boolean);
		var button = form.querySelector("button[type=submit]");
		var id = (form.id || "api") + "-token";
		var label = document.createElement("label");
		var input = document.createElement("input");
		var out = document.createElement("output");
		label.htmlFor = id;
		label.textContent = "Your API token";
		input.id = id;
		input.name = "api_token";
		input.type = "password";
		input.autocomplete = "off";
		input.required = true;
		input.placeholder = "aiv_...";
		out.setAttribute("role", "status");
		out.setAttribute("aria-live", "polite");
		form.insertBefore(label, button);
		form.insertBefore(input, button);
		form.appendChild(out);
		if (form.getAttribute("data-api-label")) button.textContent = form.getAttribute("data-api-label");
		form.hidden = false;
		form.addEventListener("submit", function (e) {
			var body = {}, path = form.getAttribute("data-api");
			e.preventDefault();
			Array.prototype.forEach.call(form.elements, function (el) {
				if (!el.name || el.name === "api_token") return;
				path = path.replace("{" + el.name + "}", encodeURIComponent(el.value));
				if (fields.indexOf(el.name) >= 0) body[el.name] = el.value;
			});
			out.textContent = "";
			button.disabled = true;
			fetch(path, {
				method: "POST",
				credentials: "omit",
				headers: { "Authorization": "Bearer " + input.value.trim(),
					   "Content-Type": "application/json" },
				body: JSON.stringify(body)
			}).then(function (r) {
				return r.json().then(function (d) { return { ok: r.ok, status: r.status, d: d }; },
						     function () { return { ok: r.ok, status: r.status, d: {} }; });
			}).then(function (a) {
				var d = a.d || {};
				if (a.ok) {
					out.className = "done";
					out.textContent = (form.getAttribute("data-api-done") || "Done") +
						(d.status || d.state ? ": " + (d.id ? d.id + " is" : "status") +
						 " now " + (d.status || d.state) : "") +
						". Reload the page to see it.";
				} else {
					out.className = "refused";
					out.textContent = "Refused (" + a.status + "): " +
						(d.error && d.error.message ? d.error.message : "no reason given");
				}
			}, function (err) {
				out.className = "refused";
				out.textContent = "The request failed: " + err;
			}).then(function () { button.disabled = false; });
		});
	}

	function labelCells(table) {
		if (!table.tHead || !table.tHead.rows.length) return;
		var heads = table.tHead.rows[0].cells;
		Array.prototype.forEach.call(table.tBodies, function (body) {
			Array.prototype.forEach.call(body.rows, function (row) {
				Array.prototype.forEach.call(row.cells, function (c, i) {
					if (!c.hasAttribute("data-label") && heads[i])
						c.setAttribute("data-label", heads[i].textContent.trim());
				});
			});
		});
	}

	document.addEventListener("DOMContentLoaded", function () {
		Array.prototype.forEach.call(document.querySelectorAll("main table"), labelCells);
		Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
		Array.prototype.forEach.call(document.querySelectorAll("form[data-api]"), apiForm);
		navGroups();
	});
})();
