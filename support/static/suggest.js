// Live article suggestions for the ticket form; the form works without this script.
(function () {
  "use strict";
  var form = document.getElementById("ticket-form");
  var box = document.getElementById("suggestions");
  if (!form || !box || !window.fetch) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var timer = null;
  var lastQuery = "";

  function field(name) { return form.elements[name] ? form.elements[name].value : ""; }

  function message(text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    box.appendChild(p);
  }

  function render(suggestions, goodMatch) {
    if (!suggestions.length) { message("No articles match yet. Add more detail, or file the ticket."); return; }
    var list = document.createElement("ol");
    list.className = "suggestion-list";
    suggestions.forEach(function (s) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = (box.dataset.siteUrl || "") + "/" + s.url;
      link.textContent = s.title;
      var snippet = document.createElement("p");
      snippet.className = "snippet";
      snippet.innerHTML = s.snippet_html;  // escaped by the server; only <mark> is markup
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.dataset.article = s.id;
      button.textContent = "This answered my question";
      item.append(link, snippet, button);
      list.appendChild(item);
    });
    box.textContent = "";
    if (!goodMatch) {
      var none = document.createElement("p");
      none.className = "notice no-match";
      none.textContent = "No article seems to answer this yet. File the ticket below; these may still help:";
      box.appendChild(none);
    }
    box.appendChild(list);
  }

  function suggest() {
    var query = (field("subject") + " " + field("description")).trim();
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (query.length < 3) { return; }
    var body = JSON.stringify({ q: query, form_id: field("form_id"), exclude: field("page_id") || null });
    fetch("/api/suggestions", { method: "POST", body: body,
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": token } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) { if (query === lastQuery) { render(data.suggestions, data.good_match); } })
      .catch(function () { /* keep the previous suggestions; the button still works */ });
  }

  function deflect(button) {
    var body = JSON.stringify({ article_id: button.dataset.article, form_id: field("form_id") });
    fetch("/api/deflections", { method: "POST", body: body,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token } })
      .then(function (r) {
        if (!r.ok) { return Promise.reject(r.status); }
        var done = document.createElement("p");
        done.className = "notice";
        done.setAttribute("role", "status");
        done.textContent = "Thanks, we recorded that this answered your question. Nothing was filed.";
        done.tabIndex = -1;
        button.replaceWith(done);
        done.focus();
      })
      .catch(function () { button.textContent = "Could not record that; please try again"; });
  }

  form.addEventListener("input", function (event) {
    if (event.target.name !== "subject" && event.target.name !== "description") { return; }
    clearTimeout(timer);
    timer = setTimeout(suggest, 300);
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-article]");
    if (!button) { return; }
    event.preventDefault();
    deflect(button);
  });
})();
