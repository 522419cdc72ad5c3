/* The command screen (一屏统调): fetches data-url (services.screen_data) on load and every
   data-refresh seconds, and draws it: headline tiles, the map of the child units coloured by the
   chosen figure (clicking a region drills down), open cases by status and light, today's intake,
   top categories, the 30-day trend, the ranking, the overdue list and the hot spots.

   The map is drawn with gridgovMap.load (core/unit-map.js); the words come from the
   #screen-labels JSON the server translated. #screen gets aria-busy="false" once every chart has
   been drawn with the first data. */
(function () {
  "use strict";
  const root = document.getElementById("screen");
  if (!root || !window.echarts) return;
  const L = JSON.parse(document.getElementById("screen-labels").textContent);
  const escape = echarts.format.encodeHTML;
  const select = document.getElementById("sc-figure");
  const status = document.getElementById("sc-status");
  const mapBox = document.getElementById("screen-map");

  const COLOURS = {
    text: "#dbe8ff", muted: "#8aa4c8", line: "#1d4370", accent: "#4fc3f7", gold: "#ffd54f",
    green: "#2fbf71", yellow: "#f2b233", red: "#ef4b4b", blank: "#1a2f4d",
  };
  const STATUS_COLOURS = {
    reported: "#7e8cff", accepted: "#4fc3f7", dispatched: "#26c6da", acknowledged: "#2fbf71",
    handled: "#9ccc65", suspended: "#8aa4c8",
  };
  const LIGHT_COLOURS = {green: COLOURS.green, yellow: COLOURS.yellow, red: COLOURS.red};
  const FONT = {color: COLOURS.text, fontFamily: getComputedStyle(document.body).fontFamily};

  /* "%s" and "%(name)s" placeholders, as in the gettext strings. */
  function fill(template, values) {
    if (!Array.isArray(values) && typeof values === "object") {
      return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
    }
    return template.replace("%s", values);
  }

  function rem() { return parseFloat(getComputedStyle(document.documentElement).fontSize) || 14; }

  function one(value) { return Number(value).toFixed(1); }

  function percent(value) { return value === null || value === undefined ? L.noData : one(value) + "%"; }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function withFigure(url) {
    return url + "?figure=" + encodeURIComponent(select.value);
  }

  // -- the charts ---------------------------------------------------------------------------
  const charts = {};
  ["status", "lights", "intake", "categories", "trend"].forEach(function (name) {
    const box = document.getElementById("chart-" + name);
    charts[name] = echarts.init(box);
    new ResizeObserver(function () { charts[name].resize(); }).observe(box);
  });
  let mapChart = null;
  let current = null;

  function axisStyle() {
    return {
      axisLine: {lineStyle: {color: COLOURS.line}}, axisTick: {show: false},
      axisLabel: {color: COLOURS.muted, fontSize: rem() * 0.85},
      splitLine: {lineStyle: {color: "rgba(29,67,112,.45)"}},
    };
  }

  /* A horizontal bar chart of labelled counts (status, channel, category). */
  function bars(chart, rows, colour) {
    const size = rem();
    chart.setOption({
      textStyle: FONT,
      grid: {left: 4, right: size * 2.6, top: 4, bottom: 4, containLabel: true},
      tooltip: {trigger: "item", confine: true, formatter: function (p) { return escape(p.name) + "：" + p.value; }},
      xAxis: Object.assign({type: "value", minInterval: 1, splitNumber: 3}, axisStyle(), {axisLabel: {show: false}}),
      yAxis: Object.assign({type: "category", inverse: true, data: rows.map(function (r) { return r.label; })},
        axisStyle(), {axisLabel: {color: COLOURS.text, fontSize: size * 0.9, width: size * 7, overflow: "truncate",
          interval: 0}}),
      series: [{
        type: "bar", barMaxWidth: size * 1.1, barMinHeight: 2,
        label: {show: true, position: "right", color: COLOURS.text, fontSize: size * 0.9},
        itemStyle: {borderRadius: [0, 3, 3, 0]},
        data: rows.map(function (r, i) {
          const c = typeof colour === "function" ? colour(r, i) : colour;
          return {value: r.count, itemStyle: {color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [
            {offset: 0, color: echarts.color.modifyAlpha(c, 0.35)}, {offset: 1, color: c}])}};
        }),
      }],
    }, true);
  }

  function drawLights(live) {
    const size = rem();
    charts.lights.setOption({
      textStyle: FONT,
      tooltip: {trigger: "item", confine: true, formatter: "{b}：{c}（{d}%）"},
      legend: {orient: "vertical", right: 4, top: "middle", textStyle: {color: COLOURS.text, fontSize: size * 0.9},
        itemWidth: size * 0.9, itemHeight: size * 0.9,
        formatter: function (name) {
          const row = live.by_light.find(function (r) { return r.label === name; });
          return name + "  " + (row ? row.count : 0);
        }},
      title: {text: String(live.open), subtext: L.openCases, left: "31%", top: "center", textAlign: "center",
        textStyle: {color: "#fff", fontSize: size * 1.8, fontWeight: 700},
        subtextStyle: {color: COLOURS.muted, fontSize: size * 0.85}, itemGap: 2},
      series: [{
        type: "pie", radius: ["52%", "78%"], center: ["32%", "52%"], avoidLabelOverlap: true,
        label: {show: false}, itemStyle: {borderColor: "#07111f", borderWidth: 2},
        data: live.by_light.map(function (r) {
          return {name: r.label, value: r.count, itemStyle: {color: LIGHT_COLOURS[r.key]}};
        }),
      }],
    }, true);
  }

  function drawTrend(trend) {
    const size = rem();
    const area = function (c) {
      return {color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [
        {offset: 0, color: echarts.color.modifyAlpha(c, 0.45)}, {offset: 1, color: echarts.color.modifyAlpha(c, 0)}])};
    };
    charts.trend.setOption({
      textStyle: FONT,
      grid: {left: 8, right: 16, top: size * 2.2, bottom: 4, containLabel: true},
      legend: {top: 0, right: 8, textStyle: {color: COLOURS.text, fontSize: size * 0.9}},
      tooltip: {trigger: "axis", confine: true},
      xAxis: Object.assign({type: "category", boundaryGap: false,
        data: trend.days.map(function (d) { return d.slice(5); })}, axisStyle()),
      yAxis: Object.assign({type: "value", minInterval: 1, splitNumber: 3}, axisStyle()),
      series: [
        {name: L.reported, type: "line", smooth: true, smoothMonotone: "x", symbol: "circle", symbolSize: 4, data: trend.reported,
          lineStyle: {width: 2, color: COLOURS.accent}, itemStyle: {color: COLOURS.accent}, areaStyle: area(COLOURS.accent)},
        {name: L.closed, type: "line", smooth: true, smoothMonotone: "x", symbol: "circle", symbolSize: 4, data: trend.closed,
          lineStyle: {width: 2, color: COLOURS.green}, itemStyle: {color: COLOURS.green}, areaStyle: area(COLOURS.green)},
      ],
    }, true);
  }

  // -- the map ------------------------------------------------------------------------------
  function regionsByCode(data) {
    const out = {};
    data.ranking.forEach(function (r) { out[r.code] = r; });
    return out;
  }

  /* The colour scale spans the regions' values rounded out to tens (76.7–88.6 → 70–90), so that
     the differences between units show; with no data it is 0–100. */
  function range(data) {
    const values = data.ranking.map(function (r) { return r.value; }).filter(function (v) { return v !== null; });
    if (!values.length) return [0, 100];
    let low = Math.floor(Math.min.apply(null, values) / 10) * 10;
    let high = Math.ceil(Math.max.apply(null, values) / 10) * 10;
    if (high - low < 10) {
      if (high < 100) high = Math.min(100, low + 10);
      else low = Math.max(0, high - 10);
    }
    return [low, high];
  }

  // -- the facilities layer: the facilities and the uncovered buildings of the district's first kind
  const layerButton = document.getElementById("sc-facilities");
  let layer = null;  // the facilities' map JSON while the layer is on

  function layerSeries(size) {
    if (!layer) return [];
    const point = function (name, lng, lat, extra) { return {name: name, value: [lng, lat, extra || 0], layer: true}; };
    return [
      {type: "scatter", coordinateSystem: "geo", zlevel: 3, symbolSize: size * 0.7,
        itemStyle: {color: "#4fc3f7", borderColor: "#fff", borderWidth: 1},
        data: layer.facilities.map(function (f) { return point(f.name + " · " + f.kind_name, f.lng, f.lat); })},
      {type: "scatter", coordinateSystem: "geo", zlevel: 3, itemStyle: {color: COLOURS.red, opacity: 0.85},
        symbolSize: function (value) { return Math.min(size, size * 0.3 + Math.sqrt(value[2]) * 1.5); },
        data: layer.uncovered.map(function (u) { return point(u.name, u.lng, u.lat, u.households); })},
    ];
  }

  if (layerButton) layerButton.addEventListener("click", function () {
    const redraw = function () {
      layerButton.setAttribute("aria-pressed", String(Boolean(layer)));
      if (current) drawMap(current);
    };
    if (layer) { layer = null; redraw(); return; }
    fetch(layerButton.dataset.url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.statusText); return response.json(); })
      .then(function (data) { layer = data; redraw(); })
      .catch(function () { layer = null; redraw(); });
  });

  function mapOption(data, scale) {
    const size = rem();
    const regions = regionsByCode(data);
    const good = data.figure.higher_is_better;
    const colours = [COLOURS.red, COLOURS.yellow, COLOURS.green];
    const bounds = range(data);
    const option = {
      textStyle: FONT,
      tooltip: {
        trigger: "item", confine: true, backgroundColor: "rgba(7,17,31,.92)", borderColor: COLOURS.line,
        textStyle: {color: COLOURS.text},
        formatter: function (p) {
          if (p.data && p.data.layer) return escape(p.data.name);
          if (p.seriesType === "effectScatter") {
            const s = p.data.spot;
            return "<strong>" + escape(s.category) + "</strong> · " + escape(s.place) + "<br>" +
              escape(fill(L.reports, s.reports)) + "，" + escape(fill(L.reporters, s.reporters));
          }
          const r = regions[p.name];
          if (!r) return "";
          return "<strong>" + escape(r.official_name) + "</strong><br>" +
            escape(data.figure.label) + "：" + escape(percent(r.value)) + "<br>" +
            escape(L.score) + "：" + (r.score === null ? escape(L.noData) : r.score + " " + r.grade) + "<br>" +
            escape(L.openCases) + "：" + r.open + "　" + escape(L.red) + "：" + r.red;
        },
      },
      visualMap: {
        type: "continuous", min: bounds[0], max: bounds[1], seriesIndex: 0, calculable: false,
        orient: "vertical", left: 6, bottom: 6, itemWidth: size * 0.8, itemHeight: size * 7,
        text: [bounds[1] + "%", bounds[0] + "%"],
        textStyle: {color: COLOURS.muted, fontSize: size * 0.8},
        inRange: {color: good ? colours : colours.slice().reverse()},
      },
      geo: {
        map: mapBox.dataset.mapName, nameProperty: "code", aspectScale: scale, roam: false,
        top: size, bottom: size, left: size * 3, right: size, selectedMode: false,
        itemStyle: {areaColor: COLOURS.blank, borderColor: "#6fb8ff", borderWidth: 1.2,
          shadowColor: "rgba(79,195,247,.55)", shadowBlur: 10},
        label: {
          show: true, color: "#fff", fontSize: size * 0.9, textBorderColor: "#07111f", textBorderWidth: 3,
          formatter: function (p) {
            const r = regions[p.name];
            return r ? r.label + "\n" + percent(r.value) : "";
          },
        },
        emphasis: {itemStyle: {areaColor: "#3f7fd6"}, label: {color: "#fff"}},
        tooltip: {show: true},
      },
      series: [
        {type: "map", geoIndex: 0, nameProperty: "code", data: data.ranking.map(function (r) {
          return {name: r.code, value: r.value === null ? "-" : r.value};
        })},
        {type: "effectScatter", coordinateSystem: "geo", zlevel: 2, rippleEffect: {scale: 3.5, brushType: "stroke"},
          symbolSize: function (value) { return Math.min(size * 1.2, size * 0.4 + value[2] * 0.6); },
          itemStyle: {color: COLOURS.gold, shadowBlur: 8, shadowColor: COLOURS.gold},
          data: data.hotspots.filter(function (s) { return s.center; }).map(function (s) {
            return {name: s.category, value: [s.center[0], s.center[1], s.reports], spot: s};
          })},
      ].concat(layerSeries(size)),
    };
    return option;
  }

  function drawMap(data) {
    const drawable = data.map.features.filter(function (f) { return f.geometry; });
    if (!drawable.length) {
      mapBox.classList.add("sc-message");
      mapBox.textContent = L.noBoundaries;
      mapBox.setAttribute("aria-busy", "false");
      return;
    }
    if (!mapChart) {
      mapChart = window.gridgovMap.load(mapBox, data.map, function (features, scale) {
        mapBox.dataset.scale = scale;
        return mapOption(data, scale);
      });
      /* gridgovMap.load marks the box drawn on "finished", which the hot spots' endless ripple
         never reaches: the first frame with the regions in it will do. */
      const drawn = function () {
        const option = mapChart.getOption();
        if (!option || !option.series || !option.series.length) return;
        mapBox.setAttribute("aria-busy", "false");
        mapChart.off("rendered", drawn);
      };
      mapChart.on("rendered", drawn);
      mapChart.on("click", function (p) {
        const r = current && regionsByCode(current)[p.name];
        if (r && r.url) window.location.assign(withFigure(r.url));
      });
      return;
    }
    mapChart.setOption(mapOption(data, parseFloat(mapBox.dataset.scale) || 0.85), true);
  }

  // -- the lists and tiles ------------------------------------------------------------------
  function crumbs(data) {
    const nav = document.getElementById("sc-crumbs");
    nav.textContent = "";
    data.breadcrumb.forEach(function (c, i) {
      if (i) nav.appendChild(element("span", "sc-sep", "›"));
      if (c.url) {
        const a = element("a", "", c.name);
        a.href = withFigure(c.url);
        nav.appendChild(a);
      } else {
        nav.appendChild(element("span", i === data.breadcrumb.length - 1 ? "sc-here" : "", c.name));
      }
    });
  }

  function tile(label, value, unit, note, tone) {
    const box = element("div", "sc-kpi" + (tone ? " sc-" + tone : ""));
    box.appendChild(element("div", "sc-kpi-label", label));
    const number = element("div", "sc-kpi-value", value);
    if (unit) number.appendChild(element("small", "", unit));
    box.appendChild(number);
    const foot = element("div", "sc-kpi-note");
    if (note) foot.appendChild(note);
    box.appendChild(foot);
    return box;
  }

  /* "last month 88.2% ▲": the arrow green when the change is for the better. */
  function change(now, before, higherIsBetter, unit) {
    const span = element("span");
    span.textContent = fill(L.vsPrevious, before === null || before === undefined ? L.noData : one(before) + unit);
    if (now !== null && before !== null && before !== undefined && now !== before) {
      const better = (now > before) === higherIsBetter;
      span.appendChild(element("span", better ? "sc-up" : "sc-down", now > before ? " ▲" : " ▼"));
    }
    return span;
  }

  function tiles(data) {
    const box = document.getElementById("sc-kpis");
    box.textContent = "";
    const lights = {};
    data.live.by_light.forEach(function (r) { lights[r.key] = r.count; });
    const s = data.summary;
    box.appendChild(tile(L.openCases, String(data.live.open), "", null, ""));
    box.appendChild(tile(L.red, String(lights.red || 0), "", null, "red"));
    box.appendChild(tile(L.yellow, String(lights.yellow || 0), "", null, "yellow"));
    box.appendChild(tile(L.intakeToday, String(data.intake.total), "", null, "gold"));
    box.appendChild(tile(L.reportedMonth, String(s.reported), "", element("span", "", data.period)));
    box.appendChild(tile(L.closedMonth, String(s.closures), "", element("span", "", data.period)));
    const score = tile(L.score, s.score === null ? "—" : one(s.score), "",
      change(s.score, s.previous_score, true, ""), "");
    if (s.grade) score.querySelector(".sc-kpi-value").appendChild(element("span", "sc-grade sc-grade-" + s.grade, s.grade));
    box.appendChild(score);
    s.figures.forEach(function (f) {
      box.appendChild(tile(f.label, f.value === null ? "—" : one(f.value), f.value === null ? "" : "%",
        change(f.value, f.previous, f.higher_is_better, "%"), ""));
    });
  }

  function ranking(data) {
    document.getElementById("sc-ranking-title").textContent =
      fill(L.rankingOf, L.regionKind[data.region_kind] || data.region_kind_label);
    document.getElementById("sc-period").textContent = data.period;
    document.getElementById("sc-ranking-figure").textContent = data.figure.label;
    const body = document.querySelector("#sc-ranking tbody");
    body.textContent = "";
    data.ranking.forEach(function (r) {
      const row = element("tr", r.rank && r.rank <= 3 ? "sc-top" : "");
      row.appendChild(element("td", "sc-num", r.rank ? String(r.rank) : "—"));
      const name = element("td", "sc-name");
      if (r.url) {
        const a = element("a", "", r.label);
        a.href = withFigure(r.url);
        name.appendChild(a);
      } else {
        name.textContent = r.label;
      }
      name.title = r.official_name;
      row.appendChild(name);
      const score = element("td", "sc-num", r.score === null ? "—" : one(r.score));
      if (r.grade) score.appendChild(element("span", "sc-grade sc-grade-" + r.grade, r.grade));
      row.appendChild(score);
      row.appendChild(element("td", "sc-num", percent(r.value).replace(L.noData, "—")));
      row.appendChild(element("td", "sc-num", String(r.open)));
      row.appendChild(element("td", "sc-num" + (r.red ? " sc-down" : ""), String(r.red)));
      body.appendChild(row);
    });
  }

  function lateness(hours) {
    if (hours < 48) return fill(L.overdueBy, fill(L.hours, Math.round(hours)));
    return fill(L.overdueBy, fill(L.days, Math.round(hours / 24)));
  }

  function overdue(data) {
    const red = data.live.by_light.find(function (r) { return r.key === "red"; });
    document.getElementById("sc-overdue-total").textContent = red ? String(red.count) : "0";
    const list = document.getElementById("sc-overdue");
    list.textContent = "";
    if (!data.overdue.length) {
      list.appendChild(element("li", "sc-empty", L.noOverdue));
      return;
    }
    data.overdue.forEach(function (c) {
      const item = element("li");
      const title = element("a", "sc-item-title", c.title);
      title.href = c.url;
      title.title = c.code;
      item.appendChild(title);
      item.appendChild(element("span", "sc-item-side sc-late", lateness(c.overdue_hours)));
      item.appendChild(element("span", "sc-item-meta", [c.unit, c.category, c.status, c.code].join(" · ")));
      list.appendChild(item);
    });
  }

  function hotspots(data) {
    const list = document.getElementById("sc-hotspots");
    list.textContent = "";
    if (!data.hotspots.length) {
      list.appendChild(element("li", "sc-empty", L.noHotspots));
      return;
    }
    data.hotspots.forEach(function (s) {
      const item = element("li");
      item.appendChild(element("span", "sc-item-title", s.category + " · " + s.place));
      const side = element("span", "sc-item-side sc-heat", fill(L.reports, s.reports));
      if (s.growth > 0.2) side.appendChild(element("span", "sc-down", " ▲"));
      if (s.growth < -0.2) side.appendChild(element("span", "sc-up", " ▼"));
      item.appendChild(side);
      item.appendChild(element("span", "sc-item-meta",
        [fill(L.reporters, s.reporters), fill(L.openCases + " %s", s.open_cases),
          s.growth > 0.2 ? L.rising : s.growth < -0.2 ? L.fading : ""].filter(Boolean).join(" · ")));
      list.appendChild(item);
    });
  }

  /* The participation apps' headline figures (volunteering, points, the time bank, 双报到). */
  function participation(data) {
    const list = document.getElementById("sc-participation");
    if (!list) return;
    list.textContent = "";
    (data.participation || []).forEach(function (row) {
      const term = element("dt", "", row.label);
      term.title = row.set;
      list.appendChild(term);
      list.appendChild(element("dd", "sc-num", row.text));
    });
  }

  // -- loading ------------------------------------------------------------------------------
  function draw(data) {
    current = data;
    document.getElementById("sc-unit").textContent = data.unit.name;
    document.getElementById("sc-map-title").textContent = fill(L.mapOf, {
      kind: L.regionKind[data.region_kind] || data.region_kind_label, figure: data.figure.label, period: data.period});
    document.getElementById("sc-intake-total").textContent = fill(L.cases, data.intake.total);
    crumbs(data);
    tiles(data);
    bars(charts.status, data.live.by_status, function (r) { return STATUS_COLOURS[r.key] || COLOURS.accent; });
    drawLights(data.live);
    bars(charts.intake, data.intake.by_channel, COLOURS.gold);
    bars(charts.categories, data.categories.map(function (c) { return {label: c.name, count: c.count}; }),
      COLOURS.accent);
    drawTrend(data.trend);
    drawMap(data);
    ranking(data);
    overdue(data);
    hotspots(data);
    participation(data);
    root.setAttribute("aria-busy", "false");
  }

  /* Fetch and draw. Hot spots cost the server the most and change slowly: they come with the first
     load and every data-hotspot-refreshes refreshes; in between the last ones stay. */
  let loading = false;
  let again = null;  // asked for while a fetch was under way (a new figure): fetched right after it
  function load(spots) {
    spots = spots || !current;
    if (loading) {
      again = {spots: spots || (again && again.spots)};
      return;
    }
    loading = true;
    const url = withFigure(root.dataset.url) + (spots ? "" : "&hotspots=0");
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); throw new Error("signed out"); }
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || response.statusText);
          return body;
        });
      })
      .then(function (data) {
        if (data.hotspots === null) data.hotspots = current ? current.hotspots : [];
        draw(data);
        status.classList.remove("sc-show");
        status.textContent = "";
        document.getElementById("sc-clock").title = fill(L.updated, data.now.slice(11, 19));
      })
      .catch(function (error) {
        status.textContent = current ? fill(L.stale, current.now.slice(11, 19)) : L.error + " " + error.message;
        status.classList.add("sc-show");
      })
      .finally(function () {
        loading = false;
        if (again) {
          const next = again;
          again = null;
          load(next.spots);
        }
      });
  }

  select.addEventListener("change", function () {
    const url = new URL(window.location.href);
    url.searchParams.set("figure", select.value);
    window.history.replaceState(null, "", url);
    load(false);
  });
  document.getElementById("sc-fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(function () {});
  });

  /* The wall clock in the platform's time zone, whatever the browser's. */
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: root.dataset.timeZone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
    weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false});
  function tick() {
    const parts = {};
    clockFormat.formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    document.getElementById("sc-clock").textContent = parts.year + "-" + parts.month + "-" + parts.day + " " +
      parts.weekday + " " + parts.hour + ":" + parts.minute + ":" + parts.second;
  }
  tick();
  setInterval(tick, 1000);
  load(true);
  let refreshes = 0;
  const spotEvery = parseInt(root.dataset.hotspotRefreshes, 10) || 5;
  setInterval(function () {
    refreshes += 1;
    load(refreshes % spotEvery === 0);
  }, (parseInt(root.dataset.refresh, 10) || 60) * 1000);
})();
