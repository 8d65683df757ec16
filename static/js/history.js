// History, undo and redo on the board page (templates/boards/history.html).
// Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y) press the toolbar's undo and redo buttons, which post
// with htmx: the answer is the change itself as out-of-band swaps, exactly what everyone
// else gets over the socket. In a text field the browser's own text undo is left alone.
// The buttons are there only for those who may change the board now: the server renders
// them, and takes them away (or gives them back) with a lock's broadcast. Refusals (nothing
// to undo, changed since) are toasts (ui.js); the history panel is a side panel (ui.js)
// that refreshes itself on `jb:changed`.
(function () {
  "use strict";

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
    if (!button || button.disabled) return; // viewers, and everyone but facilitators on a locked board
    event.preventDefault();
    if (event.repeat) return; // a held key would fire a burst of undos
    button.click();
  });

  // What was undone or redone, named as in the history panel (the answer's HX-Trigger).
  document.body.addEventListener("jb:history-step", function (event) {
    window.journeyboard.toast(event.detail && event.detail.message);
  });
})();
