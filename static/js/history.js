// History, undo and redo on the board page (templates/boards/history.html).
// Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) press the toolbar's undo and redo buttons, which post
// with htmx: the answer is the change itself as out-of-band swaps, exactly what everyone
// else gets over the socket. In a text field the browser's own text undo is left alone.
// The history panel is non-modal, docked on the right, and refreshes while it is open.
(function () {
  "use strict";

  var panel = document.getElementById("history-dialog");
  var live = document.getElementById("live");
  if (!panel || !live) return;
  var body = document.getElementById("history-body");
  var refreshTimer = null;

  function toast(message, kind) {
    if (window.journeyboardToast) window.journeyboardToast(message, kind);
  }

  // In a field the browser undoes typing; in an open editor (a card's, a persona's, a KPI's)
  // an undo would swap the very thing being edited.
  function typingIn(target) {
    return target && target.closest && !!target.closest("input, textarea, select, .card-editing, .persona-editing, .kpi-form, [contenteditable]:not([contenteditable=false])");
  }

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || typingIn(event.target)) return;
    var key = event.key.toLowerCase();
    var redo = (key === "z" && event.shiftKey) || (key === "y" && !event.shiftKey);
    var undo = key === "z" && !event.shiftKey;
    if (!undo && !redo) return;
    if (document.querySelector("dialog[open]:modal")) return; // a modal dialog (members) has the keyboard
    var button = document.getElementById(redo ? "redo-button" : "undo-button");
    if (!button) return; // viewers have nothing to undo
    event.preventDefault();
    if (event.repeat) return; // a held key would fire a burst of undos
    button.click();
  });

  // A refusal (nothing to undo, someone else changed it since) is a 409 with a sentence.
  // htmx swaps 409 answers (the card editor's conflict form), so it is no error event:
  // the toast is shown here. The buttons swap nothing themselves.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.classList || !elt.classList.contains("history-step")) return;
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 409) toast(xhr.responseText, "error");
  });

  // What was undone or redone, named as in the history panel (the answer's HX-Trigger).
  document.body.addEventListener("jb:history-step", function (event) {
    toast(event.detail && event.detail.message);
  });

  // ---- the panel -------------------------------------------------------------------

  function refreshSoon() {
    if (!panel.open) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      if (panel.open) htmx.trigger(body, "jb:refresh-history");
    }, 300);
  }

  // Everyone's changes arrive as HTML over the socket (JSON frames never get here).
  document.body.addEventListener("htmx:wsAfterMessage", refreshSoon);

  // This page's own changes are not echoed back: any successful POST on the board.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    var path = (detail.pathInfo && detail.pathInfo.requestPath) || "";
    if (detail.successful && detail.requestConfig && detail.requestConfig.verb !== "get" && path.indexOf(live.dataset.boardUrl) === 0) {
      refreshSoon();
    }
  });

  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") panel.close(); // a non-modal dialog does not close on Escape by itself
  });

  function markOpeners() {
    document.querySelectorAll('[data-open-dialog="history-dialog"]').forEach(function (button) {
      button.setAttribute("aria-expanded", panel.open ? "true" : "false");
    });
  }

  // The docked panels share the right edge: one at a time. Watching the `open` attribute
  // catches every way a panel opens (its button, a card's comments, a script).
  var docked = Array.prototype.filter.call(document.querySelectorAll("dialog.summary-panel"), function (d) { return d !== panel; });
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        var dialog = record.target;
        if (dialog.tagName !== "DIALOG" || !dialog.classList.contains("summary-panel") || !dialog.open) return;
        if (dialog === panel) docked.forEach(function (other) { if (other.open) other.close(); });
        else if (panel.open) panel.close();
      });
      markOpeners();
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["open"] });
  }
  panel.addEventListener("close", markOpeners);
})();
