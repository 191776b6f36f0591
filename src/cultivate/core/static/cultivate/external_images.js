// Images from other hosts arrive as a link to the image (core/markdown.py): show one only when
// the reader clicks it. If the browser refuses to load it (a Content-Security-Policy, a dead
// host), put the link back without this behaviour, so a second click opens the image itself.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a.external-image");
  if (!link) return;
  event.preventDefault();
  var image = document.createElement("img");
  image.alt = link.dataset.alt || "";
  image.className = "external-image-loaded";
  image.addEventListener("error", function () {
    link.classList.remove("external-image");
    link.classList.add("external-image-link");
    image.replaceWith(link);
  });
  image.src = link.href;
  link.replaceWith(image);
});
