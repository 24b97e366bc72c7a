// misconduct-nlp review report: filters by force and measure, text search, sortable columns,
// and "check these first" (claims whose probability is below the threshold, least likely first).
// State lives in the address fragment (#force=...&measure=...&q=...&check=1&sort=...&dir=...), so a
// filtered, sorted view can be bookmarked or sent to a colleague. The force and measure filters
// apply to the Figures table too.
// Marking: each claim row can be marked correct, wrong or corrected (with edits); the marks are
// kept in localStorage under the report's id (<html data-report>), and "Export gold" downloads
// the marked claims as gold JSONL (docs/evaluation.md): a correct claim as its own gold row
// (the row's data-gold), a corrected one with the edits, a wrong one not at all (so that
// 'misconduct-nlp evaluate' counts it as a false positive).
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
  var figureRows = Array.prototype.slice.call(document.querySelectorAll("#figures-table tbody tr"));
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
    figureRows.forEach(function (r) {
      r.hidden = !((!state.force || (r.getAttribute("data-force") || NONE) === state.force) &&
                   (!state.measure || (r.getAttribute("data-measure") || NONE) === state.measure));
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
  setUpMarking();
  document.documentElement.setAttribute("data-ready", "1");

  // ------------------------------------------------------------------ marking and gold export

  function setUpMarking() {
    var reportId = document.documentElement.getAttribute("data-report") || "report";
    var storeKey = "misconduct-nlp:marks:" + reportId;
    var marked = document.getElementById("marked");
    var exportButton = document.getElementById("export-gold");
    var LABELS = { correct: ["\u2713", "correct as extracted"], wrong: ["\u2717", "wrong: not a claim"],
                   corrected: ["\u270E", "correct it: edit value, measure, subject, force or period"] };
    var FIELDS = [["value", "Value", ""], ["measure", "Measure", "mn-measures"],
                  ["subject", "Subject", "mn-subjects"], ["force", "Force id", "mn-forces"],
                  ["start", "Period start", ""], ["end", "Period end", ""]];
    var marks = load();

    function load() {
      try {
        var saved = JSON.parse(window.localStorage.getItem(storeKey) || "{}");
        return saved && typeof saved === "object" && !Array.isArray(saved) ? saved : {};
      } catch (e) { return {}; }
    }

    function save() {
      try { window.localStorage.setItem(storeKey, JSON.stringify(marks)); }
      catch (e) { /* storage full or refused (a private window): marks last until the page closes */ }
    }

    function gold(row) {
      try { return JSON.parse(row.getAttribute("data-gold")); } catch (e) { return null; }
    }

    function allowed(listId) {
      var list = document.getElementById(listId), out = {};
      if (list) { Array.prototype.forEach.call(list.options, function (o) { out[o.value] = true; }); }
      return out;
    }

    function extracted(g) {
      // the editable fields of a claim as extracted, as the form shows them
      var p = g.period || {};
      return { value: String(g.value), measure: g.measure || "", subject: g.subject || "",
               force: g.force || "", start: p.start || "", end: p.end || "" };
    }

    function current(row, g) {
      // what the correction form starts from: the saved edits, else the claim as extracted
      var m = marks[row.getAttribute("data-claim")], e = (m && m.edits) || {}, base = extracted(g);
      Object.keys(base).forEach(function (k) { if (typeof e[k] === "string") { base[k] = e[k]; } });
      return base;
    }

    function check(values) {
      // an error message, or "" when the edits make a gold row
      var v = values.value.replace(/[,\s\u00A3%]/g, "");
      if (!/^-?\d+(\.\d+)?$/.test(v)) { return "the value must be a number"; }
      var lists = { measure: "mn-measures", subject: "mn-subjects", force: "mn-forces" };
      for (var k in lists) {
        if (values[k] && !allowed(lists[k])[values[k]]) { return k + " '" + values[k] + "' is not one of the listed ones"; }
      }
      var month = /^\d{4}-\d{2}(-\d{2})?$/;
      if ((values.start && !month.test(values.start)) || (values.end && !month.test(values.end))) {
        return "give the period as YYYY-MM";
      }
      return "";
    }

    function goldOf(row) {
      // the gold row a marked claim exports, or null (unmarked, wrong, or unreadable)
      var m = marks[row.getAttribute("data-claim")], g = gold(row);
      if (!m || !g || m.mark === "wrong") { return null; }
      if (m.mark === "corrected" && m.edits) {
        var e = current(row, g);
        g.value = parseFloat(e.value.replace(/[,\s\u00A3%]/g, ""));
        g.measure = e.measure || null;
        g.subject = e.subject || null;
        g.force = e.force || null;
        g.period = e.start || e.end ? { start: e.start ? e.start.slice(0, 7) : null,
                                        end: e.end ? e.end.slice(0, 7) : null } : null;
      }
      return g;
    }

    function paint(row) {
      var m = marks[row.getAttribute("data-claim")], kind = m ? m.mark : "";
      row.classList.remove("mark-correct", "mark-wrong", "mark-corrected");
      if (kind) { row.classList.add("mark-" + kind); }
      row.setAttribute("data-mark", kind);
      Array.prototype.forEach.call(row.cells[0].querySelectorAll("button[data-mark]"), function (b) {
        b.setAttribute("aria-pressed", b.getAttribute("data-mark") === kind ? "true" : "false");
      });
      var note = row.cells[0].querySelector(".edits"), g = gold(row);
      if (kind === "corrected" && g) {
        var e = current(row, g), was = extracted(g), said = [];
        FIELDS.forEach(function (f) {
          if (e[f[0]] !== was[f[0]]) { said.push(f[0] + ": " + (e[f[0]] || "none")); }
        });
        note.textContent = said.length ? said.join("; ") : "no change";
      } else {
        note.textContent = "";
      }
    }

    function count() {
      var n = rows.filter(function (r) { return marks[r.getAttribute("data-claim")]; }).length;
      marked.textContent = n + " of " + rows.length + " claims marked";
    }

    function setMark(row, kind, edits) {
      var id = row.getAttribute("data-claim");
      var m = marks[id];
      if (!kind || (m && m.mark === kind && kind !== "corrected")) { delete marks[id]; }  // click again: unmark
      else { marks[id] = edits ? { mark: kind, edits: edits } : { mark: kind }; }
      save();
      paint(row);
      count();
    }

    function editor(row, cell, g) {
      var form = document.createElement("div"), inputs = {};
      form.className = "editor";
      form.hidden = true;
      FIELDS.forEach(function (f) {
        var label = document.createElement("label"), input = document.createElement("input");
        label.textContent = f[1];
        input.name = f[0];
        input.type = "text";
        if (f[2]) { input.setAttribute("list", f[2]); }
        if (f[0] === "start" || f[0] === "end") { input.placeholder = "YYYY-MM"; }
        label.htmlFor = input.id = row.getAttribute("data-claim") + "-" + f[0];
        inputs[f[0]] = input;
        form.appendChild(label);
        form.appendChild(input);
      });
      var error = document.createElement("span"), ok = document.createElement("button");
      var cancel = document.createElement("button");
      error.className = "error";
      ok.type = cancel.type = "button";
      ok.textContent = "Save";
      ok.className = "save";
      cancel.textContent = "Cancel";
      cancel.className = "cancel";
      form.appendChild(ok);
      form.appendChild(cancel);
      form.appendChild(error);
      ok.addEventListener("click", function () {
        var values = {};
        Object.keys(inputs).forEach(function (k) { values[k] = inputs[k].value.trim(); });
        var problem = check(values);
        error.textContent = problem;
        if (problem) { return; }
        setMark(row, "corrected", values);
        form.hidden = true;
      });
      cancel.addEventListener("click", function () { error.textContent = ""; form.hidden = true; });
      form.open = function () {
        var values = current(row, g);
        Object.keys(inputs).forEach(function (k) { inputs[k].value = values[k]; });
        error.textContent = "";
        form.hidden = false;
        inputs.value.focus();
      };
      cell.appendChild(form);
      return form;
    }

    rows.forEach(function (row) {
      var cell = row.cells[0], g = gold(row);
      if (!g || !row.getAttribute("data-claim")) { return; }
      var form = null;
      ["correct", "wrong", "corrected"].forEach(function (kind) {
        var b = document.createElement("button");
        b.type = "button";
        b.setAttribute("data-mark", kind);
        b.textContent = LABELS[kind][0];
        b.title = LABELS[kind][1];
        b.addEventListener("click", function () {
          if (kind === "corrected") { form.open(); return; }
          setMark(row, kind);
        });
        cell.appendChild(b);
      });
      var note = document.createElement("span");
      note.className = "edits";
      cell.appendChild(note);
      form = editor(row, cell, g);
      paint(row);
    });
    count();

    exportButton.addEventListener("click", function () {
      var lines = [];
      rows.slice().sort(function (a, b) {  // in the page's own order, whatever the sort
        return parseInt(a.getAttribute("data-claim").slice(1), 10) - parseInt(b.getAttribute("data-claim").slice(1), 10);
      }).forEach(function (row) {
        var g = goldOf(row);
        if (g) { lines.push(JSON.stringify(g) + "\n"); }
      });
      var blob = new Blob(lines, { type: "application/x-ndjson" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "gold-" + reportId + ".jsonl";
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      exportButton.setAttribute("data-exported", String(lines.length));
      window.setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    });
  }
}());
