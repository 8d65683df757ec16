// Dot voting on the board page (templates/boards/voting.html).
//
// A card's HTML is the same for everyone, so it cannot say which dots are yours: the
// voting bar (#voting, rendered for you alone) lists them in data-mine and this script
// fills those dots in, after every swap. It also fetches the bar again when a broadcast's
// #voting-signal says it changed (a round started or closed, or you voted in another
// tab) or a vote was refused (ui.js shows why), and opens the ranked list on every screen
// when a round closes.
(function () {
  "use strict";

  var live = document.getElementById("live");
  if (!live) return;
  var me = live.dataset.user;

  function bar() {
    return document.getElementById("voting");
  }

  function signalRevision() {
    var signal = document.getElementById("voting-signal");
    return signal ? signal.dataset.revision : "";
  }

  // ---- your own dots -------------------------------------------------------------------

  function markMine() {
    var voting = bar();
    if (!voting) return;
    var mine = new Set((voting.dataset.mine || "").split(" ").filter(Boolean));
    var usedUp = voting.dataset.usedUp === "true"; // the server's word: no votes left in an open round
    document.querySelectorAll("button.vote-dot").forEach(function (button) {
      var on = mine.has(button.id.slice("vote-".length));
      button.classList.toggle("is-mine", on);
      button.classList.toggle("is-used-up", usedUp && !on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.title = on ? voting.dataset.labelTake : voting.dataset.labelGive;
      var count = button.querySelector(".vote-count");
      button.setAttribute("aria-label", button.title + (count ? " (" + count.textContent + ")" : ""));
      // Say what the click means as this page shows it: a second tab that changed the
      // vote meanwhile must not turn "give" into "take back".
      button.setAttribute("hx-vals", JSON.stringify({ vote: on ? "take" : "give" }));
    });
  }

  // ---- keeping the bar fresh -----------------------------------------------------------

  var seenSignal = signalRevision();
  var before = null; // the bar as it was before a fetch: {state, round, resultsOpen}

  function refreshBar() {
    var voting = bar();
    if (voting) htmx.trigger(voting, "jb:refresh-voting");
  }

  document.body.addEventListener("jb:changed", function (event) {
    if (event.detail && event.detail.resync) {
      seenSignal = signalRevision(); // caught up after a lost connection: the bar may be stale too
      refreshBar();
      return;
    }
    var signal = document.getElementById("voting-signal");
    if (!signal || signal.dataset.revision === seenSignal) return;
    seenSignal = signal.dataset.revision;
    if (!signal.dataset.for || signal.dataset.for === me) refreshBar();
  });

  // Remember what the bar showed, to open the results when a round closes under our eyes.
  document.body.addEventListener("htmx:beforeSwap", rememberBar);
  document.body.addEventListener("jb:before-swap", function (event) {
    if (event.target.id === "voting") rememberBar();
  });

  function rememberBar() {
    var voting = bar();
    if (!voting) return;
    before = {
      state: voting.dataset.state,
      round: voting.dataset.round,
      resultsOpen: !!document.querySelector("#voting-results[open]"),
    };
  }

  function afterBarSwap() {
    var voting = bar();
    var results = document.getElementById("voting-results");
    if (voting && results && before) {
      var justClosed = before.state === "open" && voting.dataset.state === "closed" && before.round === voting.dataset.round;
      if ((justClosed || before.resultsOpen) && !results.open) window.journeyboard.openPanel(results);
    }
    before = null;
  }

  htmx.onLoad(function (root) {
    if (root.id === "voting" || (root.querySelector && root.querySelector("#voting"))) afterBarSwap();
    markMine();
  });

  // ---- refusals ------------------------------------------------------------------------

  // No votes left, voting closed or started meanwhile: ui.js says why; the page may show a
  // round that is no longer (or already) open. (A start form with errors comes back as
  // HTML and shows them itself.)
  document.body.addEventListener("jb:refused", function (event) {
    if (event.target.matches && event.target.matches(".vote-dot, [data-voting-action]")) refreshBar();
  });
})();
