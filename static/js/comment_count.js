// A live "N of LIMIT characters" under the comment box. The page works without this file: the
// help under the box says "Up to LIMIT characters." and the server refuses a longer text with
// the text kept.
// The count is the form's (comments/posting/forms.py): characters (code points, so an emoji is
// one), line breaks as one, control characters and noncharacters dropped, white space and
// U+FEFF at either end not counted (String.prototype.trim; the server's forms.trim). Screen readers hear the count when the typing pauses.
(function () {
  "use strict";

  var counter = document.getElementById("id_comment_count");
  var box = document.getElementById("id_comment");
  if (!counter || !box) return;
  var limit = parseInt(counter.getAttribute("data-limit"), 10);
  var text = counter.querySelector(".comment-count-text");
  var status = counter.querySelector(".comment-count-status");
  if (!limit || !text) return;

  // forms.strip_control_characters and sanitize.UNUSABLE_CHARACTERS, by code point.
  function unusable(code) {
    return (
      code <= 0x08 ||
      code === 0x0b ||
      code === 0x0c ||
      (code >= 0x0e && code <= 0x1f) ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xdfff) ||
      (code >= 0xfdd0 && code <= 0xfdef) ||
      (code & 0xfffe) === 0xfffe
    );
  }

  function length(value) {
    var kept = Array.from(value.replace(/\r\n?/g, "\n")).filter(function (ch) {
      return !unusable(ch.codePointAt(0));
    });
    return Array.from(kept.join("").trim()).length;
  }

  function words(count) {
    var said = count + " of " + limit + " characters";
    if (count > limit) said += ": " + (count - limit) + " too many";
    return said;
  }

  var pause = null;
  function update() {
    var count = length(box.value);
    text.textContent = words(count);
    counter.classList.toggle("text-danger", count > limit);
    if (!status) return;
    window.clearTimeout(pause);
    pause = window.setTimeout(function () {
      status.textContent = words(count);
    }, 1000);
  }

  // Screen readers hear the status, after a pause, not every keystroke.
  text.textContent = words(length(box.value));
  counter.hidden = false;
  box.addEventListener("input", update);
})();
