// Repeat warnings in the composer: while the writer types (debounced), ask the desk whether the
// draft says what a published entry already says. The warning is one polite status line that
// changes only when the match changes (a screen reader is not read the whole text again); the
// matched entries and what is new in the draft are listed beside it.

const WAIT_MS = 700;

function debounce(fn, ms) {
  let timer = 0;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

function hasWords(html) {
  return html.replace(/<[^>]*>/g, "").trim() !== "";
}

function describe(item) {
  const block = document.createElement("div");
  block.className = "repeat-match";
  const title = document.createElement("p");
  const link = document.createElement("a");
  link.href = item.edit_url;
  link.textContent = `${item.time} ${item.headline || "(no headline)"}`;
  title.append(link);
  block.append(title);
  if (item.new_sentences.length) {
    const label = document.createElement("p");
    label.className = "muted";
    label.textContent = item.new_sentences.length === 1 ? "New in your draft:" : `${item.new_sentences.length} new sentences in your draft:`;
    const list = document.createElement("ul");
    for (const sentence of item.new_sentences) {
      const li = document.createElement("li");
      li.textContent = sentence;
      list.append(li);
    }
    block.append(label, list);
  }
  return block;
}

export function setupRepeatCheck(form) {
  const box = form.querySelector("[data-repeat-check]");
  if (!box) return;
  const summary = box.querySelector("[data-repeat-summary]");
  const details = box.querySelector("[data-repeat-details]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  let asked = 0;
  let said = "";

  const show = (similar) => {
    const first = similar[0];
    const more = similar.length > 1 ? ` ${similar.length - 1} more below.` : "";
    const line = first ? `${first.warning}${more}` : "";
    if (line !== said) {
      summary.textContent = line;
      said = line;
    }
    details.replaceChildren(...similar.map(describe));
    details.hidden = similar.length === 0;
    box.classList.toggle("warning", similar.length > 0);
  };

  const check = async () => {
    const ticket = ++asked;
    const headline = form.elements.headline?.value || "";
    const body = form.elements.body?.value || "";
    if (!headline.trim() && !hasWords(body)) { show([]); return; }
    const data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("headline", headline);
    data.append("body", body);
    try {
      const response = await fetch(box.dataset.repeatCheck, { method: "POST", body: data, credentials: "same-origin" });
      if (ticket !== asked || !response.ok) return; // a newer check is on its way, or refused
      const result = await response.json();
      show(result.similar || []);
    } catch { /* offline: the check waits for the next keystroke */ }
  };

  const soon = debounce(check, WAIT_MS);
  form.addEventListener("input", soon);
  form.addEventListener("restored", check);
}
