// Board page behaviour that htmx attributes cannot express on their own:
// drag and drop (SortableJS), keyboard shortcuts for in-place forms, dialogs and toasts.
// Kept free of inline handlers so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  function csrfHeaders() {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  }

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    var item = document.createElement("div");
    item.className = "toast" + (kind ? " toast-" + kind : "");
    item.textContent = message; // text, never HTML: messages may quote user input
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 5000);
  }

  window.journeyboardToast = toast;

  // A failed move leaves the card where it was dropped; put the board back as the server has it.
  function reloadBoard() {
    htmx.ajax("GET", window.location.pathname, { target: "#board-body", select: "#board-body", swap: "outerHTML" });
  }

  function moveUrl(card) {
    return document.getElementById("live").dataset.boardUrl + "cards/" + card.dataset.cardId + "/move/";
  }

  function initSortable(list) {
    if (list.dataset.sortable || typeof Sortable === "undefined") return;
    list.dataset.sortable = "1";
    Sortable.create(list, {
      group: "cards",
      animation: 150,
      draggable: "article.card[hx-get]", // only people who may edit get hx-get on cards
      filter: ".card-editing, input, textarea, select, button",
      preventOnFilter: false,
      ghostClass: "card-ghost",
      chosenClass: "card-chosen",
      onEnd: function (evt) {
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
        var card = evt.item;
        htmx.ajax("POST", moveUrl(card), {
          source: card,
          target: card,
          swap: "none",
          headers: csrfHeaders(),
          values: { phase: evt.to.dataset.phaseId, position: evt.newIndex },
        });
      },
    });
  }

  // View filters: what this person looks at, not a change to the board (nothing is sent).
  function applyFilters() {
    var kind = (document.querySelector("input[name=show-kind]:checked") || {}).value || "";
    var select = document.querySelector("select[name=highlight-channel]");
    var channel = select ? select.value : "";
    document.body.classList.toggle("filtering-kind", !!kind);
    document.body.classList.toggle("highlighting-channel", !!channel);
    document.querySelectorAll(".lane-cards article.card").forEach(function (card) {
      card.classList.toggle("filtered-out", !!kind && !card.classList.contains("kind-" + kind));
      card.classList.toggle("highlighted", !!channel && card.dataset.channel === channel);
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input[name=show-kind], select[name=highlight-channel]")) applyFilters();
  });

  htmx.onLoad(function (root) {
    applyFilters(); // cards swapped in by anyone's change follow the filters too
    var lists = root.matches && root.matches(".lane-cards") ? [root] : root.querySelectorAll(".lane-cards");
    lists.forEach(initSortable);
  });

  // Sortable is loaded with `defer` next to this file; make sure the first page gets it too.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".lane-cards").forEach(initSortable);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Enter on a focused card opens it, like a click (its hx-trigger).
    if (event.key === "Enter" && target.matches && target.matches("article.card[hx-get]")) {
      event.preventDefault();
      target.click();
      return;
    }
    var inline = target.closest && target.closest("[data-inline-edit]");
    if (inline && target.matches("input")) {
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

  // Focus the card again after its form is closed, so keyboard users keep their place.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("card") && !target.classList.contains("card-editing")) {
      var card = document.getElementById(target.id);
      if (card && card.matches("article")) card.focus({ preventScroll: true });
    }
  });

  document.body.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0 ? xhr.responseText : "";
    toast(text || document.body.dataset.errorMessage || "Something went wrong.", "error");
    if (event.detail.pathInfo && /\/move\/$/.test(event.detail.pathInfo.requestPath || "")) reloadBoard();
  });

  document.body.addEventListener("htmx:sendError", function () {
    toast(document.body.dataset.offlineMessage || "The server cannot be reached.", "error");
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      // A non-modal one (a side panel) leaves the board usable while it is open.
      if (dialog && !dialog.open) {
        if (dialog.hasAttribute("data-non-modal")) dialog.show();
        else dialog.showModal();
      }
    }
    var copy = event.target.closest("[data-copy-link]");
    if (copy) {
      var link = new URL(copy.dataset.copyLink, window.location.href).href;
      var done = function () { toast(copy.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, function () { window.prompt("", link); });
      else window.prompt("", link); // clipboard API needs https; let the person copy it
      var menu = copy.closest("details"); // the Export menu; share links have none
      if (menu) menu.removeAttribute("open");
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
    // Clicking outside an open phase menu closes it.
    document.querySelectorAll("details.phase-menu[open], details.export-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();

// ---- Summary panel: pain points & opportunities ------------------------------------
// A non-modal panel docked on the right (board.html #summary-dialog): people keep editing
// while it is open, so it refreshes itself after every change, whoever made it.
(function () {
  "use strict";

  var panel = document.getElementById("summary-dialog");
  if (!panel) return;
  var body = document.getElementById("summary-body");
  var refreshTimer = null;

  // One refresh for a burst of changes (a drag touches two lanes, a workshop types fast).
  function refreshSoon() {
    if (!panel.open) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      if (panel.open) htmx.trigger(body, "jb:refresh-summary");
    }, 300);
  }

  // Other people's changes: only HTML broadcasts get here, live.js consumes the JSON
  // frames (cursors, presence) before htmx's ws extension would announce them.
  document.body.addEventListener("htmx:wsAfterMessage", refreshSoon);

  // This page's own changes are not echoed back over the socket (an undo may bring back a card too).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail;
    var path = (detail.pathInfo && detail.pathInfo.requestPath) || "";
    if (detail.successful && detail.requestConfig && detail.requestConfig.verb !== "get" && /\/(cards|phases|undo|redo)\//.test(path)) {
      refreshSoon();
    }
  });

  // The panel sits below the top bar, whose height changes when it wraps.
  var topbar = document.querySelector(".topbar");
  if (topbar && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--topbar-h", topbar.offsetHeight + "px");
    }).observe(topbar);
  }

  // A non-modal dialog does not close on Escape by itself.
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") panel.close();
  });

  // The toolbar button shows (and tells screen readers) whether the panel is open.
  function markOpeners() {
    document.querySelectorAll('[data-open-dialog="summary-dialog"]').forEach(function (button) {
      button.setAttribute("aria-expanded", panel.open ? "true" : "false");
    });
  }
  markOpeners();
  panel.addEventListener("close", markOpeners);

  // An item links to its card (`#card-<id>`); scroll there smoothly and make it flash.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest('[data-open-dialog="summary-dialog"]')) markOpeners(); // opened by the handler above
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
      // Hidden by "only pain points"/"only opportunities": show everything again.
      var everything = document.querySelector("input[name=show-kind][value='']");
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
  var resync = false;

  function remembered() {
    try { return window.localStorage.getItem(key); } catch (e) { return null; } // storage may be blocked
  }

  function remember(open) {
    try { window.localStorage.setItem(key, open ? "1" : "0"); } catch (e) { /* the choice just is not kept */ }
  }

  function show(open) {
    side.hidden = !open;
    document.querySelectorAll("[data-personas-toggle][aria-expanded]").forEach(function (button) {
      button.setAttribute("aria-expanded", String(open));
    });
  }

  var choice = remembered();
  if (choice !== null) show(choice === "1");

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-personas-toggle]");
    if (!toggle) return;
    var open = side.hidden;
    show(open);
    remember(open);
    // Closing from inside the panel: keep keyboard users at the toolbar button.
    if (!open && side.contains(toggle)) document.querySelector(".personas-toggle").focus();
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

  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    resync = event.detail.message.indexOf("data-resync") >= 0;
  });

  // On `document`, so that this runs after live.js (on `body`), which holds back swaps into
  // a field being typed in: whoever held it back, the panel is fetched again afterwards.
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "personas" || resync) return; // a resync replaces everything, as asked
    if (busy(target)) event.preventDefault();
    if (event.defaultPrevented) {
      heldBack = true;
      setTimeout(catchUp, 0);
    }
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
})();
