// briefing search: loads search/index.json once and matches substrings, so a Korean word is
// found inside longer words (Korean attaches particles without spaces). No external service.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.getAttribute("data-base");
  var indexUrl = script.getAttribute("data-index");
  var lang = script.getAttribute("data-lang") || "en";
  var words = {};
  try { words = JSON.parse(script.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  // A word of the theme (i18n/) with its {places} filled; `one | other` by the number n.
  function say(key, values) {
    var forms = (words[key] || key).split(" | ");
    var text = values && values.n === 1 ? forms[0] : forms[forms.length - 1];
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }
  // Dates as the pages write them: `5 November 2025`, `2025년 11월 5일`.
  var dates = null;
  try {
    dates = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  } catch (e) { dates = null; }
  function showDate(ymd) {
    if (!ymd || !dates) return ymd;
    var d = new Date(ymd + "T00:00:00Z");
    return isNaN(d) ? ymd : dates.format(d);
  }
  var input = document.getElementById("search-input");
  var filter = document.getElementById("search-filter");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var hint = document.getElementById("search-hint");
  if (!input || !list) return;

  var index = null;
  var prepared = [];

  function norm(text) {
    return (text || "").normalize("NFC").toLowerCase();
  }

  function load() {
    return fetch(indexUrl)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        index = data;
        prepared = data.docs.map(function (d) {
          // A term matches by its label and by its other names (`주한미군` for USFK).
          var terms = d[4].map(function (t) { return data.terms[t][1] + (data.terms[t][2] ? " \u00b7 " + data.terms[t][2] : ""); });
          // The titles of the sources it cites: a search for a document finds the briefs resting on it.
          var sources = (d[5] || []).map(function (s) { return (data.sources || [])[s] || ""; });
          return { title: norm(d[0]), summary: norm(d[3]), terms: norm(terms.join(" \u00b7 ")), sources: norm(sources.join(" \u00b7 ")), termIds: d[4] };
        });
        fillFilter(data);
      });
  }

  function fillFilter(data) {
    if (!filter) return;
    var counts = {};
    data.docs.forEach(function (d) { d[4].forEach(function (t) { counts[t] = (counts[t] || 0) + 1; }); });
    data.taxonomies.forEach(function (tax, ti) {
      var group = document.createElement("optgroup");
      group.label = tax[1];
      data.terms
        .map(function (term, i) { return { i: i, tax: term[0], label: term[1] }; })
        .filter(function (t) { return t.tax === ti; })
        .sort(function (a, b) { return a.label.localeCompare(b.label); })
        .forEach(function (t) {
          var option = document.createElement("option");
          option.value = String(t.i);
          option.textContent = t.label + " (" + (counts[t.i] || 0) + ")";
          group.appendChild(option);
        });
      if (group.children.length) filter.appendChild(group);
    });
    var wanted = new URLSearchParams(location.search).get("term");
    if (wanted) filter.value = wanted;
  }

  // Where a token matches: a match at the start of a word counts more.
  function fieldScore(text, token, weight) {
    var at = text.indexOf(token);
    if (at < 0) return 0;
    var boundary = at === 0 || /[\s\-\u00b7(:,]/.test(text.charAt(at - 1));
    return weight * (boundary ? 2 : 1) + (text === token ? weight : 0);
  }

  function search(query, termId) {
    var tokens = norm(query).split(/\s+/).filter(Boolean);
    var results = [];
    for (var i = 0; i < prepared.length; i++) {
      var p = prepared[i];
      if (termId !== "" && p.termIds.indexOf(Number(termId)) < 0) continue;
      var score = 0;
      var all = true;
      for (var k = 0; k < tokens.length; k++) {
        var s = fieldScore(p.title, tokens[k], 10) + fieldScore(p.terms, tokens[k], 4) + fieldScore(p.summary, tokens[k], 2) +
          fieldScore(p.sources, tokens[k], 1);
        if (s === 0) { all = false; break; }
        score += s;
      }
      if (all && (tokens.length || termId !== "")) results.push({ i: i, score: score });
    }
    // Docs are newest first, so equal scores keep date order.
    results.sort(function (a, b) { return b.score - a.score || a.i - b.i; });
    return { tokens: tokens, results: results };
  }

  // Appends `text` to `parent`, wrapping the parts that match a token in <mark>.
  function highlight(parent, text, tokens) {
    var lower = norm(text);
    if (lower.length !== text.length || !tokens.length) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var marks = [];
    tokens.forEach(function (t) {
      var from = 0, at;
      while ((at = lower.indexOf(t, from)) >= 0) { marks.push([at, at + t.length]); from = at + t.length; }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      parent.appendChild(document.createTextNode(text.slice(pos, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      parent.appendChild(mark);
      pos = m[1];
    });
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function render() {
    if (!index) return;
    var query = input.value;
    var termId = filter ? filter.value : "";
    var found = search(query, termId);
    list.textContent = "";
    var shown = found.results.slice(0, 50);
    shown.forEach(function (r) {
      var d = index.docs[r.i];
      var li = document.createElement("li");
      li.className = "card";
      var h = document.createElement("h2");
      h.className = "card-title";
      var a = document.createElement("a");
      a.href = base + d[1];
      highlight(a, d[0], found.tokens);
      h.appendChild(a);
      li.appendChild(h);
      var meta = document.createElement("p");
      meta.className = "meta";
      // The date and the terms of the first taxonomy (topics): enough to tell results apart.
      var topics = d[4].filter(function (t) { return index.terms[t][0] === 0; });
      meta.textContent = [showDate(d[2]), topics.map(function (t) { return index.terms[t][1]; }).join(", ")].filter(Boolean).join(" \u00b7 ");
      li.appendChild(meta);
      if (d[3]) {
        var p = document.createElement("p");
        p.className = "summary";
        highlight(p, d[3], found.tokens);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    var n = found.results.length;
    var asked = found.tokens.length || termId !== "";
    // Before a query, and when nothing matches, the hint says what search looks in.
    if (hint) hint.hidden = asked && n > 0;
    var within = termId !== "" && filter ? filter.options[filter.selectedIndex].textContent.replace(/ \(\d+\)$/, "") : "";
    status.textContent = !asked ? "" :
      n === 0 ? say(within ? "search_none_within" : "search_none", { query: query.trim(), term: within }) :
      n > shown.length ? say("search_found_more", { n: n, shown: shown.length }) : say("search_found", { n: n });
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (termId) params.set("term", termId);
    var qs = params.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
  }

  input.value = new URLSearchParams(location.search).get("q") || "";
  status.textContent = say("search_loading");
  load().then(function () { status.textContent = ""; render(); }, function (e) {
    status.textContent = say("search_failed", { error: e.message });
  });
  input.addEventListener("input", render);
  if (filter) filter.addEventListener("change", render);
  document.getElementById("search").addEventListener("submit", function (e) { e.preventDefault(); render(); });
})();
