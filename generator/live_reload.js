// portal serve only (generator/live_reload.py): reload this page once the served site has changed.
(function () {
  "use strict";
  var KEY = "portal-live-scroll:" + location.pathname;
  var sentWith = (document.currentScript && document.currentScript.getAttribute("data-build")) || "";
  var kept = sessionStorage.getItem(KEY);
  if (kept !== null) {
    sessionStorage.removeItem(KEY);
    window.scrollTo(0, Number(kept) || 0);
  }
  function ask(since) {
    fetch("/_portal/live?since=" + encodeURIComponent(since), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (id) {
        if (id !== since) {
          sessionStorage.setItem(KEY, String(window.scrollY));
          location.reload();
        } else {
          ask(id);
        }
      })
      .catch(function () { setTimeout(function () { ask(since); }, 1000); });  // server restarting: ask again
  }
  ask(sentWith);
})();
