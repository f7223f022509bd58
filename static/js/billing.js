// Billing pages: while a document is being made, poll its status and move the progress bar; when it is
// ready, show the download link.  No inline script (CSP); the rows carry data-status-url.
(function () {
  "use strict";
  var POLL_MS = 1000;

  function poll(row) {
    var url = row.getAttribute("data-status-url");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        var bar = row.querySelector("progress");
        var state = row.querySelector(".document-state");
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        if (state) { state.textContent = data.label || data.status; }
        if (data.status === "done" && data.download_url) {
          var cell = row.querySelector(".document-link");
          var link = document.createElement("a");
          link.href = data.download_url;
          link.setAttribute("download", "");
          link.textContent = row.closest("[data-download-label]") ?
            row.closest("[data-download-label]").getAttribute("data-download-label") : "↓ " + data.filename;
          cell.textContent = "";
          cell.appendChild(link);
          row.removeAttribute("data-status-url");
        } else if (data.status === "failed") {
          if (state) { state.textContent = data.error || data.status; }
          row.removeAttribute("data-status-url");
        } else {
          window.setTimeout(function () { poll(row); }, POLL_MS);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(row); }, POLL_MS * 5); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("tr[data-status-url]").forEach(poll);
  });
})();
