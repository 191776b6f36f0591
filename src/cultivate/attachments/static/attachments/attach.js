// Attach images and documents in a composer: upload each chosen file to the community's
// attachment endpoint and insert the Markdown it answers at the cursor of the form's text.
// The widget stays hidden without JavaScript (the page works without it).
(function () {
  "use strict";
  if (window.cultivateAttach) {
    return;
  }
  window.cultivateAttach = true;

  function say(widget, text, isError) {
    var status = widget.querySelector("[data-attach-status]");
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function fill(template, name) {
    return template.replace("%(name)s", name);
  }

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    if (typeof start !== "number") {
      start = end = textarea.value.length;
    }
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var insert = (before && !/\s$/.test(before) ? " " : "") + text +
      (after && !/^\s/.test(after) ? " " : "");
    textarea.value = before + insert + after;
    var cursor = before.length + insert.length;
    textarea.setSelectionRange(cursor, cursor);
    // The live preview (htmx) listens for keyup; other listeners for input.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.dispatchEvent(new Event("keyup", { bubbles: true }));
  }

  function errorOf(body) {
    var error = body && body.error;
    if (!error) {
      return null;
    }
    var fields = error.fields || {};
    return (fields.file && fields.file[0]) || error.message || null;
  }

  function upload(widget, textarea, token, file) {
    var data = new FormData();
    data.append("file", file);
    say(widget, fill(widget.dataset.msgUploading, file.name), false);
    return fetch(widget.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body && body.markdown) {
          insertAtCursor(textarea, body.markdown);
          say(widget, fill(widget.dataset.msgDone, body.name), false);
        } else {
          say(widget, errorOf(body) || widget.dataset.msgFailed, true);
        }
      });
    }).catch(function () {
      say(widget, widget.dataset.msgFailed, true);
    });
  }

  function setUp(widget) {
    var form = widget.closest("form");
    var textarea = form && form.querySelector("textarea[name='" + widget.dataset.target + "']");
    var tokenInput = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    var input = widget.querySelector("input[type='file']");
    if (!textarea || !tokenInput || !input || !window.fetch) {
      return;
    }
    widget.hidden = false;
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      var limit = Number(widget.dataset.maxBytes);
      var chain = Promise.resolve();
      files.forEach(function (file) {
        chain = chain.then(function () {
          if (limit && file.size > limit) {
            say(widget, fill(widget.dataset.msgTooLarge, file.name), true);
            return null;
          }
          return upload(widget, textarea, tokenInput.value, file);
        });
      });
      chain.then(function () {
        input.value = "";
      });
    });
  }

  function start() {
    document.querySelectorAll("[data-attach]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
