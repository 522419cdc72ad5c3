/* Maps of unit boundaries drawn with ECharts from GeoJSON (no tiles, so they work offline).

   gridgovMap.load(box, source, build) is what every map shares: it draws the features of
   ``source`` (a FeatureCollection, or the URL of one) into ``box`` as the map named
   data-map-name, with the option ``build(features, aspectScale)`` returns; keeps the chart sized
   to its box; marks the box aria-busy until drawn; and shows data-label-error if the data cannot
   be had. The case screens use it too (cases/cases.js).

   Below it, the unit page's map: the children's boundaries from map.json coloured by organisation
   coverage; tapping a region opens that unit's page. Translated labels come from the container's
   data-label-* attributes. */
(function () {
  "use strict";
  if (!window.echarts) return;

  /* Degrees of longitude shrink with the cosine of the latitude; ECharts' default 0.75 suits
     nowhere in particular, so the regions would look stretched without this. */
  function aspectScale(features) {
    const latitudes = features.flatMap(function (feature) {
      const depth = feature.geometry.type === "MultiPolygon" ? 2 : 1;
      return feature.geometry.coordinates.flat(depth).map(function (point) { return point[1]; });
    });
    const middle = (Math.min.apply(null, latitudes) + Math.max.apply(null, latitudes)) / 2;
    return Math.cos(middle * Math.PI / 180);
  }

  function load(box, source, build) {
    const chart = echarts.init(box);
    const data = typeof source === "string"
      ? fetch(source, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          if (!response.ok) throw new Error(response.statusText);
          return response.json();
        })
      : Promise.resolve(source);
    data.then(function (collection) {
      const features = collection.features.filter(function (feature) { return feature.geometry; });
      echarts.registerMap(box.dataset.mapName, {type: "FeatureCollection", features: features});
      // Registered only now: a resize before the data arrives also ends in "finished".
      chart.on("finished", function () { box.setAttribute("aria-busy", "false"); });
      chart.setOption(build(features, aspectScale(features)));
    }).catch(function () {
      chart.dispose();
      box.classList.add("gg-map-message");
      box.textContent = box.dataset.labelError;
      box.setAttribute("aria-busy", "false");
    });
    new ResizeObserver(function () { if (!chart.isDisposed()) chart.resize(); }).observe(box);
    return chart;
  }

  window.gridgovMap = {load: load};

  const box = document.getElementById("unit-map");
  if (!box) return;
  const text = box.dataset;
  const escape = echarts.format.encodeHTML;

  function percent(value) {
    return value === null ? escape(text.labelNone) : value + "%";
  }

  function tooltip(params) {
    const unit = params.data && params.data.unit;
    if (!unit) return "";
    return "<strong>" + escape(unit.official_name) + "</strong><br>" +
      escape(text.labelCompounds) + ": " + unit.compounds + "<br>" +
      escape(text.labelOrganisation) + ": " + percent(unit.organisation_percent) + "<br>" +
      escape(text.labelWork) + ": " + percent(unit.work_percent);
  }

  const chart = load(box, text.url, function (features, scale) {
    return {
      tooltip: {trigger: "item", confine: true, formatter: tooltip},
      visualMap: {
        type: "continuous", min: 0, max: 100, text: ["100%", "0%"], calculable: false,
        orient: "horizontal", left: 8, bottom: 4, itemWidth: 10, itemHeight: 110, textStyle: {fontSize: 11},
        inRange: {color: ["#ef9a9a", "#ffe082", "#a5d6a7"]},
      },
      series: [{
        type: "map", map: text.mapName, nameProperty: "code", selectedMode: false,
        aspectScale: scale, top: 12, bottom: 44, left: 12, right: 12,
        itemStyle: {areaColor: "#e9ecef", borderColor: "#ffffff", borderWidth: 1.5},
        label: {
          show: true, color: "#212529", fontSize: 12, textBorderColor: "#ffffff", textBorderWidth: 2,
          formatter: function (params) { return params.data ? params.data.unit.name : ""; },
        },
        emphasis: {itemStyle: {areaColor: "#90caf9"}, label: {color: "#0d47a1"}},
        data: features.map(function (feature) {
          const unit = feature.properties;
          const value = unit.organisation_percent;
          return {name: unit.code, value: value === null ? "-" : value, unit: unit};
        }),
      }],
    };
  });
  chart.on("click", function (params) {
    if (params.data && params.data.unit) window.location.assign(params.data.unit.url);
  });
})();
