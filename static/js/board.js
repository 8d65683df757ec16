// Board page behaviour that htmx attributes cannot express on their own: moving cards
// (drag and drop with SortableJS, Alt+arrows), keyboard shortcuts for in-place forms and
// the shortcuts dialog ("?"), view filters, copying links. Toasts, refusals, panels and
// menus are ui.js's.
// Kept free of inline handlers so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  function csrfHeaders() {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  }

  // A refused move leaves the card where it was put; show the board as the server has it.
  function reloadBoard() {
    htmx.ajax("GET", window.location.pathname, { target: "#board-body", select: "#board-body", swap: "outerHTML" });
  }

  function moveUrl(card) {
    return document.getElementById("live").dataset.boardUrl + "cards/" + card.dataset.cardId + "/move/";
  }

  // Phones swipe the board a phase at a time (phase-nav.js): no dragging there, where a
  // swipe on a card would start one. The card editor's phase field moves a card instead.
  var phone = window.matchMedia("(max-width: 600px)");

  function initSortable(list) {
    if (list.dataset.sortable || typeof Sortable === "undefined") return;
    list.dataset.sortable = "1";
    Sortable.create(list, {
      disabled: phone.matches,
      group: "cards",
      animation: 150,
      draggable: "article.card[hx-get]", // only people who may edit get hx-get on cards
      filter: ".card-editing, input, textarea, select, button",
      preventOnFilter: false,
      ghostClass: "card-ghost",
      chosenClass: "card-chosen",
      onEnd: function (evt) {
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
        saveMove(evt.item, evt.to, evt.newIndex);
      },
    });
  }

  // The card is already where it was put (by a drag or a key); the server checks, saves,
  // broadcasts and records it (undo), exactly the same way for both. The request is the
  // board's, not the card's: the lanes' broadcast may replace the card before the answer
  // arrives, and the answer (its out-of-band counts, its announcement) must still land.
  function saveMove(card, list, position) {
    var scroller = document.getElementById("board-scroll");
    // Refused by the server: show the board as it has it. Not reached at all: the page
    // fetches the whole board once it is back (live.js).
    var refused = function (event) {
      if (event.target === scroller && event.detail.status) reloadBoard();
    };
    scroller.addEventListener("jb:refused", refused);
    return htmx.ajax("POST", moveUrl(card), {
      source: scroller,
      swap: "none",
      headers: csrfHeaders(),
      values: { phase: list.dataset.phaseId, row: list.dataset.rowId || "", position: position },
    }).then(function () { scroller.removeEventListener("jb:refused", refused); });
  }

  // Alt+arrows on a focused card: left and right to the neighbouring phase in the same row
  // (at the same position, or the end of a shorter cell), up and down within its cell; with
  // Shift, up and down to the end of the row above or the start of the row below.
  var MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

  function cardsIn(list) {
    return list.querySelectorAll(":scope > article.card");
  }

  function moveByKey(card, key, acrossRows) {
    var list = card.parentElement;
    var cards = Array.prototype.slice.call(cardsIn(list));
    var index = cards.indexOf(card);
    var step = MOVES[key];
    var target = list;
    var position = index + step[1];
    if (step[0]) {
      var row = list.dataset.rowId;
      var lists = Array.prototype.slice.call(document.querySelectorAll('.lane-cards[data-row-id="' + row + '"]'));
      target = lists[lists.indexOf(list) + step[0]];
      if (!target) return;
      position = Math.min(index, cardsIn(target).length);
    } else if (acrossRows) {
      var cells = Array.prototype.slice.call(document.querySelectorAll('.lane-cards[data-phase-id="' + list.dataset.phaseId + '"]'));
      target = cells[cells.indexOf(list) + step[1]];
      if (!target) return;
      position = step[1] < 0 ? cardsIn(target).length : 0;
    } else if (position < 0 || position >= cards.length) {
      return;
    }
    var after = target.querySelectorAll(":scope > article.card:not(#" + CSS.escape(card.id) + ")")[position];
    target.insertBefore(card, after || null);
    card.focus({ preventScroll: false });
    saveMove(card, target, position);
  }

  // View filters: what this person looks at, not a change to the board (nothing is sent).
  // The persona filter's list is re-rendered when personas change: the choice is kept here.
  var shownPersona = "";

  function personaShown() {
    var select = document.querySelector("select[name=show-persona]");
    if (!select) return "";
    if (select.value !== shownPersona) {
      select.value = shownPersona;
      if (select.value !== shownPersona) shownPersona = ""; // that persona is gone
    }
    return shownPersona;
  }

  // The curve's persona lines: each person's own view, kept per board in this browser.
  function perPersonaKey() {
    return "jb-curve-per-persona:" + document.getElementById("live").dataset.boardUrl;
  }

  var perPersona = null; // read from storage once, then kept here (storage may be off)

  function applyCurvePersonas() {
    if (perPersona === null) {
      try { perPersona = localStorage.getItem(perPersonaKey()) === "1"; } catch (e) { perPersona = false; }
    }
    var box = document.querySelector("input[name=curve-per-persona]");
    if (box) box.checked = perPersona;
    document.body.classList.toggle("curve-per-persona", perPersona);
  }

  function applyFilters() {
    var kind = (document.querySelector("input[name=show-kind]:checked") || {}).value || "";
    var select = document.querySelector("select[name=highlight-channel]");
    var channel = select ? select.value : "";
    var persona = personaShown();
    document.body.classList.toggle("filtering-kind", !!kind);
    document.body.classList.toggle("highlighting-channel", !!channel);
    document.body.classList.toggle("filtering-persona", !!persona);
    document.querySelectorAll(".lane-cards article.card").forEach(function (card) {
      var theirs = !persona || (" " + (card.dataset.personas || "") + " ").indexOf(" " + persona + " ") >= 0;
      card.classList.toggle("filtered-out", (!!kind && !card.classList.contains("kind-" + kind)) || !theirs);
      card.classList.toggle("highlighted", !!channel && card.dataset.channel === channel);
    });
    // The filtered persona's line stands out on the curve; the others step back.
    document.querySelectorAll("#emotion-curve .curve-persona").forEach(function (line) {
      line.classList.toggle("is-shown", !!persona && line.dataset.persona === persona);
    });
    applyCurvePersonas();
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[name=show-persona]")) shownPersona = event.target.value;
    if (event.target.matches("input[name=curve-per-persona]")) {
      perPersona = event.target.checked;
      try { localStorage.setItem(perPersonaKey(), perPersona ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
      applyCurvePersonas();
    }
    if (event.target.matches("input[name=show-kind], select[name=highlight-channel], select[name=show-persona]")) applyFilters();
  });

  // Collapsed rows: each person's own view of the grid, kept per board in this browser.
  function collapsedKey() {
    return "jb-collapsed-rows:" + document.getElementById("live").dataset.boardUrl;
  }

  function collapsedRows() {
    try { return JSON.parse(localStorage.getItem(collapsedKey()) || "[]"); } catch (e) { return []; }
  }

  function applyCollapsed() {
    var collapsed = collapsedRows();
    document.querySelectorAll(".row-head[data-row-id], .cell[data-row-id]").forEach(function (element) {
      var folded = collapsed.indexOf(element.dataset.rowId) >= 0;
      element.classList.toggle("row-collapsed", folded);
      var toggle = element.querySelector(":scope > [data-collapse-row]");
      if (toggle) toggle.setAttribute("aria-expanded", folded ? "false" : "true");
    });
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-collapse-row]");
    if (!toggle) return;
    var row = toggle.dataset.collapseRow;
    var collapsed = collapsedRows().filter(function (id) { return id !== row; });
    if (toggle.getAttribute("aria-expanded") !== "false") collapsed.push(row);
    try { localStorage.setItem(collapsedKey(), JSON.stringify(collapsed)); } catch (e) { /* private mode: this page only */ }
    applyCollapsed();
  });

  htmx.onLoad(function (root) {
    applyCollapsed(); // a re-rendered grid keeps this person's folded rows
    applyFilters(); // cards swapped in by anyone's change follow the filters too
    var lists = root.matches && root.matches(".lane-cards") ? [root] : root.querySelectorAll(".lane-cards");
    lists.forEach(initSortable);
  });

  // Sortable is loaded with `defer` next to this file; make sure the first page gets it too.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".lane-cards").forEach(initSortable);
  });
  if (phone.addEventListener) {
    phone.addEventListener("change", function () {
      document.querySelectorAll(".lane-cards").forEach(function (list) {
        var sortable = typeof Sortable !== "undefined" && Sortable.get(list);
        if (sortable) sortable.option("disabled", phone.matches);
      });
    });
  }

  function typing(target) {
    return target.closest && !!target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "?" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(target) && !document.querySelector("dialog[open]:modal")) {
      var help = document.getElementById("keyboard-help");
      if (help) {
        event.preventDefault();
        help.showModal();
      }
      return;
    }
    if (event.altKey && MOVES[event.key] && target.matches && target.matches("article.card[hx-get]")) {
      event.preventDefault();
      if (!event.repeat) moveByKey(target, event.key, event.shiftKey && !!MOVES[event.key][1]);
      return;
    }
    // Enter on a focused card opens it, like a click (its hx-trigger).
    if (event.key === "Enter" && target.matches && target.matches("article.card[hx-get]")) {
      event.preventDefault();
      target.click();
      return;
    }
    var inline = target.closest && target.closest("[data-inline-edit]");
    if (inline && target.matches("input, textarea.row-name")) {
      if (event.key === "Enter") {
        event.preventDefault();
        target.blur(); // blur fires `change`, which saves
      } else if (event.key === "Escape") {
        target.value = target.defaultValue;
        target.blur();
      }
      return;
    }
    var cardForm = target.closest && target.closest(".card-editing");
    if (cardForm) {
      if (event.key === "Escape") {
        event.preventDefault();
        // Ask for the card directly: the Cancel button's hx-get may not be processed yet when a
        // fast typist presses Escape right after the form was swapped in.
        htmx.ajax("GET", cardForm.dataset.cancelUrl, { source: cardForm, target: cardForm, swap: "outerHTML" });
      } else if (event.key === "Enter" && target.matches("textarea") && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        htmx.trigger(cardForm, "submit");
      }
      return;
    }
    var addCard = target.closest && target.closest(".add-card");
    if (addCard && event.key === "Escape") {
      target.value = "";
      target.blur();
    }
  });

  // Inline-edit forms save on `change`; a native submit would leave the page.
  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-inline-edit]")) event.preventDefault();
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.successful && elt.matches && elt.matches(".add-card")) {
      elt.reset();
      elt.querySelector("input[name=title]").focus();
    }
  });

  // Focus the card again after its editor is saved or cancelled, so keyboard users keep
  // their place. Whatever the answer's markup, the card is found again by its id.
  var closing = null; // the id of the card whose editor is being saved or cancelled
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var editor = event.detail.elt.closest && event.detail.elt.closest("form.card-editing");
    if (editor) closing = editor.id;
  });
  // Once settled: htmx has processed the card by then, so Enter opens it again at once.
  document.body.addEventListener("htmx:afterSettle", function () {
    var card = closing && document.getElementById(closing);
    if (!card || !card.matches("article.card")) return; // still the editor (its errors shown)
    closing = null;
    card.focus({ preventScroll: true });
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) closing = null;
  });

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy-link]");
    if (copy) {
      var link = new URL(copy.dataset.copyLink, window.location.href).href;
      var done = function () { window.journeyboard.toast(copy.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, function () { window.prompt("", link); });
      else window.prompt("", link); // clipboard API needs https; let the person copy it
    }
  });
})();

