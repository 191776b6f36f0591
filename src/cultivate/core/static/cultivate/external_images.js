// Images from other hosts arrive as a link to the image (core/markdown.py): show one only when
// the reader clicks it. If the browser refuses to load it (a Content-Security-Policy, a dead
// host), put the link back without this behaviour, so a second click opens the image itself.
// Inside an element marked data-external-images="show" (a community whose conveners chose to
// show them at once), every such link becomes its image when the page or an htmx swap loads.
function showExternalImage(link) {
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
}

document.addEventListener("click", function (event) {
  var link = event.target.closest("a.external-image");
  if (!link) return;
  event.preventDefault();
  showExternalImage(link);
});

function showExternalImagesIn(root) {
  var selector = '[data-external-images="show"] a.external-image';
  var links = Array.prototype.slice.call(root.querySelectorAll(selector));
  if (root.matches && root.matches("a.external-image") && root.closest(selector)) links.push(root);
  links.forEach(showExternalImage);
}

document.addEventListener("DOMContentLoaded", function () { showExternalImagesIn(document); });
document.addEventListener("htmx:load", function (event) {
  if (event.target && event.target.querySelectorAll) showExternalImagesIn(event.target);
});
