// The overview strip of a long document: beside the window's scrollbar, a mark for every
// annotation shown, placed at the fraction of the text where it starts, in its kind's
// colour (.k-<kind>, from /kinds.css). The data is one element the server renders beside
// the text (#overview-data: ids, starts in code points, kinds, the text's length), so the
// strip has every annotation though the panel holds 30 at a time. A mark shows its
// annotation as a link to #annotation-N does (reader.js): its panel item, fetched when its
// page is not there, and its highlight, scrolled to and flashed.
// Keyboard: the strip is one stop in the tab order; the arrow keys, Page Up / Page Down,
// Home and End move between the marks, Enter or Space shows one.
(function () {
  "use strict";

  const LONG = 2; // a text taller than this many windows gets the strip
  const PAGE = 10; // marks moved by Page Up / Page Down
  let strip = null;
  let drawnFrom = null; // the #overview-data element the strip was drawn from

  const source = () => document.getElementById("overview-data");
  const pane = () => document.getElementById("reading-pane");

  function marks() {
    return strip ? Array.from(strip.querySelectorAll(".overview-mark")) : [];
  }

  function show(mark) {
    const id = mark.dataset.annotation;
    marks().forEach((other) => other.removeAttribute("aria-current"));
    mark.setAttribute("aria-current", "true");
    const reader = window.Reader;
    if (!reader) return;
    // The address names the annotation, as a deep link would, without a second jump.
    history.replaceState(history.state, "", `#annotation-${id}`);
    reader.selectInPanel([id]).then(() => reader.flashHighlight(id));
  }

  function focusMark(mark) {
    marks().forEach((other) => { other.tabIndex = -1; });
    mark.tabIndex = 0;
    mark.focus();
  }

  function onKey(event) {
    const all = marks();
    const index = all.indexOf(document.activeElement);
    if (index < 0) return;
    const step = {
      ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: PAGE, PageUp: -PAGE,
    }[event.key];
    let next = null;
    if (step) next = Math.max(0, Math.min(all.length - 1, index + step));
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = all.length - 1;
    if (next === null) return;
    event.preventDefault();
    focusMark(all[next]);
  }

  function draw() {
    const data = source();
    const root = pane();
    const focused = strip && strip.contains(document.activeElement)
      ? document.activeElement.dataset.annotation : null;
    if (strip) strip.remove();
    strip = null;
    drawnFrom = data;
    if (!data || !root) return;
    const rows = JSON.parse(data.dataset.marks || "[]");
    const kinds = JSON.parse(data.dataset.kinds || "{}");
    const length = Math.max(1, Number(data.dataset.length) || 1);
    if (!rows.length || root.offsetHeight < LONG * window.innerHeight) return;

    strip = document.createElement("div");
    strip.className = "overview-strip";
    strip.setAttribute("role", "toolbar");
    strip.setAttribute("aria-orientation", "vertical");
    strip.setAttribute(
      "aria-label", `Overview: ${rows.length} annotation${rows.length === 1 ? "" : "s"} in text order`,
    );
    const track = document.createElement("div");
    track.className = "overview-track";
    const count = rows.length;
    rows.forEach(([id, start, kind], index) => {
      const mark = document.createElement("button");
      const percent = Math.min(100, (start / length) * 100);
      mark.type = "button";
      mark.className = `overview-mark k-${kind}`;
      mark.dataset.annotation = String(id);
      mark.tabIndex = index === 0 ? 0 : -1;
      mark.style.top = `${percent.toFixed(3)}%`; // CSSOM, which the CSP allows
      mark.setAttribute(
        "aria-label",
        `${kinds[kind] || kind} ${index + 1} of ${count}, ${Math.round(percent)}% into the text`,
      );
      track.appendChild(mark);
    });
    strip.appendChild(track);
    strip.addEventListener("click", (event) => {
      const mark = event.target.closest(".overview-mark");
      if (!mark) return;
      focusMark(mark);
      show(mark);
    });
    strip.addEventListener("keydown", onKey);
    // In the page's main landmark, where the text is (fixed, so it sits by the scrollbar).
    (document.querySelector("main") || document.body).appendChild(strip);
    if (focused) {
      const again = strip.querySelector(`[data-annotation="${CSS.escape(focused)}"]`);
      if (again) focusMark(again);
    }
  }

  // Drawn again only when the text (and so the data) was swapped: a save, a filter, an
  // edit or a delete; not for every page of the panel that scrolls in.
  function redrawIfChanged() {
    if (source() !== drawnFrom) draw();
  }

  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(draw, 150);
  });
  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", redrawIfChanged);
})();
