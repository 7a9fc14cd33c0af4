/*
 * app.js - progressive enhancement for the aivalue dashboard.  Every page
 * works without it; with it, tables marked class="sortable" sort by a
 * column when its header is clicked (or activated with Enter/Space).
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

	document.addEventListener("DOMContentLoaded", function () {
		Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), enhance);
	});
})();