// ---- Summary panel: pain points & opportunities ------------------------------------
// A side panel (ui.js) that refreshes itself after every change, whoever made it
// (board.html #summary-body: hx-trigger on jb:changed). An item leads to its card.
(function () {
  "use strict";

  var panel = document.getElementById("summary-dialog");
  if (!panel) return;

  // An item links to its card (`#card-<id>`); scroll there smoothly and make it flash.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-show-card]");
    if (!link) return;
    event.preventDefault();
    showCard(link.dataset.showCard, link.dataset.phase);
  });

  function showCard(id, phaseId) {
    var card = document.getElementById("card-" + id);
    if (card) return flash(card);
    // Past a long lane's first page: load the whole lane first.
    var more = document.querySelector("#phase-" + phaseId + " .show-all");
    if (!more) return;
    var url = document.getElementById("live").dataset.boardUrl + "phases/" + phaseId + "/cards/";
    htmx.ajax("GET", url, { source: more, target: "#phase-" + phaseId, swap: "outerHTML" }).then(function () {
      var loaded = document.getElementById("card-" + id);
      if (loaded) flash(loaded);
    });
  }

  function flash(card) {
    if (card.classList.contains("filtered-out")) {
      // Hidden by "only pain points"/"only opportunities" or by a persona: show everything again.
      var everything = document.querySelector("input[name=show-kind][value='']");
      var everyone = document.querySelector("select[name=show-persona]");
      if (everyone && everyone.value) {
        everyone.value = "";
        everyone.dispatchEvent(new Event("change", { bubbles: true })); // the filters' own listener forgets the persona
      }
      if (everything) {
        everything.checked = true;
        everything.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    card.scrollIntoView({ behavior: "smooth", block: "center", inline: "center" });
    if (card.hasAttribute("tabindex")) card.focus({ preventScroll: true });
    card.classList.remove("summary-flash");
    void card.offsetWidth; // restart the animation when the same item is clicked again
    card.classList.add("summary-flash");
    card.addEventListener("animationend", function () { card.classList.remove("summary-flash"); }, { once: true });
  }
})();

