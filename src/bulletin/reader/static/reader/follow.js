// Follow a blog's change log (docs/realtime.md): the SSE stream, or the changes feed polled
// every few seconds when the browser has no EventSource or the stream keeps failing. Both
// carry the same change objects, numbered by seq; each is handed on once, in order.

const KINDS = ["entry", "delete", "blog", "end", "reset"];
const POLL_MS = 5000;
const ERRORS_BEFORE_POLLING = 5; // stream errors in a row, without an open, before polling
const STREAM_AGAIN_MS = 60_000; // while polling, try the stream again this often

/**
 * Start following; `apply(change)` gets each change, `trouble(bool)` says whether the
 * connection is in trouble. Returns `{ stop, resume }` (for the back/forward cache).
 */
export function follow({ eventsUrl, changesUrl, seq, apply, trouble }) {
  const state = { seq, ended: false, source: null, pollTimer: 0, pollingSince: 0, errors: 0 };
  const canStream = () => typeof window.EventSource === "function";

  const stop = () => {
    state.source?.close();
    state.source = null;
    clearTimeout(state.pollTimer);
    state.pollTimer = 0;
  };

  const receive = (change) => {
    if (change.kind === "reset") {
      // Too far behind (or ahead, after a restore): the page itself must be fetched again.
      location.reload();
      return;
    }
    if (typeof change.seq === "number") {
      if (change.seq <= state.seq) return; // already applied (a reconnect, or a poll)
      state.seq = change.seq;
    }
    if (change.kind === "end") {
      state.ended = true; // the server closes the stream after it: do not reconnect
      stop();
      trouble(false);
    }
    apply(change);
  };

  const poll = async () => {
    state.pollTimer = 0;
    let again = POLL_MS;
    try {
      const response = await fetch(`${changesUrl}?since=${state.seq}`, {
        // The feed's ETag is the blog's seq: nothing new costs a 304 (or a CDN hit).
        headers: { "If-None-Match": `"${state.seq}"`, Accept: "application/json" },
        cache: "no-store",
      });
      if (response.status === 404) {
        stop(); // the blog is gone (unpublished): nothing more will come
        return;
      }
      if (response.ok) {
        const feed = await response.json();
        if (feed.reset) {
          location.reload();
          return;
        }
        for (const change of feed.changes || []) receive(change);
        // Changes only the desk sees move the seq too; start after them next time.
        if (typeof feed.seq === "number" && feed.seq > state.seq) state.seq = feed.seq;
        if (feed.more) again = 0;
      }
      trouble(!(response.ok || response.status === 304));
      if (canStream() && Date.now() - state.pollingSince > STREAM_AGAIN_MS) {
        connect();
        return;
      }
    } catch {
      trouble(true);
    }
    if (!state.ended && state.pollTimer === 0) state.pollTimer = setTimeout(poll, again);
  };

  const startPolling = () => {
    stop();
    state.pollingSince = Date.now();
    if (!state.ended) state.pollTimer = setTimeout(poll, 0);
  };

  const connect = () => {
    stop();
    if (state.ended) return;
    if (!canStream()) {
      startPolling();
      return;
    }
    const url = new URL(eventsUrl, location.href);
    // The page's seq the first time; after that EventSource's own Last-Event-ID wins.
    url.searchParams.set("since", String(state.seq));
    const source = new EventSource(url.href);
    state.source = source;
    state.errors = 0;
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        try {
          receive({ kind, ...JSON.parse(event.data) });
        } catch (error) {
          // A malformed event must not stop the stream; the next one may be fine.
          console.warn("bulletin: could not apply a live event", error);
        }
      });
    }
    source.addEventListener("open", () => {
      state.errors = 0;
      trouble(false);
    });
    source.addEventListener("error", () => {
      if (state.ended || state.source !== source) return;
      state.errors += 1;
      // CLOSED: the browser will not retry (an HTTP error, not a stream). Otherwise it
      // retries by itself with Last-Event-ID; give up only after several failures in a row.
      const closed = source.readyState === EventSource.CLOSED;
      if (closed || state.errors >= ERRORS_BEFORE_POLLING) startPolling();
      // One drop is routine (a restart, a slow reader cut off): say so when the retry fails too.
      if (closed || state.errors >= 2) trouble(true);
    });
  };

  connect();
  return { stop, resume: connect };
}
