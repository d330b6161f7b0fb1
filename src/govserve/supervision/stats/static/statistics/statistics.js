/* Charts of the statistics pages (Apache ECharts, installed from npm by `make assets`).
 * The figures come from the page's json_script element #statistics-charts, the same numbers
 * the tables beside each chart show; without JavaScript (or ECharts) the tables remain. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("statistics-charts");
    if (!source || typeof window.echarts === "undefined") {
      return;
    }
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    charts.forEach(function (chart) {
      var el = document.getElementById(chart.id);
      if (!el) {
        return;
      }
      // Shown only once drawn: without JavaScript the page has the tables alone.
      if (el.parentNode && el.parentNode.classList) {
        el.parentNode.classList.add("is-drawn");
      }
      el.setAttribute("data-drawn", "true");
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      instance.setOption({
        animation: false,
        aria: { enabled: true },
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 48, right: 16, top: 36, bottom: 40 },
        xAxis: { type: "category", data: chart.categories, axisLabel: { hideOverlap: true } },
        yAxis: { type: "value" },
        series: chart.series.map(function (s) {
          return {
            name: s.name,
            type: chart.kind === "line" ? "line" : "bar",
            data: s.data,
            connectNulls: false
          };
        })
      });
      drawn.push(instance);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (instance) {
        instance.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