// ---- Personas side panel (templates/boards/personas.html) ------------------------------
// Open or closed is each person's own view, remembered per board; without a choice the
// page opens it on a board that has personas (board.html decides). Enter opens a persona's
// editor, Escape cancels it, Ctrl+Enter saves from a text area, as for cards.
(function () {
  "use strict";

  var side = document.getElementById("persona-side");
  var live = document.getElementById("live");
  if (!side || !live) return;
  var key = "journeyboard:personas-open:" + live.dataset.boardUrl;
  var heldBack = false; // someone else's change to the panel, waiting until this person stops editing it

  function remembered() {
    try { return window.localStorage.getItem(key); } catch (e) { return null; } // storage may be blocked
  }

  function remember(open) {
    try { window.localStorage.setItem(key, open ? "1" : "0"); } catch (e) { /* the choice just is not kept */ }
  }

  // A side panel like the others (ui.js); only its person's own opening and closing is remembered.
  // A phone has no room beside the board: there the panel waits to be opened.
  var choice = remembered();
  if (choice === null && window.matchMedia("(max-width: 600px)").matches) choice = "0";
  if (choice === "1" && !side.open) window.journeyboard.openPanel(side);
  else if (choice === "0" && side.open) window.journeyboard.closePanel(side);
  side.addEventListener("jb:panel-open", function () { remember(true); });
  side.addEventListener("close", function () {
    if (window.journeyboard.closedByPerson(side)) remember(false);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.matches && target.matches("article.persona[hx-get]")) {
      event.preventDefault();
      target.click();
      return;
    }
    var form = target.closest && target.closest(".persona-editing");
    if (!form) return;
    if (event.key === "Escape") {
      event.preventDefault();
      htmx.ajax("GET", form.dataset.cancelUrl, { source: form, target: form, swap: "outerHTML" });
    } else if (event.key === "Enter" && target.matches("textarea") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      htmx.trigger(form, "submit");
    }
  });

  // Someone else's change re-sends the whole panel; it must not wipe out a persona this
  // person is editing or has started to add. Hold it back and fetch the panel once they
  // are done (at once if all they lose is the focus of the empty add form, which htmx
  // gives back: the field keeps its id).
  function busy(panel) {
    if (panel.querySelector(".persona-editing")) return true;
    return Array.prototype.some.call(panel.querySelectorAll("#add-persona input"), function (input) {
      return input.value !== "";
    });
  }

  function catchUp() {
    var panel = document.getElementById("personas");
    if (!heldBack || !panel || busy(panel)) return;
    heldBack = false;
    htmx.ajax("GET", live.dataset.boardUrl + "personas/", { source: panel, target: panel, swap: "outerHTML" });
  }

  document.body.addEventListener("jb:before-swap", function (event) {
    var target = event.target;
    var frame = event.detail.frame;
    if (target.id !== "personas" || (frame && frame.resync)) return; // a resync replaces everything, as asked
    if (busy(target)) event.preventDefault();
  });

  // Whoever held the panel back (this script, or live.js for a field being typed in), it
  // is fetched again once this person is done.
  document.body.addEventListener("jb:held", function (event) {
    if (event.target.id !== "personas") return;
    heldBack = true;
    setTimeout(catchUp, 0);
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    if (target.id === "personas") heldBack = false; // the server's current panel, by this page's own request
    if (target.id.indexOf("persona-") === 0) {
      // A closed editor: focus the persona again, so keyboard users keep their place.
      var persona = document.getElementById(target.id);
      if (persona && persona.matches("article")) persona.focus({ preventScroll: true });
    }
    catchUp();
  });

  side.addEventListener("focusout", function () {
    setTimeout(catchUp, 0); // once focus has moved on
  });

  // After adding a persona (or being told what is wrong), the name field is ready for the next.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "add-persona") {
      var name = document.getElementById("add-persona-name");
      if (name) name.focus();
    }
  });

  // A file's cards were added (the board itself comes as any change): the import form
  // closes, empty for the next file, and says how many.
  document.body.addEventListener("jb:imported", function (event) {
    var dialog = document.getElementById("import-dialog");
    var form = document.getElementById("import-cards");
    if (form) {
      form.reset();
      var errors = document.getElementById("import-cards-errors");
      if (errors) errors.remove();
      form.querySelectorAll("[aria-invalid]").forEach(function (field) {
        field.removeAttribute("aria-invalid");
        field.removeAttribute("aria-describedby");
      });
    }
    if (dialog && dialog.open) dialog.close("");
    window.journeyboard.toast(event.detail && event.detail.message);
  });
})();
