// Keep first-response clocks current without reloading: every <span class="clock" data-due="ISO">
// is re-worded each minute; it turns to a warning data-warn-ms before the deadline. The server-rendered words are the fallback without JavaScript.
(function () {
  "use strict";
  function words(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) { return days + " d " + hours + " h"; }
    if (hours) { return hours + " h " + (mins < 10 ? "0" : "") + mins + " min"; }
    return mins + " min";
  }
  function update(root) {
    var now = Date.now();
    (root || document).querySelectorAll(".clock[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = due - now;
      var label = left <= 0 ? el.getAttribute("data-overdue") : el.getAttribute("data-left");
      if (!label) { return; }
      el.textContent = label.replace("{t}", words(left));
      el.classList.toggle("badge-danger", left <= 0);
      var warn = parseInt(el.getAttribute("data-warn-ms"), 10);  // from CASES_CLOCK_WARNING_HOURS
      el.classList.toggle("badge-warn", left > 0 && !isNaN(warn) && left <= warn);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { update(document); setInterval(update, 60000); });
  document.addEventListener("htmx:afterSwap", function (event) { update(event.target); });
})();
