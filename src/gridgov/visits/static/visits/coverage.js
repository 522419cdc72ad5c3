/* The staff page's coverage map: each child unit's boundary coloured by this quarter's visit
   coverage (planned visits done in their window ÷ due), drawn by the shared gridgovMap.load. */
(function () {
  "use strict";
  const box = document.getElementById("visits-map");
  const data = document.getElementById("visits-features");
  if (!box || !data || !window.gridgovMap) return;
  const text = box.dataset;
  const escape = echarts.format.encodeHTML;

  function percent(value) {
    return value === null ? escape(text.labelNone) : Math.round(value * 100) + "%";
  }

  window.gridgovMap.load(box, JSON.parse(data.textContent), function (features, scale) {
    return {
      tooltip: {trigger: "item", confine: true, formatter: function (params) {
        const unit = params.data && params.data.unit;
        if (!unit) return "";
        return "<strong>" + escape(unit.name) + "</strong><br>" + escape(text.labelCoverage) + ": " +
          percent(unit.coverage) + "<br>" + escape(text.labelDue) + ": " + unit.due + "<br>" +
          escape(text.labelDone) + ": " + unit.done + "<br>" + escape(text.labelOverdue) + ": " + unit.overdue;
      }},
      visualMap: {type: "continuous", min: 0, max: 100, text: ["100%", "0%"], calculable: false, orient: "horizontal",
                  left: 8, bottom: 4, itemWidth: 10, itemHeight: 110, textStyle: {fontSize: 11},
                  inRange: {color: ["#ef9a9a", "#ffe082", "#a5d6a7"]}},
      series: [{
        type: "map", map: text.mapName, nameProperty: "code", selectedMode: false, aspectScale: scale,
        top: 12, bottom: 44, left: 12, right: 12,
        itemStyle: {areaColor: "#e9ecef", borderColor: "#ffffff", borderWidth: 1.5},
        label: {show: true, fontSize: 12, formatter: function (params) { return params.data ? params.data.unit.name : ""; }},
        data: features.map(function (feature) {
          const unit = feature.properties;
          return {name: unit.code, value: unit.coverage === null ? "-" : Math.round(unit.coverage * 100), unit: unit};
        }),
      }],
    };
  });
})();
