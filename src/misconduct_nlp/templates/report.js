// misconduct-nlp review report: filters by force and measure, text search, sortable columns,
// and "check these first" (claims whose probability is below the threshold, least likely first).
// State lives in the address fragment (#force=...&measure=...&q=...&check=1&sort=...&dir=...), so a
// filtered, sorted view can be bookmarked or sent to a colleague.
(function () {
  "use strict";
  var table = document.getElementById("claims-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var docs = Array.prototype.slice.call(document.querySelectorAll("article.doc"));
  var fForce = document.getElementById("f-force");
  var fMeasure = document.getElementById("f-measure");
  var fText = document.getElementById("f-text");
  var fCheck = document.getElementById("f-check");
  var below = parseFloat(fCheck.getAttribute("data-below"));
  var shown = document.getElementById("shown");
  var NONE = "(none)";
  var EMPTY = { force: "", measure: "", q: "", check: "", sort: "", dir: "asc" };
  var state = Object.assign({}, EMPTY);

  function toCheck(row) {
    // a claim without a probability is one to check too
    var p = parseFloat(row.getAttribute("data-probability"));
    return isNaN(p) || p < below;
  }

  function fill(select, attr, labelAttr) {
    var counts = {}, labels = {};
    rows.forEach(function (r) {
      var v = r.getAttribute(attr) || NONE;
      counts[v] = (counts[v] || 0) + 1;
      labels[v] = (labelAttr && r.getAttribute(labelAttr)) || v;
    });
    Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || labels[a].localeCompare(labels[b]);
    }).forEach(function (v) {
      var o = document.createElement("option");
      o.value = v;
      o.textContent = labels[v] + " (" + counts[v] + ")";
      select.appendChild(o);
    });
  }

  function show(select, value) {
    // a value from the address that no claim has still shows as chosen (with no claims)
    if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      var o = document.createElement("option");
      o.value = value;
      o.textContent = value + " (0)";
      select.appendChild(o);
    }
    select.value = value;
  }

  function readHash() {
    var h = window.location.hash.replace(/^#/, "");
    if (!h) { return; }
    h.split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i);
      var v = i < 0 ? "" : kv.slice(i + 1);
      try { v = decodeURIComponent(v.replace(/\+/g, " ")); } catch (e) { return; }
      if (Object.prototype.hasOwnProperty.call(state, k)) { state[k] = v; }
    });
  }

  function writeHash() {
    var parts = [];
    Object.keys(state).forEach(function (k) {
      if (state[k] && !(k === "dir" && !state.sort)) { parts.push(k + "=" + encodeURIComponent(state[k])); }
    });
    try { history.replaceState(null, "", parts.length ? "#" + parts.join("&") : window.location.pathname); }
    catch (e) { /* some browsers refuse replaceState on file:// pages; the view still works */ }
  }

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    var key = cell.getAttribute("data-sort");
    if (key === null) { key = cell.textContent; }
    if (numeric) { var n = parseFloat(key); return isNaN(n) ? -Infinity : n; }
    return key.toLowerCase();
  }

  function sortRows() {
    heads.forEach(function (th) { th.removeAttribute("aria-sort"); });
    var index = -1;
    heads.forEach(function (th, i) { if (th.getAttribute("data-key") === state.sort) { index = i; } });
    if (index < 0) { return; }
    var numeric = heads[index].getAttribute("data-type") === "num";
    var sign = state.dir === "desc" ? -1 : 1;
    var order = rows.map(function (r, i) { return { r: r, i: i, k: cellKey(r, index, numeric) }; });
    order.sort(function (a, b) {
      if (a.k < b.k) { return -sign; }
      if (a.k > b.k) { return sign; }
      return a.i - b.i;
    });
    order.forEach(function (o) { tbody.appendChild(o.r); });
    heads[index].setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
  }

  function apply() {
    var q = state.q.toLowerCase(), visible = 0, articles = {};
    rows.forEach(function (r) {
      var ok = (!state.force || (r.getAttribute("data-force") || NONE) === state.force) &&
               (!state.measure || (r.getAttribute("data-measure") || NONE) === state.measure) &&
               (!q || r.textContent.toLowerCase().indexOf(q) >= 0) &&
               (!state.check || toCheck(r));
      r.hidden = !ok;
      if (ok) { visible += 1; articles[r.getAttribute("data-article")] = true; }
    });
    var filtering = state.force || state.measure || q || state.check;
    docs.forEach(function (d) { d.hidden = !!filtering && !articles[d.id]; });
    shown.textContent = "Showing " + visible + " of " + rows.length + " claims in " +
      Object.keys(articles).length + " of " + docs.length + " articles";
    show(fForce, state.force);
    show(fMeasure, state.measure);
    if (fText.value !== state.q) { fText.value = state.q; }
    fCheck.checked = !!state.check;
    sortRows();
    writeHash();
  }

  fill(fForce, "data-force", "data-force-name");
  fill(fMeasure, "data-measure", null);
  heads.forEach(function (th) {
    if (!th.getAttribute("data-key")) { return; }
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = th.textContent;
    b.title = "Sort by " + th.textContent.toLowerCase();
    th.textContent = "";
    th.appendChild(b);
    b.addEventListener("click", function () {
      var key = th.getAttribute("data-key");
      state.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
      state.sort = key;
      apply();
    });
  });
  fForce.addEventListener("change", function () { state.force = fForce.value; apply(); });
  fMeasure.addEventListener("change", function () { state.measure = fMeasure.value; apply(); });
  fText.addEventListener("input", function () { state.q = fText.value; apply(); });
  fCheck.addEventListener("change", function () {
    state.check = fCheck.checked ? "1" : "";
    if (state.check && !state.sort) { state.sort = "probability"; state.dir = "asc"; }
    apply();
  });
  window.addEventListener("hashchange", function () {
    if (window.location.hash.indexOf("=") < 0) { return; }  // a jump to an article or claim
    state = Object.assign({}, EMPTY);
    readHash();
    apply();
  });
  readHash();
  apply();
  document.documentElement.setAttribute("data-ready", "1");
}());
