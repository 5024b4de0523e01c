// The queue updates itself: every 20 s it fetches its own URL and swaps in the new rows (same-origin, no inline
// script, so the page's CSP holds). It waits while a ticket is ticked or focus is in the table, not to move things
// under the agent's hands, and says what changed in the page's status line.
(function () {
  "use strict";
  var table = document.querySelector("table.queue");
  var status = document.getElementById("queue-live");
  if (!table || !status || !window.fetch || !window.DOMParser) { return; }
  var EVERY = Number(window.queuePollMs) || 20000;  // a test may poll faster

  function busy() {
    return table.querySelector("input[type=checkbox]:checked") !== null || table.contains(document.activeElement);
  }

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("table.queue");
    if (!fresh) { return; }
    var oldBody = table.querySelector("tbody"), newBody = fresh.querySelector("tbody");
    if (oldBody.innerHTML === newBody.innerHTML) { return; }
    if (busy()) { status.textContent = "The queue has changed; it updates when no ticket is ticked."; return; }
    table.replaceChild(newBody, oldBody);
    table.querySelector("caption").textContent = fresh.querySelector("caption").textContent;
    status.textContent = "Queue updated at " + new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}) +
      ": " + fresh.querySelector("caption").textContent + ".";
  }

  function poll() {
    if (document.visibilityState === "hidden") { return; }
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  window.setInterval(poll, EVERY);
})();
