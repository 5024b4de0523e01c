/* portalgen: runbook checklists keep their ticks in this browser (localStorage, one entry per runbook). */
(function () {
  "use strict";

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "[]");
    } catch (error) {
      return [];
    }
  }

  function save(key, ticked) {
    try {
      window.localStorage.setItem(key, JSON.stringify(ticked));
    } catch (error) {
      /* storage full or disabled: the ticks still work for this visit */
    }
  }

  function setUp(progress) {
    var key = "portalgen:runbook:" + progress.dataset.runbook;
    var boxes = Array.prototype.slice.call(
      document.querySelectorAll("article .portal-checklist input[type=checkbox]"));
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "md-button portal-reset";
    reset.textContent = "Reset the checklist";

    function show() {
      var done = boxes.filter(function (box) { return box.checked; }).length;
      status.textContent = done + " of " + boxes.length + " items ticked";
    }

    function record() {
      save(key, boxes.map(function (box, i) { return box.checked ? i : -1; }).filter(function (i) { return i >= 0; }));
      show();
    }

    load(key).forEach(function (i) { if (boxes[i]) { boxes[i].checked = true; } });
    boxes.forEach(function (box) { box.addEventListener("change", record); });
    reset.addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      save(key, []);
      show();
    });
    progress.append(status, reset);
    progress.hidden = false;
    show();
  }

  function addPageUrl(link) {
    link.setAttribute("href", link.getAttribute("href") + "&page_url=" + encodeURIComponent(window.location.pathname));
    link.removeAttribute("data-add-page-url");
  }

  /* A table wider than a phone scrolls sideways in its wrapper; the keyboard must reach it (WCAG 2.1.1). */
  function reachScrollingTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table, scrolls sideways");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  /* Chapter buttons of a video tutorial: jump there and play. */
  function seek(event) {
    var button = event.target.closest("button[data-seek]");
    var figure = button && document.getElementById(button.dataset.video);
    var video = figure && figure.querySelector("video");
    if (video) {
      video.currentTime = Number(button.dataset.seek);
      video.play().catch(function () { /* the reader's browser may refuse to autoplay */ });
      video.focus();
    }
  }

  function init() {
    reachScrollingTables();
    document.querySelectorAll("a[data-add-page-url]").forEach(addPageUrl);
    document.querySelectorAll(".portal-progress[data-runbook]").forEach(function (progress) {
      if (!progress.dataset.ready) {
        progress.dataset.ready = "1";
        setUp(progress);
      }
    });
  }

  /* Each diagram keeps its Mermaid source beside it as text: a text alternative for screen readers and
     the reader's fallback where a strict CSP keeps the drawing unstyled. Runs before the theme swaps the
     block for the drawing. */
  document.querySelectorAll("pre.mermaid").forEach(function (block) {
    var details = document.createElement("details");
    details.className = "portal-diagram-source";
    var summary = document.createElement("summary");
    summary.textContent = "The diagram as text";
    var code = document.createElement("pre");
    code.textContent = block.textContent;
    details.append(summary, code);
    block.after(details);
  });

  window.addEventListener("resize", reachScrollingTables);
  document.addEventListener("click", seek);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else {
    init();
  }
})();

// Searches from the site's box, recorded by the support backend to measure search success (no cookies, no
// personal data): the query, the results shown, the one opened; a visit id in this tab's sessionStorage ties
// them to a ticket filed from the same visit (it travels on the Need help links).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="portal-api"]');
  if (!meta || !window.fetch || !window.sessionStorage) { return; }
  var api = meta.content;
  var visit = sessionStorage.getItem("portal-visit");
  if (!visit) {
    visit = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    sessionStorage.setItem("portal-visit", visit);
  }
  function post(path, body) {
    return fetch(api + path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "omit", keepalive: true }).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
  }
  function tagHelpLinks() {
    document.querySelectorAll('a[href*="/tickets/new"]').forEach(function (link) {
      var href = link.getAttribute("href");
      if (/[?&]visit=/.test(href)) { return; }
      link.setAttribute("href", href + (href.indexOf("?") < 0 ? "?" : "&") + "visit=" + visit);
    });
  }
  var timer = null, lastQuery = "", backendUp = false;
  if (window.BroadcastChannel) {  // the search worker says whether the backend answers (a static host has none)
    new BroadcastChannel("portal-search").onmessage = function (event) { backendUp = !!(event.data && event.data.backend); };
  }
  function current() {
    var input = document.querySelector("input.md-search__input");
    var query = input ? input.value.trim().slice(0, 500) : "";
    var shown = Array.prototype.slice.call(document.querySelectorAll(".md-search-result__item > .md-search-result__link"), 0, 10)
      .map(function (a) { return new URL(a.href, location.href).pathname; });
    return { visit: visit, query: query, scope: /^api:/i.test(query) ? "api" : "reader", results: shown };
  }
  function record() {
    var search = current();
    if (!backendUp || !search.query || search.query === lastQuery) { return; }
    lastQuery = search.query;
    post("/searches", search);
  }
  function watch() {
    var list = document.querySelector(".md-search-result__list");
    if (!list || list.dataset.portalWatched) { return; }
    list.dataset.portalWatched = "1";
    // the box's "no good match" entry links the ticket form: it carries the visit like the Need help links
    new MutationObserver(function () { tagHelpLinks(); clearTimeout(timer); timer = setTimeout(record, 1200); })
      .observe(list, { childList: true, subtree: true });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".md-search-result__link");
    if (!link) { return; }
    clearTimeout(timer);
    var search = current();
    if (!backendUp || !search.query) { return; }
    search.opened = new URL(link.href, location.href).pathname;
    lastQuery = search.query;
    post("/searches", search);  // one request (keepalive): it outlives the page the click leaves
  }, true);
  if (window.document$) { document$.subscribe(function () { tagHelpLinks(); watch(); }); } else { tagHelpLinks(); watch(); }
})();


// Progress from use: a signed-in learner's reading of an article or runbook is recorded by the support backend
// (issue 18). When the sign-in hint cookie is there, the page asks the backend who is signed in (same origin, the
// session cookie) and reports its own path only when someone is; an anonymous reader's visit records nothing. No request leaves this site.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="portal-api"]');
  if (!meta || !window.fetch) { return; }
  var api = new URL(meta.content, location.href);
  if (api.origin !== location.origin) { return; }
  var sent = {};
  function report() {
    var path = location.pathname;
    if (sent[path] || !/\/(articles|runbooks)\/./.test(path)) { return; }
    if (!/(^|;\s*)portal_signed_in=1(;|$)/.test(document.cookie)) { return; }  // set at sign-in: no request otherwise
    sent[path] = true;
    fetch(api.pathname + "/session", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (session) {
        if (!session || !session.user) { return; }
        return fetch(api.pathname + "/me/reads", { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": session.csrf_token }, body: JSON.stringify({ path: path }) });
      }).catch(function () { /* the backend is away: nothing is recorded */ });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") { window.document$.subscribe(report); } else { report(); }
})();
