/* The assessment charts, drawn with ECharts from the page's "assessment-chart" JSON:

   - #figures-chart: every rate of the subject, this period beside the previous one;
   - #children-chart: the units below, one bar each (and the previous period), for the figure
     chosen in #children-figure (the composite score first);
   - #ranking-chart: the ranking's scores, best at the top, coloured by grade.

   Each box gets aria-busy="false" once drawn, which the browser tests wait for. */
(function () {
  "use strict";
  const source = document.getElementById("assessment-chart");
  if (!window.echarts || !source) return;
  const data = JSON.parse(source.textContent);
  const GRADE_COLOURS = {A: "#2e7d32", B: "#1565c0", C: "#f9a825", D: "#ef6c00", E: "#b71c1c"};
  const NOW = "#c62828";
  const BEFORE = "#b0bec5";

  function chart(id, option) {
    const box = document.getElementById(id);
    if (!box) return null;
    box.setAttribute("aria-busy", "true");
    const instance = echarts.init(box);
    instance.on("finished", function () { box.setAttribute("aria-busy", "false"); });
    instance.setOption(option, true);
    new ResizeObserver(function () { instance.resize(); }).observe(box);
    return instance;
  }

  function value(v, unit) {
    if (v === null || v === undefined) return "—";
    return unit === "h" ? v + " h" : unit === "%" ? v + "%" : String(v);
  }

  if (data.labels) {
    chart("figures-chart", {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: function (v) { return value(v, "%"); }},
      legend: {top: 0},
      grid: {left: 8, right: 24, top: 32, bottom: 8, containLabel: true},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", data: data.labels, inverse: true, axisLabel: {width: 170, overflow: "truncate"}},
      series: [
        {name: data.currentName, type: "bar", data: data.current, itemStyle: {color: NOW}, barGap: "10%"},
        {name: data.previousName, type: "bar", data: data.previous, itemStyle: {color: BEFORE}},
      ],
    });
  }

  if (data.children) {
    const select = document.getElementById("children-figure");
    const children = data.children;
    const draw = function (instance) {
      const figure = children.figures[select ? Number(select.value) : 0];
      const option = {
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
                  valueFormatter: function (v) { return value(v, figure.unit); }},
        legend: {top: 0},
        grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: children.names,
                axisLabel: {interval: 0, rotate: children.names.length > 8 ? 40 : 0}},
        yAxis: {type: "value", axisLabel: {formatter: figure.unit === "h" ? "{value} h" : figure.unit === "%" ? "{value}%" : "{value}"}},
        series: [
          {name: data.currentName + " · " + figure.label, type: "bar", data: figure.current, itemStyle: {color: NOW},
           barMaxWidth: 48},
          {name: data.previousName, type: "bar", data: figure.previous, itemStyle: {color: BEFORE}, barMaxWidth: 48},
        ],
      };
      if (instance) { instance.setOption(option, true); return instance; }
      return chart("children-chart", option);
    };
    const instance = draw(null);
    if (select) select.addEventListener("change", function () { draw(instance); });
  }

  if (data.scores) {
    const box = document.getElementById("ranking-chart");
    const shown = Math.min(data.names.length, 20);  // a long ranking scrolls inside the chart
    if (box) box.style.height = Math.max(200, 36 * shown + 40) + "px";
    chart("ranking-chart", {
      dataZoom: data.names.length > shown ? [{type: "slider", yAxisIndex: 0, right: 0, width: 14,
        startValue: 0, endValue: shown - 1, showDetail: false, brushSelect: false},
        {type: "inside", yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true}] : [],
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 8, right: data.names.length > shown ? 56 : 40, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", min: 0, max: 100},
      yAxis: {type: "category", data: data.names, inverse: true, axisLabel: {width: 140, overflow: "truncate"}},
      series: [{type: "bar", name: data.label, barMaxWidth: 28, label: {show: true, position: "right",
        formatter: function (p) { return p.value + " " + data.grades[p.dataIndex]; }},
        data: data.scores.map(function (score, i) {
          return {value: score, itemStyle: {color: GRADE_COLOURS[data.grades[i]] || "#6c757d"}};
        })}],
    });
  }
})();
