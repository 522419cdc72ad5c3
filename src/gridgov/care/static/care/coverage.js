/* Care plan coverage per community (bars, percent). */
(function () {
  "use strict";
  const source = document.getElementById("care-chart-data");
  const box = document.getElementById("care-chart");
  if (!window.echarts || !source || !box) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(box);
  chart.setOption({
    tooltip: {trigger: "axis"},
    grid: {left: 8, right: 16, top: 24, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.names, axisLabel: {interval: 0, rotate: data.names.length > 6 ? 40 : 0}},
    yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{name: data.label, type: "bar", data: data.values, itemStyle: {color: "#c62828"}}],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
