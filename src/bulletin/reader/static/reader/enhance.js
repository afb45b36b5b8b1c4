// What the script adds to entry HTML the server rendered: times in the reader's words,
// share buttons, and click-to-load embeds. Each function works on any part of the page, so
// entries that arrive live get the same treatment as those in the first render.

const HOUR_MS = 60 * 60 * 1000;

/** Formatters for one blog: its language and its time zone. Times follow the language's
 * conventions with the zone ("2:39 PM EST" in en-US, "14:39 GMT" in en-GB, "14:39 MEZ" in
 * de), as the server writes them (bulletin/blogs/dates.py: the same CLDR data). */
export function clock(lang, timeZone) {
  const zone = { timeZone };
  const day = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", ...zone,
  });
  return {
    hm: new Intl.DateTimeFormat(lang, {
      hour: "numeric", minute: "2-digit", timeZoneName: "short", ...zone,
    }),
    full: new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short", ...zone }),
    relative: new Intl.RelativeTimeFormat(lang, { numeric: "auto", style: "short" }),
    // "YYYY-MM-DD" of a moment in the blog's zone, as the server's day dividers carry it.
    dayKey: (date) => {
      const parts = partsOf(new Intl.DateTimeFormat("en-CA", {
        year: "numeric", month: "2-digit", day: "2-digit", ...zone,
      }), date);
      return `${parts.year}-${parts.month}-${parts.day}`;
    },
    // The parts, and the whole in the language's order ("Tuesday, January 27").
    dayParts: (date) => ({ ...partsOf(day, date), text: day.format(date) }),
  };
}

function partsOf(format, date) {
  const parts = {};
  for (const { type, value } of format.formatToParts(date)) parts[type] = value;
  return parts;
}

/** A time zone name Intl accepts, or undefined (the browser's own zone). */
export function validZone(name) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}

/** Write each entry time as "5 min ago" within the hour, else HH:MM; the full date on hover. */
export function localiseTimes(root, times, now = Date.now()) {
  for (const time of root.querySelectorAll(".entry time[datetime]")) {
    const date = new Date(time.getAttribute("datetime"));
    if (Number.isNaN(date.getTime())) continue;
    const age = now - date.getTime();
    if (age >= -60_000 && age < HOUR_MS) {
      const minutes = Math.max(0, Math.floor(age / 60_000));
      time.textContent = minutes === 0
        ? times.relative.format(0, "second") // "now"
        : times.relative.format(-minutes, "minute");
    } else {
      time.textContent = times.hm.format(date);
    }
    time.title = times.full.format(date);
  }
}

/** Unhide share buttons and offer click-to-load for embeds that have a frame URL. */
export function enhance(root, t, times) {
  localiseTimes(root, times);
  for (const button of root.querySelectorAll(".entry__share[hidden]")) {
    button.textContent = navigator.share ? t.text("share") : t.text("copyLink");
    button.hidden = false;
  }
  for (const holder of root.querySelectorAll(".entry__embed[data-frame-url]")) {
    if (holder.querySelector(".entry__embed-load, iframe") || !frameUrl(holder)) continue;
    const provider = providerName(holder);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "entry__embed-load";
    button.textContent = t.text("loadEmbed", { provider });
    const note = document.createElement("p");
    note.className = "entry__embed-note";
    note.textContent = t.text("embedNotice", { provider });
    // A post card's quoted words come first; a video's button stands where its player will.
    if (holder.classList.contains("entry__post")) holder.append(button, note);
    else holder.prepend(button, note);
  }
}

const PROVIDERS = { youtube: "YouTube", vimeo: "Vimeo" };

function providerName(holder) {
  const id = holder.dataset.provider || "";
  return holder.dataset.providerName || PROVIDERS[id] || id;
}

// Only https frames: nothing on the page may turn a data attribute into a script URL.
function frameUrl(holder) {
  try {
    const url = new URL(holder.dataset.frameUrl || "", location.href);
    return url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

function loadEmbed(holder, t) {
  const url = frameUrl(holder);
  if (!url) return;
  url.searchParams.set("autoplay", "1"); // the reader already asked for it by clicking
  const provider = providerName(holder);
  const frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = t.text("embedTitle", { provider });
  frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
  frame.allowFullscreen = true;
  frame.referrerPolicy = "strict-origin-when-cross-origin";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
  holder.querySelector(".entry__embed-note")?.remove();
  const button = holder.querySelector(".entry__embed-load");
  if (button) button.replaceWith(frame);
  else holder.prepend(frame);
  frame.focus();
}

async function share(button, t, announce) {
  const url = new URL(button.dataset.shareUrl || "", location.href).href;
  if (navigator.share) {
    try {
      await navigator.share({ title: button.dataset.shareTitle || document.title, url });
    } catch {
      // The reader closed the share sheet: nothing to do.
    }
    return;
  }
  if (await copy(url)) {
    button.textContent = t.text("linkCopied");
    announce(t.text("linkCopied"));
    setTimeout(() => { button.textContent = t.text("copyLink"); }, 2500);
  }
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (an insecure context) or no permission: the old way still works.
    const field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.append(field);
    field.select();
    const done = document.execCommand("copy");
    field.remove();
    return done;
  }
}

/** One listener for every share button and embed, including entries that arrive later. */
export function listen(t, announce) {
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const shareButton = target?.closest(".entry__share");
    if (shareButton) share(shareButton, t, announce);
    const load = target?.closest(".entry__embed-load");
    if (load) loadEmbed(load.closest(".entry__embed"), t);
  });
}
