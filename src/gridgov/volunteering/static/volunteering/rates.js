/* Registration rate per community (bars) against the district's target (a dashed line). */
(function () {
  "use strict";
  const source = document.getElementById("volunteering-chart-data");
  const box = document.getElementById("volunteering-chart");
  if (!window.echarts || !source || !box) return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(box);
  const series = {name: data.label, type: "bar", data: data.rates, itemStyle: {color: "#c62828"}};
  if (data.target !== null) {
    series.markLine = {symbol: "none", lineStyle: {type: "dashed", color: "#1565c0"},
                       label: {formatter: data.target_label + " {c}%"}, data: [{yAxis: data.target}]};
  }
  chart.setOption({
    tooltip: {trigger: "axis"},
    grid: {left: 8, right: 16, top: 24, bottom: 8, containLabel: true},
    xAxis: {type: "category", data: data.names, axisLabel: {interval: 0, rotate: data.names.length > 6 ? 40 : 0}},
    yAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    series: [series],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
