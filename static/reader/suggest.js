// Suggestions in the reader by keyboard: "s" shows or hides them (the panel's Suggestions
// switch, so the server renders them and the URL keeps the choice), "n" / "p" go to the
// next and previous one (outlined in the text, current in the panel), "a" accepts it,
// "e" opens its edit form, "r" rejects it. After an accept or a reject the panel comes
// again and the suggestion now at the same place in the list is the current one.
// On the side-by-side page, #at-<document>-<start>-<end> (a similar passage) is shown.
(function () {
  "use strict";

  let current = null; // the current suggestion's id
  let index = -1; // its place in the list, kept across the panel's swaps
  let fromKeys = false;

  const pane = () => document.getElementById("reading-pane");
  const items = () => Array.from(document.querySelectorAll("#suggestion-list .suggestion-item"));

  function announce(message) {
    const region = document.getElementById("reading-announcer");
    if (region) region.textContent = message;
  }

  function outline(id) {
    document.querySelectorAll(".sg.is-current").forEach((el) => el.classList.remove("is-current"));
    if (!id) return null;
    const segments = document.querySelectorAll(`.sg[data-sug~="${CSS.escape(id)}"]`);
    segments.forEach((el) => el.classList.add("is-current"));
    return segments[0] || null;
  }

  function makeCurrent(item, { scroll = true } = {}) {
    items().forEach((other) => {
      other.classList.toggle("is-current", other === item);
      if (other === item) other.setAttribute("aria-current", "true");
      else other.removeAttribute("aria-current");
    });
    if (!item) {
      current = null;
      outline(null);
      return;
    }
    current = item.dataset.suggestion;
    index = items().indexOf(item);
    const segment = outline(current);
    if (scroll) {
      if (segment) segment.scrollIntoView({ block: "center", behavior: "instant" });
      const panel = document.getElementById("annotation-panel");
      if (panel) panel.scrollTop = Math.max(0, item.offsetTop - panel.clientHeight / 3);
    }
    const facet = item.querySelector(".suggestion-facet");
    const value = item.querySelector(".link-value");
    announce(
      `Suggestion ${index + 1} of ${items().length}: ${facet ? facet.textContent.trim() : ""} ` +
        `${value ? value.textContent.trim() : ""}. a accepts, e edits, r rejects.`,
    );
  }

  function step(direction) {
    const list = items();
    if (!list.length) {
      announce("No suggestions here.");
      return;
    }
    let next = list.findIndex((item) => item.dataset.suggestion === current);
    next = next < 0 ? (direction > 0 ? 0 : list.length - 1) : next + direction;
    if (next < 0 || next >= list.length) {
      announce(direction > 0 ? "No more suggestions after this one." : "No suggestion before.");
      return;
    }
    makeCurrent(list[next]);
  }

  function act(action) {
    const item = items().find((candidate) => candidate.dataset.suggestion === current);
    if (!item) {
      announce("Press n to choose a suggestion first.");
      return;
    }
    const control = item.querySelector(`[data-suggestion-action="${action}"]`);
    if (control) control.click();
  }

  function toggle() {
    const box = document.getElementById("suggestions-toggle");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    announce(box.checked ? "Suggestions shown: n goes to the first." : "Suggestions hidden.");
  }

  function isEditable(target) {
    return target instanceof HTMLElement && target.matches("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || isEditable(event.target)) return;
    const root = pane();
    if (!root) return;
    const inPanel = event.target instanceof Element && event.target.closest("#suggestion-list");
    if (event.target !== root && !inPanel) return;
    const selecting = window.getSelection && String(window.getSelection()).length > 0;
    const key = event.key;
    if (key === "s") toggle();
    else if (key === "n" || key === "p") step(key === "n" ? 1 : -1);
    else if (!selecting && (key === "a" || key === "r" || key === "e")) {
      act({ a: "accept", r: "reject", e: "edit" }[key]);
    } else return;
    event.preventDefault();
    fromKeys = true;
  });

  // Clicking a suggestion's quote shows it in the text and makes it current.
  document.addEventListener("click", (event) => {
    const quote = event.target instanceof Element && event.target.closest("[data-show-suggestion]");
    if (quote) {
      fromKeys = false;
      makeCurrent(quote.closest(".suggestion-item"));
    }
  });

  // After the panel came again (accept, reject, the switch): the suggestion at the same
  // place is current, and the keys carry on from the text.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (!(event.target instanceof Element) || event.target.id !== "reader-body") return;
    const list = items();
    if (!list.length || index < 0) {
      current = null;
      if (fromKeys && pane()) pane().focus({ preventScroll: true });
      return;
    }
    makeCurrent(list[Math.min(index, list.length - 1)], { scroll: fromKeys });
    if (fromKeys && pane()) pane().focus({ preventScroll: true });
  });

  // The edit form, once it came, gets the focus.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const form = event.target instanceof Element && event.target.querySelector(".suggestion-form");
    if (form) form.querySelector("input[name=value]").focus();
  });

  function fromHash() {
    const hash = window.location.hash;
    const suggestion = hash.match(/^#suggestion-(\d+)$/);
    if (suggestion) {
      const item = document.getElementById(`suggestion-${suggestion[1]}`);
      if (item) makeCurrent(item);
      if (pane()) pane().focus({ preventScroll: true });
      return;
    }
    // Side by side: #at-<document>-<start>-<end>, code points of that column's text.
    const at = hash.match(/^#at-(\d+)-(\d+)-(\d+)$/);
    if (!at) return;
    const column = document.querySelector(`.compare-pane[data-document="${at[1]}"]`);
    if (!column) return;
    const text = column.textContent;
    const units = (codePoints) => Array.from(text).slice(0, codePoints).join("").length;
    const range = document.createRange();
    const place = (offset) => {
      const walker = document.createTreeWalker(column, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (offset <= seen + node.data.length) return [node, offset - seen];
        seen += node.data.length;
      }
      return [column, 0];
    };
    range.setStart(...place(units(Number(at[2]))));
    range.setEnd(...place(units(Number(at[3]))));
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    const mark = range.startContainer.parentElement;
    if (mark) mark.scrollIntoView({ block: "center", behavior: "instant" });
  }
  window.addEventListener("load", fromHash);
  window.addEventListener("hashchange", fromHash);
})();
