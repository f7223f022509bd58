/* Case review board (issue 7): meeting mode with the keyboard.
 * Loaded as a file (no inline script, no on*= attributes) so that the strict Content-Security-Policy holds.
 * Without this script the board still works: names open the person's page, the buttons are plain forms.
 *
 * Keys (outside text fields): j or ↓ next row · k or ↑ previous row · Enter open / close the details
 * (loaded in place by htmx) · n write a note (opens the details, focuses the note) · r mark reviewed ·
 * Esc close the details.  In the note: Ctrl+Enter saves, Esc goes back to the row.
 */
(function () {
  "use strict";
  var board = document.querySelector("[data-review-board]");
  if (!board) { return; }

  // Filters apply as soon as they change; the Apply button is for browsers without this script.
  var filters = board.querySelector("form[data-autosubmit]");
  if (filters) {
    filters.addEventListener("change", function () { filters.requestSubmit(); });
    var apply = filters.querySelector("[data-filter-submit]");
    if (apply) { apply.hidden = true; }
  }
  board.querySelectorAll("[data-keys], [data-meeting-start]").forEach(function (el) { el.hidden = false; });

  var current = null; // id of the current row

  function rows() { return Array.prototype.slice.call(board.querySelectorAll("[data-row]")); }
  function currentRow() { return current ? document.getElementById(current) : null; }

  function updateCount() {
    var all = rows();
    var left = all.filter(function (r) { return !r.querySelector(".is-reviewed"); }).length;
    var remaining = board.querySelector("[data-remaining]");
    var total = board.querySelector("[data-total]");
    if (remaining) { remaining.textContent = String(left); }
    if (total) { total.textContent = String(all.length); }
  }

  function select(row) {
    if (!row) { return; }
    var previous = currentRow();
    if (previous) { previous.classList.remove("is-current"); }
    row.classList.add("is-current");
    current = row.id;
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    board.classList.add("in-meeting");
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(currentRow());
    var next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
    select(all[next]);
  }

  function detailOf(row) { return row.querySelector("[data-detail]"); }
  function isOpen(row) { var d = detailOf(row); return d && d.children.length > 0; }

  function open(row, then) {
    var link = row.querySelector("[data-open]");
    if (isOpen(row)) { if (then) { then(); } return; }
    if (!link || !window.htmx) { return; }
    window.htmx.ajax("GET", link.getAttribute("href"), { target: detailOf(row), swap: "innerHTML" })
      .then(function () { if (then) { then(); } });
  }

  function close(row) {
    var d = detailOf(row);
    if (d) { d.innerHTML = ""; }
    row.focus({ preventScroll: true });
  }

  function focusNote(row) {
    var note = row.querySelector("[data-note]");
    if (note) { note.focus(); }
  }

  var start = board.querySelector("[data-meeting-start]");
  if (start) {
    start.addEventListener("click", function () {
      var all = rows();
      var first = all.filter(function (r) { return !r.querySelector(".is-reviewed"); })[0] || all[0];
      select(first);
    });
  }

  // A click on a row (not on a link, button or field) makes it the current one.
  board.addEventListener("click", function (event) {
    var row = event.target.closest("[data-row]");
    if (row && !event.target.closest("a, button, input, textarea, select, summary")) { select(row); }
  });
  // Opening the details by clicking the name also selects the row.
  board.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.target.closest && event.target.closest("[data-row]");
    if (row && current !== row.id) { select(row); }
  });
  document.body.addEventListener("htmx:afterSettle", function () { updateCount(); });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.metaKey) { return; }
    var field = event.target.closest && event.target.closest("input, textarea, select");
    var row = currentRow();
    if (field) {
      if (event.key === "Escape" && row && row.contains(field)) { field.blur(); row.focus(); event.preventDefault(); }
      if (event.key === "Enter" && event.ctrlKey && field.form) { field.form.requestSubmit(); event.preventDefault(); }
      return;
    }
    if (event.ctrlKey) { return; }
    if (event.target.closest && event.target.closest("a, button, summary") && event.key === "Enter") { return; }
    switch (event.key) {
      case "j": case "ArrowDown": move(1); break;
      case "k": case "ArrowUp": move(-1); break;
      case "Enter": if (row) { if (isOpen(row)) { close(row); } else { open(row); } } break;
      case "n": if (row) { open(row, function () { focusNote(row); }); } break;
      case "r": if (row) { var mark = row.querySelector("[data-mark]"); if (mark) { mark.click(); } } break;
      case "Escape": if (row) { close(row); } break;
      default: return;
    }
    event.preventDefault();
  });
})();
