// What every page shares: toasts, the one handler for refused requests, popovers (menus in
// a <details>), the side panels docked on the right, and the polite announcements of the
// live region. Loaded before the page's own scripts (base.html); they use `window.journeyboard`.
(function () {
  "use strict";

  var body = document.body;

  // ---- toasts ----------------------------------------------------------------------

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box || !message) return;
    // The same sentence twice at once (two requests failing together) is said once.
    var same = Array.prototype.some.call(box.children, function (shown) { return shown.textContent === message; });
    if (same) return;
    var item = document.createElement("div");
    item.className = "toast" + (kind ? " toast-" + kind : "");
    item.textContent = message; // text, never HTML: messages may quote user input
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, kind === "error" ? 8000 : 5000);
  }

  // Screen readers hear this; sighted people see the change itself (a card moved).
  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    // A fresh text node after the clear: the same sentence twice is read twice.
    setTimeout(function () { region.textContent = message; }, 50);
  }

  // ---- refused requests --------------------------------------------------------------
  // The server refuses in a sentence (text/plain, views/errors.py) or, for a form, with the
  // form and its errors (HTML, 409/422, swapped in place). Every refusal in words becomes
  // a toast here, whichever element asked and whatever its status: nothing is swapped.

  function isText(xhr) {
    return (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
  }

  // In development django-htmx's helper replaces the whole page with an error answer
  // (400, 403, 404, 500), on `document`: a refusal in words is ours to show, so it stops here.
  body.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status >= 400 && isText(xhr)) event.stopPropagation();
  });

  body.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    if (!xhr || xhr.status < 400) return;
    if (isText(xhr)) {
      detail.shouldSwap = false;
      toast(xhr.responseText || body.dataset.errorMessage, "error");
    } else if (!detail.shouldSwap) {
      toast(body.dataset.errorMessage || "Something went wrong.", "error");
    }
    refused(asker(detail), xhr.status);
  });

  body.addEventListener("htmx:sendError", function (event) {
    toast(body.dataset.offlineMessage || "The server cannot be reached.", "error");
    refused(asker(event.detail), 0);
  });

  // The element that made the request: htmx sets `detail.elt` to whatever an event is
  // dispatched on (the target, or an ancestor once the element was swapped away).
  function asker(detail) {
    return (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
  }

  // `jb:refused` on the element that asked (bubbling), for what must be undone on the page:
  // a card put back where the server has it, a bar fetched again.
  function refused(elt, status) {
    var on = elt && document.contains(elt) ? elt : body;
    on.dispatchEvent(new CustomEvent("jb:refused", { bubbles: true, detail: { status: status } }));
  }

  // Sentences the server sends with a successful answer (HX-Trigger): a toast, a live
  // region announcement.
  body.addEventListener("jb:toast", function (event) { toast(event.detail && event.detail.message); });
  body.addEventListener("jb:announce", function (event) { announce(event.detail && event.detail.message); });

  // ---- popovers: a <details> holding a .menu -----------------------------------------
  // Clicking outside or pressing Escape closes it; so does choosing one of its links
  // (a download starts, the page stays) or a button that opens a dialog.

  function popovers() {
    return document.querySelectorAll("details[open]:has(> .menu)");
  }

  function closePopover(menu, focusSummary) {
    menu.removeAttribute("open");
    var summary = menu.querySelector(":scope > summary");
    if (focusSummary && summary) summary.focus();
  }

  document.addEventListener("click", function (event) {
    popovers().forEach(function (menu) {
      if (!menu.contains(event.target)) closePopover(menu, false);
      else if (event.target.closest(".menu a[href], .menu [data-copy-link], .menu [data-open-dialog]")) setTimeout(function () { closePopover(menu, false); }, 0);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = popovers();
    if (!open.length) return;
    // The innermost first: one Escape closes one thing.
    var inside = event.target.closest && event.target.closest("details[open]:has(> .menu)");
    closePopover(inside || open[open.length - 1], true);
    event.preventDefault();
    event.stopPropagation();
  }, true);

  // ---- downloads that take a while ----------------------------------------------------
  // An export (a[data-download]) can take seconds to prepare. The link is fetched here so
  // that it says it is busy until the file is there (aria-busy on the link and on its
  // menu's button, which shows a spinner), then the file is saved under the server's name.
  // Without this script the link downloads as any link does.

  function downloadName(response, href) {
    var found = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return found ? found[1] : href.split("?")[0].split("/").pop();
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function markBusy(link, busy) {
    if (busy) link.setAttribute("aria-busy", "true");
    else link.removeAttribute("aria-busy");
    var menu = link.closest("details");
    var summary = menu && menu.querySelector(":scope > summary");
    if (!summary) return;
    // The menu's button stays busy while any of its downloads is.
    if (busy || !menu.querySelector('[data-download][aria-busy="true"]')) markBusyElement(summary, busy);
  }

  function markBusyElement(element, busy) {
    if (busy) element.setAttribute("aria-busy", "true");
    else element.removeAttribute("aria-busy");
  }

  function refusal(response) {
    var plain = (response.headers.get("Content-Type") || "").indexOf("text/plain") === 0;
    return plain ? response.text() : Promise.resolve(body.dataset.errorMessage);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-download]");
    if (!link || !window.fetch || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return; // once at a time
    markBusy(link, true);
    var holder = link.closest("[data-preparing]");
    if (holder) announce(holder.dataset.preparing);
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return refusal(response).then(function (message) { toast(message || body.dataset.errorMessage, "error"); });
      return response.blob().then(function (blob) { save(blob, downloadName(response, link.href)); });
    }, function () {
      toast(body.dataset.offlineMessage || "The server cannot be reached.", "error");
    }).then(function () { markBusy(link, false); });
  });

  // ---- side panels -------------------------------------------------------------------
  // A non-modal <dialog class="side-panel"> docked on the right below the top bar; the
  // board makes room (app.css). One is open at a time; its openers ([data-open-dialog])
  // say whether it is open (aria-expanded); Escape inside it closes it and focus goes
  // back to what opened it. A panel's content refreshes itself (hx-trigger) only while open.

  var openers = new WeakMap(); // panel -> the element that opened it
  var REPLACED = "replaced";   // a panel's returnValue when another one took its place

  function isPanel(dialog) {
    return dialog && dialog.tagName === "DIALOG" && dialog.classList.contains("side-panel");
  }

  function markOpeners(panel) {
    document.querySelectorAll('[data-open-dialog="' + panel.id + '"]').forEach(function (button) {
      button.setAttribute("aria-expanded", panel.open ? "true" : "false");
    });
  }

  function openPanel(panel, from) {
    document.querySelectorAll("dialog.side-panel[open]").forEach(function (other) {
      if (other !== panel) other.close(REPLACED); // one at a time: not closed by its person
    });
    if (from) openers.set(panel, from);
    if (!panel.open) panel.show();
    markOpeners(panel);
    panel.dispatchEvent(new CustomEvent("jb:panel-open", { bubbles: true }));
  }

  function closePanel(panel) {
    if (panel.open) panel.close("");
  }

  document.addEventListener("close", function (event) {
    var panel = event.target;
    if (!isPanel(panel)) return;
    markOpeners(panel);
    var back = openers.get(panel);
    openers.delete(panel);
    // Only when focus was in the panel (Escape, its close button), not when another panel took its place.
    var focus = document.activeElement;
    if (back && document.contains(back) && (!focus || focus === body || panel.contains(focus))) back.focus({ preventScroll: true });
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    var panel = event.target.closest && event.target.closest("dialog.side-panel[open]");
    // In an in-place editor (a persona's) Escape cancels the editing, not the panel.
    if (!panel || event.target.closest("[data-cancel-url]")) return;
    event.preventDefault();
    closePanel(panel); // a non-modal dialog does not close on Escape by itself
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      // A panel's toolbar button opens it, and closes it again.
      if (isPanel(dialog)) {
        if (dialog.open && !dialog.contains(opener) && opener.hasAttribute("aria-expanded")) closePanel(dialog);
        else openPanel(dialog, opener);
      } else if (dialog && !dialog.open) dialog.showModal();
    }
    var closer = event.target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close("");
  });

  // Content that refreshes on a jb:* event (hx-trigger="jb:changed from:body delay:300ms")
  // does not while its panel is closed: it is fetched again on opening anyway.
  body.addEventListener("htmx:confirm", function (event) {
    var trigger = event.detail.triggeringEvent;
    if (!trigger || trigger.type.indexOf("jb:") !== 0) return;
    var dialog = event.target.closest && event.target.closest("dialog");
    if (dialog && !dialog.open) event.preventDefault();
  });

  // The panels sit below the top bar, whose height changes when it wraps.
  var topbar = document.querySelector(".topbar");
  if (topbar && window.ResizeObserver) {
    new ResizeObserver(function () {
      document.documentElement.style.setProperty("--topbar-h", topbar.offsetHeight + "px");
    }).observe(topbar);
  }

  document.querySelectorAll("dialog.side-panel").forEach(markOpeners);

  window.journeyboard = {
    toast: toast, announce: announce, openPanel: openPanel, closePanel: closePanel,
    // Whether a panel was closed by its person (not because another one took its place).
    closedByPerson: function (panel) { return panel.returnValue !== REPLACED; },
  };
  window.journeyboardToast = toast; // the older name, still used by tests and scripts
})();
