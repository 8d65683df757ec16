// Follow mode: a facilitator brings everyone's view to the part of the board they are
// looking at. Nothing is stored: the leader's page sends the centre of its visible part of
// the board (board-content pixels, as cursors are) over the board socket, at most ten
// times a second; the server checks that the sender is a facilitator and relays it. The
// other pages scroll there and show "Following <name> · Leave"; anyone can leave, and
// follow again while the facilitator is still leading.
(function () {
  "use strict";

  var scroller = document.getElementById("board-scroll");
  var banner = document.getElementById("follow-banner");
  if (!scroller || !banner) return;

  var toggle = document.querySelector("[data-follow-toggle]"); // facilitators only
  var socket = null;
  var leading = false;
  var leader = null;   // {conn, name, x, y} of the facilitator we are shown, while they lead
  var left = false;    // this person left the current leader
  var INTERVAL = 100;  // ms between positions sent: ten a second
  var lastSent = 0;
  var sendTimer = null;
  var smooth = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  function send(message) {
    if (socket) socket.send(JSON.stringify(message));
  }

  // ---- leading (facilitators) ------------------------------------------------------

  function centre() {
    return {
      x: Math.max(0, Math.round(scroller.scrollLeft + scroller.clientWidth / 2)),
      y: Math.max(0, Math.round(scroller.scrollTop + scroller.clientHeight / 2)),
    };
  }

  function sendPosition() {
    sendTimer = null;
    if (!leading) return;
    var here = centre();
    send({ type: "follow", x: here.x, y: here.y });
    lastSent = Date.now();
  }

  // At most one position per INTERVAL; the last one always goes out.
  function sendSoon() {
    if (!leading || sendTimer) return;
    var wait = INTERVAL - (Date.now() - lastSent);
    if (wait <= 0) sendPosition();
    else sendTimer = setTimeout(sendPosition, wait);
  }

  function setLeading(on) {
    leading = on;
    if (toggle) {
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = on ? toggle.dataset.labelOn : toggle.dataset.labelOff;
    }
    if (on) {
      hideBanner(); // leading someone else's way, not following anyone
      leader = null;
      sendPosition();
    } else {
      clearTimeout(sendTimer);
      sendTimer = null;
    }
  }

  if (toggle) {
    toggle.addEventListener("click", function () {
      if (leading) {
        setLeading(false);
        send({ type: "follow.stop" });
      } else {
        setLeading(true);
      }
    });
  }

  scroller.addEventListener("scroll", sendSoon, { passive: true });
  window.addEventListener("resize", sendSoon);

  // ---- following (everyone else) ---------------------------------------------------

  function goTo(point) {
    scroller.scrollTo({
      left: Math.max(0, point.x - scroller.clientWidth / 2),
      top: Math.max(0, point.y - scroller.clientHeight / 2),
      behavior: smooth ? "smooth" : "auto",
    });
  }

  function showBanner() {
    var template = left ? banner.dataset.paused : banner.dataset.following;
    banner.querySelector(".follow-text").textContent = template.replace("{name}", leader.name);
    banner.querySelector("[data-follow-leave]").hidden = left;
    banner.querySelector("[data-follow-again]").hidden = !left;
    banner.classList.toggle("is-left", left);
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
  }

  function followed(message) {
    if (leading) return; // a facilitator who leads is not dragged around by another
    if (!leader || leader.conn !== message.conn) left = false; // someone (else) starts leading
    leader = { conn: message.conn, name: message.name, x: message.x, y: message.y };
    if (!left) goTo(leader);
    showBanner();
  }

  function stopFollowing(conn) {
    if (!leader || (conn && leader.conn !== conn)) return;
    leader = null;
    left = false;
    hideBanner();
  }

  banner.querySelector("[data-follow-leave]").addEventListener("click", function () {
    left = true;
    if (leader) showBanner();
  });

  banner.querySelector("[data-follow-again]").addEventListener("click", function () {
    left = false;
    if (leader) {
      goTo(leader);
      showBanner();
    }
  });

  // ---- the socket ------------------------------------------------------------------

  document.body.addEventListener("htmx:wsOpen", function (event) {
    socket = event.detail.socketWrapper;
    if (leading) sendPosition(); // after a reconnect, the others learn where we are again
  });

  document.body.addEventListener("htmx:wsClose", function () {
    socket = null;
    stopFollowing(null); // whoever led is unknown until we are back
  });

  // The socket's messages, as live.js announces them.
  document.body.addEventListener("jb:follow", function (event) { followed(event.detail); });
  document.body.addEventListener("jb:follow-stop", function (event) { stopFollowing(event.detail.conn); });
  document.body.addEventListener("jb:presence", function (event) {
    var message = event.detail;
    var update = message.action === "update";
    // Someone who just opened the board learns where the facilitator is.
    if (leading && (message.action === "join" || (update && message.joined.length))) sendSoon();
    var gone = update ? message.left : message.action === "leave" ? [message.conn] : [];
    gone.forEach(stopFollowing);
  });
  document.body.addEventListener("jb:error", function (event) {
    // Not (or no longer) a facilitator: the server refused to lead anyone.
    if (event.detail.code === "forbidden" && leading) setLeading(false);
  });
})();
