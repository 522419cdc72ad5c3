/* The facilities maps (ECharts over the communities' outlines, no tiles). gridgovFacilities.geo is
   the frame both pages share — the outlines as a geo component fitted to a box — and
   gridgovFacilities.colour a kind's colour. Below: the list's map (points coloured by kind) and the
   form's picker (tap the map: the point goes into the lat/lng inputs, as WGS 84). */
(function () {
  "use strict";
  if (!window.echarts || !window.gridgovMap) return;
  const PALETTE = ["#c62828", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e"];
  const escape = echarts.format.encodeHTML;

  function colour(kind) { return PALETTE[Math.abs(Number(kind) || 0) % PALETTE.length]; }

  /* The unit's own outline (a district or street) drawn bolder under its communities'. */
  function regions(features) {
    return features.filter(function (f) { return f.properties.outer; }).map(function (f) {
      return {name: f.properties.code, itemStyle: {areaColor: "#ffffff", borderColor: "#495057", borderWidth: 2}};
    });
  }

  function geo(box, scale, features, bounds) {
    const option = {
      map: box.dataset.mapName, roam: true, aspectScale: scale, top: 8, bottom: 8, left: 8, right: 8,
      scaleLimit: {min: 0.5, max: 200},
      itemStyle: {areaColor: "#f8f9fa", borderColor: "#adb5bd", borderWidth: 1},
      emphasis: {disabled: true}, select: {disabled: true},
      label: {show: false}, nameProperty: "code", regions: regions(features),
    };
    if (bounds) option.boundingCoords = [[bounds[0], bounds[3]], [bounds[2], bounds[1]]];
    return option;
  }

  function points(facilities) {
    return {
      type: "scatter", coordinateSystem: "geo", symbolSize: 9, z: 5,
      tooltip: {formatter: function (p) { return escape(p.data.name) + "<br>" + escape(p.data.kind); }},
      data: facilities.map(function (f) {
        return {name: f.name, kind: f.kind_name, value: [f.lng, f.lat], itemStyle: {color: colour(f.kind)}};
      }),
    };
  }

  window.gridgovFacilities = {geo: geo, colour: colour, points: points};

  function pin(lat, lng) {
    const ok = lat.value !== "" && lng.value !== "" && isFinite(lat.value) && isFinite(lng.value);
    return {type: "scatter", id: "pin", coordinateSystem: "geo", symbol: "pin", symbolSize: 28, z: 9,
            itemStyle: {color: "#d32f2f"}, data: ok ? [[Number(lng.value), Number(lat.value)]] : []};
  }

  function draw(box) {
    const form = box.dataset.pick !== undefined ? box.closest("form") : null;
    fetch(box.dataset.url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.statusText); return response.json(); })
      .then(function (data) {
        const lat = form && form.querySelector("[name=lat]"), lng = form && form.querySelector("[name=lng]");
        const chart = window.gridgovMap.load(box, data.outlines, function (features, scale) {
          const series = [points(data.facilities)];
          if (form) series.push(pin(lat, lng));
          return {tooltip: {trigger: "item", confine: true}, geo: geo(box, scale, features), series: series};
        });
        if (!form) return;
        const datum = form.querySelector("[name=datum]");
        chart.getZr().on("click", function (event) {
          const point = chart.convertFromPixel({geoIndex: 0}, [event.offsetX, event.offsetY]);
          if (!point) return;
          lng.value = point[0].toFixed(6);
          lat.value = point[1].toFixed(6);
          if (datum) datum.value = "wgs84";
          chart.setOption({series: [pin(lat, lng)]});
        });
      })
      .catch(function () { box.textContent = box.dataset.labelError; });
  }

  document.querySelectorAll("[data-facilities-map]").forEach(draw);
})();
