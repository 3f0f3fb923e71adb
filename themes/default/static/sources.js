// Sorts the list of sources by most cited, newest or title; without JavaScript it stays most
// cited first.
(function () {
  var controls = document.getElementById("sort-sources");
  var list = document.getElementById("source-list");
  if (!controls || !list) return;
  controls.hidden = false;
  var keys = {
    cited: function (li) { return [-Number(li.dataset.cited), li.dataset.title]; },
    year: function (li) { return [-Number(li.dataset.year), li.dataset.title]; },
    title: function (li) { return [0, li.dataset.title]; }
  };
  controls.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-sort]");
    if (!button) return;
    var key = keys[button.dataset.sort];
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      var x = key(a), y = key(b);
      return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
    });
    items.forEach(function (li) { list.appendChild(li); });
    controls.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
  });
})();
