// Search page: show each weight's value next to its slider while it moves. The slider's change
// event (on release) makes htmx re-render the results; without JavaScript the Search button does.
(function () {
  "use strict";
  function show(input) {
    var out = document.getElementById(input.id + "_value");
    if (out) { out.value = input.value; out.textContent = input.value; }
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("input[type=range][data-weight]")) { show(el); }
  });
})();
