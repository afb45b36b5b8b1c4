// The live page: follow the blog's changes (docs/realtime.md) and apply them without moving
// what the reader is looking at. The page works without this script; it only adds to it.
import { clock, enhance, listen, localiseTimes, validZone } from "./enhance.js";
import { follow } from "./follow.js";
import { strings } from "./strings.js";

const AT_TOP_PX = 100; // "at the top": new entries may appear above without a jump

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
    pending: new Map(), // entry id → {entry, html}, in arrival order
    baseTitle: document.title,
    emptyNote: $("stream-empty"),
  };
  // Browsers that keep the visible content still when something changes above it.
  const anchoring = window.CSS?.supports?.("overflow-anchor", "auto") ?? false;

  // --- small helpers --------------------------------------------------------------------

  const announce = (text) => {
    const announcer = $("announcer");
    if (!announcer) return;
    announcer.textContent = "";
    // Emptied first, so that a repeated message is read out again.
    setTimeout(() => { announcer.textContent = text; }, 50);
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
    const time = article.querySelector(".entry__time time");
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

  // Entries are ordered by display time, then id, as the server orders them.
  const later = (a, b) => {
    const [timeA, timeB] = [momentOf(a).getTime(), momentOf(b).getTime()];
    if (timeA !== timeB) return timeA > timeB;
    return Number(a.dataset.entryId) > Number(b.dataset.entryId);
  };
  const articles = () => [...stream.querySelectorAll(":scope > article.entry")];

  // An entry older than every one shown, on a page that has older pages, lives on those: an
  // edit to it must not pull it onto this one.
  const belongsToOlderPage = (article) => {
    const shown = articles();
    return Boolean($("load-older")) && shown.length > 0 && shown.every((o) => later(o, article));
  };

  // Put a new entry where the blog's order wants it, under the divider of its day, adding
  // the divider when the day is new.
  const place = (article) => {
    const newestFirst = data.order !== "oldest_first";
    const shown = articles();
    const next = shown.find((o) => (newestFirst ? later(article, o) : later(o, article)));
    const previous = next ? shown[shown.indexOf(next) - 1] : shown.at(-1);
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

  // The page's LiveBlogPosting (JSON-LD) follows the stream: what was corrected or removed
  // must not stay in it either.
  const editPostings = (id, edit) => {
    const suffix = `#entry-${Number(id)}`;
    for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
      let data;
      try { data = JSON.parse(script.textContent); } catch { continue; }
      if (!Array.isArray(data?.liveBlogUpdate)) continue;
      const at = data.liveBlogUpdate.findIndex((p) => String(p?.url || "").endsWith(suffix));
      if (at < 0) continue;
      const posting = edit(data.liveBlogUpdate[at]);
      if (posting) data.liveBlogUpdate[at] = posting;
      else data.liveBlogUpdate.splice(at, 1);
      script.textContent = JSON.stringify(data);
    }
  };
  const ARTICLE_BODY_CHARS = 1000;
  const revisePosting = (entry) => (posting) => {
    const text = (parse(`<div>${entry.body || ""}</div>`)?.textContent || "").trim();
    const revised = { ...posting, headline: entry.headline || text.slice(0, 110) };
    if (entry.edited_at) revised.dateModified = entry.edited_at;
    if (text) revised.articleBody = text.slice(0, ARTICLE_BODY_CHARS);
    else delete revised.articleBody;
    return revised;
  };

  const onEntry = (entry, html) => {
    const id = Number(entry?.id);
    if (!id || !html) return;
    editPostings(id, revisePosting(entry));
    const pinned = $("pinned-entry")?.querySelector(`article[data-entry-id="${id}"]`);
    if (pinned) {
      const copy = pinnedCopy(parse(html));
      keepPlayingEmbed(pinned, copy);
      pinned.replaceWith(copy);
      enhance(copy, t, times);
    }
    const current = inStream(id);
    if (current) {
      // An edit: same place, new content (the server's HTML says "Updated HH:MM").
      const fresh = parse(html);
      keepPlayingEmbed(current, fresh);
      steady(current, () => current.replaceWith(fresh));
      enhance(fresh, t, times);
      return;
    }
    if (state.pending.has(id)) {
      state.pending.set(id, { entry, html }); // edited while waiting: keep its place in line
      return;
    }
    if ("olderPage" in data) return; // a page of older updates never grows
    if (belongsToOlderPage(parse(html))) return;
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

  // A video the reader started keeps playing through an edit of its entry's text.
  const keepPlayingEmbed = (old, fresh) => {
    const playing = old.querySelector(".entry__embed iframe")?.closest(".entry__embed");
    const placeholder = fresh.querySelector(".entry__embed");
    if (playing && placeholder?.dataset.frameUrl === playing.dataset.frameUrl) {
      placeholder.replaceWith(playing);
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
    editPostings(id, () => null);
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
    const article = html ? pinnedCopy(parse(html)) : null;
    const old = holder.querySelector("article");
    if (old && article) keepPlayingEmbed(old, article);
    holder.replaceChildren(...(article ? [article] : []));
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

  const onEnd = () => {
    setStatus("ended");
    announce(t.text("ended"));
  };

  // One change, from the stream or from the changes feed: the same object in both.
  const apply = (change) => {
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

  listen(t, announce);
  for (const copy of $("pinned-entry")?.querySelectorAll("article[id]") ?? []) pinnedCopy(copy);
  enhance(document, t, times);
  setUpdatedAt($("updated-at")?.getAttribute("datetime"));
  setInterval(() => localiseTimes(document, times), 60_000);

  // An ended blog has nothing more to say (its stream answers 204).
  if (data.status !== "live") return;
  const changes = follow({
    eventsUrl: data.eventsUrl,
    changesUrl: data.changesUrl,
    seq: Number(data.seq) || 0,
    apply,
    trouble: showConnection,
  });
  // Leaving the page closes the stream, so that the page can enter the back/forward cache;
  // coming back reopens it from the last change this page has.
  window.addEventListener("pagehide", () => changes.stop());
  window.addEventListener("pageshow", (event) => { if (event.persisted) changes.resume(); });
  window.addEventListener("offline", () => showConnection(true));
}
