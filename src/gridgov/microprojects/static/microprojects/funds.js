/* Funds allocated and spent by source (grouped bars). */
(function () {
  "use strict";
  const source = document.getElementById("microprojects-chart-data");
  const box = document.getElementById("microprojects-chart");
  if (!window.echarts || !source || !box) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {data: [data.allocated_label, data.spent_label]},
    grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.sources},
    yAxis: {type: "value"},
    series: [
      {name: data.allocated_label, type: "bar", data: data.allocated, itemStyle: {color: "#1565c0"}},
      {name: data.spent_label, type: "bar", data: data.spent, itemStyle: {color: "#c62828"}},
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
