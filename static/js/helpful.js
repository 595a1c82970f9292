// The "Helpful" buttons under comments. Without this file each is a plain form: the vote
// posts and the page comes back at the comment with a notice. With it the vote is sent in the
// background (Accept: application/json), the count is updated in place from the answer, and
// the button says the reader voted. "You voted" is this browser's alone: it is kept in
// localStorage and marked after the page loads, never written into the shared page.
(function () {
  "use strict";

  var section = document.getElementById("comments");
  if (!section || !window.fetch) return;

  var STORE = "helpfulVotes";
  var announcer = document.getElementById("comment-announcer");

  function announce(message) {
    if (!announcer || !message) return;
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = message;
    }, 100);
  }

  function votedIds() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "[]");
    } catch (error) {
      return [];
    }
  }

  function remember(id) {
    try {
      var ids = votedIds().filter(function (kept) {
        return kept !== id;
      });
      ids.push(id);
      window.localStorage.setItem(STORE, JSON.stringify(ids.slice(-500)));
    } catch (error) {
      // Private mode or storage full: the mark lasts for this page only.
    }
  }

  function markVoted(form) {
    var button = form.querySelector("button");
    if (!button) return;
    button.disabled = true;
    button.classList.add("helpful-voted");
    var said = button.querySelector(".helpful-said");
    if (!said) {
      said = document.createElement("span");
      said.className = "helpful-said";
      said.textContent = " (you found this helpful)";
      button.appendChild(said);
    }
  }

  var voted = votedIds();
  section.querySelectorAll("form.helpful-form").forEach(function (form) {
    if (voted.indexOf(form.dataset.comment) !== -1) markVoted(form);
  });

  section.addEventListener("submit", function (event) {
    var form = event.target.closest("form.helpful-form");
    if (!form) return;
    event.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        var count = form.querySelector(".helpful-count");
        if (count && typeof data.count === "number") count.textContent = String(data.count);
        if (data.voted) {
          remember(form.dataset.comment);
          markVoted(form);
        } else if (button) {
          button.disabled = false;
        }
        announce(data.message);
      })
      .catch(function () {
        // No answer we can read: send the form the plain way instead.
        form.submit();
      });
  });
})();
