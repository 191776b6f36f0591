/* Draws each dashboard figure (JSON in a script element beside it) with our own copy of
   plotly.js; without JavaScript the tables carry the same numbers. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    var configElement = document.getElementById("plotly-config");
    var config = configElement ? JSON.parse(configElement.textContent) : {};
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source || element.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      element.dataset.drawn = "true";
      element.textContent = "";
      window.Plotly.newPlot(element, figure.data, figure.layout, config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
