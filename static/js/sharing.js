// Share links and the board lock (templates/boards/sharing.html).
// - The facilitator's "Lock board" switch follows the lock banner's `data-locked`, which
//   every lock change re-renders on every page (another facilitator may have switched it).
// - Share links are shown as whole addresses to copy; the server renders only their path,
//   since a broadcast does not know which host the page was opened on.
(function () {
  "use strict";

  function syncLockSwitch() {
    var banner = document.getElementById("lock-banner");
    var box = document.querySelector("#lock-toggle input[type=checkbox]");
    if (banner && box) box.checked = banner.dataset.locked === "true";
  }

  function showFullLinks(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-share-path]").forEach(function (el) {
      el.textContent = new URL(el.dataset.sharePath, window.location.href).href;
    });
  }

  htmx.onLoad(function (root) {
    syncLockSwitch();
    showFullLinks(root);
  });
})();
