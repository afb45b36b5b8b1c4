// "Since you were last here": the browser remembers the last seq the live page showed, per
// blog, in localStorage — never a cookie, never sent anywhere but as `?since=` to the blog's
// public catch-up JSON, which is the same for every reader who stopped at that seq
// (docs/realtime.md, "Since your last visit").

const KEY_PREFIX = "bulletin:last-seen:";

/**
 * One value this browser keeps under `key` in localStorage, as JSON: `read()` (null when
 * none), `save(value)` and `forget()`. Where storage is switched off (a sandboxed frame, a
 * strict privacy mode) or full, the page works the same and only forgets.
 */
export function remembered(key) {
  return {
    read() {
      try {
        return JSON.parse(localStorage.getItem(key) || "null");
      } catch {
        return null; // switched off, or not JSON (written by someone else)
      }
    },
    save(value) {
      try {
        localStorage.setItem(key, JSON.stringify(value));
      } catch {
        // Full or switched off: see above.
      }
    },
    forget() {
      try {
        localStorage.removeItem(key);
      } catch {
        // Switched off: there is nothing stored to forget.
      }
    },
  };
}

/** The remembered seq of blog `slug`: `read()` (null when none) and `save(seq)`. */
export function lastSeen(slug) {
  const stored = remembered(KEY_PREFIX + slug);
  return {
    read() {
      const seq = stored.read()?.seq;
      return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
    },
    save: (seq) => stored.save({ seq }),
  };
}

/** Ask what was published after `since`; the summary JSON, or null. */
export async function missedSince(url, since) {
  try {
    const response = await fetch(`${url}?since=${encodeURIComponent(since)}`, {
      headers: { Accept: "application/json" },
    });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/**
 * Fill `section` with the summary: "Since you were last here: 14 updates, 3 key events", the
 * key events as links, and a jump to the oldest entry not seen yet. `link(brief)` gives the
 * href of an entry ({id, url}): its anchor when it is on this page, else its permalink.
 */
export function showMissed(section, summary, { t, times, link }) {
  if (!summary?.updates) return false;
  const heading = document.createElement("h2");
  heading.id = "catch-up-title";
  heading.className = "catch-up__title";
  const parts = [t.count("updatesCount", summary.updates)];
  if (summary.key_event_count) parts.push(t.count("keyEventsCount", summary.key_event_count));
  heading.textContent = t.text("sinceLastVisit", { counts: parts.join(", ") });

  const items = (summary.key_events || []).map((brief) => {
    const item = document.createElement("li");
    const anchor = document.createElement("a");
    anchor.href = link(brief);
    const when = new Date(brief.display_at || "");
    anchor.textContent = brief.headline
      || t.text("keyEventAt", { time: Number.isNaN(when.getTime()) ? "" : times.hm.format(when) });
    item.append(anchor);
    return item;
  });
  const list = document.createElement("ul");
  list.className = "catch-up__events";
  list.append(...items);

  const actions = document.createElement("p");
  actions.className = "catch-up__actions";
  const jump = document.createElement("a");
  jump.className = "catch-up__jump";
  jump.id = "catch-up-jump";
  jump.href = link(summary.first_unseen);
  jump.textContent = t.text("jumpToUnseen");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "catch-up__close";
  close.textContent = t.text("dismiss");
  close.addEventListener("click", () => { section.hidden = true; });
  actions.append(jump, " ", close);

  section.replaceChildren(heading, ...(items.length ? [list] : []), actions);
  section.hidden = false;
  return true;
}
