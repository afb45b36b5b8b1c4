// The bulk bar (desk/_bulk.html): says how many entries are ticked, asks before deleting
// several, and keeps the ticks when a colleague's change replaces the lists (live.js swaps
// #desk-panels for a fresh copy). Without this script the form works as it is.

const SELECTED = "input.bulk-pick";

export function setupBulk(form) {
  const count = form.querySelector("[data-bulk-count]");
  const action = form.querySelector("[data-bulk-action]");
  const button = form.querySelector("button[type=submit]");
  const hint = count ? count.textContent : "";
  const ticked = new Set();

  const show = () => {
    const n = ticked.size;
    const text = n ? `${n} selected` : hint;
    // Only when it changes: writing it is a mutation of the page, which the observer sees.
    if (count && count.textContent !== text) count.textContent = text;
    if (button) button.disabled = n === 0;
  };

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.matches(SELECTED)) return;
    if (box.checked) ticked.add(box.value); else ticked.delete(box.value);
    show();
  });

  // Fresh lists arrive unticked: tick again what was ticked, forget what is gone. live.js
  // replaces #desk-panels, a child of .desk-lists: its children are all there is to watch.
  const lists = document.getElementById("desk-panels")?.parentElement;
  if (lists) new MutationObserver(() => {
    const present = new Set();
    for (const box of document.querySelectorAll(SELECTED)) {
      present.add(box.value);
      if (ticked.has(box.value) && !box.checked) box.checked = true;
    }
    for (const value of [...ticked]) if (!present.has(value)) ticked.delete(value);
    show();
  }).observe(lists, { childList: true });

  form.addEventListener("submit", (event) => {
    if (action && action.value === "delete" && !window.confirm(`Delete ${ticked.size} entries? Readers see them disappear.`)) {
      event.preventDefault();
    }
  });
  show();
}
