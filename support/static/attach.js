// Attachments: a screenshot pasted into the form joins its file input, and files over the limits are named before
// sending. Without this script the plain file input still works and the server checks the same limits.
(function () {
  "use strict";
  var input = document.getElementById("attachments");
  if (!input || !window.DataTransfer) { return; }
  var form = input.form;
  var status = document.getElementById("pasted");
  var maxFile = Number(input.dataset.maxFile), maxTotal = Number(input.dataset.maxTotal);

  function size(bytes) { return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " kB"; }

  function stamp() { return new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-"); }

  function showError(text) {
    var error = document.getElementById("attachments-error");
    if (!error) {
      error = document.createElement("span");
      error.id = "attachments-error";
      error.className = "field-error";
      input.parentNode.insertBefore(error, status);
      input.setAttribute("aria-describedby", "attachments-hint attachments-error");
    }
    error.textContent = text;
    input.setAttribute("aria-invalid", "true");
  }

  function problem() {
    var total = 0;
    for (var i = 0; i < input.files.length; i++) {
      var file = input.files[i];
      total += file.size;
      if (file.size > maxFile) { return file.name + " is larger than " + size(maxFile) + ", the limit per file"; }
    }
    return total > maxTotal ? "The files come to " + size(total) + "; the limit per ticket is " + size(maxTotal) : "";
  }

  form.addEventListener("paste", function (event) {
    var items = event.clipboardData ? event.clipboardData.files : [];
    var images = Array.prototype.filter.call(items, function (f) { return /^image\/(png|jpeg|gif|webp)$/.test(f.type); });
    if (!images.length) { return; }
    event.preventDefault();
    var all = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
    images.forEach(function (f, i) {
      var ext = f.type.split("/")[1].replace("jpeg", "jpg");
      all.items.add(new File([f], "screenshot-" + stamp() + (i ? "-" + i : "") + "." + ext, { type: f.type }));
    });
    input.files = all.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    status.textContent = "Pasted " + images.length + " screenshot(s); " + input.files.length + " file(s) will be attached.";
  });

  input.addEventListener("change", function () {
    var text = problem();
    if (text) { showError(text); return; }
    var error = document.getElementById("attachments-error");
    if (error) { error.remove(); input.removeAttribute("aria-invalid"); input.setAttribute("aria-describedby", "attachments-hint"); }
  });

  form.addEventListener("submit", function (event) {
    var text = problem();
    if (text && !(event.submitter && event.submitter.value === "suggest")) {
      event.preventDefault();
      showError(text);
      input.focus();
    }
  });
})();
