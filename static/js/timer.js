// The workshop timer (templates/boards/timer.html#timer): a countdown every screen shows.
// The server keeps the end time; this page counts down to it. Its own clock may be off by
// seconds or minutes, so every rendering of #timer carries the server's `now`: the
// difference to this clock at the moment it arrived corrects every later reading, and a
// reload, a late joiner and everyone else see the same remaining time.
(function () {
  "use strict";

  var offset = 0;     // the server's clock minus this one, in ms
  var ticker = null;

  function format(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  // When the page itself arrived: the server rendered `now` just before its first byte,
  // and a deferred script runs a while later (more on a slow connection).
  function pageArrival() {
    var now = Date.now();
    var nav = window.performance && performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var arrived = nav && nav.responseStart > 0 && performance.timeOrigin ? performance.timeOrigin + nav.responseStart : now;
    // The two clocks can disagree (the system clock was changed since): then trust Date.
    return arrived <= now && arrived > now - 60000 ? arrived : now;
  }

  function secondsLeft(timer) {
    if (timer.dataset.state !== "running") return Number(timer.dataset.remaining) || 0;
    var endsAt = Date.parse(timer.dataset.endsAt);
    if (isNaN(endsAt)) return 0;
    return Math.max(0, Math.ceil((endsAt - (Date.now() + offset)) / 1000));
  }

  function render() {
    var timer = document.getElementById("timer");
    if (!timer) return;
    var left = secondsLeft(timer);
    var running = timer.dataset.state === "running";
    var clock = timer.querySelector(".timer-clock");
    var text = format(left);
    if (clock && clock.textContent !== text) clock.textContent = text;
    timer.classList.toggle("is-up", running && left === 0);
    timer.classList.toggle("is-urgent", running && left > 0 && left < 60);
    if (!running && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function adopt(timer, arrivedAt) {
    var serverNow = Date.parse(timer.dataset.now);
    if (!isNaN(serverNow)) offset = serverNow - arrivedAt;
    render();
    // A few ticks a second: the seconds change on time whatever the phase of the timer.
    if (timer.dataset.state === "running" && !ticker) ticker = setInterval(render, 200);
  }

  // The page itself, the facilitator's own answer and everyone's broadcast (out of band)
  // all bring a fresh #timer, with the server's clock at the moment it was rendered.
  htmx.onLoad(function (elt) {
    var timer = elt.id === "timer" ? elt : elt.querySelector && elt.querySelector("#timer");
    if (timer) adopt(timer, elt === document.body ? pageArrival() : Date.now());
  });

  // A refused action (a length of zero, of days...) is a toast (ui.js); the timer stays.
  // A started one closes the start menu.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".timer-controls form");
    if (!form) return;
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 200 && xhr.status < 300) {
      var menu = form.closest("details");
      if (menu) menu.removeAttribute("open");
      if (form.matches(".timer-custom")) form.reset();
    }
  });
})();
