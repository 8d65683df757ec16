// Comments on cards (templates/boards/comments.html): the comments panel, a side panel
// (ui.js). A card's badge (or the "Comments" button in its editor) opens the card's thread
// there; Ctrl+Enter sends a comment. Other people's comments arrive over the socket: the
// card's new badge and, for an open thread, an element that has htmx fetch the thread's
// comments again, rendered for this page's person (boards/broadcast.html#comment-added).
// Who may delete a comment is the server's answer (`comment.can_delete`, boards/comments.py).
(function () {
  "use strict";

  var panel = document.getElementById("comments-dialog");
  var live = document.getElementById("live");
  if (!panel || !live) return;
  var body = document.getElementById("comments-body");
  var openCard = null;        // the card whose thread the panel shows
  var opener = null;          // the badge that opened it: focus goes back there (or to its card)
  var commentChange = false;  // a comment's own answer or broadcast is being applied

  function threadUrl(cardId) {
    return live.dataset.boardUrl + "cards/" + cardId + "/comments/";
  }

  function focusThread() {
    var field = body.querySelector(".comment-form textarea");
    (field || panel.querySelector("[data-close-dialog]")).focus();
  }

  function open(cardId, from) {
    opener = from;
    openCard = String(cardId);
    window.journeyboard.openPanel(panel, from);
    return htmx.ajax("GET", threadUrl(cardId), { source: panel, target: body, swap: "innerHTML" }).then(focusThread);
  }

  function reload() {
    if (panel.open && openCard) htmx.ajax("GET", threadUrl(openCard), { source: panel, target: body, swap: "innerHTML" });
  }

  // In the capture phase: the badge sits inside a card whose own click opens its editor.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-comments]");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    open(button.dataset.comments, button);
  }, true);

  panel.addEventListener("close", function () {
    openCard = null;
    // The badge was re-rendered meanwhile (ui.js focuses it when it is still there): the card.
    var focus = document.activeElement;
    if (opener && !document.contains(opener) && (!focus || focus === document.body || panel.contains(focus))) {
      var card = document.getElementById("card-" + opener.dataset.comments);
      if (card) card.focus({ preventScroll: true });
    }
    opener = null;
  });

  document.addEventListener("keydown", function (event) {
    if (!panel.contains(event.target)) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches(".comment-form textarea")) {
      event.preventDefault();
      htmx.trigger(event.target.form, "submit");
    }
  });

  // After sending (the whole thread comes back) or a refusal (the form with its message),
  // the text area is ready again.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || !panel.contains(document.getElementById(target.id) || target)) return;
    if (/^comment(s|-form)-\d+$/.test(target.id)) {
      var field = body.querySelector(".comment-form textarea");
      if (field) {
        field.focus();
        field.setSelectionRange(field.value.length, field.value.length);
      }
    }
  });

  // ---- applying comments without disturbing anyone --------------------------------

  // A frame is a comment's when it carries a thread's swap (broadcast.html: the thread's
  // reload element, or the sink for pages without it open).
  document.body.addEventListener("jb:frame", function (event) {
    commentChange = !!event.detail.fragment.querySelector('[hx-swap-oob*="#comment-sink"]');
    if (event.detail.resync) setTimeout(reload, 0); // the open thread may have missed comments too
  });
  document.body.addEventListener("jb:changed", function () {
    commentChange = false;
    var sink = document.getElementById("comment-sink");
    if (sink) sink.replaceChildren(); // what came for threads this page does not show
  });

  // This page's own comment answers (asked from inside the panel).
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var asker = event.detail.requestConfig && event.detail.requestConfig.elt;
    commentChange = !!(asker && panel.contains(asker));
  });
  document.body.addEventListener("htmx:afterRequest", function () { commentChange = false; });

  // A comment only changes a card's badge, so it must neither replace a card editor that
  // is open (closing the editor shows the card with its current count anyway) nor warn its
  // author that the card changed. An open thread is fetched whole (its list, not its form),
  // so a comment already in it is not shown twice and the text being typed stays.
  document.body.addEventListener("jb:before-swap", function (event) {
    if (!commentChange) return;
    if (event.target.matches(".card-editing")) {
      event.detail.quiet = true;
      event.preventDefault();
    }
  });
})();
