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
      if (dialog && !dialog.open) dialog.showModal();
    }
    var copy = event.target.closest("[data-copy-link]");
    if (copy) {
      var link = new URL(copy.dataset.copyLink, window.location.href).href;
      var done = function () { toast(copy.dataset.copied); };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(link).then(done, function () { window.prompt("", link); });
      else window.prompt("", link); // clipboard API needs https; let the person copy it
      copy.closest("details").removeAttribute("open");
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
    // Clicking outside an open phase menu closes it.
    document.querySelectorAll("details.phase-menu[open], details.export-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();
