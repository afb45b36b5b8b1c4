// The live page: follow the blog's changes (docs/realtime.md) and apply them without moving
// what the reader is looking at. The page works without this script; it only adds to it.
import { clock, enhance, listen, localiseTimes, validZone } from "./enhance.js";
import { follow } from "./follow.js";
import { bringTo, filteredOut, keyEventsFilter } from "./focus.js";
import { strings } from "./strings.js";
import { lastSeen, missedSince, remembered, showMissed } from "./visit.js";

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
    // The page's seq, then that of each change applied: what it has shown so far.
    latestSeq: Number(data.seq) || 0,
    // New entries that belong on the live page, seen from a permalink or an older page.
    elsewhere: new Set(),
    // When the blog last changed before this page was rendered (new entries come after it).
    renderedAt: Date.parse($("updated-at")?.getAttribute("datetime") || "") || Date.now(),
    pinnedId: Number($("pinned-entry")?.querySelector("article")?.dataset.entryId) || null,
  };
  // The live page remembers what it showed; permalinks and older pages do not show the latest.
  const visit = "olderPage" in data || "embedded" in data ? null : lastSeen(data.slug);
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

  const olderThanEvery = (article, others) =>
    others.length > 0 && others.every((o) => later(o, article));

  // An entry older than every one shown, on a page that has older pages, lives on those: an
  // edit to it must not pull it onto this one.
  const belongsToOlderPage = (article) =>
    Boolean($("load-older")) && olderThanEvery(article, articles());

  // The compact embed (data-embed-limit) shows its latest N entries; embed-limit.js hides the
  // few it holds behind them, there to fill in for a deleted one. An entry older than every
  // one it shows (an edit to an old entry, or one dated back) is no news there.
  const belowCompactEmbed = (article) =>
    "embedLimit" in data && olderThanEvery(article, articles().filter((o) => !o.hidden));

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
    // The pinned box's short copy follows in the blog change that comes with the edit.
    const current = inStream(id);
    if (current) {
      // An edit: same place, new content (the server's HTML says "Updated HH:MM").
      const fresh = parse(html);
      steady(current, () => replaceKeepingFrames(current, fresh));
      if (current.classList.contains("entry--focus")) fresh.classList.add("entry--focus");
      enhance(fresh, t, times);
      markPinned();
      return;
    }
    if (state.pending.has(id)) {
      state.pending.set(id, { entry, html }); // edited while waiting: keep its place in line
      return;
    }
    if ("olderPage" in data) {
      // A page of older updates never grows: it points to the live page instead.
      if (Date.parse(entry.published_at || "") > state.renderedAt) noteElsewhere(id);
      return;
    }
    const article = parse(html);
    if (belongsToOlderPage(article)) return;
    if (belowCompactEmbed(article)) {
      // Newer than one the embed holds hidden: it joins them, unseen and unannounced. Older
      // than all of them, it belongs to the live page, as entries between it and them do.
      if (articles().some((o) => later(article, o))) insert(html).hidden = true;
      return;
    }
    if (keyFilter?.on() && !entry.key_event) {
      insert(html); // hidden by the filter: nothing moves, nothing to announce
      return;
    }
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

  // Put `fresh` in the place of `old`, taking along every provider frame the reader loaded
  // whose URL the fresh copy still has: a video keeps playing through an edit of its entry's
  // text, and so does the second post of the entry. The fresh copy is in the page before the
  // frames move, so that moveBefore keeps them running (Chromium 133+); a browser without it
  // loads a moved frame again.
  const replaceKeepingFrames = (old, fresh) => {
    const loaded = [...old.querySelectorAll(".entry__embed[data-frame-url]")]
      .map((holder) => ({
        url: holder.dataset.frameUrl,
        frame: holder.querySelector(":scope > iframe"),
      }))
      .filter(({ frame }) => frame);
    if (!loaded.length) {
      old.replaceWith(fresh);
      return;
    }
    old.after(fresh);
    const waiting = [...fresh.querySelectorAll(".entry__embed[data-frame-url]")];
    for (const { url, frame } of loaded) {
      const at = waiting.findIndex((holder) => holder.dataset.frameUrl === url);
      if (at < 0) continue; // that embed was removed or changed: its frame goes with the old copy
      const [holder] = waiting.splice(at, 1);
      // Where enhance.js puts a frame on the reader's click: a video's first, a post's last.
      const before = holder.classList.contains("entry__post") ? null : holder.firstChild;
      moveKeepingState(holder, frame, before);
    }
    old.remove();
  };

  const moveKeepingState = (parent, node, before) => {
    if (typeof parent.moveBefore === "function") {
      try {
        parent.moveBefore(node, before);
        return;
      } catch {
        // A move it cannot make with the state kept: a plain move still shows the frame.
      }
    }
    parent.insertBefore(node, before);
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
    if (state.elsewhere.delete(Number(id))) noteElsewhere(null);
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
    // The short copy carries no embed (blogs/rendering.py): nothing in it to keep playing.
    holder.replaceChildren(...(article ? [article] : []));
    if (article) enhance(holder, t, times);
    $("pinned").hidden = !article;
    state.pinnedId = Number(article?.dataset.entryId) || null;
    markPinned();
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

  // --- where an entry is: permalinks, "Read more", key points, the catch-up summary ---------

  // The entry the stream shows under "Pinned" says so, like the box at the top.
  const markPinned = () => {
    for (const flag of stream.querySelectorAll(".entry__flag--pinned")) {
      if (Number(flag.closest("article")?.dataset.entryId) !== state.pinnedId) flag.remove();
    }
    const article = state.pinnedId && inStream(state.pinnedId);
    if (article && !article.querySelector(".entry__flag--pinned")) {
      const flag = document.createElement("span");
      flag.className = "entry__flag entry__flag--pinned";
      flag.textContent = t.text("pinned");
      article.querySelector(".entry__meta")?.append(flag);
    }
    // "Read more" goes to the entry on this page when it is here, else to its permalink.
    const more = $("pinned-entry")?.querySelector(".pinned__more");
    if (more && inStream(state.pinnedId)) more.href = `#entry-${state.pinnedId}`;
  };

  // An entry's anchor when the entry is on this page, else its permalink.
  const linkTo = (brief) => (brief && inStream(brief.id) ? `#entry-${Number(brief.id)}` : brief?.url || "#");

  const goToEntry = (article, options) => {
    if (keyFilter && filteredOut(main, article)) keyFilter.set(false);
    bringTo(article, options);
  };

  // Count the new entries a permalink or an older page leaves to the live page.
  const noteElsewhere = (id) => {
    const link = $("new-updates-link");
    if (id) state.elsewhere.add(Number(id));
    if (!link) return;
    const count = state.elsewhere.size;
    link.hidden = count === 0;
    link.textContent = count ? t.count("newUpdatesOnLive", count) : "";
    if (id) announce(link.textContent);
  };

  // The browser remembers the last seq this page showed; entries still waiting behind the
  // "new updates" button were not shown, so the seq stays where it was until they are.
  const rememberShown = () => {
    if (visit && state.pending.size === 0) visit.save(state.latestSeq);
  };

  const catchUp = async () => {
    const since = visit?.read();
    const pageSeq = Number(data.seq) || 0;
    rememberShown();
    if (since == null || since >= pageSeq || !data.catchUpUrl || !$("catch-up")) return;
    const summary = await missedSince(data.catchUpUrl, since);
    if (showMissed($("catch-up"), summary, { t, times, link: linkTo })) {
      announce($("catch-up-title")?.textContent || "");
    }
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
    keyFilter?.refresh();
    if (typeof change.seq === "number") state.latestSeq = Math.max(state.latestSeq, change.seq);
    rememberShown();
  };

  // --- wiring -----------------------------------------------------------------------------

  const keyFilter = $("key-events-only") && !("embedded" in data)
    ? keyEventsFilter({
      main,
      stream,
      button: $("key-events-only"),
      note: $("key-events-none"),
      // The reader's choice, per blog, in this browser only (docs/realtime.md).
      remember: remembered(`bulletin:key-events-only:${data.slug}`),
      onChange: (on) => {
        if (!on) return;
        // What waits behind the button and the filter hides goes in now, unseen.
        for (const [id, { entry, html }] of state.pending) {
          if (!entry.key_event) {
            insert(html);
            state.pending.delete(id);
          }
        }
        refreshPending();
        rememberShown();
      },
    })
    : null;

  button.addEventListener("click", () => {
    const inserted = flush();
    rememberShown();
    if (!inserted.length) return;
    // Take the reader to the first of them on the page (not to the top of the page, which is
    // the header, key points and pinned entry), with focus there so Tab goes on from it.
    const shown = inserted.filter((el) => !filteredOut(main, el));
    if (shown.length) {
      bringTo(shown.reduce((a, b) =>
        a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING ? b : a));
    }
    announce(t.count("newUpdates", inserted.length));
  });

  // Links to an entry of this page (#entry-N) land on it the same way, highlighted.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#entry-"]') : null;
    const article = link && inStream(link.getAttribute("href").slice("#entry-".length));
    if (!article || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    history.pushState(null, "", `#${article.id}`);
    goToEntry(article, { highlight: true });
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
  markPinned();

  // A permalink lands on its entry; so does the live page opened at #entry-N.
  const target = data.focusEntry || /^#entry-(\d+)$/.exec(location.hash)?.[1];
  if (target && inStream(target)) goToEntry(inStream(target), { highlight: true, instant: true });
  catchUp();

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
