// The desk page follows its blog live: every change by anyone (drafts and submissions too)
// refreshes the lists, "Anna is editing this entry" follows who has which entry open, and the
// "Being written" list follows the drafts kept as people type (quietly: no toast, and the
// focus stays where it was, as for every refresh).

const SAID = {
  "entry.published": "published an entry", "entry.drafted": "saved a draft",
  "entry.submitted": "submitted an entry for review", "entry.approved": "approved an entry",
  "entry.rejected": "sent an entry back", "entry.scheduled": "scheduled an entry",
  "entry.published_on_schedule": "published a scheduled entry", "entry.edited": "edited an entry",
  "entry.unpublished": "unpublished an entry", "entry.deleted": "deleted an entry",
  "entry.key_event": "marked a key event", "entry.not_key_event": "unmarked a key event",
  "entry.pinned": "pinned an entry", "entry.unpinned": "unpinned the pinned entry",
  "blog.key_points": "updated the key points", "blog.updated": "changed the settings",
  "blog.live": "started live coverage", "blog.ended": "ended coverage",
};

function toast(text) {
  const element = document.querySelector("[data-toast]");
  if (!element) return;
  element.textContent = text;
  element.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { element.hidden = true; }, 4000);
}

const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

// Where the keyboard focus is inside the panels about to be replaced: the nearest element
// with an id (an entry's card) and the place of the focused control within it.
function focusPlace(root) {
  const active = document.activeElement;
  if (!active || active === root || !root.contains(active)) return null;
  const holder = active.closest("[id]");
  return { id: holder.id, index: [...holder.querySelectorAll(FOCUSABLE)].indexOf(active) };
}

// The same control in the new panels gets the focus back; if its card is gone, the panels do,
// so that the keyboard stays where it was on the page instead of falling back to the top.
function restoreFocus(place, root) {
  if (!place) return;
  const holder = root.id === place.id ? root : root.querySelector(`#${CSS.escape(place.id)}`);
  let target = holder ? holder.querySelectorAll(FOCUSABLE)[place.index] : null;
  if (!target) {
    target = holder || root;
    target.tabIndex = -1;
  }
  target.focus({ preventScroll: true });
}

function entryVersions(root) {
  const seen = new Map();
  for (const item of root.querySelectorAll(".desk-entry")) seen.set(item.dataset.entryId, item.dataset.revision);
  return seen;
}

export function showEditors(root, editing) {
  for (const badge of root.querySelectorAll("[data-editing-for]")) {
    const names = editing[badge.dataset.editingFor] || [];
    badge.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} editing this entry` : "";
    badge.hidden = names.length === 0;
  }
}

export function followDesk(layout) {
  const state = document.querySelector("[data-live-state]");
  let editing = {};
  let refreshing = null;
  let again = false;

  const setState = (text, kind) => {
    if (!state) return;
    state.textContent = text;
    state.dataset.state = kind;
  };

  const refresh = async () => {
    if (refreshing) { again = true; return; }
    refreshing = (async () => {
      const response = await fetch(layout.dataset.panels, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const parsed = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = parsed.getElementById("desk-panels");
      const current = document.getElementById("desk-panels");
      if (!fresh || !current) return;
      const before = entryVersions(current);
      const adopted = document.importNode(fresh, true);
      for (const item of adopted.querySelectorAll(".desk-entry")) {
        if (before.get(item.dataset.entryId) !== item.dataset.revision) item.classList.add("arrived");
      }
      showEditors(adopted, editing);
      const place = focusPlace(current);
      current.replaceWith(adopted);
      restoreFocus(place, adopted);
    })();
    try { await refreshing; } catch { /* the next change or reconnect refreshes again */ }
    refreshing = null;
    if (again) { again = false; refresh(); }
  };

  const source = new EventSource(layout.dataset.events, { withCredentials: true });
  source.addEventListener("open", () => setState("Live: changes by anyone appear here", "live"));
  source.addEventListener("error", () => setState("Reconnecting…", "down"));
  source.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    refresh();
    if (!change.mine && change.actor) toast(`${change.actor} ${SAID[change.action] || "changed the blog"}`);
  });
  source.addEventListener("presence", (event) => {
    editing = JSON.parse(event.data).editing || {};
    showEditors(document, editing);
  });
  source.addEventListener("drafts", (event) => {
    const { signature } = JSON.parse(event.data);
    if (document.getElementById("desk-panels")?.dataset.drafts !== signature) refresh();
  });
  // Signed out, deactivated or removed from the blog: reconnecting would only be refused.
  source.addEventListener("closed", () => {
    source.close();
    setState("Your access to this desk has ended: reload the page to sign in again", "down");
  });
  window.addEventListener("pagehide", () => source.close());
}
