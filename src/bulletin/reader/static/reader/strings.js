// The few words the live page's script writes itself, per blog language. Everything else on
// the page comes translated from the server. Add a language by adding one block here.
const STRINGS = {
  en: {
    newUpdates: { one: "1 new update", other: "{n} new updates" },
    newUpdate: "New update: {headline}",
    live: "Live",
    ended: "Coverage ended",
    reconnecting: "Reconnecting…",
    copyLink: "Copy link",
    linkCopied: "Link copied",
    share: "Share",
    loadEmbed: "Load content from {provider}",
    embedNotice: "Loading it connects to {provider}.",
    embedTitle: "Content from {provider}",
    // Since your last visit, permalinks and older pages (visit.js, focus.js).
    newUpdatesOnLive: { one: "1 new update on the live page", other: "{n} new updates on the live page" },
    updatesCount: { one: "1 update", other: "{n} updates" },
    keyEventsCount: { one: "1 key event", other: "{n} key events" },
    sinceLastVisit: "Since you were last here: {counts}",
    keyEventAt: "Key event at {time}",
    jumpToUnseen: "Jump to where you left off",
    dismiss: "Dismiss",
    pinned: "Pinned",
    // Day dividers read like the server's ("Thursday, 27 January").
    day: (p) => `${p.weekday}, ${p.day} ${p.month}`,
  },
  de: {
    newUpdates: { one: "1 neue Meldung", other: "{n} neue Meldungen" },
    newUpdate: "Neue Meldung: {headline}",
    live: "Live",
    ended: "Berichterstattung beendet",
    reconnecting: "Verbindung wird wiederhergestellt…",
    copyLink: "Link kopieren",
    linkCopied: "Link kopiert",
    share: "Teilen",
    loadEmbed: "Inhalt von {provider} laden",
    embedNotice: "Dabei wird eine Verbindung zu {provider} hergestellt.",
    embedTitle: "Inhalt von {provider}",
    newUpdatesOnLive: { one: "1 neue Meldung auf der Live-Seite", other: "{n} neue Meldungen auf der Live-Seite" },
    updatesCount: { one: "1 Meldung", other: "{n} Meldungen" },
    keyEventsCount: { one: "1 wichtiges Ereignis", other: "{n} wichtige Ereignisse" },
    sinceLastVisit: "Seit Ihrem letzten Besuch: {counts}",
    keyEventAt: "Wichtiges Ereignis um {time}",
    jumpToUnseen: "Dorthin, wo Sie aufgehört haben",
    dismiss: "Ausblenden",
    pinned: "Angeheftet",
    day: (p) => `${p.weekday}, ${p.day}. ${p.month}`,
  },
};

const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

/** Strings for `lang` ("de-AT" falls back to "de", anything unknown to English). */
export function strings(lang) {
  const base = (lang || "en").toLowerCase().split("-")[0];
  const table = STRINGS[base] || STRINGS.en;
  const plural = new Intl.PluralRules(lang || "en");
  return {
    text: (key, values = {}) => fill(table[key] ?? STRINGS.en[key], values),
    count: (key, n) => {
      const forms = table[key] ?? STRINGS.en[key];
      return fill(forms[plural.select(n)] ?? forms.other, { n });
    },
    // The day in the language's own order and words (Intl), as the server writes it.
    day: (parts) => parts.text ?? table.day(parts),
  };
}
