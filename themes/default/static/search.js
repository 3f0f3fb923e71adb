// briefing search: full text over titles, summaries, bodies, authors, term names and source
// titles, from an index split into files so that a query fetches a few of them, never the whole
// site (src/render/search/ writes them):
//   index.json       the entry: the first token of each shard, the terms, the number of briefs;
//   order.json       the brief numbers, newest first (fetched with the first query);
//   shards/<n>.json  sorted tokens, each with its postings (brief number, where it is found);
//   docs/<n>.json    what a result shows (title, summary, text for the excerpt), fetched only
//                    for the results shown.
// Tokens are made as the index makes them (src/render/search/tokens.rs): NFC, lower case, runs
// of letters and digits; Korean, Chinese and Japanese runs are indexed by every suffix, so a
// query's run is found anywhere inside a word (작전통제 in 전시작전통제권). No external service.
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
  var more = document.getElementById("search-more");
  if (!input || !list) return;

  // As in src/render/search/: where a token is found (bits 0-3) and how often the body holds
  // it (bits 4-6); a posting is (brief number - previous) * 128 + that code.
  var TITLE = 1, TERM = 2, SUMMARY = 4, SOURCE = 8;
  var MAX_WORD = 32, CJK_SPAN = 12;
  // Results shown at first, and added by "Show more"; of them, those drawn together first;
  // words of a query looked up at most.
  var PAGE = 10, FIRST = 5, MAX_TOKENS = 10;
  // Korean particles: a query `주한미군은` also finds `주한미군` followed by another one.
  var PARTICLES = ["에서는", "에게서", "으로서", "으로써", "으로는", "에서", "에게", "까지", "부터", "으로",
    "이나", "처럼", "보다", "과", "와", "의", "은", "는", "이", "가", "을", "를", "에", "로", "도", "만"];
  var LETTER = /[\p{Alphabetic}\p{N}]/u;

  var meta = null;
  var termsByKey = Object.create(null);
  var shown = PAGE;
  var generation = 0;

  function isCjk(c) {
    return (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3130 && c <= 0x318f) ||
      (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa960 && c <= 0xa97f) ||
      (c >= 0xac00 && c <= 0xd7ff) || (c >= 0xf900 && c <= 0xfaff);
  }
  function cut(text, n) {
    var chars = Array.from(text);
    return chars.length > n ? chars.slice(0, n).join("") : text;
  }
  // The tokens of a query: {text, cjk}, each once.
  function tokens(query) {
    var out = [], seen = {}, run = "", kind = 0;
    function flush() {
      var t = kind === 1 ? cut(run.toLowerCase(), MAX_WORD) : kind === 2 ? cut(run, CJK_SPAN) : "";
      if (t && !seen[t]) { seen[t] = true; out.push({ text: t, cjk: kind === 2 }); }
      run = "";
    }
    for (var ch of (query || "").normalize("NFC")) {
      var k = !LETTER.test(ch) ? 0 : isCjk(ch.codePointAt(0)) ? 2 : 1;
      if (k !== kind) { flush(); kind = k; }
      if (k) run += ch;
    }
    flush();
    return out.slice(0, MAX_TOKENS);
  }
  // What a token is looked up as: itself (Latin words of three letters or more, and CJK runs,
  // as prefixes of indexed tokens), and a Korean word without its particle.
  function forms(token) {
    var prefix = token.cjk || Array.from(token.text).length >= 3;
    var out = [{ text: token.text, prefix: prefix, weight: 1 }];
    if (token.cjk) {
      var p = PARTICLES.find(function (p) { return token.text.length > p.length + 1 && token.text.endsWith(p); });
      if (p) out.push({ text: token.text.slice(0, -p.length), prefix: true, weight: 0.8 });
    }
    return out;
  }

  // Tokens are sorted by code point (as Rust sorts strings), not by UTF-16 unit.
  function compare(a, b) {
    for (var i = 0; i < a.length && i < b.length;) {
      var x = a.codePointAt(i), y = b.codePointAt(i);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
    }
    return a.length - b.length;
  }
  // The shards that can hold `form`: the last one starting at or before it, and for a prefix,
  // the next ones while they start with it.
  function shardsFor(form) {
    var firsts = meta.shards, lo = 0, hi = firsts.length - 1, at = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (compare(firsts[mid], form.text) <= 0) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    var out = [at];
    while (form.prefix && at + 1 < firsts.length && firsts[at + 1].startsWith(form.text)) out.push(++at);
    return firsts.length ? out : [];
  }
  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  // A file of the index, fetched once; fetched again after a failure.
  var fetched = {};
  function once(url) {
    if (!fetched[url]) {
      fetched[url] = fetchJson(url);
      fetched[url].catch(function () { delete fetched[url]; });
    }
    return fetched[url];
  }
  function shard(n) {
    return once(meta.shard_url + n + ".json?v=" + meta.v);
  }
  function docFile(n) {
    return once(meta.docs_url + n + ".json?v=" + meta.v);
  }
  // The brief numbers, newest first: numbers follow the briefs' ids, so that a new date or
  // title changes one brief's files, not the numbers of every brief it moves past.
  function order() {
    return once(meta.order_url + "?v=" + meta.v);
  }
  function doc(d) {
    return docFile(Math.floor(d / meta.per_file)).then(function (file) { return file[d % meta.per_file]; });
  }

  function score(code, exact) {
    var count = code >> 4;
    var s = (code & TITLE ? 100 : 0) + (code & TERM ? 60 : 0) + (code & SUMMARY ? 20 : 0) + (code & SOURCE ? 8 : 0) +
      (count ? 4 + count : 0);
    return exact ? s : s * 0.7;
  }
  // The best score of `form`'s matches per brief number, into `scores` (-1: no match), from
  // the shards that hold them.
  function lookup(form, scores) {
    return Promise.all(shardsFor(form).map(shard)).then(function (loaded) {
      loaded.forEach(function (entries) {
        entries.forEach(function (entry) {
          var token = entry[0];
          var exact = token === form.text;
          if (!exact && !(form.prefix && token.startsWith(form.text))) return;
          var postings = entry[1], d = 0;
          for (var i = 0; i < postings.length; i++) {
            var n = postings[i];
            d += Math.floor(n / 128);
            var s = score(n % 128, exact) * form.weight;
            if (s > scores[d]) scores[d] = s;
          }
        });
      });
      return scores;
    });
  }
  function matches(forms) {
    var scores = new Float64Array(meta.docs).fill(-1);
    return Promise.all(forms.map(function (f) { return lookup(f, scores); })).then(function () { return scores; });
  }
  // How many briefs match every token (and the term), and the first `wanted` of them: best
  // first, newest first among equals.
  function search(query, termId, wanted) {
    var toks = tokens(query);
    var lookups = toks.map(function (t) { return matches(forms(t)); });
    if (termId !== "") lookups.push(matches([{ text: "#" + termId, prefix: false, weight: 1 }]));
    return Promise.all([lookups.length ? order() : [], Promise.all(lookups)]).then(function (loaded) {
      var newest = loaded[0], all = loaded[1];
      var count = 0, top = [];
      for (var k = 0; all.length && k < newest.length; k++) {
        var d = newest[k];
        // An order from another build than the entry (a host that ignores `?v=`, a page left
        // open across a deploy) may name documents this index does not have.
        if (!(d < meta.docs)) continue;
        var total = 0;
        for (var i = 0; i < all.length && total >= 0; i++) total = all[i][d] < 0 ? -1 : total + all[i][d];
        if (total < 0) continue;
        count++;
        // Kept sorted; a later brief goes before an earlier one only with a higher score.
        if (top.length === wanted && total <= top[wanted - 1].score) continue;
        var at = top.length;
        while (at > 0 && top[at - 1].score < total) at--;
        top.splice(at, 0, { d: d, score: total });
        if (top.length > wanted) top.pop();
      }
      return { tokens: toks, count: count, results: top };
    });
  }

  // A pattern finding the query's tokens in a text: Latin words at the start of a word (whole
  // when shorter than three letters), CJK anywhere. Tokens are escaped: a query is never a
  // pattern. Where a match may stand is checked by `each`, not by the pattern: look-arounds of
  // Unicode classes make a pattern slow to compile and to run.
  function pattern(toks) {
    var parts = [], rules = {};
    toks.forEach(function (t) {
      forms(t).forEach(function (f) {
        parts.push(f.text.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"));
        rules[f.text] = { start: !t.cjk, whole: !t.cjk && !f.prefix };
      });
    });
    parts.sort(function (a, b) { return b.length - a.length; });
    return parts.length ? { re: new RegExp(parts.join("|"), "giu"), rules: rules } : null;
  }
  function letterAt(text, i) {
    return i >= 0 && i < text.length && LETTER.test(String.fromCodePoint(text.codePointAt(i)));
  }
  function letterBefore(text, i) {
    return i > 0 && LETTER.test(text.slice(i >= 2 && /[\udc00-\udfff]/.test(text[i - 1]) ? i - 2 : i - 1, i));
  }
  // Calls `found(start, end)` for each match of `p` in `text` where its rule lets it stand,
  // until it returns false.
  function each(p, text, found) {
    if (!p || !text) return;
    var re = p.re, m;
    re.lastIndex = 0;
    while ((m = re.exec(text))) {
      if (!m[0]) { re.lastIndex++; continue; }
      var end = m.index + m[0].length;
      var rule = p.rules[m[0].toLowerCase()] || { start: true, whole: false };
      if (rule.start && letterBefore(text, m.index)) continue;
      if (rule.whole && letterAt(text, end)) continue;
      if (found(m.index, end) === false) return;
    }
  }
  // Appends `text` to `parent`, each match of `p` in a <mark>.
  function highlight(parent, text, p) {
    var pos = 0;
    each(p, text, function (start, end) {
      parent.appendChild(document.createTextNode(text.slice(pos, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      parent.appendChild(mark);
      pos = end;
    });
    parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  // About 240 characters of `text` around the place where most of the query's words match
  // close together (the first such place); null where nothing matches.
  function excerpt(text, p) {
    var found = [];
    each(p, text, function (start, end) {
      found.push({ at: start, end: end, word: text.slice(start, end).toLowerCase() });
      return found.length < 200;
    });
    if (!found.length) return null;
    var best = found[0], most = 0;
    found.forEach(function (f, i) {
      var words = {};
      for (var j = i; j < found.length && found[j].at < f.at + 160; j++) words[found[j].word] = true;
      var n = Object.keys(words).length;
      if (n > most) { most = n; best = f; }
    });
    var start = Math.max(0, best.at - 80), end = Math.min(text.length, start + 240);
    if (start > 0) { var space = text.indexOf(" ", start); start = space >= 0 && space < best.at ? space + 1 : start; }
    if (end < text.length) { var last = text.lastIndexOf(" ", end); end = last > best.end ? last : end; }
    return (start > 0 ? "\u2026 " : "") + text.slice(start, end) + (end < text.length ? " \u2026" : "");
  }

  function card(entry, pat) {
    var li = document.createElement("li");
    li.className = "card";
    var h = document.createElement("h2");
    h.className = "card-title";
    var a = document.createElement("a");
    a.href = base + entry[1];
    highlight(a, entry[0], pat);
    h.appendChild(a);
    li.appendChild(h);
    var metaLine = document.createElement("p");
    metaLine.className = "meta";
    // The date and the terms of the first taxonomy (topics): enough to tell results apart.
    var topics = entry[4].filter(function (t) { return termsByKey[t] && termsByKey[t][0] === 0; });
    metaLine.textContent = [showDate(entry[2]), topics.map(function (t) { return termsByKey[t][1]; }).join(", ")]
      .filter(Boolean).join(" \u00b7 ");
    li.appendChild(metaLine);
    // Where the body holds the query, the text around it; else the summary.
    var around = excerpt(entry[5], pat);
    if (around || entry[3]) {
      var para = document.createElement("p");
      para.className = around ? "summary excerpt" : "summary";
      highlight(para, around || entry[3], pat);
      li.appendChild(para);
    }
    return li;
  }

  // The results are drawn in their order as their files arrive: the first FIRST together (one
  // round of requests), then each next one, so that a slow file delays only the cards after it.
  function render() {
    if (!meta) return;
    var query = input.value;
    var termId = filter ? filter.value : "";
    var mine = ++generation;
    function current() { return mine === generation; }
    list.setAttribute("aria-busy", "true");
    search(query, termId, shown).then(function (found) {
      var pat = pattern(found.tokens);
      var entries = found.results.map(function (r) { return doc(r.d); });
      var first = Math.min(FIRST, entries.length);
      return Promise.all(entries.slice(0, first)).then(function (head) {
        if (!current()) return;
        begin(query, termId, found);
        head.forEach(function (entry) { if (entry) list.appendChild(card(entry, pat)); });
        announce("briefing:first", query, found.count, head.length);
        return entries.slice(first).reduce(function (drawn, entry) {
          return drawn.then(function () { return entry; }).then(function (e) {
            if (current() && e) list.appendChild(card(e, pat));
          });
        }, Promise.resolve()).then(function () {
          if (!current()) return;
          list.setAttribute("aria-busy", "false");
          announce("briefing:results", query, found.count, entries.length);
          remember(query, termId);
        });
      });
    }).catch(function (e) {
      if (!current()) return;
      list.setAttribute("aria-busy", "false");
      status.textContent = say("search_failed", { error: e.message });
    });
  }

  // A new list for `found`: emptied, the status line, the hint and "Show more".
  function begin(query, termId, found) {
    list.textContent = "";
    var n = found.count, shownNow = found.results.length;
    var asked = found.tokens.length > 0 || termId !== "";
    // Before a query, and when nothing matches, the hint says what search looks in.
    if (hint) hint.hidden = asked && n > 0;
    if (more) more.hidden = n <= shownNow;
    var within = termId !== "" && filter ? filter.options[filter.selectedIndex].textContent.replace(/ \(\d+\)$/, "") : "";
    status.textContent = !asked ? "" :
      n === 0 ? say(within ? "search_none_within" : "search_none", { query: query.trim(), term: within }) :
      n > shownNow ? say("search_found_more", { n: n, shown: shownNow }) : say("search_found", { n: n });
  }

  // The query in the page's address, so that it can be shared and survives a reload; done once
  // the results are drawn (replacing the address takes the browser a while).
  function remember(query, termId) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (termId) params.set("term", termId);
    var qs = params.toString();
    history.replaceState(null, "", qs ? "?" + qs : location.pathname);
  }

  // For tests and other scripts: `briefing:first` when the first results are drawn,
  // `briefing:results` when all of them are.
  function announce(name, query, found, shownNow) {
    list.dispatchEvent(new CustomEvent(name, { detail: { query: query, found: found, shown: shownNow } }));
  }

  function fillFilter() {
    if (!filter) return;
    meta.taxonomies.forEach(function (tax, ti) {
      var group = document.createElement("optgroup");
      group.label = tax[1];
      meta.terms
        .map(function (term) { return { key: term[4], tax: term[0], label: term[1], count: term[3] }; })
        .filter(function (t) { return t.tax === ti; })
        .sort(function (a, b) { return a.label.localeCompare(b.label); })
        .forEach(function (t) {
          var option = document.createElement("option");
          option.value = t.key;
          option.textContent = t.label + " (" + t.count + ")";
          group.appendChild(option);
        });
      if (group.children.length) filter.appendChild(group);
    });
    var wanted = new URLSearchParams(location.search).get("term");
    if (wanted) filter.value = wanted;
  }

  input.value = new URLSearchParams(location.search).get("q") || "";
  status.textContent = say("search_loading");
  fetchJson(indexUrl).then(function (data) {
    meta = data;
    // A term is named by its key (`topics/opcon-transfer`) in filters, documents and `?term=`.
    meta.terms.forEach(function (term) { termsByKey[term[4]] = term; });
    fillFilter();
    if (!tokens(input.value).length && !(filter && filter.value)) status.textContent = "";
    render();
  }, function (e) {
    list.setAttribute("aria-busy", "false");
    status.textContent = say("search_failed", { error: e.message });
  });
  function again() { shown = PAGE; render(); }
  input.addEventListener("input", again);
  if (filter) filter.addEventListener("change", again);
  if (more) more.addEventListener("click", function () { shown += PAGE; render(); });
  document.getElementById("search").addEventListener("submit", function (e) { e.preventDefault(); again(); });
})();
