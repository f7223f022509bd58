/* Attendance roster: fast keyboard entry, "mark all as attended", greyed-out fields for absences.
 * Loaded as a file (no inline script, no on*= attributes) so that a strict Content-Security-Policy holds.
 * Without this script the page still works: every action is a plain form submit.
 *
 * Keys on a row (focus on a status button, a check box or the note):
 *   1 attended · 2 off-site · 3 absent · 4 absent with support (focus goes to the note) · 0 no entry
 *   ↑ / ↓ the same column in the previous / next row · Ctrl+S (⌘S) saves the day.
 */
(function () {
  "use strict";

  // Date and month pickers submit as soon as a value is chosen.
  document.querySelectorAll("form[data-autosubmit] input").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.value) { input.form.requestSubmit(); }
    });
  });

  var form = document.querySelector("form[data-roster]");
  if (!form || form.hasAttribute("data-readonly")) { return; }

  var ABSENCES = ["absent", "absent_supported"];
  var PRESENCE = ["start_time", "end_time", "transport_to", "transport_from", "meal"];
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr[data-row]"));
  var dirty = false;
  var submitting = false;

  function field(row, name) { return row.querySelector("[name$='-" + name + "']"); }
  function radios(row) { return Array.prototype.slice.call(row.querySelectorAll("input[type=radio]")); }
  function statusOf(row) {
    var checked = row.querySelector("input[type=radio]:checked");
    return checked ? checked.value : "";
  }

  // Show the row's state: colour, greyed-out presence fields for absences, a required note for support.
  function apply(row) {
    var status = statusOf(row);
    row.className = row.className.replace(/\bstatus-\S+/g, "").trim() + " status-" + (status || "none");
    var absent = ABSENCES.indexOf(status) !== -1;
    PRESENCE.forEach(function (name) {
      var input = field(row, name);
      if (!input) { return; }
      input.disabled = absent;
      if (absent) {
        if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
      }
    });
    if (!absent && status) {
      var start = field(row, "start_time"), end = field(row, "end_time");
      if (start && !start.value && row.dataset.usualStart) { start.value = row.dataset.usualStart; }
      if (end && !end.value && row.dataset.usualEnd) { end.value = row.dataset.usualEnd; }
    }
    var note = field(row, "note");
    if (note) { note.required = status === "absent_supported"; }
  }

  function setStatus(row, key) {
    var label = row.querySelector("label[data-key='" + key + "']");
    var radio = label && label.querySelector("input[type=radio]");
    if (!radio || radio.disabled) { return false; }
    radio.checked = true;
    apply(row);
    dirty = true;
    return true;
  }

  function focusIn(row, column) {
    var cell = row.querySelector("[data-col='" + column + "']") || row.querySelector("[data-col='status']");
    var target = column === "status"
      ? (cell.querySelector("input[type=radio]:checked") || cell.querySelector("input[type=radio]"))
      : cell.querySelector("input:not([type=hidden]):not(:disabled)");
    if (target) { target.focus(); } else { focusIn(row, "status"); }
  }

  rows.forEach(function (row) {
    apply(row);
    radios(row).forEach(function (radio) {
      radio.addEventListener("change", function () { apply(row); dirty = true; });
    });
  });

  form.addEventListener("change", function () { dirty = true; });

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      var save = form.querySelector("button[name=save]");
      if (save) { form.requestSubmit(save); }
      return;
    }
    var row = target.closest && target.closest("tr[data-row]");
    if (!row || event.altKey || event.ctrlKey || event.metaKey) { return; }
    var index = rows.indexOf(row);
    var typing = target.type === "text" || target.type === "time";
    var cell = target.closest("[data-col]");
    var column = cell ? cell.dataset.col : "status";
    if (!typing && /^[0-4]$/.test(event.key)) {
      event.preventDefault();
      if (!setStatus(row, event.key)) { return; }
      if (event.key === "4") { field(row, "note").focus(); return; }
      if (index + 1 < rows.length) { focusIn(rows[index + 1], "status"); }
      return;
    }
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && target.type !== "time") {
      var next = rows[index + (event.key === "ArrowDown" ? 1 : -1)];
      event.preventDefault();
      if (next) { focusIn(next, column); }
      return;
    }
    if (event.key === "Enter" && typing) {
      // Enter in a field moves on instead of submitting the form by its first button.
      event.preventDefault();
      if (index + 1 < rows.length) { focusIn(rows[index + 1], column); }
    }
  });

  var markAll = form.querySelector("[data-action=mark-all]");
  if (markAll) {
    markAll.addEventListener("click", function (event) {
      event.preventDefault();
      rows.forEach(function (row) {
        if (!statusOf(row)) { setStatus(row, "1"); }
      });
      focusIn(rows[0], "status");
    });
  }

  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
})();
