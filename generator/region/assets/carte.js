"use strict";
(function () {
  var start = performance.now();
  var data = JSON.parse(document.getElementById("data").textContent);
  var svg = document.getElementById("map");
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var paths = {};
  svg.setAttribute("viewBox", data.viewBox.join(" "));
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  var group = document.createElementNS(NS, "g");
  data.qpv.forEach(function (q) {
    var p = document.createElementNS(NS, "path");
    p.setAttribute("d", q.d);
    p.setAttribute("data-code", q.code);
    p.setAttribute("fill-rule", "evenodd");
    var title = document.createElementNS(NS, "title");
    title.textContent = q.nom + " (" + q.code + ") - " + q.epci;
    p.appendChild(title);
    p.addEventListener("click", function () { show(q.code); });
    group.appendChild(p);
    paths[q.code] = p;
  });
  svg.appendChild(group);
  var byCode = {};
  data.qpv.forEach(function (q) { byCode[q.code] = q; });

  var select = document.getElementById("figure");
  data.figures.forEach(function (f, i) {
    var o = document.createElement("option");
    o.value = String(i);
    o.textContent = f.label;
    select.appendChild(o);
  });
  select.addEventListener("change", function () { colour(Number(select.value)); });

  function fmt(v, unit) {
    var s = Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
    return unit ? s + "\u00a0" + unit : s;
  }
  function colour(index) {
    var f = data.figures[index];
    var values = data.qpv.map(function (q) { return q.v[index]; }).filter(function (v) { return v !== null; });
    values.sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var k = 1; k < COLOURS.length; k++) {
      breaks.push(values.length ? values[Math.floor(k * (values.length - 1) / COLOURS.length)] : 0);
    }
    data.qpv.forEach(function (q) {
      var v = q.v[index], c = "#ddd";
      if (v !== null) {
        var level = 0;
        while (level < breaks.length && v > breaks[level]) { level++; }
        c = COLOURS[level];
      }
      paths[q.code].setAttribute("fill", c);
    });
    var legend = document.getElementById("legend");
    legend.textContent = "";
    var head = document.createElement("strong");
    head.textContent = f.label;
    legend.appendChild(head);
    var lower = values.length ? values[0] : 0;
    COLOURS.forEach(function (c, level) {
      var upper = level < breaks.length ? breaks[level] : (values.length ? values[values.length - 1] : 0);
      var line = document.createElement("div");
      var box = document.createElement("span");
      box.style.background = c;
      line.appendChild(box);
      var range = fmt(lower, f.unit) === fmt(upper, f.unit) ? fmt(upper, f.unit) : fmt(lower, f.unit) + " à " + fmt(upper, f.unit);
      line.appendChild(document.createTextNode(range));
      legend.appendChild(line);
      lower = upper;
    });
  }

  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; } return e; }
  function list(parent, items, empty) {
    var ul = el("ul");
    if (!items.length) { ul.appendChild(el("li", empty)); }
    items.forEach(function (t) { ul.appendChild(el("li", t)); });
    parent.appendChild(ul);
  }
  function show(code) {
    var q = byCode[code];
    Object.keys(paths).forEach(function (c) { paths[c].classList.remove("selected"); });
    paths[code].classList.add("selected");
    var panel = document.getElementById("panel");
    panel.textContent = "";
    panel.appendChild(el("h2", q.nom + " (" + q.code + ")"));
    panel.appendChild(el("p", "Contrat : " + q.epci + " (" + q.territoire + ")"));
    data.figures.forEach(function (f, i) {
      if (q.v[i] !== null) { panel.appendChild(el("div", f.label + " : " + fmt(q.v[i], f.unit))); }
    });
    panel.appendChild(el("h3", "Acteurs"));
    list(panel, q.acteurs.map(function (i) { var a = data.acteurs[i]; return a.nom + " - " + a.nature + (a.themes.length ? " (" + a.themes.join(", ") + ")" : "") + (a.finance ? " ; financements reçus : " + a.finance : ""); }), "Aucun acteur recensé.");
    panel.appendChild(el("h3", "Engagements"));
    list(panel, q.engagements, "Aucun engagement ciblé sur ce quartier.");
  }

  var search = document.getElementById("search");
  var results = document.getElementById("results");
  function norm(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  search.addEventListener("input", function () {
    var text = norm(search.value.trim());
    results.textContent = "";
    Object.keys(paths).forEach(function (c) { paths[c].classList.remove("found"); });
    if (text.length < 2) { return; }
    data.acteurs.forEach(function (a) {
      if (norm(a.nom).indexOf(text) < 0 && a.siren.indexOf(text) < 0 && norm(a.rna).indexOf(text) < 0) { return; }
      var li = el("li", a.nom + " - " + a.territoire + " (" + a.qpv.length + " QPV)");
      li.addEventListener("click", function () { if (a.qpv.length) { show(a.qpv[0]); } });
      results.appendChild(li);
      a.qpv.forEach(function (c) { if (paths[c]) { paths[c].classList.add("found"); } });
    });
    if (!results.children.length) { results.appendChild(el("li", "Aucun acteur ne correspond.")); }
  });

  // zoom with the wheel, move by dragging, double-click to see everything again
  var view = data.viewBox.slice();
  function setView() { svg.setAttribute("viewBox", view.join(" ")); }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = svg.getBoundingClientRect(), k = e.deltaY > 0 ? 1.25 : 0.8;
    var fx = (e.clientX - r.left) / r.width, fy = (e.clientY - r.top) / r.height;
    var w = view[2] * k, h = view[3] * k;
    view = [view[0] + (view[2] - w) * fx, view[1] + (view[3] - h) * fy, w, h];
    setView();
  }, { passive: false });
  var drag = null;
  svg.addEventListener("mousedown", function (e) { drag = [e.clientX, e.clientY, view[0], view[1]]; });
  window.addEventListener("mouseup", function () { drag = null; });
  svg.addEventListener("mousemove", function (e) {
    if (!drag) { return; }
    var r = svg.getBoundingClientRect(), s = Math.max(view[2] / r.width, view[3] / r.height);
    view[0] = drag[2] - (e.clientX - drag[0]) * s;
    view[1] = drag[3] - (e.clientY - drag[1]) * s;
    setView();
  });
  svg.addEventListener("dblclick", function () { view = data.viewBox.slice(); setView(); });

  document.getElementById("source").textContent = data.source + " Molette : zoom ; glisser : déplacer ; double-clic : vue d'ensemble.";
  colour(0);
  requestAnimationFrame(function () {
    document.body.setAttribute("data-script-ms", String(Math.round(performance.now() - start)));
    document.body.setAttribute("data-draw-ms", String(Math.round(performance.now())));
  });
})();
