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
  // Wide tables (<div class="table-scroll" data-scroll-cue>): say how many columns are out of view
  // to the right ("Swipe sideways to see 2 more hospitals"), or that the first are to the left.
  function updateCue(box) {
    var inner = box.querySelector(".table-scroll-inner");
    var cue = box.querySelector(".scroll-cue");
    if (!inner || !cue) { return; }
    var view = inner.getBoundingClientRect();
    var rtl = getComputedStyle(inner).direction === "rtl";
    var hidden = 0;
    inner.querySelectorAll("thead th[scope=col]").forEach(function (th) {
      var r = th.getBoundingClientRect();
      var beyond = rtl ? r.left < view.left - 1 : r.right > view.right + 1;
      if (beyond) { hidden += 1; }
    });
    var scrolled = Math.abs(inner.scrollLeft) > 2;
    var state = hidden > 0 ? "more" : (scrolled ? "back" : "fits");
    box.setAttribute("data-cue-state", state);
    box.classList.toggle("more-end", hidden > 0);
    if (state === "more") {
      cue.textContent = hidden === 1 ? box.getAttribute("data-cue-one") : box.getAttribute("data-cue-many").replace("%(n)s", hidden);
    } else if (state === "back") {
      cue.textContent = box.getAttribute("data-cue-back");
    }
  }
  function initCues() {
    document.querySelectorAll("[data-scroll-cue]").forEach(function (box) {
      var inner = box.querySelector(".table-scroll-inner");
      if (!inner) { return; }
      inner.addEventListener("scroll", function () { updateCue(box); }, { passive: true });
      updateCue(box);
    });
  }
  document.addEventListener("DOMContentLoaded", initCues);
  // A table that scrolls inside its own box on a phone (site.css) can be scrolled with the keyboard:
  // it takes the focus (tabindex) only while it is wider than its box.
  function focusableScrollers(root) {
    (root || document).querySelectorAll("main table").forEach(function (table) {
      var scrolls = getComputedStyle(table).overflowX === "auto" && table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) { table.setAttribute("tabindex", "0"); table.dataset.scrollFocus = "1"; }
      if (!scrolls && table.dataset.scrollFocus) { table.removeAttribute("tabindex"); delete table.dataset.scrollFocus; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableScrollers(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusableScrollers(event.target); });
  window.addEventListener("resize", function () { focusableScrollers(document); });
  window.addEventListener("resize", function () { document.querySelectorAll("[data-scroll-cue]").forEach(updateCue); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector("details[data-nav-group][open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
})();
