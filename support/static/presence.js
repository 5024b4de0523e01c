// Tells the server every 30 s that this agent has the ticket open, and shows who else has it open, so two agents
// do not answer the same requester at once. A same-origin POST with the session's CSRF token in a header.
(function () {
  "use strict";
  var me = document.currentScript, notice = document.getElementById("presence");
  if (!me || !notice || !window.fetch) { return; }
  var url = "/api/tickets/" + me.getAttribute("data-ticket") + "/presence";
  var EVERY = Number(window.presencePollMs) || 30000;  // a test may poll faster

  function show(others) {
    var text = others.length ? "Also open by " + others.map(function (o) { return o.name; }).join(", ") + ": check before you reply." : "";
    if (notice.textContent !== text) {
      notice.textContent = text;
      notice.className = text ? "notice" : "";
    }
  }

  function beat() {
    if (document.visibilityState === "hidden") { return; }
    fetch(url, {method: "POST", credentials: "same-origin", headers: {"X-CSRF-Token": me.getAttribute("data-csrf")}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { show(body.others); } })
      .catch(function () { /* the next beat tries again */ });
  }

  window.setInterval(beat, EVERY);
})();
