// Reader's browser side: the selection toolbar, and the links between highlights and the
// annotation panel. The server renders all HTML; this file only wires events. No build step.
(function () {
  "use strict";

  // The site's menu: folded behind a button on small screens (see reader.css).
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.querySelector(".menu-toggle");
    if (toggle) toggle.hidden = false;
  });
  // The panel as a bottom sheet on small screens: open or not is kept on <body>, so it
  // holds across the panel's swaps.
  const SHEET = "(max-width: 59.99rem)";
  function syncSheet() {
    const toggle = document.querySelector(".sheet-toggle");
    if (!toggle) return;
    toggle.hidden = !window.matchMedia(SHEET).matches;
    toggle.setAttribute("aria-expanded", String(document.body.classList.contains("sheet-open")));
  }
  function openSheet(open = true) {
    document.body.classList.toggle("sheet-open", open);
    syncSheet();
  }
  document.addEventListener("DOMContentLoaded", syncSheet);
  document.addEventListener("htmx:afterSettle", syncSheet);
  window.matchMedia(SHEET).addEventListener("change", syncSheet);
  document.addEventListener("click", (event) => {
    if (event.target.closest(".sheet-toggle")) {
      openSheet(!document.body.classList.contains("sheet-open"));
    }
  });

  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".menu-toggle");
    if (!toggle) return;
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    document.getElementById(toggle.getAttribute("aria-controls")).classList.toggle("is-open", open);
  });

  const pane = () => document.getElementById("reading-pane");
  const toolbar = () => document.getElementById("selection-toolbar");

  // Offsets are counted in UTF-16 code units, as the DOM counts them; the server converts
  // them to code points of the stored text and checks them against the quote we send.
  function offsetInPane(root, node, offset) {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function selectionInPane() {
    const root = pane();
    const selection = window.getSelection();
    if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
    const start = offsetInPane(root, range.startContainer, range.startOffset);
    const end = offsetInPane(root, range.endContainer, range.endOffset);
    if (end <= start) return null;
    return { start, end, quote: range.toString(), rect: range.getBoundingClientRect() };
  }

  function showToolbar(selected) {
    const form = toolbar();
    if (!form) return;
    form.elements.start.value = selected.start;
    form.elements.end.value = selected.end;
    form.elements.quote.value = selected.quote;
    document.getElementById("toolbar-errors").replaceChildren();
    form.hidden = false;
    const width = form.offsetWidth;
    const left = Math.min(
      Math.max(8, selected.rect.left + window.scrollX),
      window.scrollX + document.documentElement.clientWidth - width - 8,
    );
    form.style.left = `${left}px`;
    form.style.top = `${selected.rect.bottom + window.scrollY + 8}px`;
  }

  function hideToolbar() {
    const form = toolbar();
    if (form) form.hidden = true;
  }

  function submitKind(button) {
    const form = toolbar();
    form.elements.kind.value = button.dataset.kind;
    form.requestSubmit(button);
  }

  // The kinds and their keys are the toolbar's buttons (rendered from the kinds' table).
  function kindButtonForKey(form, key) {
    return Array.from(form.querySelectorAll("button[data-kind]"))
      .find((button) => button.getAttribute("aria-keyshortcuts") === key);
  }

  function isEditable(element) {
    return element instanceof HTMLElement &&
      (element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName));
  }

  // A viewer selecting text is told why nothing offers to tag it.
  function tellViewer() {
    const root = pane();
    if (!root || toolbar() || !selectionInPane()) return;
    const notice = document.getElementById("reader-notice");
    if (notice && !notice.textContent.trim()) notice.textContent = root.dataset.readOnly || "";
  }

  function onSelectionMaybeChanged(event) {
    const form = toolbar();
    if (!form) {
      tellViewer();
      return;
    }
    if (form.contains(event.target)) return;
    const selected = selectionInPane();
    if (selected) showToolbar(selected);
    // A click elsewhere in the text closes the toolbar; the note typed so far stays in it.
    else if (pane() && pane().contains(event.target)) hideToolbar();
  }

  document.addEventListener("mouseup", onSelectionMaybeChanged);

  // A touch selection (long press, then the handles) ends with no mouseup: once it has
  // stood still for a moment, the toolbar comes.
  let lastPointer = "mouse";
  let touchTimer = null;
  document.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType;
  });
  document.addEventListener("selectionchange", () => {
    if (lastPointer !== "touch") return;
    window.clearTimeout(touchTimer);
    touchTimer = window.setTimeout(() => {
      const root = pane();
      if (root) onSelectionMaybeChanged({ target: root });
    }, 300);
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") onSelectionMaybeChanged(event);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("#selection-toolbar button[data-kind]");
    if (button) toolbar().elements.kind.value = button.dataset.kind;
  });

  document.addEventListener("keydown", (event) => {
    const form = toolbar();
    if (!form || form.hidden) return;
    if (event.key === "Escape") {
      // From a field of the toolbar, back to the text with the selection and what was
      // typed kept (keys.js restores the selection); from anywhere else, close it.
      if (form.contains(event.target) && window.ReaderKeys) {
        event.preventDefault();
        window.ReaderKeys.backToText();
      } else if (!(pane() && pane() === document.activeElement)) hideToolbar();
      return;
    }
    const button = kindButtonForKey(form, event.key);
    if (!button || event.ctrlKey || event.metaKey || event.altKey || isEditable(event.target)) return;
    if (!selectionInPane()) return;
    event.preventDefault();
    submitKind(button);
  });

  // Highlights <-> panel.
  window.Reader = {
    pane, toolbar, selectionInPane, showToolbar, hideToolbar, tellViewer: () => tellViewer(),
    selectInPanel: (ids) => selectInPanel(ids), flashHighlight: (id) => flashHighlight(id),
  };

  function panelItem(id) {
    return document.getElementById(`annotation-${id}`);
  }

  // The panel renders a page of items at a time: one picked in the text before its page
  // came is fetched on its own into #panel-pinned.
  function fetchPanelItems(ids) {
    const panel = document.getElementById("annotation-panel");
    if (!panel || !panel.dataset.itemUrl || !window.htmx) return Promise.resolve();
    return Promise.all(ids.map((id) => htmx.ajax(
      "GET", panel.dataset.itemUrl.replace(/\/0\/$/, `/${encodeURIComponent(id)}/`),
      { target: "#panel-pinned", swap: "beforeend" },
    )));
  }

  // A page that arrives later may hold a pinned item: keep one copy, the page's.
  document.body.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll("#panel-pinned .annotation-item").forEach((item) => {
      if (document.querySelectorAll(`[id="${item.id}"]`).length > 1) item.remove();
    });
  });

  // The panel scrolls on its own: scrollIntoView would scroll the window as well, away
  // from the highlight being shown.
  function scrollPanelTo(item) {
    const panel = document.getElementById("annotation-panel");
    if (!panel) return;
    const top = item.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    if (top < 0 || top + item.offsetHeight > panel.clientHeight) {
      panel.scrollTo({ top: panel.scrollTop + top - 56, behavior: "smooth" });
    }
  }

  // Resolves to the first item, once it is in the panel.
  function selectInPanel(ids, fetched = false) {
    const missing = ids.filter((id) => !panelItem(id));
    if (missing.length && !fetched) {
      return fetchPanelItems(missing).then(() => selectInPanel(ids, true));
    }
    document.querySelectorAll(".annotation-item.is-selected")
      .forEach((item) => item.classList.remove("is-selected"));
    const items = ids.map(panelItem).filter(Boolean);
    items.forEach((item) => item.classList.add("is-selected"));
    if (items.length && window.matchMedia(SHEET).matches) openSheet();
    if (items.length) scrollPanelTo(items[0]);
    return Promise.resolve(items[0] || null);
  }

  function flashHighlight(id) {
    const root = pane();
    if (!root) return;
    const segments = root.querySelectorAll(`[data-ann~="${CSS.escape(String(id))}"]`);
    if (!segments.length) return;
    segments[0].scrollIntoView({ block: "center", behavior: "smooth" });
    segments.forEach((segment) => {
      segment.classList.remove("is-flashing");
      void segment.offsetWidth; // restart the animation
      segment.classList.add("is-flashing");
    });
  }

  document.addEventListener("click", (event) => {
    const show = event.target.closest("[data-show-annotation]");
    if (show) {
      const id = show.dataset.showAnnotation;
      selectInPanel([id]);
      flashHighlight(id);
      return;
    }
    const highlight = event.target.closest("#reading-pane .hl");
    if (highlight && window.getSelection().isCollapsed) {
      selectInPanel(highlight.dataset.ann.split(" "));
    }
  });

  // After a save, the server sends the new id: close the toolbar and show the result.
  document.body.addEventListener("annotationSaved", (event) => {
    const form = toolbar();
    if (form) {
      form.reset();
      hideToolbar();
    }
    window.getSelection().removeAllRanges();
    const id = event.detail.value;
    placeInTextOrder(String(id));
    selectInPanel([String(id)]);
    flashHighlight(id);
    if (window.ReaderKeys) window.ReaderKeys.saved(String(id));
  });

  // After a delete: the notice bar holds "Moved to trash" and its Undo button; the item
  // that had the focus is gone, so the focus goes to Undo.
  document.body.addEventListener("annotationTrashed", () => {
    const undo = document.getElementById("undo-delete");
    if (undo) undo.focus();
  });

  // 400 (invalid input) and 409 (edit conflict) carry a message to show where the form is.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showStatus(message) {
    const bar = document.getElementById("status-bar");
    bar.textContent = message;
    bar.hidden = false;
  }

  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    if (event.detail.elt.id === "live-changes") {
      // No longer a member (or the document is gone): stop asking.
      event.detail.elt.remove();
      return;
    }
    const page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    const message = page.querySelector(".error-message");
    showStatus(message ? message.textContent : `The server answered ${xhr.status}: nothing was saved.`);
  });

  document.body.addEventListener("htmx:sendError", () => {
    showStatus("Could not reach the server: nothing was saved, and what you typed is still here.");
  });

  // Copy buttons (an invitation link, a new API token): shown once the script runs.
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    const text = source.value ?? source.textContent;
    const label = button.innerHTML;
    const done = () => {
      button.textContent = "Copied";
      window.setTimeout(() => { button.innerHTML = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => showStatus("Select the text and copy it."));
    } else {
      window.getSelection().selectAllChildren(source);
      if (source.select) source.select();
      showStatus(document.execCommand("copy") ? "Copied." : "Selected: press Ctrl+C to copy.");
    }
  });

  // A new item arrives on top of the panel: put it in its place in text order, among the
  // items of the pages that are there (past the last of them it stays on top).
  function placeInTextOrder(id) {
    const item = panelItem(id);
    const list = document.querySelector("#annotation-panel .annotation-list:not(.panel-pinned)");
    if (!item || !list || !item.closest("#panel-pinned")) return;
    const start = Number(item.dataset.start);
    const items = Array.from(list.querySelectorAll(":scope > .annotation-item"));
    const next = items.find((other) => Number(other.dataset.start) > start);
    if (next) list.insertBefore(item, next);
    else if (!list.querySelector(".panel-more")) list.append(item);
  }

  // Facet matrix: a row's quotes expand and collapse.
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest("[data-toggle-quotes]");
    if (!toggle) return;
    const row = toggle.closest("tr");
    const expanded = row.classList.toggle("is-expanded");
    toggle.setAttribute("aria-expanded", String(expanded));
    toggle.textContent = expanded ? "Hide quotes" : "Show quotes";
  });

  // Side-by-side reading: light up every span linked to a facet, in every column, and
  // scroll each column (they scroll independently) to its first one.
  function segmentsOfFacets(facetIds) {
    const selector = facetIds
      .map((id) => `.compare-pane [data-facets~="${CSS.escape(id)}"]`)
      .join(", ");
    return selector ? document.querySelectorAll(selector) : [];
  }

  function lightFacet(facetId) {
    document.querySelectorAll(".compare-pane .is-facet-match")
      .forEach((segment) => segment.classList.remove("is-facet-match"));
    document.querySelectorAll(".facet-chooser [data-facet]").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.facet === facetId));
    });
    if (!facetId) return;
    segmentsOfFacets([facetId]).forEach((segment) => segment.classList.add("is-facet-match"));
    document.querySelectorAll(".compare-pane").forEach((column) => {
      const first = column.querySelector(".is-facet-match");
      if (!first) return;
      // Measured from the boxes, so it holds whatever the columns' CSS positioning.
      const offset = first.getBoundingClientRect().top - column.getBoundingClientRect().top;
      column.scrollTo({ top: column.scrollTop + offset - 48, behavior: "smooth" });
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".facet-chooser [data-facet]");
    if (!button) return;
    const pressed = button.getAttribute("aria-pressed") === "true";
    lightFacet(pressed ? null : button.dataset.facet);
  });

  document.addEventListener("mouseover", (event) => {
    const segment = event.target.closest(".compare-pane [data-facets]");
    document.querySelectorAll(".compare-pane .is-facet-hover")
      .forEach((other) => other.classList.remove("is-facet-hover"));
    if (segment) {
      segmentsOfFacets(segment.dataset.facets.split(" "))
        .forEach((other) => other.classList.add("is-facet-hover"));
    }
  });

  // The link form knows the value each facet's type finds in the quote
  // (reader/suggestions/prefill.py): choosing a facet puts in its value, until the
  // person has edited the one proposed.
  document.addEventListener("change", (event) => {
    const select = event.target.closest(".link-form select[name='facet']");
    if (!select) return;
    const form = select.form;
    const prefills = JSON.parse(form.dataset.prefills || "{}");
    const value = form.elements.value;
    if (value.value !== "" && value.value !== form.dataset.prefilled) return;
    value.value = prefills[select.value] ?? "";
    form.dataset.prefilled = value.value;
  });

  // Arriving at …#annotation-12 (after a save without JavaScript, a restore, or from a
  // link in the matrix, Activity, search or agreement) shows it: its item fetched into the
  // panel when its page is not there, then the text scrolled to its highlight. After
  // "load", so the browser's own jump to the fragment comes first, not after.
  function showFromHash() {
    const match = window.location.hash.match(/^#annotation-(\d+)$/);
    if (!match || !pane()) return;
    selectInPanel([match[1]]).then(() => flashHighlight(match[1]));
  }
  window.addEventListener("load", showFromHash);
  window.addEventListener("hashchange", showFromHash);
})();
