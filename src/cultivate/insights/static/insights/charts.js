/* Draws each dashboard figure (JSON in a script element beside it) with our own copy of
   plotly.js; without JavaScript the tables carry the same numbers. */
(function () {
  "use strict";
  // On a phone: smaller type, room under the axis for the legend, and room right of the
  // levels picture for its ring labels.
  function fitNarrow(layout, width) {
    if (!width || width >= 560) { return; }
    layout.font = Object.assign({}, layout.font, {size: 11});
    if (layout.legend) {
      layout.legend = Object.assign({}, layout.legend, {y: -0.45});
      layout.margin = Object.assign({}, layout.margin, {b: 120, l: 45});
    }
    if (layout.annotations && layout.shapes) {
      layout.annotations.forEach(function (label) { label.font = {size: 10}; });
      layout.xaxis = Object.assign({}, layout.xaxis, {range: [-1.05, 3.4]});
    }
  }
  function draw() {
    if (!window.Plotly) { return; }
    var configElement = document.getElementById("plotly-config");
    var config = configElement ? JSON.parse(configElement.textContent) : {};
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source || element.dataset.drawn) { return; }
      var figure = JSON.parse(source.textContent);
      fitNarrow(figure.layout, element.clientWidth);
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
