// Images from other hosts arrive as a button (core/markdown.py): load one only when the reader
// clicks it. If the browser refuses to load it (a Content-Security-Policy, a dead host), offer a
// plain link instead, so the reader can still open it.
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.external-image");
  if (!button) return;
  event.preventDefault();
  var image = document.createElement("img");
  image.alt = button.dataset.alt || "";
  image.className = "external-image-loaded";
  image.addEventListener("error", function () {
    var link = document.createElement("a");
    link.href = button.dataset.src;
    link.rel = "nofollow noopener noreferrer";
    link.className = "external-image-link";
    link.textContent = button.dataset.src;
    image.replaceWith(link);
  });
  image.src = button.dataset.src;
  button.replaceWith(image);
});
