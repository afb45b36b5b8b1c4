// The embed snippet: <div data-bulletin-embed="https://live.example/live/slug/embed"></div>
// plus this script. It turns each such div into an iframe of the live blog and sizes the
// iframe from the height the live blog reports (bulletin:height messages from its origin).
// data-bulletin-limit="5" on the div makes it the compact box of the latest 5 entries (the
// embed page's ?limit=5; data-bulletin-key-points="1" adds the key points).
(() => {
  const frames = [];
  for (const holder of document.querySelectorAll("[data-bulletin-embed]")) {
    if (holder.dataset.bulletinReady) continue;
    holder.dataset.bulletinReady = "1";
    const src = new URL(holder.dataset.bulletinEmbed, document.baseURI);
    if (holder.dataset.bulletinLimit) src.searchParams.set("limit", holder.dataset.bulletinLimit);
    if (holder.dataset.bulletinKeyPoints) src.searchParams.set("key_points", holder.dataset.bulletinKeyPoints);
    const frame = document.createElement("iframe");
    frame.src = src.href;
    frame.title = holder.dataset.bulletinTitle || "Live updates";
    frame.loading = "lazy";
    frame.style.cssText = "width:100%;border:0;min-height:400px;display:block";
    holder.replaceChildren(frame);
    frames.push({ frame, origin: src.origin });
  }
  window.addEventListener("message", (event) => {
    const data = event.data;
    if (!data || data.type !== "bulletin:height" || typeof data.height !== "number") return;
    for (const { frame, origin } of frames) {
      // Only the live blog in that very frame may resize it.
      if (event.origin === origin && event.source === frame.contentWindow) {
        frame.style.height = `${Math.max(200, Math.min(data.height, 100000))}px`;
      }
    }
  });
})();
