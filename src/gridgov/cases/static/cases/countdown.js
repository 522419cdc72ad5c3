/* The cards' countdowns: each [data-countdown] holds its limit (ISO time) and the words to say the
   time left in (data-units, rendered by the server in the user's language: services/due.py). The
   server's text is right when the page is drawn; this keeps it right every 30 s, and for cards htmx
   swaps in. */
(function () {
  "use strict";
  const URGENT_SECONDS = 2 * 3600;  // as services/due.py

  function say(box, now) {
    const words = JSON.parse(box.dataset.units);
    const left = Math.round((Date.parse(box.dataset.countdown) - now) / 1000);
    const seconds = Math.abs(left);
    const days = Math.floor(seconds / 86400), hours = Math.floor(seconds % 86400 / 3600);
    const minutes = Math.floor(seconds % 3600 / 60);
    const span = days ? days + words.d + hours + words.h : hours ? hours + words.h + minutes + words.m : minutes + words.m;
    box.querySelector("[data-countdown-text]").textContent = (left < 0 ? words.over : words.left).replace("%(time)s", span);
    box.classList.toggle("text-danger", left < URGENT_SECONDS);
    box.classList.toggle("fw-semibold", left < URGENT_SECONDS);
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (box) { say(box, now); });
  }

  setInterval(tick, 30000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
})();
