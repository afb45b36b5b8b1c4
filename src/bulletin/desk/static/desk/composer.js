// The composer and the edit form: body editor, draft kept on this device, live preview,
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
const SKIP = new Set(["csrfmiddlewaretoken", "action", "image"]);

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

class Autosave {
  constructor(form, editor) {
    this.form = form;
    this.editor = editor;
    this.key = form.dataset.autosave;
    this.status = form.querySelector("[data-autosave-status]");
    const params = new URLSearchParams(location.search);
    if (params.has("composed")) {
      // The server took the entry: what was kept for it is done with.
      localStorage.removeItem(this.key);
      params.delete("composed");
      const query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
    } else if (!("keepAutosave" in form.dataset)) {
      this.restore();
    }
    const soon = debounce(() => this.save(), 400);
    form.addEventListener("input", () => { this.pending = true; soon(); });
    form.addEventListener("change", () => this.save());
    // A reload or a closed tab must not lose the words typed in the last moment.
    window.addEventListener("pagehide", () => { if (this.pending) this.save(); });
  }

  values() {
    const saved = {};
    for (const [name, value] of new FormData(this.form)) {
      if (SKIP.has(name)) continue;
      (saved[name] ||= []).push(value);
    }
    return saved;
  }

  save() {
    this.pending = false;
    const values = this.values();
    const empty = !(values.headline || [""])[0].trim() && !(values.body || [""])[0].trim() && !(values.image_id || [""])[0];
    if (empty) { localStorage.removeItem(this.key); this.say(""); return; }
    localStorage.setItem(this.key, JSON.stringify({ at: Date.now(), values }));
    this.say(`Draft kept on this device ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`);
  }

  restore() {
    let stored = null;
    try { stored = JSON.parse(localStorage.getItem(this.key) || "null"); } catch { stored = null; }
    if (!stored || !stored.values) return;
    for (const element of this.form.elements) {
      if (!element.name || SKIP.has(element.name) || element.type === "file") continue;
      const values = stored.values[element.name] || [];
      if (element.type === "checkbox") element.checked = values.includes(element.value);
      else element.value = values[0] || "";
    }
    this.editor?.refresh();
    const image = this.form.querySelector("[data-image-id]");
    if (image && image.value) image.closest("details").open = true;
    this.say("Restored the entry you were writing");
    this.form.dispatchEvent(new Event("restored"));
  }

  say(text) { if (this.status) this.status.textContent = text; }
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
  const editor = textarea && toolbar ? new BodyEditor(textarea, toolbar) : null;
  if (form.dataset.autosave) new Autosave(form, editor);
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
