// Comments on cards (templates/boards/comments.html): the comments panel, a non-modal
// dialog docked on the right. A card's badge (or the "Comments" button in its editor)
// opens the card's thread there; Ctrl+Enter sends a comment, Escape closes the panel.
// Other people's comments arrive over the socket: the card's new badge and, for an open
// thread, the comment appended to it (boards/broadcast.html#comment-added).
(function () {
  "use strict";

  var panel = document.getElementById("comments-dialog");
  var live = document.getElementById("live");
  if (!panel || !live) return;
  var body = document.getElementById("comments-body");
  var me = live.dataset.user;
  var openCard = null; // the card whose thread the panel shows
  var opener = null;   // where focus goes back to when the panel closes
  var commentSwap = false; // a comment's answer or broadcast is being applied
  var appending = false;   // ...and it appends a comment to a thread (rather than re-sending it)

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
    var summary = document.getElementById("summary-dialog");
    if (summary && summary.open) summary.close(); // both dock on the right
    if (!panel.open) panel.show();
    return htmx.ajax("GET", threadUrl(cardId), { source: panel, target: body, swap: "innerHTML" }).then(focusThread);
  }

  function reload() {
    if (panel.open && openCard) htmx.ajax("GET", threadUrl(openCard), { source: panel, target: body, swap: "innerHTML" });
  }

  // In the capture phase: the badge sits inside a card whose own click opens its editor.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-comments]");
    if (!button) {
      if (event.target.closest && event.target.closest('[data-open-dialog="summary-dialog"]') && panel.open) panel.close();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    open(button.dataset.comments, button);
  }, true);

  panel.addEventListener("close", function () {
    openCard = null;
    // Back to the badge, or to the card if the badge was re-rendered meanwhile.
    var back = opener && document.contains(opener) ? opener : null;
    if (!back && opener) back = document.getElementById("card-" + opener.dataset.comments);
    opener = null;
    // Only when focus was in the panel (Escape, its close button), not when another panel took its place.
    var focus = document.activeElement;
    if (back && (!focus || focus === document.body || panel.contains(focus))) back.focus({ preventScroll: true });
  });

  document.addEventListener("keydown", function (event) {
    if (!panel.contains(event.target)) return;
    if (event.key === "Escape") {
      event.preventDefault();
      panel.close(); // a non-modal dialog does not close on Escape by itself
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches(".comment-form textarea")) {
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

  // The delete button of one's own comments. A broadcast is rendered per role, not per
  // person, so it carries the button hidden on everyone's comments; show it on ours.
  htmx.onLoad(function (root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll('.comment[data-author="' + me + '"] [data-own-only]').forEach(function (button) {
      button.hidden = false;
    });
  });

  // ---- applying comments without disturbing anyone --------------------------------

  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var text = event.detail.message;
    appending = /hx-swap-oob="beforeend:#comment-list-/.test(text);
    commentSwap = appending || /hx-swap-oob="innerHTML:#comment-list-/.test(text);
    if (text.indexOf("data-resync") >= 0) setTimeout(reload, 0); // the open thread may have missed comments too
  });
  document.body.addEventListener("htmx:wsAfterMessage", function () {
    commentSwap = appending = false;
    var sink = document.getElementById("comment-sink");
    if (sink) sink.replaceChildren(); // what came for threads this page does not show
  });

  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var path = (event.detail.pathInfo && event.detail.pathInfo.requestPath) || "";
    commentSwap = /\/comments\//.test(path);
  });
  document.body.addEventListener("htmx:afterRequest", function () { commentSwap = false; });

  // Capture phase, so that this runs before live.js: a comment only changes a card's
  // badge, so it must neither replace a card editor that is open (closing the editor
  // shows the card with its current count anyway) nor warn its author that the card
  // changed. A comment already in the thread (the thread was loaded just after it was
  // written) is not appended twice.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    if (!commentSwap) return;
    var target = event.detail.target;
    var skip = target.matches(".card-editing");
    if (!skip && appending && target.matches(".comment-list")) {
      var arriving = event.detail.fragment && event.detail.fragment.querySelector(".comment");
      skip = !!(arriving && target.querySelector("#" + CSS.escape(arriving.id)));
    }
    if (skip) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
