// Live collaboration on the board page. htmx's ws extension applies the HTML that other
// people's changes produce (out-of-band swaps); this script handles the small JSON
// messages (presence, cursors, who is editing), the connection state, and catching up
// by revision after a reconnect.
//
// Every frame is read here, once, and announced as DOM events on <body> for the other
// scripts (docs/architecture-client.md):
//   jb:<type>      a JSON message, e.g. jb:presence, jb:follow, jb:follow-stop, jb:error
//                  (detail: the message)
//   jb:frame       an HTML frame about to be applied (detail: {fragment, resync, lock})
//   jb:before-swap on an out-of-band target, cancelable: a listener that calls
//                  preventDefault() keeps what the page shows (detail.quiet: without the
//                  "changed meanwhile" notice); jb:held follows on targets held back
//   jb:changed     the board changed: after a frame is applied, or this page's own change
//                  was saved (panels refresh with hx-trigger="jb:changed from:body delay:…")
(function () {
  "use strict";

  var live = document.getElementById("live");
  if (!live) return;

  var myUser = Number(live.dataset.user);
  var socket = null;          // htmx's socket wrapper while connected
  var frame = null;           // the HTML frame being applied: {fragment, resync, lock}
  var missedWhileEditing = false;
  var people = new Map();     // conn -> {user, name, initials, color, editing}
  var reconnectTimer = null;
  var reconnectAttempts = 0;
  // Live updates paused: the server closed with 4503 because it lost its channel layer
  // (Redis). Edits still work; the page retries until an answer to "sync" shows it is back.
  var CLOSE_LIVE_PAUSED = 4503;
  var paused = false;

  // ---- connection state ------------------------------------------------------------

  function emit(name, detail, on) {
    (on || document.body).dispatchEvent(new CustomEvent(name, { bubbles: true, cancelable: true, detail: detail }));
  }

  function setState(state) {
    var badge = document.getElementById("connection");
    if (!badge) return; // the page is being left or was replaced
    badge.dataset.state = state;
    badge.textContent = badge.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)] || state;
    document.body.classList.toggle("is-offline", state !== "live");
  }

  function send(message) {
    if (socket) socket.send(JSON.stringify(message));
  }

  // ---- revisions -------------------------------------------------------------------
  // `contiguous`: every change up to this revision is on the page. Changes from several
  // server processes can overtake each other; one applied ahead of a hole is remembered
  // in `ahead`, and a hole that does not fill up soon means a change was missed.

  var contiguous = Number(document.getElementById("board-revision").dataset.revision);
  var currentRevision = function () {
    var el = document.getElementById("board-revision");
    return el ? Number(el.dataset.revision) : contiguous;
  };
  var ahead = new Set();
  var holeTimer = null;

  function resetTo(rev) {
    contiguous = rev;
    ahead.clear();
  }

  function noteApplied(rev) {
    if (rev <= contiguous) return;
    ahead.add(rev);
    while (ahead.has(contiguous + 1)) ahead.delete(++contiguous);
    if (ahead.size && !holeTimer) {
      holeTimer = setTimeout(function () {
        holeTimer = null;
        if (ahead.size) askToCatchUp();
      }, 1500);
    }
  }

  // The server answers "synced" if it is at `contiguous`, else with the whole board.
  var owedFullSync = false; // a change failed while offline: fetch everything once back

  function askToCatchUp(everything) {
    if (!socket) {
      owedFullSync = owedFullSync || !!everything;
      return;
    }
    send({ type: "sync", revision: everything || owedFullSync ? -1 : contiguous });
    owedFullSync = false;
  }

  // A change that was saved but never broadcast (its server process died in between, or
  // Redis lost it while hanging) would otherwise show only with the next change (whose gap
  // gives it away): so after 20 s without any change, check (tests/test_faults.py,
  // bench/reliability.py). Not while a card editor is open: the whole board, if something
  // was missed, would replace it.
  var lastHeard = Date.now();
  setInterval(function () {
    if (!socket || Date.now() - lastHeard < 20000 || document.querySelector(".card-editing")) return;
    lastHeard = Date.now();
    askToCatchUp();
  }, 5000);

  document.body.addEventListener("htmx:wsConnecting", function () {
    var badge = document.getElementById("connection");
    var state = badge && badge.dataset.state;
    if (state !== "reconnecting" && state !== "paused") setState("connecting");
  });

  document.body.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    // While paused the server may accept and close again at once (Redis still down): only
    // the answer to our sync (confirmLive) ends the pause and the growing retry delays.
    if (!paused) {
      reconnectAttempts = 0;
      setState("live");
    }
    askToCatchUp();
    var editor = document.querySelector("form.card-editing");
    if (editor) send({ type: "editing", card: Number(editor.dataset.cardId) });
  });

  document.body.addEventListener("htmx:wsClose", function (event) {
    socket = null;
    forgetEveryone();
    var code = event.detail.event.code;
    if (code === CLOSE_LIVE_PAUSED) {
      paused = true;
      setState("paused");
      reconnectSoon(10000); // at most 10 s apart: live again soon after Redis is back
      return;
    }
    if (code >= 4000 && code < 5000) {
      setState("closed"); // refused (signed out, removed from the board): retrying will not help
      return;
    }
    setState("reconnecting");
    // htmx retries abnormal closures itself; a clean close (server shutting down) we retry here.
    if ([1006, 1011, 1012, 1013].indexOf(code) < 0) reconnectSoon();
  });

  function reconnectSoon(longest) {
    if (reconnectTimer) return;
    var delay = Math.min(longest || 30000, 500 * Math.pow(2, reconnectAttempts++)) * (0.5 + Math.random() / 2);
    reconnectTimer = setTimeout(function () {
      reconnectTimer = null;
      // A fresh element makes the ws extension open a fresh socket.
      var old = document.getElementById("live");
      if (!old) return;
      var fresh = old.cloneNode(false);
      old.replaceWith(fresh);
      htmx.process(fresh);
    }, delay);
  }

  // ---- incoming messages -----------------------------------------------------------

  document.body.addEventListener("htmx:wsBeforeMessage", function (event) {
    var text = event.detail.message;
    if (text.charAt(0) === "{") {
      event.preventDefault();
      var message = JSON.parse(text);
      handle(message);
      emit("jb:" + message.type.replace(/\./g, "-"), message);
      return;
    }
    lastHeard = Date.now();
    var template = document.createElement("template");
    template.innerHTML = text;
    var fragment = template.content;
    var revision = fragment.querySelector("#board-revision");
    frame = {
      fragment: fragment,
      // The whole board, sent because we asked: replaces even open editors.
      resync: !!(revision && revision.hasAttribute("data-resync")),
      // Locked or unlocked: controls come or go, open editors too (sharing.html#lock-banner).
      lock: !!fragment.querySelector("[data-lock-changed]"),
      // What has the keyboard focus: a change that re-renders it gives it back (below).
      focusId: document.activeElement && document.activeElement !== document.body ? document.activeElement.id : "",
    };
    if (revision && !frame.resync) noteApplied(Number(revision.dataset.revision));
    emit("jb:frame", frame);
  });

  function confirmLive() {
    if (!paused) return;
    paused = false;
    reconnectAttempts = 0;
    setState("live");
  }

  document.body.addEventListener("htmx:wsAfterMessage", function () {
    if (!frame) return;
    var applied = frame;
    frame = null;
    var focus = document.activeElement;
    if (applied.focusId && (!focus || focus === document.body)) {
      var again = document.getElementById(applied.focusId);
      if (again && again.tabIndex >= 0) again.focus({ preventScroll: true });
    }
    if (applied.resync) {
      resetTo(currentRevision());
      confirmLive();
    }
    showEditing();
    emit("jb:changed", { resync: applied.resync, lock: applied.lock });
  });

  // The one place that decides whether an out-of-band swap goes ahead. Someone else's
  // change must not wipe out a card editor (or a field) this person is typing in; other
  // scripts hold back what they know about (jb:before-swap). A lock is not held back:
  // whatever is being typed could not be saved any more, so it is kept aside instead.
  document.body.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    var ask = new CustomEvent("jb:before-swap", {
      bubbles: true, cancelable: true,
      detail: { frame: frame, fragment: event.detail.fragment, quiet: false },
    });
    target.dispatchEvent(ask);
    var busy = !!frame && !frame.resync && !frame.lock && editingIn(target);
    if (ask.defaultPrevented || busy) {
      event.preventDefault();
      if (busy && !ask.detail.quiet) showChangedNotice(target);
      target.dispatchEvent(new CustomEvent("jb:held", { bubbles: true }));
    } else if (frame && frame.lock) {
      keepTyped(target);
    }
  });

  function editingIn(target) {
    var focus = document.activeElement;
    return !!(target.matches(".card-editing") || target.querySelector(".card-editing") ||
      (focus && target.contains(focus) && focus.matches("input, textarea, select")));
  }

  function showChangedNotice(target) {
    missedWhileEditing = true;
    var editor = target.matches(".card-editing") ? target : target.querySelector(".card-editing");
    if (editor && !editor.querySelector(".changed-notice")) {
      var notice = document.createElement("p");
      notice.className = "changed-notice";
      notice.textContent = live.dataset.conflictLabel;
      editor.prepend(notice);
    }
  }

  // ---- text typed when the lock came ------------------------------------------------
  // The lock takes the add fields away from those it stops. What they had typed is said in
  // a toast, and put back into its field when the board is unlocked.

  var kept = {}; // field id -> text

  function keepTyped(target) {
    var lost = [];
    target.querySelectorAll("input[id], textarea[id]").forEach(function (field) {
      if (/^(hidden|checkbox|radio|color|number)$/.test(field.type)) return;
      var text = field.value.trim();
      if (!text || field.value === field.defaultValue) return;
      lost.push(text);
      // Editors share field ids between cards: only the add fields get their text back.
      if (!field.closest(".card-editing, .persona-editing")) kept[field.id] = field.value;
    });
    if (lost.length) window.journeyboard.toast(live.dataset.keptLabel.replace("{text}", lost.join(" · ")), "error");
  }

  htmx.onLoad(function (root) {
    Object.keys(kept).forEach(function (id) {
      var field = document.getElementById(id);
      if (!field || !root.contains(field) || field.value) return;
      field.value = kept[id];
      delete kept[id];
    });
  });

  // Our own changes are not echoed back; their responses say which revision they made.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    var made = xhr && xhr.getResponseHeader("X-Board-Revision");
    if (made) {
      noteApplied(Number(made));
      emit("jb:changed", { own: true });
    }
    if (!event.detail.successful && !(xhr && (xhr.status === 409 || xhr.status === 422))) {
      // A failed change may have left the page showing what the server does not have.
      askToCatchUp(true);
    }
  });

  function handle(message) {
    switch (message.type) {
      case "presence": return presence(message);
      case "cursor": return moveCursor(message);
      case "editing": return editing(message);
      case "role": return window.location.reload();
      case "error":
        window.journeyboard.toast(message.message, "error");
        return;
      case "synced": resetTo(message.revision); confirmLive(); return;
    }
  }

  // ---- presence --------------------------------------------------------------------

  // The socket asks for batched presence (presence=batched, docs/websocket.md): everyone
  // there in one "roster" frame on connecting, then "update" frames, each with every
  // arrival and departure of a moment. "join", "here" and "leave" are the older, one
  // person per frame form, still understood.
  function presence(message) {
    switch (message.action) {
      case "roster":
        var there = new Map(message.people.map(function (p) { return [p.conn, p]; }));
        people.forEach(function (p, conn) { if (!there.has(conn)) removeCursor(conn); });
        people = there;
        break;
      case "update":
        message.left.forEach(function (conn) {
          people.delete(conn);
          removeCursor(conn);
        });
        message.joined.forEach(function (p) { people.set(p.conn, p); });
        Object.keys(message.editing || {}).forEach(function (conn) {
          var p = people.get(conn);
          if (p) p.editing = message.editing[conn];
        });
        break;
      case "leave":
        people.delete(message.conn);
        removeCursor(message.conn);
        break;
      default: // join, here
        people.set(message.conn, message);
    }
    renderPresence();
    showEditing();
  }

  function forgetEveryone() {
    people.clear();
    document.querySelectorAll("#cursors .cursor").forEach(function (c) { c.remove(); });
    renderPresence();
    showEditing();
  }

  function renderPresence() {
    var bar = document.getElementById("presence");
    if (!bar) return; // the page is being left or was replaced
    bar.querySelectorAll(".presence-other").forEach(function (el) { el.remove(); });
    var seen = new Set([myUser]); // several tabs of one person count once
    people.forEach(function (p) {
      if (seen.has(p.user)) return;
      seen.add(p.user);
      var avatar = document.createElement("span");
      avatar.className = "avatar presence-other";
      avatar.style.setProperty("--c", p.color);
      avatar.title = p.name;
      avatar.dataset.user = p.user;
      avatar.textContent = p.initials;
      bar.appendChild(avatar);
    });
    var count = document.querySelector("#presence-count .presence-count-n");
    if (count) count.textContent = seen.size;
  }

  // ---- cursors ---------------------------------------------------------------------

  var scroller = document.getElementById("board-scroll");
  var lastSent = 0;
  var pending = null;

  function boardPoint(event) {
    var box = scroller.getBoundingClientRect();
    return { x: event.clientX - box.left + scroller.scrollLeft, y: event.clientY - box.top + scroller.scrollTop };
  }

  // At most one cursor message per 50 ms (20 a second); the last position always goes out.
  scroller.addEventListener("mousemove", function (event) {
    pending = boardPoint(event);
    var wait = 50 - (Date.now() - lastSent);
    if (wait <= 0) flushCursor();
    else if (!flushCursor.timer) flushCursor.timer = setTimeout(flushCursor, wait);
  });

  function flushCursor() {
    flushCursor.timer = null;
    if (!pending || !socket) return;
    send({ type: "cursor", x: Math.max(0, pending.x), y: Math.max(0, pending.y) });
    lastSent = Date.now();
    pending = null;
  }

  function moveCursor(message) {
    var layer = document.getElementById("cursors");
    if (!layer) return;
    var cursor = layer.querySelector('[data-conn="' + message.conn + '"]');
    if (!cursor) {
      cursor = document.createElement("div");
      cursor.className = "cursor";
      cursor.dataset.conn = message.conn;
      cursor.dataset.user = message.user;
      cursor.style.setProperty("--c", message.color);
      var arrow = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      arrow.setAttribute("viewBox", "0 0 16 16");
      arrow.innerHTML = '<path d="M1 1l5.5 14 2-6 6-2z"/>';
      var label = document.createElement("span");
      label.className = "cursor-name";
      label.textContent = message.name;
      cursor.appendChild(arrow);
      cursor.appendChild(label);
      layer.appendChild(cursor);
    }
    cursor.style.transform = "translate(" + message.x + "px," + message.y + "px)";
  }

  function removeCursor(conn) {
    var cursor = document.querySelector('#cursors [data-conn="' + conn + '"]');
    if (cursor) cursor.remove();
  }

  // ---- who is editing which card ---------------------------------------------------

  function editing(message) {
    var p = people.get(message.conn) || message;
    p.editing = message.card;
    people.set(message.conn, p);
    showEditing();
  }

  function showEditing() {
    document.querySelectorAll(".editing-by").forEach(function (el) { el.remove(); });
    people.forEach(function (p) {
      if (!p.editing) return;
      var card = document.getElementById("card-" + p.editing);
      if (!card) return;
      var badge = document.createElement("span");
      badge.className = "editing-by";
      badge.style.setProperty("--c", p.color);
      badge.textContent = p.name + " · " + live.dataset.editingLabel;
      card.appendChild(badge);
    });
  }

  // Tell the others when this page opens or closes a card editor.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    if (!target || !target.id || target.id.indexOf("card-") !== 0) return;
    var now = document.getElementById(target.id);
    if (now && now.matches("form.card-editing")) {
      send({ type: "editing", card: Number(now.dataset.cardId) });
    } else {
      send({ type: "editing", card: null });
      if (missedWhileEditing && !document.querySelector(".card-editing")) {
        missedWhileEditing = false;
        askToCatchUp(true); // something was held back while editing: fetch the board again
      }
    }
    showEditing();
  });

  htmx.onLoad(function () { showEditing(); });
})();
