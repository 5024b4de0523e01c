// Autosave and countdown for the attempt form. The form works without this script: its Save and
// Submit buttons post it, and the server enforces the time limit whatever this script does.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var status = document.getElementById("status");
  var timer = null;
  var saved = JSON.stringify(state());
  var submitting = false;

  function read(fieldset) {
    var type = fieldset.dataset.type;
    var checked = Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (i) { return i.value; });
    if (type === "single") { return checked.length ? checked[0] : null; }
    if (type === "multiple") { return checked.length ? checked : null; }
    if (type === "true-false") { return checked.length ? checked[0] === "true" : null; }
    if (type === "numeric" || type === "short") {
      var text = fieldset.querySelector("input").value.trim();
      return text === "" ? null : text;
    }
    var picks = Array.prototype.map.call(fieldset.querySelectorAll("select"), function (s) {
      return s.value === "" ? null : parseInt(s.value, 10);
    });
    if (picks.every(function (p) { return p === null; })) { return null; }
    if (type === "matching") { return picks; }
    var complete = picks.indexOf(null) < 0 && picks.filter(function (p, i) { return picks.indexOf(p) === i; }).length === picks.length;
    return complete ? picks : null;  // an ordering is an answer only with every item placed once
  }

  function collect() {
    var answers = {};
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-question]"), function (fieldset) {
      answers[fieldset.dataset.question] = read(fieldset);
    });
    return answers;
  }

  function flags() {
    return Array.prototype.map.call(form.querySelectorAll('input[name="flag"]:checked'), function (i) { return i.value; });
  }

  function state() {  // what autosave keeps: the answers and the questions flagged to come back to
    return { answers: collect(), flags: flags() };
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "status error" : "status";
  }

  function problems(body) {
    if (!body || !Array.isArray(body.detail)) { return (body && body.detail) || "the server refused them"; }
    return body.detail.map(function (d) { return d.loc.slice(2).join(".") + ": " + d.msg; }).join("; ");
  }

  function save(keepalive) {
    clearTimeout(timer);
    var body = JSON.stringify(state());
    if (body === saved || submitting) { return; }
    return fetch(form.dataset.answersUrl, { method: "PUT", body: body, keepalive: !!keepalive, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": token, "Accept": "application/json" } })
      .then(function (r) {
        if (r.ok) { saved = body; say("All answers saved.", false); return; }
        if (r.status === 409) { window.location.reload(); return; }  // time is up or already submitted: the page says which
        return r.json().then(function (b) { say("Not saved: " + problems(b), true); });
      })
      .catch(function () { say("Not saved: no connection. Keep this page open and use Save answers.", true); });
  }

  function later(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  form.addEventListener("change", function () { later(300); });
  form.addEventListener("input", function (event) { if (event.target.tagName === "INPUT") { later(1200); } });
  form.addEventListener("submit", function () { submitting = true; clearTimeout(timer); });
  window.addEventListener("pagehide", function () { save(true); });

  var clock = document.getElementById("time-left");
  if (!clock) { return; }
  var warning = document.getElementById("time-warning");
  var end = Date.now() + 1000 * parseInt(clock.dataset.remaining, 10);
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + " min " + (left % 60) + " s";
    if (left === 300 || left === 60) { warning.textContent = (left / 60) + (left === 60 ? " minute" : " minutes") + " left."; }
    if (left > 0) { setTimeout(tick, 1000); return; }
    warning.textContent = "Time is up. Your answers are being submitted.";
    var button = form.querySelector('button[value="submit"]');
    if (form.requestSubmit && button && !submitting) { form.requestSubmit(button); }
  }
  tick();
})();
