// Filters the timeline by a term in place. Without this script each filter is a link to the
// term's page, whose timeline lists the same events.
(() => {
  const nav = document.getElementById("timeline-filters");
  const status = document.getElementById("timeline-status");
  if (!nav || !status) return;
  const events = [...document.querySelectorAll("#timeline .event")];
  const years = [...document.querySelectorAll("#timeline .timeline-year")];
  const words = nav.dataset.words || "{n} | {n}";
  const form = (n) => {
    const [one, other] = words.split(" | ");
    return (n === 1 || other === undefined ? one : other).replace("{n}", n);
  };
  const labelOf = (a) => a.firstChild.textContent.trim();
  function show(key, label) {
    let n = 0;
    for (const e of events) {
      const on = !key || e.dataset.terms.split(" ").includes(key);
      e.hidden = !on;
      if (on) n++;
    }
    for (const y of years) y.hidden = !y.querySelector(".event:not([hidden])");
    for (const a of nav.querySelectorAll("a[data-term]")) {
      if (a.dataset.term === key) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    }
    status.hidden = !key;
    status.querySelector("span").textContent = key ? form(n).replace("{term}", label) : "";
    const url = new URL(location.href);
    if (key) url.searchParams.set("term", key);
    else url.searchParams.delete("term");
    history.replaceState(null, "", url);
  }
  nav.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-term]");
    if (!a) return;
    event.preventDefault();
    if (a.getAttribute("aria-current")) show(null);
    else show(a.dataset.term, labelOf(a));
  });
  document.getElementById("timeline-all").addEventListener("click", () => show(null));
  const initial = new URLSearchParams(location.search).get("term");
  const link = initial && [...nav.querySelectorAll("a[data-term]")].find((a) => a.dataset.term === initial);
  if (link) show(initial, labelOf(link));
})();
