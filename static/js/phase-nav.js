// Phones see one phase at a time: below 600 px the board scrolls sideways a whole lane at a
// time (CSS scroll snapping, app.css). The bar above the board (board.html#phase-nav) names
// the phase in view, n of m, and goes to another: the arrows, or the picker. The picker is
// filled from the lanes on the page, so phases added, renamed or moved by anyone follow.
// Wider screens hide the bar; then this does nothing.
(function () {
  "use strict";

  var nav = document.getElementById("phase-nav");
  var scroller = document.getElementById("board-scroll");
  if (!nav || !scroller) return;
  var picker = nav.querySelector("select");
  var count = nav.querySelector(".phase-nav-count");
  var back = nav.querySelector("[data-phase-step='-1']");
  var forward = nav.querySelector("[data-phase-step='1']");
  var phone = window.matchMedia("(max-width: 600px)");
  var still = window.matchMedia("(prefers-reduced-motion: reduce)");

  function lanes() {
    return Array.prototype.slice.call(scroller.querySelectorAll(".lanes > .lane"));
  }

  // The lane whose left edge is nearest the board's: the one snapped into view. Past the
  // last lane (a writer's "New phase" form), one more than the last.
  function shownIndex(list) {
    var left = scroller.getBoundingClientRect().left;
    if (list.length && list[list.length - 1].getBoundingClientRect().right <= left + 1) return list.length;
    var best = 0;
    var distance = Infinity;
    list.forEach(function (lane, index) {
      var d = Math.abs(lane.getBoundingClientRect().left - left);
      if (d < distance) { distance = d; best = index; }
    });
    return best;
  }

  function fillPicker(list) {
    var names = list.map(function (lane) { return lane.id + "\n" + lane.getAttribute("aria-label"); }).join("\n");
    if (picker.dataset.names === names) return;
    picker.dataset.names = names;
    picker.replaceChildren.apply(picker, list.map(function (lane) {
      return new Option(lane.getAttribute("aria-label"), lane.id);
    }));
  }

  // Disabled by aria-disabled, not `disabled`: the focused arrow keeps the focus at either end.
  function enable(button, on) {
    button.setAttribute("aria-disabled", on ? "false" : "true");
  }

  function show() {
    if (!phone.matches) return;
    var list = lanes();
    nav.hidden = !list.length;
    if (!list.length) return;
    fillPicker(list);
    var index = shownIndex(list);
    var shown = Math.min(index, list.length - 1);
    picker.selectedIndex = shown;
    count.textContent = shown + 1 + "/" + list.length;
    enable(back, index > 0);
    enable(forward, index < list.length - 1);
  }

  function go(index) {
    var list = lanes();
    var lane = list[Math.max(0, Math.min(index, list.length - 1))];
    if (!lane) return;
    var left = scroller.scrollLeft + lane.getBoundingClientRect().left - scroller.getBoundingClientRect().left;
    scroller.scrollTo({ left: left, behavior: still.matches ? "auto" : "smooth" });
  }

  nav.addEventListener("click", function (event) {
    var button = event.target.closest("[data-phase-step]");
    if (!button || button.getAttribute("aria-disabled") === "true") return;
    go(shownIndex(lanes()) + Number(button.dataset.phaseStep));
  });
  picker.addEventListener("change", function () { go(picker.selectedIndex); });

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; show(); });
  }
  scroller.addEventListener("scroll", soon, { passive: true });
  window.addEventListener("resize", soon);
  document.body.addEventListener("htmx:afterSettle", soon); // lanes added, renamed, moved or removed
  document.body.addEventListener("jb:changed", soon);
  if (phone.addEventListener) phone.addEventListener("change", soon);
  show();
})();
