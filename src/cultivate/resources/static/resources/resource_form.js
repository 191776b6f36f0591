// The resource form: show only the part of the chosen form of resource (link, file, guide),
// and say at once when a chosen file is over the size limit instead of uploading it.
// Without JavaScript every part shows and the server says the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-resource-form]");
  if (!form) {
    return;
  }
  var choices = form.querySelectorAll("input[name=form]");
  var parts = form.querySelectorAll("[data-resource-part]");

  function showChosen() {
    var chosen = form.querySelector("input[name=form]:checked");
    if (!chosen) {
      return;
    }
    parts.forEach(function (part) {
      part.hidden = part.dataset.resourcePart !== chosen.value;
    });
  }

  choices.forEach(function (choice) {
    choice.addEventListener("change", showChosen);
  });
  showChosen();

  var input = form.querySelector("input[type=file]");
  var status = form.querySelector("[data-size-status]");
  function tooLarge() {
    var limit = Number(input && input.dataset.maxBytes);
    var file = input && input.files && input.files[0];
    var part = input && input.closest("[data-resource-part]");
    return Boolean(limit && file && file.size > limit && !(part && part.hidden));
  }
  function check() {
    var refused = tooLarge();
    if (status) {
      status.textContent = refused ? input.closest("[data-msg-too-large]").dataset.msgTooLarge : "";
      status.classList.toggle("error", refused);
    }
    return refused;
  }
  if (input) {
    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (check()) {
        event.preventDefault();
        input.focus();
      }
    });
  }
}());
