// The body editor: a contenteditable area over the form's <textarea>, with a small toolbar and
// keyboard shortcuts. It only ever writes the subset the server keeps (p, strong, em, a, ul,
// ol, li, h3, h4, blockquote, cite, br); the server sanitises again in any case.

const BLOCKS = { P: "p", DIV: "p", H1: "h3", H2: "h3", H3: "h3", H4: "h4", H5: "h4", H6: "h4",
  UL: "ul", OL: "ol", LI: "li", BLOCKQUOTE: "blockquote" };
const INLINE = { B: "strong", STRONG: "strong", I: "em", EM: "em", CITE: "cite", A: "a" };
const SAFE_URL = /^(https?:|mailto:)/i;

// Rebuild `source`'s children inside `target` keeping only the allowed tags and attributes.
function copyClean(source, target, doc) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(doc.createTextNode(node.textContent));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const tag = node.tagName;
    if (tag === "SCRIPT" || tag === "STYLE" || tag === "TEMPLATE" || tag === "IFRAME") continue;
    if (tag === "BR") { target.append(doc.createElement("br")); continue; }
    const name = BLOCKS[tag] || INLINE[tag];
    if (!name) { copyClean(node, target, doc); continue; } // unwrap spans, fonts…
    const element = doc.createElement(name);
    if (name === "a") {
      const href = (node.getAttribute("href") || "").trim();
      if (!SAFE_URL.test(href)) { copyClean(node, target, doc); continue; }
      element.setAttribute("href", href);
    }
    copyClean(node, element, doc);
    target.append(element);
  }
}

// Wrap runs of inline content at the top level in paragraphs, as the reader page expects.
function paragraphs(root, doc) {
  const out = doc.createElement("div");
  let run = null;
  for (const node of [...root.childNodes]) {
    const block = node.nodeType === Node.ELEMENT_NODE && Object.values(BLOCKS).includes(node.tagName.toLowerCase());
    if (block) { run = null; out.append(node); continue; }
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "BR" && run) { run = null; continue; }
    if (node.nodeType === Node.TEXT_NODE && !node.textContent.trim() && !run) continue;
    if (!run) { run = doc.createElement("p"); out.append(run); }
    run.append(node);
  }
  for (const p of out.querySelectorAll("p")) if (!p.textContent.trim() && !p.querySelector("br")) p.remove();
  return out;
}

export function cleanHTML(html) {
  // DOMParser documents are inert: nothing in them loads or runs.
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const holder = document.createElement("div");
  copyClean(parsed.body, holder, document);
  return paragraphs(holder, document);
}

function escapeText(text) {
  const span = document.createElement("span");
  span.textContent = text;
  return span.innerHTML;
}

export class BodyEditor {
  constructor(textarea, toolbar) {
    this.textarea = textarea;
    this.toolbar = toolbar;
    this.area = document.createElement("div");
    this.area.className = "rich-editor";
    this.area.contentEditable = "true";
    this.area.setAttribute("role", "textbox");
    this.area.setAttribute("aria-multiline", "true");
    this.area.setAttribute("aria-label", "Text");
    this.area.dataset.placeholder = "What happened? Ctrl+B bold, Ctrl+I italic, Ctrl+K link";
    this.load(textarea.value);
    textarea.classList.add("enhanced");
    textarea.after(this.area);
    toolbar.hidden = false;
    toolbar.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-command]");
      if (button) this.command(button.dataset.command);
    });
    this.area.addEventListener("input", () => this.sync());
    this.area.addEventListener("keydown", (event) => this.shortcut(event));
    this.area.addEventListener("paste", (event) => this.paste(event));
    document.execCommand("defaultParagraphSeparator", false, "p");
  }

  load(html) {
    this.area.replaceChildren(...cleanHTML(html).childNodes);
  }

  // Called when something else (a restored draft) changed the textarea.
  refresh() { this.load(this.textarea.value); }

  sync() {
    const clean = cleanHTML(this.area.innerHTML);
    this.textarea.value = clean.textContent.trim() ? clean.innerHTML : "";
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  focus() { this.area.focus(); }

  command(name) {
    this.area.focus();
    if (name === "bold" || name === "italic") document.execCommand(name);
    if (name === "list") document.execCommand("insertUnorderedList");
    if (name === "heading") {
      const inHeading = document.queryCommandValue("formatBlock").toLowerCase() === "h3";
      document.execCommand("formatBlock", false, inHeading ? "p" : "h3");
    }
    if (name === "link") {
      const url = window.prompt("Link to (https://…)", "https://");
      if (url && SAFE_URL.test(url.trim())) document.execCommand("createLink", false, url.trim());
    }
    if (name === "quote") {
      const selection = window.getSelection();
      const words = selection ? selection.toString().trim() : "";
      const said = words || window.prompt("Quote") || "";
      if (!said) return;
      const who = window.prompt("Who said it? (attribution, optional)") || "";
      const cite = who.trim() ? `<cite>${escapeText(who.trim())}</cite>` : "";
      document.execCommand("insertHTML", false, `<blockquote><p>${escapeText(said)}</p>${cite}</blockquote><p><br></p>`);
    }
    this.sync();
  }

  shortcut(event) {
    const mod = event.ctrlKey || event.metaKey;
    if (!mod) return;
    const key = event.key.toLowerCase();
    let name = null;
    if (key === "k" && !event.shiftKey) name = "link";
    else if (event.shiftKey && (key === "8" || key === "*")) name = "list";
    else if (event.shiftKey && (key === "9" || key === "(")) name = "quote";
    else if (event.altKey && key === "2") name = "heading";
    if (name) { event.preventDefault(); this.command(name); }
  }

  paste(event) {
    // Wire copy and web pages bring fonts and spans: keep the words and the paragraphs.
    const text = event.clipboardData && event.clipboardData.getData("text/plain");
    if (text == null) return;
    event.preventDefault();
    const blocks = text.replace(/\r/g, "").split(/\n{2,}/).map((part) => part.trim()).filter(Boolean);
    const html = blocks.length > 1
      ? blocks.map((part) => `<p>${escapeText(part).replace(/\n/g, "<br>")}</p>`).join("")
      : escapeText(text).replace(/\n/g, "<br>");
    document.execCommand("insertHTML", false, html);
    this.sync();
  }
}
