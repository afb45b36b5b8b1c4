// Taking the reader to an entry, and the "Key events only" filter. Used by live.js for the
// "new updates" button, permalinks, the pinned box's "Read more", key-point links and the
// "since you were last here" summary: each lands on the entry, highlighted, with focus there.

const FOCUS_CLASS = "entry--focus";
const KEY_ONLY_CLASS = "liveblog--key-events-only";
const KEYLESS_DAY_CLASS = "day-divider--keyless";

const reducedMotion = () => window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/** Is `article` hidden by the "Key events only" filter? */
export const filteredOut = (main, article) =>
  main.classList.contains(KEY_ONLY_CLASS) && !article.classList.contains("entry--key-event");

/**
 * Scroll `article` to the top of the window (below the sticky bar: CSS scroll-margin-top) and
 * move focus to it, so that Tab and screen readers go on from there. `highlight` marks it as
 * the entry a link pointed at; `instant` skips the smooth scroll (a page that just opened).
 */
export function bringTo(article, { highlight = false, instant = false } = {}) {
  if (!article) return;
  if (!article.hasAttribute("tabindex")) article.tabIndex = -1;
  if (highlight) {
    for (const old of document.querySelectorAll(`.${FOCUS_CLASS}`)) old.classList.remove(FOCUS_CLASS);
    article.classList.add(FOCUS_CLASS);
  }
  article.focus({ preventScroll: true });
  const behavior = instant || reducedMotion() ? "auto" : "smooth";
  article.scrollIntoView({ behavior, block: "start" });
}

/**
 * The "Key events only" switch: a class on the page that CSS turns into hiding every other
 * entry, so that entries arriving live are filtered as they land. Day dividers with no key
 * event under them are marked too (call `refresh()` after the stream changed). `remember`
 * (visit.js `remembered`) keeps the reader's choice for the next visit: the page opens
 * filtered when they left the switch on.
 */
export function keyEventsFilter({ main, stream, button, note, remember, onChange }) {
  const on = () => main.classList.contains(KEY_ONLY_CLASS);

  const refresh = () => {
    let any = false;
    for (const divider of stream.querySelectorAll(":scope > h2.day-divider")) {
      let next = divider.nextElementSibling;
      let keyed = false;
      while (next && !next.matches("h2.day-divider")) {
        if (next.matches("article.entry--key-event")) keyed = true;
        next = next.nextElementSibling;
      }
      divider.classList.toggle(KEYLESS_DAY_CLASS, !keyed);
      any ||= keyed;
    }
    if (note) note.hidden = !on() || any;
  };

  const show = (value) => {
    main.classList.toggle(KEY_ONLY_CLASS, value);
    button.setAttribute("aria-pressed", String(value));
    refresh();
  };
  const set = (value) => {
    show(value);
    onChange?.(value);
  };

  button.addEventListener("click", () => {
    set(!on());
    // Only the switch itself is remembered: a link that lands on an entry the filter hides
    // turns it off for this visit alone. Off is the default, so it is stored as nothing.
    if (on()) remember?.save(true);
    else remember?.forget();
  });
  button.closest("[hidden]")?.removeAttribute("hidden");
  // Before anything arrives live: nothing waits yet for onChange to sort out.
  show(remember?.read() === true);
  return { on, set, refresh };
}
