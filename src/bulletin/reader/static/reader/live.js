// The live page: follow the blog's changes (docs/realtime.md) and apply them without moving
// what the reader is looking at. The page works without this script; it only adds to it.
import { clock, enhance, listen, localiseTimes, validZone } from "./enhance.js";
import { strings } from "./strings.js";

const KINDS = ["entry", "delete", "blog", "end", "reset"];
const AT_TOP_PX = 100; // "at the top": new entries may appear above without a jump
const POLL_MS = 5000;
const ERRORS_BEFORE_POLLING = 5; // stream errors in a row, without an open, before polling

const main = document.getElementById("liveblog");
if (main) start(main);

function start(main) {
  const $ = (id) => document.getElementById(id);
  const data = main.dataset;
  const lang = data.lang || document.documentElement.lang || "en";
  const t = strings(lang);
  const times = clock(lang, validZone(data.timezone));
  const stream = $("stream");
  const button = $("new-updates");
  const state = {
    seq: Number(data.seq) || 0,
    pending: new Map(), // entry id → {entry, html}, in arrival order
    baseTitle: document.title,
    ended: data.status !== "live",
    source: null,
    pollTimer: 0,
    errors: 0,
    emptyNote: $("stream-empty"),
  };
  // Browsers that keep the visible content still when something changes above it.
  const anchoring = window.CSS?.supports?.("overflow-anchor", "auto") ?? false;

  // --- small helpers --------------------------------------------------------------------

  const announce = (text) => {
    const announcer = $("announcer");
    if (!announcer) return;
    announcer.textContent = "";
    // A new text node after a frame, so that a repeated message is read out again.
    requestAnimationFrame(() => { announcer.textContent = text; });
  };

  const parse = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.firstElementChild;
  };

  const inStream = (id) => stream.querySelector(`:scope > #entry-${Number(id)}`);

  // Change the page at `el`; if `el` is above the viewport, scroll by what the change added,
  // where the browser does not do it itself (CSS scroll anchoring).
  const steady = (el, change) => {
    if (anchoring || !el || el.getBoundingClientRect().bottom > 0) return change();
    const before = document.documentElement.scrollHeight;
    const result = change();
    window.scrollBy(0, document.documentElement.scrollHeight - before);
    return result;
  };

  // In an iframe the host page scrolls, not this document: ask where the stream is instead.
  let streamTopVisible = true;
  if (window.top !== window && "IntersectionObserver" in window) {
    const marker = document.createElement("div");
    stream.before(marker);
    new IntersectionObserver(([seen]) => {
      streamTopVisible = seen.isIntersecting || seen.boundingClientRect.top > 0;
    }).observe(marker);
  }
  const atTop = () => (window.top === window ? window.scrollY < AT_TOP_PX : streamTopVisible);

  const canInsertNow = () =>
    document.visibilityState === "visible" && (data.order === "oldest_first" || atTop());

  // The pinned copy of an entry must not repeat the stream's id, or "#entry-5" links and
  // lookups would find the copy first.
  const pinnedCopy = (el) => {
    el.removeAttribute("id");
    return el;
  };

  // --- times and day dividers -----------------------------------------------------------

  const momentOf = (article) => {
    const time = article.querySelector(".entry__time time, time[datetime]");
    const date = new Date(time?.getAttribute("datetime") || Date.now());
    return Number.isNaN(date.getTime()) ? new Date() : date;
  };
  const dayOf = (article) => times.dayKey(momentOf(article));

  const divider = (date) => {
    const h2 = document.createElement("h2");
    h2.className = "day-divider";
    h2.dataset.day = times.dayKey(date);
    h2.textContent = t.day(times.dayParts(date));
    return h2;
  };

  const setUpdatedAt = (iso) => {
    const time = $("updated-at");
    const date = iso ? new Date(iso) : new Date();
    if (!time || Number.isNaN(date.getTime())) return;
    time.dateTime = date.toISOString();
    time.textContent = times.hm.format(date);
    time.title = times.full.format(date);
  };

  // --- entries ----------------------------------------------------------------------------

  // Put a new entry where the blog's order wants it (by display time, then id), under the
  // divider of its day, adding the divider when the day is new.
  const place = (article) => {
    const newestFirst = data.order !== "oldest_first";
    const key = [momentOf(article).getTime(), Number(article.dataset.entryId)];
    const later = (a, b) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
    const articles = [...stream.querySelectorAll(":scope > article.entry")];
    const next = articles.find((other) => {
      const otherKey = [momentOf(other).getTime(), Number(other.dataset.entryId)];
      return newestFirst ? later(key, otherKey) : later(otherKey, key);
    });
    const previous = next ? articles[articles.indexOf(next) - 1] : articles.at(-1);
    const day = dayOf(article);
    state.emptyNote?.remove();
    if (previous && dayOf(previous) === day) previous.after(article);
    else if (next && dayOf(next) === day) next.before(article);
    else {
      // A day not on the page yet: its divider goes before the next day's divider.
      let nextDivider = next?.previousElementSibling;
      while (nextDivider && !nextDivider.matches("h2.day-divider")) {
        nextDivider = nextDivider.previousElementSibling;
      }
      const group = [divider(momentOf(article)), article];
      if (nextDivider) nextDivider.before(...group);
      else if (previous) previous.after(...group);
      else stream.append(...group);
    }
  };

  const insert = (html) => {
    const article = parse(html);
    if (!article) return null;
    article.classList.add("entry--new");
    article.tabIndex = -1; // so the "new updates" button can move focus to it
    place(article);
    enhance(article, t, times);
    return article;
  };

  const refreshPending = () => {
    const count = state.pending.size;
    button.hidden = count === 0;
    button.textContent = count ? t.count("newUpdates", count) : "";
    document.title = count ? `(${count}) ${state.baseTitle}` : state.baseTitle;
  };

  // Insert what was waiting; returns the inserted articles in arrival order.
  const flush = () => {
    const inserted = [...state.pending.values()].map(({ html }) => insert(html)).filter(Boolean);
    state.pending.clear();
    refreshPending();
    return inserted;
  };

  const onEntry = (entry, html) => {
    const id = Number(entry?.id);
    if (!id || !html) return;
    const pinned = $("pinned-entry")?.querySelector(`article[data-entry-id="${Number(id)}"]`);
    if (pinned) {
      const copy = pinnedCopy(parse(html));
      pinned.replaceWith(copy);
      enhance(copy, t, times);
    }
    const current = inStream(id);
    if (current) {
      // An edit: same place, new content (the server's HTML says "Updated HH:MM").
      const fresh = parse(html);
      steady(current, () => current.replaceWith(fresh));
      enhance(fresh, t, times);
      return;
    }
    if (state.pending.has(id)) {
      state.pending.set(id, { entry, html }); // edited while waiting: keep its place in line
      return;
    }
    if ("olderPage" in data) return; // a page of older updates never grows
    state.pending.set(id, { entry, html });
    if (canInsertNow()) {
      const inserted = flush();
      const headline = entry.headline || "";
      announce(inserted.length === 1 && headline
        ? t.text("newUpdate", { headline })
        : t.count("newUpdates", inserted.length));
    } else {
      refreshPending();
      announce(t.count("newUpdates", state.pending.size));
    }
  };

  const removeDividerIfEmpty = (dividerEl) => {
    const next = dividerEl?.nextElementSibling;
    if (dividerEl?.matches("h2.day-divider") && (!next || !next.matches("article.entry"))) {
      dividerEl.remove();
    }
  };

  const onDelete = (id) => {
    if (id == null) return;
    if (state.pending.delete(Number(id))) refreshPending();
    const pinned = $("pinned-entry")?.querySelector(`article[data-entry-id="${Number(id)}"]`);
    if (pinned) {
      pinned.remove();
      $("pinned").hidden = true;
    }
    const current = inStream(id);
    if (!current) return;
    const before = current.previousElementSibling;
    steady(current, () => {
      current.remove();
      removeDividerIfEmpty(before);
    });
    if (!stream.querySelector("article.entry") && state.emptyNote) stream.append(state.emptyNote);
  };

  // --- the blog's header --------------------------------------------------------------------

  const setStatus = (status) => {
    const badge = $("status-badge");
    data.status = status;
    if (!badge) return;
    const live = status === "live";
    badge.textContent = live ? t.text("live") : t.text("ended");
    badge.classList.toggle("liveblog__status--live", live);
  };

  const setTitle = (title) => {
    const heading = $("blog-title");
    if (!heading || heading.textContent === title) return;
    const old = heading.textContent;
    heading.textContent = title;
    // The page title is the blog title, or "entry | blog title" on a permalink page.
    state.baseTitle = state.baseTitle.endsWith(old)
      ? state.baseTitle.slice(0, state.baseTitle.length - old.length) + title
      : title;
    refreshPending();
  };

  const setDescription = (text) => {
    let standfirst = $("blog-description");
    if (!standfirst && text) {
      standfirst = document.createElement("p");
      standfirst.className = "liveblog__standfirst";
      standfirst.id = "blog-description";
      $("blog-title").after(standfirst);
    }
    if (!standfirst) return;
    standfirst.textContent = text;
    standfirst.hidden = !text;
  };

  const setKeyPoints = (points) => {
    const list = $("key-points-list");
    if (!list) return;
    list.replaceChildren(...points.map(({ text, entry_id: entryId }) => {
      const item = document.createElement("li");
      if (entryId) {
        const link = document.createElement("a");
        link.href = `#entry-${Number(entryId)}`;
        link.textContent = text;
        item.append(link);
      } else {
        item.textContent = text;
      }
      return item;
    }));
    $("key-points").hidden = points.length === 0;
  };

  let pinnedHtml; // what the pinned box shows, so that unchanged HTML is left alone
  const setPinned = (html) => {
    const holder = $("pinned-entry");
    if (!holder || html === pinnedHtml) return;
    pinnedHtml = html;
    const article = html ? parse(html) : null;
    holder.replaceChildren(...(article ? [pinnedCopy(article)] : []));
    if (article) enhance(holder, t, times);
    $("pinned").hidden = !article;
  };

  const onBlog = (blog) => {
    if (!blog) return;
    if (typeof blog.title === "string") setTitle(blog.title);
    if (typeof blog.description === "string") setDescription(blog.description);
    if (blog.status) setStatus(blog.status);
    if (Array.isArray(blog.key_points)) setKeyPoints(blog.key_points);
    if ("pinned_entry_html" in blog) setPinned(blog.pinned_entry_html);
    setUpdatedAt(blog.updated_at);
  };

  // --- following the change log -------------------------------------------------------------

  const showConnection = (trouble) => {
    const note = $("connection");
    if (!note) return;
    note.textContent = trouble ? t.text("reconnecting") : "";
    note.hidden = !trouble;
  };

  const stop = () => {
    state.source?.close();
    state.source = null;
    clearTimeout(state.pollTimer);
    state.pollTimer = 0;
  };

  const onEnd = () => {
    state.ended = true;
    stop();
    showConnection(false);
    setStatus("ended");
    announce(t.text("ended"));
  };

  // One change, from the stream or from the changes feed: the same object in both.
  const apply = (change) => {
    if (change.kind === "reset") {
      location.reload();
      return;
    }
    if (typeof change.seq === "number") {
      if (change.seq <= state.seq) return; // already applied (a reconnect, or a poll)
      state.seq = change.seq;
    }
    const payload = change.data || {};
    if (change.kind === "entry") {
      onEntry(payload.entry, payload.html);
      setUpdatedAt(change.created);
    } else if (change.kind === "delete") {
      onDelete(payload.id ?? change.entry_id);
      setUpdatedAt(change.created);
    } else if (change.kind === "blog") {
      onBlog(payload.blog);
    } else if (change.kind === "end") {
      onBlog(payload.blog);
      onEnd();
    }
  };

  const poll = async () => {
    state.pollTimer = 0;
    if (state.ended) return;
    let again = POLL_MS;
    try {
      const response = await fetch(`${data.changesUrl}?since=${state.seq}`, {
        headers: { "If-None-Match": `"${state.seq}"`, Accept: "application/json" },
        cache: "no-store",
      });
      if (response.status === 404) {
        stop();
        return;
      }
      if (response.ok) {
        const feed = await response.json();
        if (feed.reset) {
          location.reload();
          return;
        }
        for (const change of feed.changes || []) apply(change);
        // Changes only the desk sees move the seq too; start after them next time.
        if (typeof feed.seq === "number" && feed.seq > state.seq) state.seq = feed.seq;
        if (feed.more) again = 0;
      }
      showConnection(!(response.ok || response.status === 304));
    } catch {
      showConnection(true);
    }
    if (!state.ended && state.pollTimer === 0) state.pollTimer = setTimeout(poll, again);
  };

  const startPolling = () => {
    stop();
    if (!state.ended) state.pollTimer = setTimeout(poll, 0);
  };

  const connect = () => {
    if (state.ended || state.source) return;
    if (!("EventSource" in window)) return startPolling();
    const url = new URL(data.eventsUrl, location.href);
    url.searchParams.set("since", String(state.seq));
    const source = new EventSource(url.href);
    state.source = source;
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        try {
          apply({ kind, ...JSON.parse(event.data) });
        } catch (error) {
          // A malformed event must not stop the stream; the next one may be fine.
          console.warn("bulletin: could not apply a live event", error);
        }
      });
    }
    source.addEventListener("open", () => {
      state.errors = 0;
      showConnection(false);
    });
    source.addEventListener("error", () => {
      if (state.ended || state.source !== source) return;
      state.errors += 1;
      // CLOSED: the browser will not retry (an HTTP error, not a stream); else it retries
      // by itself with Last-Event-ID, and we only give up after several failures in a row.
      if (source.readyState === EventSource.CLOSED || state.errors >= ERRORS_BEFORE_POLLING) {
        startPolling();
      }
      showConnection(true);
    });
  };

  // --- wiring -----------------------------------------------------------------------------

  button.addEventListener("click", () => {
    const inserted = flush();
    if (!inserted.length) return;
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const behavior = reduced ? "auto" : "smooth";
    // Focus the first of them on the page, so that Tab goes on from there.
    const first = inserted.reduce((a, b) =>
      a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING ? b : a);
    first.focus({ preventScroll: true });
    if (data.order === "oldest_first") first.scrollIntoView({ behavior, block: "start" });
    else window.scrollTo({ top: 0, behavior });
    announce(t.count("newUpdates", inserted.length));
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    localiseTimes(document, times);
    // Appending at the bottom moves nothing, so an oldest-first page catches up at once.
    if (data.order === "oldest_first") flush();
  });

  // Leaving the page closes the stream, so the page can enter the back/forward cache;
  // coming back reopens it from the last seq this page has.
  window.addEventListener("pagehide", () => stop());
  window.addEventListener("pageshow", (event) => { if (event.persisted) connect(); });
  window.addEventListener("offline", () => showConnection(true));

  listen(t, announce);
  for (const copy of $("pinned-entry")?.querySelectorAll("article[id]") ?? []) pinnedCopy(copy);
  enhance(document, t, times);
  setUpdatedAt($("updated-at")?.getAttribute("datetime"));
  setInterval(() => localiseTimes(document, times), 60_000);
  connect();
}
