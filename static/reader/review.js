// The review page of a new version: "Select it in the text…" makes an annotation's move
// form the one a selection in the latest text fills (its passage, and its UTF-16 offset,
// which the server converts and checks). Typing a passage instead needs no script.
(function () {
  "use strict";

  const pane = () => document.getElementById("review-text");
  let active = null;

  function offsetInPane(root, node, offset) {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-select-for]");
    if (!button) return;
    active = button.closest("form");
    document.querySelectorAll(".review-item.is-selecting").forEach((item) => item.classList.remove("is-selecting"));
    button.closest(".review-item").classList.add("is-selecting");
    pane().focus();
    pane().scrollIntoView({ block: "start" });
  });

  function takeSelection() {
    const root = pane();
    const selection = window.getSelection();
    if (!active || !root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
    active.elements.passage.value = range.toString();
    active.elements.start.value = offsetInPane(root, range.startContainer, range.startOffset);
    active.closest(".review-item").scrollIntoView({ block: "center" });
    active.querySelector("button[type=submit]").focus();
  }

  document.addEventListener("mouseup", (event) => {
    if (pane() && pane().contains(event.target)) takeSelection();
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey && pane() && pane().contains(document.activeElement)) takeSelection();
  });
  // A passage typed by hand is found by its text alone.
  document.addEventListener("input", (event) => {
    if (event.target.matches(".move-passage")) event.target.form.elements.start.value = "";
  });
})();
