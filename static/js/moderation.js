// Keyboard shortcuts and "select all" for the moderation queue. The page works without this
// file: every action is a plain form button; this only adds comfort.
(function () {
  "use strict";
  const rows = Array.from(document.querySelectorAll(".queue-row[data-comment]"));
  const selectAll = document.querySelector(".select-all");

  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll(".queue-select").forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }
  // The comment page's ban form: "remove this email's comments" means nothing for an IP or
  // network ban, so it is switched off while one of those is chosen (the server ignores it too).
  const banForm = document.querySelector(".ban-form");
  const removeBox = banForm && banForm.querySelector("input[name=remove_comments]");
  if (removeBox) {
    const syncRemoveBox = function () {
      const chosen = banForm.querySelector("input[name=kind]:checked");
      removeBox.disabled = !chosen || chosen.value !== "email";
      if (removeBox.disabled) removeBox.checked = false;
    };
    banForm.addEventListener("change", syncRemoveBox);
    syncRemoveBox();
  }

  if (!rows.length) return;

  // After a shortcut acts on a comment the page loads again; the comment that takes its place
  // becomes the current one, so a moderator can go on pressing keys without starting over.
  const RESUME_KEY = "moderation.resume";
  const here = window.location.pathname + window.location.search;
  function remember(index) {
    try {
      window.sessionStorage.setItem(RESUME_KEY, JSON.stringify({ page: here, index: index }));
    } catch (error) { /* storage off: just start at the top */ }
  }
  function resumeAt() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(RESUME_KEY) || "null");
      window.sessionStorage.removeItem(RESUME_KEY);
      return saved && saved.page === here ? saved.index : -1;
    } catch (error) {
      return -1;
    }
  }

  let current = -1;
  function focusRow(index) {
    if (index < 0 || index >= rows.length) return;
    if (current >= 0) rows[current].classList.remove("is-current");
    current = index;
    rows[current].classList.add("is-current");
    rows[current].focus();
    rows[current].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, index) {
    row.addEventListener("focusin", function () {
      if (current !== index) {
        if (current >= 0) rows[current].classList.remove("is-current");
        current = index;
        row.classList.add("is-current");
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input[type=text], input[type=email], input:not([type]), textarea, select, [contenteditable]")) return;
    const key = event.key;
    if (key === "j") { focusRow(current + 1); event.preventDefault(); return; }
    if (key === "k") { focusRow(current < 0 ? 0 : current - 1); event.preventDefault(); return; }
    if (current < 0) return;
    const row = rows[current];
    if (key === "x") {
      const box = row.querySelector(".queue-select");
      if (box) box.checked = !box.checked;
      event.preventDefault();
      return;
    }
    const button = row.querySelector('[data-key="' + key + '"]');
    if (button) {
      event.preventDefault();
      if (button.tagName === "BUTTON") remember(current);
      button.click();
    }
  });

  const resume = resumeAt();
  if (resume >= 0) focusRow(Math.min(resume, rows.length - 1));
})();
