/* The case screens' maps, the report form's category picker and its helpers.

   Maps go through the shared loader (core/unit-map.js: gridgovMap.load). The report map draws the
   district outline and its grids (the user's own grids tinted and labelled); a tap inside the
   district sets the form's hidden lat/lng fields and drops a pin. The case page's map draws the
   case's unit (named below it) and its point. htmx.onLoad runs this for the first page and for
   every swapped-in case panel. */
(function () {
  "use strict";
  const escape = window.echarts ? echarts.format.encodeHTML : String;

  function pin(point) {
    return {type: "scatter", coordinateSystem: "geo", symbol: "pin", symbolSize: 36, z: 10, animation: false,
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

  /* Start zoomed on the user's own grids with their neighbours around them, not on the whole district. */
  function focus(features) {
    const own = features.filter(function (feature) { return feature.properties.own; });
    if (!own.length || own.length === features.length - 1) return {};
    const all = bounds(features), mine = bounds(own);
    const ratio = Math.min((all.x[1] - all.x[0]) / (mine.x[1] - mine.x[0]), (all.y[1] - all.y[0]) / (mine.y[1] - mine.y[0]));
    return {center: [(mine.x[0] + mine.x[1]) / 2, (mine.y[0] + mine.y[1]) / 2], zoom: Math.min(Math.max(ratio / 3, 1), 8)};
  }

  function pickMap(box) {
    const form = box.closest("form");
    const lat = form.querySelector("[name=lat]"), lng = form.querySelector("[name=lng]");
    const status = form.querySelector("[data-pick-status]");
    let features = [];
    const chosen = function () { return lat.value && lng.value ? [Number(lng.value), Number(lat.value)] : null; };

    function describe(point) {
      const places = features.filter(function (feature) { return contains(feature.geometry, point); });
      const grid = places.find(function (feature) { return feature.properties.kind === "grid"; });
      return grid ? grid.properties.name : places.length ? places[0].properties.name : "";
    }

    const chart = gridgovMap.load(box, box.dataset.url, function (loaded, scale) {
      features = loaded;
      if (chosen()) status.textContent = box.dataset.labelPicked + describe(chosen());
      const names = Object.fromEntries(loaded.map(function (f) { return [f.properties.code, f.properties]; }));
      const name = function (params) { return names[params.name] ? names[params.name].name : ""; };
      return {
        tooltip: {trigger: "item", confine: true},
        geo: geo(box, scale, Object.assign(focus(loaded), {
          roam: true, scaleLimit: {min: 1, max: 16},
          tooltip: {show: true, formatter: function (params) { return escape(name(params)); }},
          label: {show: false, formatter: name},
          regions: loaded.map(function (feature) {
            const unit = feature.properties;
            if (unit.kind === "district") return {name: unit.code, itemStyle: {areaColor: "#e9ecef", borderColor: "#495057", borderWidth: 2}, label: {show: false}};
            return unit.own ? {name: unit.code, itemStyle: {areaColor: "#ffcdd2", borderColor: "#b71c1c"}, label: {show: true}} : {name: unit.code};
          }),
        })),
        series: [pin(chosen())],
      };
    });

    function show(point) {
      const place = describe(point);
      status.textContent = place ? box.dataset.labelPicked + place : box.dataset.labelOutside;
      status.classList.toggle("text-danger", !place);
      if (!place) return;
      lat.value = point[1].toFixed(6);
      lng.value = point[0].toFixed(6);
      chart.setOption({series: [pin(point)]});
      htmx.trigger(form, "report-changed");
    }

    // A tap, not the end of a pan: ignore clicks that moved more than a few pixels.
    let down = null;
    chart.getZr().on("mousedown", function (event) { down = [event.offsetX, event.offsetY]; });
    chart.getZr().on("click", function (event) {
      if (down && Math.hypot(event.offsetX - down[0], event.offsetY - down[1]) > 6) return;
      show(chart.convertFromPixel({geoIndex: 0}, [event.offsetX, event.offsetY]));
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
