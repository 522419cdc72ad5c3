// The community time bank's weekly chart: minutes deposited vs withdrawn (ECharts).
(function () {
  var holder = document.getElementById("timebank-chart");
  var source = document.getElementById("timebank-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 48, right: 12, top: 32, bottom: 28},
    xAxis: {type: "category", data: data.weeks},
    yAxis: {type: "value", name: data.labels.minutes},
    series: [
      {name: data.labels.deposited, type: "bar", data: data.deposited, itemStyle: {color: "#2e7d32"}},
      {name: data.labels.withdrawn, type: "bar", data: data.withdrawn, itemStyle: {color: "#b71c1c"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
