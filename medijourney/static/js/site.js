// Site behaviour that needs no inline script (the CSP forbids it).
(function () {
  "use strict";
  function focusFirstError(root) {
    var invalid = (root || document).querySelector('[aria-invalid="true"]');
    if (invalid && typeof invalid.focus === "function") { invalid.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusFirstError(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusFirstError(event.target); });
  // Confirm dangerous actions: <button data-confirm="Are you sure?">
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
