// The compact embed (/live/{slug}/embed?limit=N): whatever live.js adds, edits or removes in
// the stream, the latest N entries are shown and the older ones kept hidden (the page comes
// with a few of them, so that a deleted entry is replaced by the next older one). Only this
// file knows N; live.js applies changes as on the full page, except that it leaves out, unseen
// and unannounced, an entry older than every one shown (an edit to an old entry). Once the
// hidden ones are used up, a deletion leaves the box one short, quietly, until the next new
// entry: the page holds no more, and asking the server again could bring back an entry whose
// deletion this page already applied, from a cached copy older than that deletion.

const main = document.getElementById("liveblog");
const stream = document.getElementById("stream");
const limit = Number(main?.dataset.embedLimit);

// Show the `limit` most recent entries of `stream`, hide the rest, and hide the heading of a
// day none of whose entries is shown. The stream is in the blog's order (live.js keeps it).
export function keepLatest(streamEl, count, newestFirst) {
  const entries = [...streamEl.querySelectorAll(":scope > article.entry")];
  const byRecency = newestFirst ? entries : entries.reverse();
  byRecency.forEach((article, rank) => {
    const hide = rank >= count;
    if (article.hidden !== hide) article.hidden = hide;
  });
  for (const divider of streamEl.querySelectorAll(":scope > h2.day-divider")) {
    let shown = false;
    for (let el = divider.nextElementSibling; el && !el.matches("h2.day-divider"); el = el.nextElementSibling) {
      if (el.matches("article.entry") && !el.hidden) { shown = true; break; }
    }
    if (divider.hidden === shown) divider.hidden = !shown;
  }
}

if (main && stream && limit > 0) {
  const apply = () => keepLatest(stream, limit, main.dataset.order !== "oldest_first");
  apply();
  // Only the stream's children: the hidden flags set here do not call this again.
  new MutationObserver(apply).observe(stream, { childList: true });
}
