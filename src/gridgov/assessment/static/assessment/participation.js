/* The "taking part" board's charts, drawn with ECharts from the page's "participation-charts" JSON:
   one bar chart per figure set comparing the units below, for the figure chosen in its select, with
   the target (when the figure has one) as a dashed line. Each box gets aria-busy="false" once drawn,
   which the browser tests wait for. */
(function () {
  "use strict";
  const source = document.getElementById("participation-charts");
  if (!window.echarts || !source) return;
  const charts = JSON.parse(source.textContent);
  const targetName = document.getElementById("participation-labels").dataset.target;

  function suffix(kind) { return kind === "share" ? "%" : ""; }

  Object.keys(charts).forEach(function (key) {
    const box = document.querySelector('[data-chart="' + key + '"]');
    if (!box) return;
    const data = charts[key];
    const select = document.querySelector('[data-chart-select="' + key + '"]');
    const instance = echarts.init(box);
    instance.on("finished", function () { box.setAttribute("aria-busy", "false"); });
    function draw() {
      box.setAttribute("aria-busy", "true");
      const figure = data.figures[select ? Number(select.value) : 0];
      const series = {name: figure.label, type: "bar", data: figure.data, itemStyle: {color: "#c62828"}};
      if (figure.target !== null) {
        series.markLine = {symbol: "none", lineStyle: {type: "dashed", color: "#1565c0"},
                           label: {formatter: targetName + " {c}" + suffix(figure.kind)},
                           data: [{yAxis: figure.target}]};
      }
      instance.setOption({
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
                  valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + suffix(figure.kind); }},
        grid: {left: 8, right: 16, top: 24, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.names, axisLabel: {interval: 0, rotate: data.names.length > 8 ? 40 : 0}},
        // The target line stays in sight when every unit is far below it.
        yAxis: {type: "value", axisLabel: {formatter: "{value}" + suffix(figure.kind)},
                max: figure.target === null ? null : function (v) { return Math.ceil(Math.max(v.max, figure.target * 1.1)); }},
        series: [series],
      }, true);
    }
    draw();
    if (select) select.addEventListener("change", draw);
    new ResizeObserver(function () { instance.resize(); }).observe(box);
  });
})();
