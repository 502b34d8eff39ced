// The queue refreshes itself: every two seconds it asks for its rows again, with the same
// filters, and swaps them in only when they changed.
(function () {
  var rows = document.getElementById("queue-rows");
  if (!rows) return;
  var url = "/desk/queue/rows" + window.location.search;
  var last = rows.innerHTML;
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        // Signed out meanwhile (the session ended): show the sign-in form, not in the table.
        if (r.redirected) { window.location.reload(); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== last) {
          rows.innerHTML = html;
          last = html;
        }
      })
      .catch(function () {});
  }
  window.setInterval(refresh, 2000);
})();
