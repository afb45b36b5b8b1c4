// Topic chips and "Who said what": filter the stream in the page, live updates included.
// The server lists, per chip, which of the page's entries belong to it and how many entries
// the blog has under it; an entry that arrives or changes afterwards carries its own topics
// and speakers (data-topics, data-speakers), which the chips' keys are matched against.

const stream = document.getElementById("stream");
const status = document.getElementById("filter-status");
if (stream && status) start();

function start() {
  const chips = [...document.querySelectorAll("button.chip[data-filter]")];
  const words = (text) => new Set((text || "").split(" ").filter(Boolean));
  const articles = () => [...stream.querySelectorAll(":scope > article.entry")];
  // Entries as the server rendered them: the chips' own lists hold for these.
  const known = new Set(articles().map((article) => article.dataset.entryId));
  const state = new Map(chips.map((chip) => [chip, {
    kind: chip.dataset.filter,
    keys: words(chip.dataset.keys),
    entries: words(chip.dataset.entries),
    count: Number(chip.querySelector(".chip__count")?.textContent) || 0,
  }]));
  let active = null;

  const carries = (chip, article) => {
    const own = words(article.dataset[state.get(chip).kind]);
    return [...state.get(chip).keys].some((key) => own.has(key));
  };
  const belongs = (chip, article) => {
    const id = article.dataset.entryId;
    return known.has(id) ? state.get(chip).entries.has(id) : carries(chip, article);
  };

  const apply = () => {
    for (const article of articles()) article.hidden = active ? !belongs(active, article) : false;
    // A day divider whose entries are all filtered out goes too.
    for (const divider of stream.querySelectorAll(":scope > h2.day-divider")) {
      let next = divider.nextElementSibling;
      let shown = false;
      while (next && !next.matches("h2.day-divider")) {
        if (next.matches("article.entry") && !next.hidden) shown = true;
        next = next.nextElementSibling;
      }
      divider.hidden = Boolean(active) && !shown;
    }
    for (const chip of chips) chip.setAttribute("aria-pressed", String(chip === active));
    status.hidden = !active;
    if (active) {
      const template = active.dataset.filter === "topics"
        ? status.dataset.topicText : status.dataset.speakerText;
      document.getElementById("filter-status-text").textContent =
        template.replace("{label}", active.dataset.label);
    }
  };

  const recount = () => {
    for (const [chip, held] of state) {
      const count = chip.querySelector(".chip__count");
      if (count) count.textContent = String(held.count);
    }
  };

  for (const chip of chips) {
    chip.addEventListener("click", () => {
      active = active === chip ? null : chip;
      apply();
    });
  }
  document.getElementById("filter-clear")?.addEventListener("click", () => {
    active = null;
    apply();
  });

  // Entries that arrive, change or leave while the page is open.
  new MutationObserver((records) => {
    const added = new Map();
    const removed = new Set();
    for (const record of records) {
      for (const node of record.removedNodes) {
        if (node instanceof HTMLElement && node.matches("article.entry")) removed.add(node.dataset.entryId);
      }
      for (const node of record.addedNodes) {
        if (node instanceof HTMLElement && node.matches("article.entry")) added.set(node.dataset.entryId, node);
      }
    }
    const set = (held, id, member) => {
      if (member === held.entries.has(id)) return;
      if (member) held.entries.add(id);
      else held.entries.delete(id);
      held.count = Math.max(0, held.count + (member ? 1 : -1));
    };
    for (const id of removed) {
      if (added.has(id)) continue;
      for (const held of state.values()) set(held, id, false);
    }
    for (const [id, article] of added) {
      known.delete(id);
      for (const [chip, held] of state) set(held, id, carries(chip, article));
    }
    if (added.size || removed.size) {
      recount();
      apply();
    }
  }).observe(stream, { childList: true });

  for (const hidden of document.querySelectorAll("#topics, #who-said-what .chips")) hidden.hidden = false;
}
