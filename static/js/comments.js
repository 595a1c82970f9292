// Comfort for the comment section under an article. The page works without this file: Reply
// links load the page again with the form addressed to that comment (?replytocom=), times are
// written by the server, and a failed post shows its error summary at the top of the form.
// With it: the reply form moves under the comment being answered, relative times stay fresh,
// and focus goes where a keyboard or screen-reader user needs it next.
(function () {
  "use strict";

  var section = document.getElementById("comments");
  if (!section) return;

  var NBSP = "\u00a0";

  // --- Relative times ------------------------------------------------------------------------
  // The same words as Django's naturaltime filter, so nothing jumps when the script starts.
  // Times four weeks old or more keep the server's words (they use calendar months).
  function plural(count, one, many) {
    return count === 1 ? one : count + NBSP + many;
  }

  function unit(count, name) {
    return count + NBSP + name + (count === 1 ? "" : "s");
  }

  function naturalTime(then, now) {
    var seconds = Math.floor((now - then) / 1000);
    if (seconds <= 0) return "now";
    if (seconds < 60) return plural(seconds, "a second ago", "seconds ago");
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return plural(minutes, "a minute ago", "minutes ago");
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return plural(hours, "an hour ago", "hours ago");
    var days = Math.floor(hours / 24);
    if (days < 7) {
      hours = hours % 24;
      return unit(days, "day") + (hours ? ", " + unit(hours, "hour") : "") + " ago";
    }
    if (days < 28) {
      var weeks = Math.floor(days / 7);
      days = days % 7;
      return unit(weeks, "week") + (days ? ", " + unit(days, "day") : "") + " ago";
    }
    return null;
  }

  function refreshTimes() {
    var now = Date.now();
    section.querySelectorAll(".comment-permalink time[datetime]").forEach(function (time) {
      var then = Date.parse(time.getAttribute("datetime"));
      if (isNaN(then)) return;
      var words = naturalTime(then, now);
      if (words !== null && time.textContent !== words) time.textContent = words;
    });
  }

  refreshTimes();
  window.setInterval(refreshTimes, 60 * 1000);

  // --- Announcements -------------------------------------------------------------------------
  var announcer = document.getElementById("comment-announcer");

  function announce(message) {
    if (!announcer) return;
    // Emptied first, so the same words said twice are announced twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = message;
    }, 100);
  }

  // --- The error summary after a failed post -------------------------------------------------
  var summary = section.querySelector(".form-error-summary");
  if (summary) {
    summary.focus();
    // The page is shown at #respond: once loaded, Chromium applies that fragment and clears
    // focus (#respond is not focusable). Put it back, unless the reader has moved on already.
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        var active = document.activeElement;
        if (!active || active === document.body) summary.focus();
      }, 0);
    });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      // Show the field's label too, not only the field.
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  var respond = document.getElementById("respond");
  var form = respond && respond.querySelector("form.comment-form");
  if (!form) return;

  // --- The reply form under the comment being answered ---------------------------------------
  var title = document.getElementById("reply-title");
  var parentField = form.querySelector("input[name='parent']");
  var textarea = form.querySelector("textarea[name='comment']");
  if (!title || !parentField || !textarea) return;

  // Where the form lives when it answers nobody: just after this marker.
  var home = document.createElement("div");
  home.className = "respond-home";
  respond.parentNode.insertBefore(home, respond);
  var opener = null;

  // This page's address without ?replytocom= (other parameters, such as the thread's page,
  // stay), pointing at the form.
  function addressWithoutReply() {
    var params = new URLSearchParams(window.location.search);
    params.delete("replytocom");
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "") + "#respond";
  }

  function setTitle(author) {
    title.textContent = "";
    if (!author) {
      title.textContent = "Leave a Comment";
      return;
    }
    // The name in its own <bdi>, as the server writes it: a right-to-left name stays whole.
    var name = document.createElement("bdi");
    name.textContent = author;
    title.appendChild(document.createTextNode("Leave a Reply to "));
    title.appendChild(name);
    title.appendChild(document.createTextNode(" "));
    var small = document.createElement("small");
    var cancel = document.createElement("a");
    cancel.className = "cancel-reply-link";
    cancel.rel = "nofollow";
    cancel.href = addressWithoutReply();
    cancel.textContent = "Cancel reply";
    small.appendChild(cancel);
    title.appendChild(small);
  }

  function openReply(link) {
    var item = link.closest("li.comment");
    var body = item && item.querySelector(":scope > .comment-body");
    var author = link.getAttribute("data-author");
    var id = link.getAttribute("data-comment");
    if (!body || !author || !id) return false;
    body.parentNode.insertBefore(respond, body.nextSibling);
    respond.classList.add("is-inline");
    parentField.value = id;
    setTitle(author);
    opener = link;
    textarea.focus();
    announce("Replying to " + author + ". The comment form is now below their comment.");
    return true;
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    respond.classList.remove("is-inline");
    parentField.value = "";
    setTitle(null);
    if (new URLSearchParams(window.location.search).has("replytocom")) {
      window.history.replaceState(null, "", addressWithoutReply());
    }
    var back = opener && document.body.contains(opener) ? opener : textarea;
    opener = null;
    back.focus();
    announce("Reply cancelled. The form now posts a new comment.");
  }

  section.addEventListener("click", function (event) {
    // A new tab or window keeps the plain link's behaviour.
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var reply = event.target.closest("a.comment-reply-link");
    if (reply) {
      if (openReply(reply)) event.preventDefault();
      return;
    }
    if (event.target.closest("#reply-title a.cancel-reply-link")) {
      event.preventDefault();
      cancelReply();
    }
  });
})();
