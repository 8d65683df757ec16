// Emotion rounds on the board page (templates/boards/rating.html).
//
// A card's HTML is the same for everyone, so it cannot say how you rated it: the rating bar
// (#rating, rendered for you alone) lists your ratings in data-mine ("card:value" pairs) and
// this script presses those buttons after every swap; pressing your own rating again sends
// "clear". It also fetches the bar again when a broadcast's #rating-signal says it changed
// (a round started or closed, or you rated in another tab) or a rating was refused.
(function () {
  "use strict";

  var live = document.getElementById("live");
  if (!live) return;
  var me = live.dataset.user;

  function bar() {
    return document.getElementById("rating");
  }

  function signalRevision() {
    var signal = document.getElementById("rating-signal");
    return signal ? signal.dataset.revision : "";
  }

  function markMine() {
    var rating = bar();
    if (!rating) return;
    var mine = {};
    (rating.dataset.mine || "").split(" ").filter(Boolean).forEach(function (pair) {
      var parts = pair.split(":");
      mine[parts[0]] = parts[1];
    });
    document.querySelectorAll("button.rate").forEach(function (button) {
      var card = button.id.split("-")[1];
      var on = mine[card] === button.dataset.value;
      button.classList.toggle("is-mine", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      // Say what the click means as this page shows it: your own rating again takes it back.
      button.setAttribute("hx-vals", JSON.stringify({ value: on ? "clear" : button.dataset.value }));
    });
  }

  var seenSignal = signalRevision();

  function refreshBar() {
    var rating = bar();
    if (rating) htmx.trigger(rating, "jb:refresh-rating");
  }

  document.body.addEventListener("jb:changed", function (event) {
    if (event.detail && event.detail.resync) {
      seenSignal = signalRevision();
      refreshBar();
      return;
    }
    var signal = document.getElementById("rating-signal");
    if (!signal || signal.dataset.revision === seenSignal) return;
    seenSignal = signal.dataset.revision;
    if (!signal.dataset.for || signal.dataset.for === me) refreshBar();
  });

  // Each card in the round carries an empty .rating-scale; the buttons come from the bar's
  // one <template>, so that a large board is not five buttons heavier per card.
  function fillScales() {
    var template = document.getElementById("rating-scale");
    if (!template) return;
    document.querySelectorAll(".rating-scale[data-url]:empty").forEach(function (scale) {
      var card = scale.closest("[data-card-id]").dataset.cardId;
      scale.appendChild(template.content.cloneNode(true));
      scale.querySelectorAll("button.rate").forEach(function (button) {
        button.id = "rate-" + card + "-" + button.dataset.value;
        button.setAttribute("hx-post", scale.dataset.url);
      });
      htmx.process(scale);
    });
  }

  htmx.onLoad(function () {
    fillScales();
    markMine();
  });

  document.body.addEventListener("jb:refused", function (event) {
    if (event.target.matches && event.target.matches(".rate, [data-rating-action]")) refreshBar();
  });
})();
