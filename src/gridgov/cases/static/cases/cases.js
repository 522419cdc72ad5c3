/* The case screens' maps, the report form's category picker and its helpers.

   Maps go through the shared loader (core/unit-map.js: gridgovMap.load). The report map draws the
   district outline and its grids (the user's own grids tinted and labelled), starts on the user's
   own grids, and draws what the server knows inside the view (roads, compounds, buildings, open
   reports); a tap inside the district, "locate me" or an address found sets the form's hidden
   lat/lng fields and drops a pin. The case page's map draws the
   case's unit (named below it) and its point. htmx.onLoad runs this for the first page and for
   every swapped-in case panel. */
(function () {
  "use strict";
  const escape = window.echarts ? echarts.format.encodeHTML : String;

  function pin(point) {
    return {id: "pin", type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 36, z: 10, animation: false,
            itemStyle: {color: "#b71c1c"}, data: point ? [point] : [], silent: true};
  }

  function geo(box, scale, extra) {
    return Object.assign({
      map: box.dataset.mapName, nameProperty: "code", aspectScale: scale, top: 10, bottom: 10, left: 10, right: 10,
      selectedMode: false, itemStyle: {areaColor: "#f1f3f5", borderColor: "#868e96", borderWidth: 1},
      emphasis: {itemStyle: {areaColor: "#ffe0b2"}, label: {show: true, color: "#212529"}},
      label: {color: "#343a40", fontSize: 11, textBorderColor: "#fff", textBorderWidth: 2},
    }, extra);
  }

  /* Ray casting over a GeoJSON Polygon or MultiPolygon (holes included). */
  function contains(geometry, point) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    return polygons.some(function (rings) {
      let inside = false;
      rings.forEach(function (ring) {
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i], [xj, yj] = ring[j];
          if ((yi > point[1]) !== (yj > point[1]) && point[0] < (xj - xi) * (point[1] - yi) / (yj - yi) + xi) {
            inside = !inside;
          }
        }
      });
      return inside;
    });
  }

  function bounds(features) {
    const points = features.flatMap(function (feature) {
      return feature.geometry.coordinates.flat(feature.geometry.type === "MultiPolygon" ? 2 : 1);
    });
    const xs = points.map(function (p) { return p[0]; }), ys = points.map(function (p) { return p[1]; });
    return {x: [Math.min.apply(null, xs), Math.max.apply(null, xs)], y: [Math.min.apply(null, ys), Math.max.apply(null, ys)]};
  }

  /* The first view: the user's own grids with their neighbours around them, and never a band of
     empty box above and below a district wider than a phone is tall. At zoom 1 ECharts fits the
     whole district into the box; the zoom is the smaller of what fits the own grids (with room
     around them) and at least what fills the box. */
  function focus(features, box, scale) {
    const all = bounds(features);
    const own = features.filter(function (feature) { return feature.properties.own; });
    const mine = own.length && own.length < features.length - 1 ? bounds(own) : all;
    const width = Math.max(box.clientWidth - 20, 1), height = Math.max(box.clientHeight - 20, 1);
    const span = function (b) { return {w: Math.max((b.x[1] - b.x[0]) * scale, 1e-6), h: Math.max(b.y[1] - b.y[0], 1e-6)}; };
    const whole = span(all), part = span(mine);
    const fit = Math.min(width / whole.w, height / whole.h);  // pixels per degree at zoom 1
    const fill = Math.max(width / (whole.w * fit), height / (whole.h * fit));
    const room = mine === all ? 1 : 2.2;
    const zoom = Math.min(Math.max(fill, Math.min(width / (part.w * room * fit), height / (part.h * room * fit)), 1), 64);
    return {center: inside(features, box, scale, [(mine.x[0] + mine.x[1]) / 2, (mine.y[0] + mine.y[1]) / 2], zoom),
            zoom: zoom};
  }

  /* A centre for that zoom that keeps the box on the district: a place on its edge slides the view
     inwards rather than show the void beyond it. */
  function inside(features, box, scale, centre, zoom) {
    const all = bounds(features);
    const fit = Math.min(Math.max(box.clientWidth - 20, 1) / ((all.x[1] - all.x[0]) * scale),
                         Math.max(box.clientHeight - 20, 1) / (all.y[1] - all.y[0]));  // pixels per degree at zoom 1
    const half = {x: box.clientWidth / (2 * fit * zoom * scale), y: box.clientHeight / (2 * fit * zoom)};  // margins too
    const clamp = function (value, low, high) { return low > high ? (low + high) / 2 : Math.min(Math.max(value, low), high); };
    return [clamp(centre[0], all.x[0] + half.x, all.x[1] - half.x), clamp(centre[1], all.y[0] + half.y, all.y[1] - half.y)];
  }

  /* What the server knows inside the view (intake/around.py): roads as lines, compounds and the
     buildings of each micro-grid as named marks, open reports as dots — a resident's neighbours'
     reports gathered on one mark per grid, in public form. */
  const ROAD_WIDTHS = {1: 4, 2: 2.5, 3: 1.2};

  function surroundings(data, text) {
    const line = function (value) { return escape(value); };
    const report = function (item) {
      return line(item.category) + " · " + line(item.status) + " · " + line(item.reported_on) +
        (item.title ? "<br>" + line(item.title) + " <span class='text-body-secondary'>" + line(item.code) + "</span>" : "");
    };
    return [
      {id: "roads", type: "lines", coordinateSystem: "geo", polyline: true, silent: true, z: 3, animation: false,
       data: data.roads.map(function (road) {
         return {coords: road.path, lineStyle: {width: ROAD_WIDTHS[road.rank], color: road.rank === 1 ? "#f6c177" : "#ffffff",
                                                 opacity: 1}};
       })},
      {id: "buildings", type: "scatter", coordinateSystem: "geo", symbol: "rect", symbolSize: 7, z: 4, animation: false,
       itemStyle: {color: "#90a4ae"}, tooltip: {formatter: function (p) { return p.data.names.map(line).join("<br>"); }},
       data: data.buildings.map(function (b) { return {value: [b.lng, b.lat], names: b.names}; })},
      {id: "compounds", type: "scatter", coordinateSystem: "geo", symbol: "roundRect", symbolSize: 9, z: 5, animation: false,
       itemStyle: {color: "#6d4c41"}, labelLayout: {hideOverlap: true},
       label: {show: true, position: "right", fontSize: 11, color: "#4e342e", textBorderColor: "#fff", textBorderWidth: 2,
               formatter: function (p) { return p.data.name; }},
       tooltip: {formatter: function (p) { return line(p.data.name); }},
       data: data.compounds.map(function (c) { return {value: [c.lng, c.lat], name: c.name}; })},
      {id: "reports", type: "scatter", coordinateSystem: "geo", symbol: "circle", symbolSize: 12, z: 8, animation: false,
       itemStyle: {color: "#fd7e14", borderColor: "#fff", borderWidth: 2},
       tooltip: {formatter: function (p) { return report(p.data.item); }},
       data: data.pins.map(function (item) { return {value: [item.lng, item.lat], item: item}; })},
      {id: "grid-reports", type: "scatter", coordinateSystem: "geo", symbol: "circle", symbolSize: 24, z: 8, animation: false,
       itemStyle: {color: "#fd7e14", opacity: 0.85, borderColor: "#fff", borderWidth: 2},
       label: {show: true, color: "#fff", fontWeight: "bold", formatter: function (p) { return p.data.cases.length; }},
       tooltip: {formatter: function (p) {
         return "<strong>" + line(text.labelReportsIn + p.data.grid) + "</strong><br>" + p.data.cases.map(report).join("<br>");
       }},
       data: data.grids.map(function (g) { return {value: [g.lng, g.lat], grid: g.grid, cases: g.cases}; })},
    ];
  }

  function pickMap(box) {
    const form = box.closest("form");
    const text = box.dataset;
    const lat = form.querySelector("[name=lat]"), lng = form.querySelector("[name=lng]");
    const status = form.querySelector("[data-pick-status]");
    const message = form.querySelector("[data-map-message]");
    let features = [];
    const chosen = function () { return lat.value && lng.value ? [Number(lng.value), Number(lat.value)] : null; };

    function describe(point) {
      const places = features.filter(function (feature) { return contains(feature.geometry, point); });
      const grid = places.find(function (feature) { return feature.properties.kind === "grid"; });
      return grid ? grid.properties.name : places.length ? places[0].properties.name : "";
    }

    function say(words, bad) {
      message.textContent = words;
      message.classList.toggle("text-danger", Boolean(bad));
    }

    /* The grids' styles; the own grids' names only while compounds are not drawn (they would cover them). */
    function regions(named) {
      return features.map(function (feature) {
        const unit = feature.properties;
        if (unit.kind === "district") return {name: unit.code, itemStyle: {areaColor: "#e9ecef", borderColor: "#495057", borderWidth: 2}, label: {show: false}};
        return unit.own ? {name: unit.code, itemStyle: {areaColor: "#ffcdd2", borderColor: "#b71c1c"}, label: {show: named}} : {name: unit.code};
      });
    }

    let aspect = 1;
    const chart = gridgovMap.load(box, text.url, function (loaded, scale) {
      features = loaded;
      aspect = scale;
      if (chosen()) status.textContent = text.labelPicked + describe(chosen());
      const names = Object.fromEntries(loaded.map(function (f) { return [f.properties.code, f.properties]; }));
      const name = function (params) { return names[params.name] ? names[params.name].name : ""; };
      return {
        tooltip: {trigger: "item", confine: true},
        geo: geo(box, scale, Object.assign(focus(loaded, box, scale), {
          roam: true, scaleLimit: {min: 1, max: 64},
          tooltip: {show: true, formatter: function (params) { return escape(name(params)); }},
          label: {show: false, formatter: name},
          regions: regions(true),
        })),
        series: [pin(chosen())],
      };
    });

    /* The box on screen in degrees, for the server to say what is inside it. */
    function view() {
      const corner = function (x, y) { return chart.convertFromPixel({geoIndex: 0}, [x, y]); };
      const a = corner(0, box.clientHeight), b = corner(box.clientWidth, 0);
      return [a[0], a[1], b[0], b[1]].map(function (n) { return n.toFixed(6); }).join(",");
    }

    let asked = 0;
    function refresh() {
      if (!features.length) return;
      const ticket = ++asked;
      fetch(text.placesUrl + "?box=" + view(), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || ticket !== asked) return;
          chart.setOption({geo: {regions: regions(!data.compounds.length)}, series: surroundings(data, text)});
          box.dataset.detailed = data.detailed;
          box.dataset.places = data.roads.length + "," + data.compounds.length + "," + data.buildings.length + "," +
            (data.pins.length + data.grids.length);
        });
    }
    let waiting = null;
    const later = function () { clearTimeout(waiting); waiting = setTimeout(refresh, 250); };
    chart.on("georoam", later);
    // The first drawing with the data (a resize before it arrives also ends in "finished").
    chart.on("finished", function once() {
      if (!features.length) return;
      chart.off("finished", once);
      refresh();
    });

    function show(point) {
      const place = describe(point);
      status.textContent = place ? text.labelPicked + place : text.labelOutside;
      status.classList.toggle("text-danger", !place);
      if (!place) return false;
      lat.value = point[1].toFixed(6);
      lng.value = point[0].toFixed(6);
      chart.setOption({series: [pin(point)]});
      htmx.trigger(form, "report-changed");
      return true;
    }

    /* Put the pin there and bring it into view, closer in if the map is far out. */
    function goTo(point) {
      if (!show(point)) return false;
      const zoom = Math.max(chart.getOption().geo[0].zoom || 1, 6);
      chart.setOption({geo: {center: inside(features, box, aspect, point, zoom), zoom: zoom}});
      later();
      return true;
    }

    // A tap, not the end of a pan: ignore clicks that moved more than a few pixels.
    let down = null;
    chart.getZr().on("mousedown", function (event) { down = [event.offsetX, event.offsetY]; });
    chart.getZr().on("click", function (event) {
      if (down && Math.hypot(event.offsetX - down[0], event.offsetY - down[1]) > 6) return;
      show(chart.convertFromPixel({geoIndex: 0}, [event.offsetX, event.offsetY]));
    });

    // 定位到我: the browser's position, or why there is none.
    form.querySelector("[data-locate-me]").addEventListener("click", function () {
      if (!navigator.geolocation) { say(text.labelGeoUnavailable, true); return; }
      say(text.labelGeoWaiting);
      navigator.geolocation.getCurrentPosition(function (position) {
        const point = [position.coords.longitude, position.coords.latitude];
        if (goTo(point)) say(text.labelGeoFound); else say(text.labelGeoOutside, true);
      }, function (error) {
        say(error.code === error.PERMISSION_DENIED ? text.labelGeoDenied : text.labelGeoUnavailable, true);
      }, {enableHighAccuracy: true, timeout: 10000, maximumAge: 60000});
    });

    // The address search: the resolver's candidates; tapping one drops the pin there.
    const search = form.querySelector("[data-address-search]");
    const results = form.querySelector("[data-address-results]");
    function lookUp() {
      const words = search.value.trim();
      results.replaceChildren();
      if (!words) return;
      fetch(text.addressUrl + "?q=" + encodeURIComponent(words), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {candidates: []}; })
        .then(function (data) {
          if (!data.candidates.length) { say(text.labelNoAddress, true); return; }
          say("");
          data.candidates.forEach(function (candidate) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "list-group-item list-group-item-action py-1 small";
            button.textContent = candidate.label + (candidate.unit && candidate.unit !== candidate.label ? " · " + candidate.unit : "");
            button.addEventListener("click", function () {
              goTo([candidate.lng, candidate.lat]);
              results.replaceChildren();
              const address = form.querySelector("[name=address]");
              if (address && !address.value) address.value = candidate.label;
            });
            results.append(button);
          });
        });
    }
    form.querySelector("[data-address-go]").addEventListener("click", lookUp);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); lookUp(); }  // not the report's submit
    });
  }

  function caseMap(box) {
    const data = JSON.parse(document.getElementById(box.dataset.source).textContent);
    gridgovMap.load(box, data, function (features, scale) {
      return {
        geo: geo(box, scale, {silent: true, itemStyle: {areaColor: "#ffebee", borderColor: "#b71c1c", borderWidth: 1.5}}),
        series: [pin(data.point)],
      };
    });
  }

  function categoryPicker(picker) {
    const search = picker.querySelector("[data-category-search]");
    const chosen = picker.querySelector("[data-category-chosen]");
    const title = picker.closest("form").querySelector("[name=title]");
    search.addEventListener("input", function () {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      picker.querySelectorAll("[data-category-group]").forEach(function (group) {
        let shown = 0;
        group.querySelectorAll("[data-search]").forEach(function (item) {
          const match = words.every(function (word) { return item.dataset.search.toLowerCase().includes(word); });
          item.hidden = !match;
          shown += match ? 1 : 0;
        });
        group.hidden = shown === 0;
        group.open = words.length > 0 && shown > 0;
      });
    });
    // The plain name becomes the title until the reporter writes their own.
    picker.addEventListener("change", function (event) {
      if (event.target.name !== "category") return;
      const name = event.target.labels[0].textContent.trim();
      chosen.textContent = name;
      if (!event.target.value) return;  // "not sure": no title from it
      if (!title.value || title.value === title.dataset.suggested) {
        title.value = name;
        title.dataset.suggested = name;
      }
    });
  }

  /* The report form's helpers (cases/views/report.py). The classifier's suggestion, swapped into
     [data-report-suggest] as the reporter writes, pre-fills the category unless the reporter picked
     one by hand; the hidden "suggested" field tells the server which category was pre-filled (kept,
     it is the platform's choice and the self-routing threshold applies). Any change of the text,
     the category or the place asks "already reported?" again ([data-report-similar]). */
  function reportHelpers(form) {
    const suggested = form.querySelector("[name=suggested]");
    const checked = function () { return form.querySelector("input[name=category]:checked"); };
    // A form sent back with its errors keeps its category: the reporter's own unless it was the suggestion.
    let byHand = Boolean(checked() && checked().value && checked().value !== suggested.value);
    const changed = function () { htmx.trigger(form, "report-changed"); };
    form.addEventListener("input", function (event) {
      if (["title", "description", "address"].includes(event.target.name)) changed();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "category") return;
      if (event.isTrusted) byHand = true;
      changed();
    });
    /* "Me too" lives inside the "already reported" list (which does not pass its hx-sync down, or a
       reload would abort the join): a reload while the join is on its way would swap the button out
       and its answer (the case page to open) would be lost, so none starts and none in flight stays. */
    let joining = false;
    form.addEventListener("htmx:beforeRequest", function (event) {
      if (event.target.matches("[data-join]")) {
        joining = true;
        htmx.trigger(form.querySelector("[data-report-similar]"), "htmx:abort");
      } else if (joining && event.target.matches("[data-report-similar]")) {
        event.preventDefault();
      }
    });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.target.matches("[data-join]")) joining = false;
    });
    form.addEventListener("htmx:afterSwap", function (event) {
      if (!event.target.matches("[data-report-suggest]")) return;
      const hint = event.target.querySelector("[data-suggested-category]");
      // Only a category the page pre-fills counts as the suggestion kept; one picked by hand is the reporter's.
      suggested.value = hint && !byHand ? hint.dataset.suggestedCategory : "";
      if (!suggested.value) return;
      const radio = form.querySelector("input[name=category][value='" + hint.dataset.suggestedCategory + "']");
      if (!radio || radio.checked) return;
      radio.checked = true;
      const item = radio.closest("[data-search]"), group = radio.closest("[data-category-group]");
      if (item) item.hidden = false;
      if (group) { group.hidden = false; group.open = true; }
      radio.dispatchEvent(new Event("change", {bubbles: true}));  // the picker shows it; not by hand
    });
  }

  /* A list card's "More" links here with the action's form as the fragment: open it. */
  function openLinkedForm() {
    const form = location.hash.startsWith("#act-") && document.getElementById(location.hash.slice(1));
    if (form) bootstrap.Collapse.getOrCreateInstance(form).show();
  }

  document.addEventListener("DOMContentLoaded", openLinkedForm);
  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-pick-map]").forEach(pickMap);
    root.querySelectorAll("[data-case-map]").forEach(caseMap);
    root.querySelectorAll("[data-category-picker]").forEach(categoryPicker);
    root.querySelectorAll("[data-report-form]").forEach(reportHelpers);
  });
})();
