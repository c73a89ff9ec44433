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
  // Header: the menu and its groups are <details> and work without this; an open drop-down closes
  // on a click elsewhere, on Escape, or when another one opens.
  // <details data-wide-open="(min-width: 901px)"> (default 1024 px) is shown open on a wide screen by
  // the CSS; a browser without ::details-content gets it opened here instead.
  var wide = window.matchMedia("(min-width: 1024px)");
  function openMenuWhenWide() {
    if (window.CSS && CSS.supports("selector(::details-content)")) { return; }
    document.querySelectorAll("details[data-wide-open]").forEach(function (el) {
      var query = el.getAttribute("data-wide-open") || "(min-width: 1024px)";
      if (window.matchMedia(query).matches) { el.open = true; }
    });
  }
  function closeGroups(except) {
    document.querySelectorAll("details[data-nav-group][open]").forEach(function (group) {
      if (group !== except) { group.open = false; }
    });
  }
  document.addEventListener("DOMContentLoaded", openMenuWhenWide);
  if (wide.addEventListener) { wide.addEventListener("change", openMenuWhenWide); }
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (el.matches && el.matches("details[data-nav-group]") && el.open) { closeGroups(el); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest("details[data-nav-group]")) { closeGroups(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details[data-nav-group][open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
