// Forms that help: the focus moves to the error summary or a confirmation (data-focus); a summary link focuses its
// field; a field's error goes away as soon as the field is fixed. Every form works without this script.
(function () {
  "use strict";
  var focus = document.querySelector("[data-focus]");
  if (focus) { focus.focus(); }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    (target.closest("p, fieldset") || target).scrollIntoView();
    (field || target).focus({ preventScroll: true });
  });

  function fixed(el) {
    if (el.type === "file") { return false; }  // attach.js checks chosen files
    if (el.type === "radio" || el.type === "checkbox") { return !!el.form.querySelector("input[name='" + el.name + "']:checked"); }
    return el.value.trim() !== "" && el.checkValidity();
  }

  function unmark(el, errorId) {
    el.removeAttribute("aria-invalid");
    var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== errorId; });
    if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
  }

  function errorOf(el) {
    var ids = (el.getAttribute("aria-describedby") || "").split(" ");
    return ids.filter(function (id) { return /-error$/.test(id); })[0] || "";
  }

  function clear(event) {
    var el = event.target;
    if (!el.name || !el.form || !fixed(el)) { return; }
    var group = el.closest("fieldset[aria-invalid]");
    var errorId = errorOf(el) || (group ? errorOf(group) : "");
    var error = errorId && document.getElementById(errorId);
    if (!error) { return; }
    error.remove();
    unmark(el, errorId);
    if (group) { unmark(group, errorId); }
    var link = document.querySelector(".error-summary a[data-field='" + errorId.replace(/-error$/, "") + "']");
    if (link) { link.parentNode.remove(); }
    var summary = document.querySelector(".error-summary");
    if (summary && !summary.querySelector("li")) { summary.remove(); }
  }
  document.addEventListener("input", clear);
  document.addEventListener("change", clear);
})();
