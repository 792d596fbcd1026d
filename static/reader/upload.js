// The multi-file page: files chosen, or dropped (folders too), are posted one at a time to
// the form's own URL; each answer is the server-rendered list item of that file's outcome,
// and the progress bar and the counts move as each file is done. Without this script the
// form posts every file at once and the page shows the same list.
(function () {
  "use strict";

  const form = document.querySelector("form[data-upload]");
  if (!form) return;
  const section = document.querySelector("[data-upload-progress]");
  const bar = section.querySelector("[data-progress]");
  const counter = section.querySelector("[data-progress-count]");
  const outcomes = section.querySelector("[data-upload-outcomes]");
  const zone = form.querySelector("[data-drop-zone]");
  const inputs = Array.from(form.querySelectorAll('input[type="file"][name="files"]'));
  const button = form.querySelector('button[type="submit"]');
  let busy = false;

  function count(status) {
    const cell = section.querySelector(`[data-count="${status}"]`);
    cell.textContent = String(Number(cell.textContent) + 1);
  }

  function note(name, message) {
    const item = document.createElement("li");
    item.className = "upload-refused";
    item.dataset.status = "refused";
    item.textContent = `${name} — refused: ${message}`;
    outcomes.append(item);
    count("refused");
  }

  async function send(file) {
    const body = new FormData(form);
    body.delete("files");
    body.append("files", file, file.name);
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      });
      if (response.status === 413) {
        note(file.name, await response.text());
        return;
      }
      const holder = document.createElement("template");
      holder.innerHTML = await response.text();
      const items = Array.from(holder.content.querySelectorAll("li[data-status]"));
      if (!items.length) note(file.name, `the server answered ${response.status}`);
      for (const item of items) {
        outcomes.append(item);
        count(item.dataset.status);
      }
    } catch (error) {
      note(file.name, "the connection failed");
    }
  }

  async function upload(files) {
    if (busy || !files.length) return;
    busy = true;
    button.disabled = true;
    section.hidden = false;
    outcomes.replaceChildren();
    for (const cell of section.querySelectorAll("[data-count]")) cell.textContent = "0";
    bar.max = files.length;
    bar.value = 0;
    counter.textContent = `0/${files.length}`;
    for (const [index, file] of files.entries()) {
      await send(file);
      bar.value = index + 1;
      counter.textContent = `${index + 1}/${files.length}`;
    }
    for (const input of inputs) input.value = "";
    button.disabled = false;
    busy = false;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    upload(inputs.flatMap((input) => Array.from(input.files)));
  });

  // Dropped folders are walked (their files come in batches of at most 100 per read).
  function entryFiles(entry) {
    if (entry.isFile) return new Promise((resolve) => entry.file(resolve, () => resolve(null)));
    if (!entry.isDirectory) return Promise.resolve(null);
    const reader = entry.createReader();
    return new Promise((resolve) => {
      const found = [];
      const next = () =>
        reader.readEntries(async (batch) => {
          if (!batch.length) {
            resolve((await Promise.all(found.map(entryFiles))).flat());
            return;
          }
          found.push(...batch);
          next();
        }, () => resolve([]));
      next();
    });
  }

  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("is-dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-dragging"));
  zone.addEventListener("drop", async (event) => {
    event.preventDefault();
    zone.classList.remove("is-dragging");
    const entries = Array.from(event.dataTransfer.items || [])
      .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
      .filter(Boolean);
    const files = entries.length
      ? (await Promise.all(entries.map(entryFiles))).flat().filter(Boolean)
      : Array.from(event.dataTransfer.files);
    upload(files);
  });
})();
