// Inside the embed iframe: tell the host page how tall the live blog is, whenever it changes,
// so that the iframe grows with new entries instead of scrolling inside the article.
const post = () => {
  const height = Math.ceil(document.documentElement.scrollHeight);
  window.parent.postMessage({ type: "bulletin:height", height }, "*");
};
new ResizeObserver(post).observe(document.body);
window.addEventListener("load", post);
