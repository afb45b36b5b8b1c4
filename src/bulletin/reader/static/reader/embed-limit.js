// The compact embed (/live/{slug}/embed?limit=N): whatever live.js adds, edits or removes in
// the stream, the latest N entries are shown and the older ones kept hidden (the page comes
// with a few of them, data-embed-reserve, so that a deleted entry is replaced by the next
// older one). Only this file knows N; live.js applies changes as on the full page, except
// that it leaves out, unseen and unannounced, an entry older than every one shown (an edit to
// an old entry). New entries push shown ones into the hidden set: beyond the reserve the
// oldest leave the page, so that a widget left open all night does not grow without end.
// Once the hidden ones are used up, a deletion leaves the box one short, quietly, until the
// next new entry: the page holds no more, and asking the server again could bring back an
// entry whose deletion this page already applied, from a cached copy older than that deletion.

const main = document.getElementById("liveblog");
const stream = document.getElementById("stream");
const limit = Number(main?.dataset.embedLimit);
const reserve = Number(main?.dataset.embedReserve) || 0;

// Show the `count` most recent entries of `streamEl`, hide the next `reserve`, drop the rest,
// and hide the heading of a day none of whose entries is shown (dropping it with its last
// entry). The stream is in the blog's order (live.js keeps it).
export function keepLatest(streamEl, count, newestFirst, reserve) {
  const entries = [...streamEl.querySelectorAll(":scope > article.entry")];
  const byRecency = newestFirst ? entries : entries.reverse();
  byRecency.forEach((article, rank) => {
    if (rank >= count + reserve) {
      article.remove();
      return;
    }
    const hide = rank >= count;
    if (article.hidden !== hide) article.hidden = hide;
  });
  for (const divider of streamEl.querySelectorAll(":scope > h2.day-divider")) {
    let held = false;
    let shown = false;
    for (let el = divider.nextElementSibling; el && !el.matches("h2.day-divider"); el = el.nextElementSibling) {
      if (!el.matches("article.entry")) continue;
      held = true;
      if (!el.hidden) { shown = true; break; }
    }
    if (!held) divider.remove();
    else if (divider.hidden === shown) divider.hidden = !shown;
  }
}

if (main && stream && limit > 0) {
  const apply = () => keepLatest(stream, limit, main.dataset.order !== "oldest_first", reserve);
  apply();
  // Only the stream's children: the hidden flags set here do not call this again, and the
  // removals call it once more, to find nothing left to do.
  new MutationObserver(apply).observe(stream, { childList: true });
}
