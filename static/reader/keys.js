// The reading pane by keyboard alone: a caret the arrows move (Ctrl a word, Alt a
// sentence), Shift to select, the toolbar's keys to tag, j / k between annotations, "?"
// for the list. Positions are UTF-16 offsets into the pane's text, as the DOM counts them
// (the server converts them to code points); steps follow Intl.Segmenter's graphemes, so
// the caret never stops inside an emoji or between a letter and its combining mark.
(function () {
  "use strict";

  const R = () => window.Reader;
  const pane = () => document.getElementById("reading-pane");
  // anchor / focus: the selection's ends; current: the annotation j / k last went to.
  const state = { anchor: 0, focus: 0, current: null, placed: false, goalX: null };
  let fromKeys = false; // the last action in the text was a key: keep the focus there
  let pointerDown = false;
  const QUOTE_LIMIT = 120;

  function announce(message) {
    const region = document.getElementById("reading-announcer");
    if (!region) return;
    region.textContent = message;
  }

  function shorten(text) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat;
  }

  function locate(root, offset) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    let last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const next = seen + node.data.length;
      if (offset < next) return { node, offset: offset - seen };
      seen = next;
      last = node;
    }
    return last ? { node: last, offset: last.data.length } : { node: root, offset: 0 };
  }

  function offsetOf(root, node, offset) {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  // Graphemes, words or sentences around `offset`, from a window of the text (a long
  // document is not segmented whole on every key).
  function segmentsAround(text, offset, granularity, span) {
    const from = Math.max(0, offset - span);
    const to = Math.min(text.length, offset + span);
    const segmenter = new Intl.Segmenter(pane().lang || undefined, { granularity });
    return Array.from(segmenter.segment(text.slice(from, to)), (s) => ({
      start: from + s.index,
      end: from + s.index + s.segment.length,
      text: s.segment,
      wordLike: s.isWordLike,
    }));
  }

  function stepped(text, offset, direction, unit) {
    const spans = { grapheme: 32, word: 400, sentence: 4000 };
    let segments = segmentsAround(text, offset, unit, spans[unit]);
    if (unit === "word") segments = segments.filter((s) => s.wordLike);
    if (unit === "sentence") {
      segments = segments.map((s) => ({ ...s, end: s.start + s.text.trimEnd().length }));
    }
    if (direction > 0) {
      const next = segments.find((s) => s.end > offset);
      return next ? next.end : Math.min(text.length, offset + spans[unit]);
    }
    const previous = segments.filter((s) => s.start < offset).pop();
    return previous ? previous.start : Math.max(0, offset - spans[unit]);
  }

  function caretRect() {
    const root = pane();
    const at = locate(root, state.focus);
    const range = document.createRange();
    range.setStart(at.node, at.offset);
    range.collapse(true);
    const rect = range.getClientRects()[0];
    if (rect) return rect;
    // At a line's end or an empty line: the box of the character before.
    if (at.node.nodeType === Node.TEXT_NODE && at.offset > 0) {
      range.setStart(at.node, at.offset - 1);
      range.setEnd(at.node, at.offset);
      const before = range.getClientRects()[0];
      if (before) return new DOMRect(before.right, before.top, 0, before.height);
    }
    const box = root.getBoundingClientRect();
    return new DOMRect(box.left + 8, box.top + 8, 0, 20);
  }

  function caretElement() {
    let caret = document.getElementById("reading-caret");
    if (!caret) {
      caret = document.createElement("div");
      caret.id = "reading-caret";
      caret.className = "reading-caret";
      caret.setAttribute("aria-hidden", "true");
      document.body.append(caret);
    }
    return caret;
  }

  function placeCaret(scroll = true) {
    const root = pane();
    const caret = caretElement();
    caret.hidden = !root || document.activeElement !== root;
    if (caret.hidden) return;
    let rect = caretRect();
    const margin = rect.height * 3;
    if (scroll && (rect.top < margin || rect.bottom > window.innerHeight - margin)) {
      window.scrollBy({ top: rect.top - window.innerHeight / 3, behavior: "instant" });
      rect = caretRect();
    }
    caret.style.left = `${rect.left + window.scrollX}px`;
    caret.style.top = `${rect.top + window.scrollY}px`;
    caret.style.height = `${rect.height}px`;
    caret.classList.remove("is-moving");
    void caret.offsetWidth; // restart the blink, so a moving caret is seen
    caret.classList.add("is-moving");
  }

  // The state onto the page: the DOM selection, the caret, and the toolbar.
  function render() {
    const root = pane();
    const anchor = locate(root, state.anchor);
    const focus = locate(root, state.focus);
    window.getSelection().setBaseAndExtent(anchor.node, anchor.offset, focus.node, focus.offset);
    placeCaret();
    if (state.anchor === state.focus) {
      R().hideToolbar();
      return;
    }
    const selected = R().selectionInPane();
    if (selected && R().toolbar()) R().showToolbar(selected);
    else R().tellViewer();
  }

  function lineStep(direction) {
    const rect = caretRect();
    const x = state.goalX ?? rect.left;
    const y = direction > 0 ? rect.bottom + rect.height / 2 : rect.top - rect.height / 2;
    const hit = document.caretRangeFromPoint(x, y);
    const root = pane();
    if (!hit || !root.contains(hit.startContainer)) {
      return direction > 0 ? root.textContent.length : 0;
    }
    state.goalX = x;
    return offsetOf(root, hit.startContainer, hit.startOffset);
  }

  function paragraphStep(text, offset, direction) {
    if (direction > 0) {
      const end = text.indexOf("\n", offset);
      return end < 0 ? text.length : end;
    }
    return text.lastIndexOf("\n", Math.max(0, offset - 1)) + 1;
  }

  function isRightToLeft() {
    return window.getComputedStyle(pane()).direction === "rtl";
  }

  function move(event) {
    const root = pane();
    const text = root.textContent;
    const horizontal = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
    const vertical = { ArrowUp: -1, ArrowDown: 1 }[event.key];
    const before = state.focus;
    let target;
    if (horizontal) {
      const direction = isRightToLeft() ? -horizontal : horizontal;
      let unit = "grapheme";
      if (event.ctrlKey) unit = "word";
      else if (event.altKey) unit = "sentence";
      target = stepped(text, state.focus, direction, unit);
      state.goalX = null;
    } else if (vertical) {
      target = lineStep(vertical);
    } else {
      target = paragraphStep(text, state.focus, event.key === "End" ? 1 : -1);
      state.goalX = null;
    }
    state.focus = Math.max(0, Math.min(text.length, target));
    if (!event.shiftKey) state.anchor = state.focus;
    render();
    const from = Math.min(state.anchor, state.focus);
    const to = Math.max(state.anchor, state.focus);
    if (from !== to) announce(`Selected: ${shorten(text.slice(from, to))}`);
    else {
      const passed = text.slice(Math.min(before, state.focus), Math.max(before, state.focus));
      announce(shorten(passed) || (state.focus >= text.length ? "End of the text" : "Start"));
    }
  }

  // Every annotation in text order, with where it starts and ends, in one walk.
  function annotationSpans() {
    const spans = new Map();
    let seen = 0;
    const walker = document.createTreeWalker(pane(), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const segment = node.parentElement.closest(".hl");
      const end = seen + node.data.length;
      if (segment) {
        segment.dataset.ann.split(" ").forEach((id) => {
          const span = spans.get(id);
          if (span) span.end = end;
          else spans.set(id, { id, start: seen, end, segment });
        });
      }
      seen = end;
    }
    return Array.from(spans.values());
  }

  function kindLabel(id) {
    const own = pane().querySelector(`.hl[data-ann="${CSS.escape(id)}"]`);
    const kind = own && Array.from(own.classList).find((name) => name.startsWith("k-"));
    const label = kind && document.querySelector(`#reading-keys [data-kind="${kind.slice(2)}"]`);
    return label ? label.textContent.replace(/^Tag the selection as /, "") : "annotation";
  }

  function goTo(span, spans, text) {
    state.current = span.id;
    state.anchor = state.focus = span.start;
    render();
    R().flashHighlight(span.id);
    R().selectInPanel([span.id]);
    const position = spans.indexOf(span) + 1;
    const label = kindLabel(span.id);
    announce(
      `${label[0].toUpperCase()}${label.slice(1)}, ${position} of ${spans.length}: ` +
        `${shorten(text.slice(span.start, span.end))}. Enter opens it in the panel.`,
    );
  }

  function nextAnnotation(direction) {
    const spans = annotationSpans();
    const text = pane().textContent;
    if (!spans.length) {
      announce("No annotations are shown in this text.");
      return;
    }
    let index = spans.findIndex((span) => span.id === state.current);
    if (index >= 0) index += direction;
    else if (direction > 0) index = spans.findIndex((span) => span.start >= state.focus);
    else index = spans.findLastIndex((span) => span.start < state.focus);
    if (index < 0 || index >= spans.length) {
      announce(direction > 0 ? "No more annotations after this one." : "No annotation before.");
      return;
    }
    goTo(spans[index], spans, text);
  }

  function openInPanel() {
    const id = state.current;
    R().selectInPanel([id]).then((item) => {
      if (!item) return;
      item.tabIndex = -1;
      item.focus();
      announce("In the panel: Tab to its actions; Esc comes back to the text.");
    });
  }

  function openHelp() {
    const dialog = document.getElementById("reading-keys");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function backToText() {
    const root = pane();
    if (!root) return;
    root.focus({ preventScroll: true });
    render();
    if (state.anchor !== state.focus) announce("Back in the text, the selection kept.");
  }

  function onKey(event) {
    const root = pane();
    if (!root || event.target !== root || event.metaKey) return;
    fromKeys = true;
    const key = event.key;
    const plain = !event.ctrlKey && !event.altKey;
    if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(key)) {
      event.preventDefault();
      move(event);
    } else if (plain && (key === "j" || key === "k")) {
      event.preventDefault();
      nextAnnotation(key === "j" ? 1 : -1);
    } else if (key === "?") {
      event.preventDefault();
      openHelp();
    } else if (key === "Enter" && plain) {
      const form = R().toolbar();
      if (state.anchor !== state.focus && form && !form.hidden) {
        event.preventDefault();
        form.elements.note.focus();
        announce("Write the note; Esc comes back to the text, where a kind's key saves.");
      } else if (state.current) {
        event.preventDefault();
        openInPanel();
      }
    } else if (key === "Escape") {
      if (state.anchor !== state.focus) {
        state.anchor = state.focus;
        render();
        announce("Selection cancelled.");
      }
    }
  }

  document.addEventListener("keydown", onKey);

  // Esc in a panel item brings the focus back to the text, at the annotation.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !(event.target instanceof HTMLElement)) return;
    const item = event.target.closest("#annotation-panel .annotation-item");
    if (!item || event.target.matches("input, textarea, select")) return;
    event.preventDefault();
    backToText();
  });

  document.addEventListener("focusin", (event) => {
    const root = pane();
    if (!root) return;
    if (event.target !== root) {
      caretElement().hidden = true;
      return;
    }
    if (pointerDown) return; // the mouse places the selection itself
    if (!state.placed) {
      // The first time: at the first line on screen, not at the top of a long text.
      state.placed = true;
      const box = root.getBoundingClientRect();
      const hit = box.top < 0 && document.caretRangeFromPoint(box.left + 40, 80);
      if (hit && root.contains(hit.startContainer)) {
        state.anchor = state.focus = offsetOf(root, hit.startContainer, hit.startOffset);
      }
    }
    const length = root.textContent.length;
    state.anchor = Math.min(state.anchor, length);
    state.focus = Math.min(state.focus, length);
    render();
  });

  document.addEventListener("focusout", (event) => {
    if (event.target === pane()) caretElement().hidden = true;
  });

  // A selection made with the mouse (or by touch) becomes the keys' selection.
  document.addEventListener("selectionchange", () => {
    const root = pane();
    const selection = window.getSelection();
    if (!root || !selection || selection.rangeCount === 0) return;
    if (!root.contains(selection.anchorNode) || !root.contains(selection.focusNode)) return;
    state.anchor = offsetOf(root, selection.anchorNode, selection.anchorOffset);
    state.focus = offsetOf(root, selection.focusNode, selection.focusOffset);
    state.placed = true;
    if (document.activeElement === root) placeCaret(false);
  });

  document.addEventListener("pointerdown", (event) => {
    pointerDown = true;
    if (!(event.target instanceof Node && R().toolbar()?.contains(event.target))) fromKeys = false;
  });
  document.addEventListener("pointerup", () => {
    pointerDown = false;
  });

  document.addEventListener("close", (event) => {
    if (event.target.id === "reading-keys") backToText();
  }, true);

  // Code point offsets of the stored text (as links carry them) to the DOM's UTF-16 ones.
  function utf16Offset(text, codePoints) {
    let units = 0;
    let seen = 0;
    for (const character of text) {
      if (seen === codePoints) break;
      units += character.length;
      seen += 1;
    }
    return units;
  }

  // …#at-120-126 (a search result in the text): select those characters, in view, with
  // the caret there, so the keys (and the toolbar) carry on from the match.
  function showSpanFromHash() {
    const match = window.location.hash.match(/^#at-(\d+)-(\d+)$/);
    const root = pane();
    if (!match || !root) return;
    const text = root.textContent;
    state.anchor = utf16Offset(text, Number(match[1]));
    state.focus = utf16Offset(text, Number(match[2]));
    state.placed = true;
    root.focus({ preventScroll: true });
    render();
    const caret = caretRect();
    window.scrollBy({ top: caret.top - window.innerHeight / 3, behavior: "instant" });
    placeCaret(false);
    announce(`Found: ${shorten(text.slice(state.anchor, state.focus))}`);
  }
  window.addEventListener("load", showSpanFromHash);
  window.addEventListener("hashchange", showSpanFromHash);

  window.ReaderKeys = {
    backToText,
    // After a save: with the keys, back in the text just after the new annotation.
    saved(id) {
      if (!fromKeys) return;
      const span = annotationSpans().find((s) => s.id === id);
      if (!span) return;
      state.current = id;
      state.anchor = state.focus = span.end;
      pane().focus({ preventScroll: true });
      render();
      announce(`Saved as ${kindLabel(id)}: ${shorten(pane().textContent.slice(span.start, span.end))}.`);
    },
  };
})();
