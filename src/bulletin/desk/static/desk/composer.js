// The composer and the edit form: body editor, draft kept on the server, live preview,
// image upload on pick, embed recognition hint, and Ctrl/Cmd+Enter to publish.

import { BodyEditor } from "./editor.js";

const PROVIDERS = [
  [/^https?:\/\/(www\.|m\.)?(youtube\.com|youtu\.be)\//i, "YouTube video"],
  [/^https?:\/\/(www\.|player\.)?vimeo\.com\//i, "Vimeo video"],
  [/^https?:\/\/(www\.|mobile\.)?(x|twitter)\.com\/[^/]+\/status\//i, "post on X"],
  [/^https?:\/\/bsky\.app\/profile\/[^/]+\/post\//i, "Bluesky post"],
  [/^https?:\/\/(www\.)?instagram\.com\/(p|reel|tv)\//i, "Instagram post"],
  [/^https?:\/\/(www\.|vm\.)?tiktok\.com\//i, "TikTok video"],
  [/^https?:\/\/(www\.|m\.)?(facebook\.com|fb\.watch)\//i, "Facebook post"],
  [/^https?:\/\/(t\.me|telegram\.me)\//i, "Telegram post"],
];
const SKIP = new Set(["csrfmiddlewaretoken", "action", "image", "draft_author"]);

function debounce(fn, ms) {
  let timer = 0;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function csrf(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function formData(form) {
  const data = new FormData(form);
  data.delete("image"); // uploaded apart, as soon as it is picked
  return data;
}

// The composer's words (and the edit form's unsaved changes to its entry) are kept on the
// server, as its writer's draft, after each pause in typing: found again on any device (a
// crashed laptop loses nothing), listed for editors, never public. Each save names the draft
// version it started from; when someone saved a newer one (another window, a colleague) the
// save is refused, the words stay here, and the form says so and offers both ways out.
const DRAFT_DELAY = 800;
const RETRY_OFFLINE = 5000;

function ago(seconds) {
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  return "over an hour ago";
}

class Autosave {
  constructor(form, editor) {
    this.form = form;
    this.editor = editor;
    this.url = form.dataset.draft;
    this.version = Number(form.dataset.draftVersion || 0);
    this.status = form.querySelector("[data-autosave-status]");
    this.age = form.querySelector("[data-autosave-age]");
    this.conflict = form.querySelector("[data-draft-conflict]");
    this.savedAt = null;
    this.newer = null;
    const params = new URLSearchParams(location.search);
    if (params.has("composed")) {
      // The entry was created and its draft cleared: tidy the address.
      params.delete("composed");
      const query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
    }
    if (form.dataset.draftSaved) {
      this.saved(form.dataset.draftSaved, Number(form.dataset.draftAge || 0));
      this.say("Draft restored from the desk");
    }
    this.soon = debounce(() => this.save(), DRAFT_DELAY);
    const changed = () => { this.pending = true; if (!this.newer) this.soon(); };
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    // Posting the form creates the entry and clears the draft: no save may follow it.
    form.addEventListener("submit", () => { this.stopped = true; this.pending = false; });
    // A reload or a closed tab must not lose the words typed in the last moment.
    window.addEventListener("pagehide", () => { if (this.pending && !this.stopped && !this.newer) this.beacon(); });
    this.conflict?.querySelector("[data-draft-theirs]")?.addEventListener("click", () => this.takeTheirs());
    this.conflict?.querySelector("[data-draft-mine]")?.addEventListener("click", () => this.keepMine());
    // Cancelling an edit drops one's own unsaved changes with it (a colleague's draft, opened
    // by an editor, stays theirs). Without the script, Cancel is a plain link.
    const cancel = form.querySelector("[data-cancel-edit]");
    if (cancel && form.dataset.draftDiscard && "draftOwn" in form.dataset) {
      cancel.addEventListener("click", async (event) => {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab
        event.preventDefault();
        await this.discard(cancel.getAttribute("href"));
        location.assign(cancel.href);
      });
    }
    setInterval(() => this.tick(), 1000);
  }

  data() {
    const data = formData(this.form);
    data.set("draft_version", String(this.version));
    return data;
  }

  async save() {
    if (this.stopped || this.newer) return;
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    this.pending = false;
    this.inflight = this.send();
    await this.inflight;
    this.busy = false;
    if (this.again) { this.again = false; this.save(); }
  }

  async send() {
    try {
      const response = await fetch(this.url, { method: "POST", body: this.data(), credentials: "same-origin" });
      const body = await response.json().catch(() => null);
      if (response.ok && body) this.accepted(body);
      // A newer draft; any other refusal (an entry deleted meanwhile) is said as it is.
      else if (response.status === 409 && body?.error?.code === "conflict") this.refused(body.error);
      else {
        this.pending = true;
        this.say(`Not saved: ${body?.error?.message || `the desk answered ${response.status}`}`);
      }
    } catch {
      this.pending = true;
      this.say("Not saved: no connection to the desk; trying again");
      setTimeout(() => { if (this.pending) this.save(); }, RETRY_OFFLINE);
    }
  }

  // Stop saving and drop the draft this form holds (after any save on its way). The answer is
  // not awaited beyond its arrival: a refusal (someone saved a newer version) keeps the draft,
  // and the next page says so.
  async discard(next) {
    this.stopped = true;
    this.pending = false;
    await this.inflight;
    if (!this.version) return;
    const data = new FormData();
    data.set("csrfmiddlewaretoken", csrf(this.form));
    data.set("draft_version", String(this.version));
    data.set("next", next);
    try {
      await fetch(this.form.dataset.draftDiscard, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" });
    } catch { /* offline: the draft stays on the desk, where it is offered again */ }
  }

  beacon() {
    navigator.sendBeacon(this.url, this.data());
  }

  accepted(body) {
    this.version = body.version;
    if (!body.version) {
      // Emptied: nothing is kept any more.
      this.savedAt = null;
      this.say("");
      this.tick();
      return;
    }
    this.saved(body.saved_clock, 0);
    this.say("Draft saved on the desk");
  }

  refused(error) {
    this.newer = error?.current || { version: 0, values: {} };
    this.pending = true;
    this.conflict.querySelector("[data-draft-conflict-text]").textContent = error?.message || "Someone saved a newer version of this draft.";
    this.conflict.querySelector("[data-draft-theirs]").hidden = !error?.current;
    this.conflict.hidden = false;
    this.say("Not saved: a newer version of this draft exists");
  }

  takeTheirs() {
    const newer = this.newer;
    this.fill(newer.values || {});
    this.version = newer.version;
    this.newer = null;
    this.pending = false;
    this.conflict.hidden = true;
    this.saved(newer.saved_clock, 0);
    this.say("Loaded the newer draft");
    this.form.dispatchEvent(new Event("restored"));
  }

  keepMine() {
    this.version = this.newer.version;
    this.newer = null;
    this.conflict.hidden = true;
    this.save();
  }

  fill(values) {
    for (const element of this.form.elements) {
      if (!element.name || SKIP.has(element.name) || element.type === "file") continue;
      const kept = values[element.name] || [];
      if (element.type === "checkbox") element.checked = kept.includes(element.value);
      else element.value = kept[0] || "";
    }
    this.editor?.refresh();
  }

  saved(clock, ageSeconds) {
    this.clock = clock;
    this.savedAt = performance.now() - ageSeconds * 1000;
    this.tick();
  }

  // "(last saved 21:13:04 CET, 3 s ago)": in the blog's time zone, like every desk time.
  // Outside the status region: screen readers hear the state changes, not a ticking clock.
  tick() {
    if (!this.age) return;
    const text = this.savedAt === null ? "" : `(last saved ${this.clock}, ${ago(Math.round((performance.now() - this.savedAt) / 1000))})`;
    if (this.age.textContent !== text) this.age.textContent = text;
  }

  say(text) {
    // Written only when it changes: an unchanged status is not announced again.
    if (this.status && this.status.textContent !== text) this.status.textContent = text;
  }
}

function setupPreview(form) {
  const target = document.querySelector("[data-preview-target]");
  if (!target || !form.dataset.preview) return () => {};
  let asked = 0;
  const update = async () => {
    const ticket = ++asked;
    try {
      const response = await fetch(form.dataset.preview, { method: "POST", body: formData(form), credentials: "same-origin" });
      if (ticket !== asked) return; // a newer preview is on its way
      if (response.ok) {
        // Sanitised and rendered by the server with the reader page's own template.
        target.innerHTML = await response.text();
      } else {
        const body = await response.json().catch(() => null);
        const message = body?.error?.message || `preview failed (${response.status})`;
        const p = document.createElement("p");
        p.className = "field-error";
        p.textContent = message;
        target.replaceChildren(p);
      }
    } catch { /* offline: the preview waits for the next keystroke */ }
  };
  const soon = debounce(update, 350);
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("restored", update);
  return update;
}

function setupImage(form, refresh) {
  const picker = form.querySelector("[data-image-file]");
  const idInput = form.querySelector("[data-image-id]");
  const preview = form.querySelector("[data-image-preview]");
  const error = form.querySelector("[data-image-error]");
  if (!picker || !idInput || !form.dataset.upload) return;
  picker.addEventListener("change", async () => {
    const file = picker.files && picker.files[0];
    if (!file) return;
    error.hidden = true;
    const data = new FormData();
    data.append("image", file);
    data.append("csrfmiddlewaretoken", csrf(form));
    preview.textContent = "Uploading…";
    const response = await fetch(form.dataset.upload, { method: "POST", body: data, credentials: "same-origin" });
    const body = await response.json().catch(() => null);
    if (response.status === 201 && body) {
      idInput.value = String(body.id);
      const img = document.createElement("img");
      img.src = body.url;
      img.alt = "";
      preview.replaceChildren(img);
      picker.value = ""; // stored already: the form sends its id, not the file again
      const alt = form.querySelector("[name=image_alt]");
      if (alt && !alt.value) alt.focus();
      form.dispatchEvent(new Event("change"));
    } else {
      preview.textContent = "";
      picker.value = "";
      error.textContent = body?.error?.message || `upload failed (${response.status})`;
      error.hidden = false;
    }
    refresh();
  });
}

function setupEmbedHint(form) {
  const input = form.querySelector("[data-embed-url]");
  const kind = form.querySelector("[data-embed-kind]");
  const card = form.querySelector("[data-link-card]");
  if (!input || !kind) return;
  const show = () => {
    const url = input.value.trim();
    const match = PROVIDERS.find(([pattern]) => pattern.test(url));
    if (!url) { kind.textContent = ""; card.hidden = true; return; }
    kind.textContent = match
      ? `Recognised: ${match[1]}. Readers see a button; it loads only when they click it.`
      : "Not a known provider: it becomes a link card. Give it a title and a description.";
    card.hidden = Boolean(match);
  };
  input.addEventListener("input", show);
  form.addEventListener("restored", show);
  show();
}

function setupShortcut(form) {
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    const action = form.dataset.defaultAction;
    const button = form.querySelector(`button[type=submit][value="${action}"]`) || form.querySelector("button[type=submit].primary");
    form.requestSubmit(button || undefined);
  });
}

export function setupComposer(form) {
  const textarea = form.querySelector("textarea[data-editor]");
  const toolbar = form.querySelector(".toolbar");
  const editor = textarea && toolbar
    ? new BodyEditor(textarea, toolbar, { upload: form.dataset.upload, csrf: csrf(form) })
    : null;
  if (form.dataset.draft) new Autosave(form, editor);
  const refresh = setupPreview(form);
  setupImage(form, refresh);
  setupEmbedHint(form);
  setupShortcut(form);
  form.addEventListener("submit", () => {
    if (editor) editor.sync();
    for (const button of form.querySelectorAll("button[type=submit]")) button.dataset.busy = "1";
  });
  const focusTarget = form.querySelector("[data-autofocus]");
  if (form.id === "composer" && focusTarget && !document.querySelector(".error-summary")) focusTarget.focus();
  return editor;
}
