// The countdown beside a commenter's own "Edit" and "Delete" links (and on the edit page).
// The page works without this file: the server writes "Edit for 12 more minutes" as it renders
// the page and refuses a change after the window (comments/posting/editing.py). With it, the
// minutes count down, and when the time is over the links go away and the text says so.
// On the edit page, after a refused change, focus goes to the error summary (as comments.js
// does on the article page), so a keyboard or screen-reader user hears what to fix first.
(function () {
  "use strict";

  var summary = document.querySelector(".own-edit-form .form-error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  var items = document.querySelectorAll("[data-edit-until]");
  if (!items.length) return;

  function refresh() {
    var now = Date.now();
    items.forEach(function (item) {
      var until = Date.parse(item.getAttribute("data-edit-until"));
      var countdown = item.querySelector(".comment-edit-countdown");
      if (isNaN(until) || !countdown) return;
      var minutes = Math.ceil((until - now) / 60000);
      if (minutes <= 0) {
        item.querySelectorAll("a").forEach(function (link) {
          link.remove();
        });
        countdown.textContent = "The time to edit is over";
        return;
      }
      var words = "Edit for " + minutes + " more minute" + (minutes === 1 ? "" : "s");
      if (countdown.textContent !== words) countdown.textContent = words;
    });
  }

  refresh();
  window.setInterval(refresh, 10 * 1000);
})();
