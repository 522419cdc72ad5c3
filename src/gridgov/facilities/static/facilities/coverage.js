/* A unit's coverage map: the walk network's edges in the unit's box (thin grey), the chosen kind's
   catchment on it (green), the river of a generated network, the facilities, the latest run's
   uncovered buildings (red, sized by households) and the candidate sites (stars, "+N"); and a bar
   chart of each community's share of households (and of special groups, at the elderly's speed)
   within reach. Everything comes from data-url (map.json); words from data-label-*. Every
   [data-coverage-map] is drawn — the coverage page's, and the unit page's card once htmx has
   loaded it — with the bars of the same [data-coverage] block. */
(function () {
  "use strict";
  if (!window.gridgovFacilities) return;
  const shared = window.gridgovFacilities;
  const escape = echarts.format.encodeHTML;

  function lines(name, coords, colour, width, z) {
    return {type: "lines", name: name, coordinateSystem: "geo", polyline: false, silent: true, z: z,
            large: coords.length > 2000, lineStyle: {color: colour, width: width, opacity: 1},
            data: coords.map(function (c) { return {coords: c}; })};
  }

  function option(box, data, features, scale) {
    const text = box.dataset;
    const mine = new Set(data.kinds.map(String));
    const series = [
      lines(text.labelNetwork, data.edges, "#ced4da", 0.8, 2),
      lines(text.labelCatchment, data.catchment, "#2e7d32", 2, 3),
    ];
    if (data.river) series.push(lines(text.labelRiver, [data.river], "#64b5f6", 5, 1));
    const points = shared.points(data.facilities.filter(function (f) { return mine.has(String(f.kind)); }));
    series.push(Object.assign(points, {name: text.labelFacilities, symbolSize: 12, itemStyle: {borderColor: "#fff", borderWidth: 1.5}}));
    series.push({
      type: "scatter", name: text.labelUncovered, coordinateSystem: "geo", z: 8,
      symbolSize: function (value) { return Math.min(22, 5 + Math.sqrt(value[2]) * 2); },
      itemStyle: {color: "#d32f2f", opacity: 0.8},
      tooltip: {formatter: function (p) {
        const walk = p.data.distance === null ? text.labelNoPath : Math.round(p.data.distance) + " m";
        return escape(p.data.name) + "<br>" + p.value[2] + " " + escape(text.labelHouseholds) + " · " + escape(walk);
      }},
      data: data.uncovered.map(function (u) { return {name: u.name, distance: u.distance, value: [u.lng, u.lat, u.households]}; }),
    });
    series.push({
      type: "scatter", name: text.labelSites, coordinateSystem: "geo", symbol: "path://M12 2l3 7h7l-5.5 4.5L18.5 21 12 16.8 5.5 21l2-7.5L2 9h7z",
      symbolSize: 20, z: 7, itemStyle: {color: "#ffb300", borderColor: "#6d4c00", borderWidth: 1},
      label: {show: true, position: "right", fontSize: 11, formatter: function (p) { return "+" + p.value[2]; }},
      tooltip: {formatter: function (p) { return "#" + p.data.rank + " +" + p.value[2] + " " + escape(text.labelHouseholds); }},
      data: data.sites.map(function (s) { return {rank: s.rank, value: [s.lng, s.lat, s.gain]}; }),
    });
    return {
      tooltip: {trigger: "item", confine: true},
      legend: {bottom: 0, type: "scroll", textStyle: {fontSize: 11},
               data: [text.labelCatchment, text.labelFacilities, text.labelUncovered, text.labelSites]},
      geo: Object.assign(shared.geo(box, scale, features, data.box), {bottom: 30}),
      series: series,
    };
  }

  function bars(box, data) {
    const block = box.closest("[data-coverage]");
    const holder = block && block.querySelector("[data-coverage-bars]");
    if (!holder) return;
    const words = holder.dataset;
    const chart = echarts.init(holder);
    const share = function (part, whole) { return whole ? Math.round(part * 1000 / whole) / 10 : null; };
    chart.setOption({
      tooltip: {trigger: "axis", confine: true, valueFormatter: function (v) { return v === null ? "—" : v + "%"; }},
      legend: {bottom: 0, textStyle: {fontSize: 11}},
      grid: {left: 8, right: 16, top: 8, bottom: 30, containLabel: true},
      xAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      yAxis: {type: "category", inverse: true, data: data.communities.map(function (c) { return c.name; })},
      series: [
        {type: "bar", name: words.labelHouseholds, itemStyle: {color: "#2e7d32"},
         data: data.communities.map(function (c) { return share(c.households_covered, c.households); })},
        {type: "bar", name: words.labelSpecial, itemStyle: {color: "#f9a825"},
         data: data.communities.map(function (c) { return share(c.special_covered, c.special); })},
      ],
    });
    new ResizeObserver(function () { chart.resize(); }).observe(holder);
  }

  function draw(box) {
    const text = box.dataset;
    fetch(text.url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.statusText); return response.json(); })
      .then(function (data) {
        window.gridgovMap.load(box, data.outlines, function (features, scale) { return option(box, data, features, scale); });
        bars(box, data);
      })
      .catch(function () {
        box.textContent = text.labelError;
        box.setAttribute("aria-busy", "false");
      });
  }

  htmx.onLoad(function (root) { root.querySelectorAll("[data-coverage-map]").forEach(draw); });
})();
