// A live character counter for <textarea data-maxchars="N" aria-describedby="... ID_count">:
// the limit is already written in the page (it works without JavaScript); this keeps the count.
// No maxlength attribute is set, so a pasted text is never cut silently: the server says it is too long.
(function () {
  "use strict";
  function update(area) {
    var max = parseInt(area.getAttribute("data-maxchars"), 10);
    var out = document.getElementById(area.id + "_count");
    if (!out || !max) { return; }
    var n = area.value.length;
    out.textContent = out.getAttribute("data-template").replace("%(n)s", n.toLocaleString()).replace("%(max)s", max.toLocaleString());
    out.classList.toggle("over", n > max);
  }
  function init(root) {
    (root || document).querySelectorAll("textarea[data-maxchars]").forEach(function (area) {
      if (area.dataset.countReady) { return; }
      area.dataset.countReady = "1";
      area.addEventListener("input", function () { update(area); });
      update(area);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
