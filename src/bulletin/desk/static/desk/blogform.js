// The new-blog form: the address follows the title until someone edits it by hand, and the
// time zone is the browser's when the site's setting names none of its own (UTC).

export function slugFrom(title) {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "") // é → e: the accents NFKD split off
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
}

function followTitle(form) {
  const title = form.querySelector("#title");
  const slug = form.querySelector("#slug");
  if (!title || !slug) return;
  let byHand = slug.value.trim() !== "";
  slug.addEventListener("input", () => { byHand = true; });
  title.addEventListener("input", () => { if (!byHand) slug.value = slugFrom(title.value); });
}

function browserZone(form) {
  const input = form.querySelector("#timezone[data-browser-zone]");
  if (!input) return;
  let zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { zone = ""; }
  if (!zone || zone === input.value) return;
  input.value = zone;
  const hint = form.querySelector("[data-zone-hint]");
  if (hint) hint.textContent = `${zone}: your browser's time zone. Times on the page and in the desk are shown in this zone.`;
}

export function setupBlogForm(form) {
  followTitle(form);
  browserZone(form);
}
