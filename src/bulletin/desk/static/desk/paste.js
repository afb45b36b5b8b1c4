// Pasted HTML, made readable for the editor's schema before ProseMirror parses it.
//
// ProseMirror's parser keeps only what the schema knows (links, bold, italic, lists, headings,
// quotes, tables). What it cannot see here:
// - Styles. Google Docs and Word write bold and italic as styled spans, but the desk's
//   Content-Security-Policy forbids inline styles, in parsed clipboard documents too (the
//   browser reports each one as a violation and ignores it). So the style attributes are
//   renamed before anything parses the HTML, read here by hand, and turned into <strong> and
//   <em>; a <b> whose weight is normal (Docs wraps its whole clipboard in one) is not bold.
// - Word for the desktop writes a list as paragraphs with an "mso-list" style and a typed
//   bullet or number, and a quote as a paragraph of class MsoQuote: they become real lists and
//   quotes.
// Pictures pasted by address are dropped: a picture from another site (or Word's file:// ones)
// is uploaded by pasting the picture itself, never hot-linked.

// The style attribute of a start tag (text never holds a bare "<", so this only meets tags),
// and <style> sheets, which are dropped whole.
const STYLE_ATTRIBUTE = /(<[a-z][^>]*?\s)style(\s*=)/gi;
const STYLE_SHEET = /<style[\s>][\s\S]*?<\/style\s*>/gi;
const STYLE = "data-pasted-style";
const BOLD = /^(bold(er)?|[6-9]00)$/;
const NOT_BOLD = /^(normal|lighter|[1-4]00)$/;

function declarations(element) {
  const found = {};
  for (const part of (element.getAttribute(STYLE) || "").split(";")) {
    const at = part.indexOf(":");
    if (at > 0) found[part.slice(0, at).trim().toLowerCase()] = part.slice(at + 1).trim().toLowerCase();
  }
  return found;
}

function wrapChildren(element, tag) {
  const wrapper = element.ownerDocument.createElement(tag);
  wrapper.append(...element.childNodes);
  element.append(wrapper);
}

function rename(element, tag) {
  const replacement = element.ownerDocument.createElement(tag);
  replacement.append(...element.childNodes);
  element.replaceWith(replacement);
  return replacement;
}

function stylesToTags(doc) {
  for (let element of doc.body.querySelectorAll(`[${STYLE}]`)) {
    const style = declarations(element);
    const weight = style["font-weight"] || "";
    if (NOT_BOLD.test(weight) && (element.tagName === "B" || element.tagName === "STRONG")) element = rename(element, "span");
    if (BOLD.test(weight) && element.tagName !== "B" && element.tagName !== "STRONG") wrapChildren(element, "strong");
    if (style["font-style"] === "italic" && element.tagName !== "I" && element.tagName !== "EM") wrapChildren(element, "em");
    if (style["mso-list"] && /^l\d+\s+level\d+/.test(style["mso-list"])) element.dataset.wordList = style["mso-list"];
    if (style["mso-list"] === "ignore") element.dataset.wordMarker = "";
    element.removeAttribute(STYLE);
  }
}

const WORD_LEVEL = /level(\d+)/;
// "1." "a)" "iv." "(3)": a numbered list; anything else (· o § • –) is bulleted.
const NUMBERED = /^\(?[0-9a-z]{1,5}[.)]$/i;

function isWordListItem(node) {
  return node.nodeType === Node.ELEMENT_NODE && node.tagName === "P" && "wordList" in node.dataset;
}

function isWordQuote(node) {
  return node.nodeType === Node.ELEMENT_NODE && node.tagName === "P" && /^Mso(Intense)?Quote$/.test(node.className);
}

// The next sibling that is not blank text or a comment.
function nextSignificant(node) {
  let next = node.nextSibling;
  while (next && (next.nodeType === Node.COMMENT_NODE || (next.nodeType === Node.TEXT_NODE && !next.textContent.trim()))) {
    next = next.nextSibling;
  }
  return next;
}

// Take out the typed bullet or number (Word marks it mso-list:Ignore); say whether it counted.
function takeMarker(paragraph) {
  let numbered = false;
  const marker = paragraph.querySelector("[data-word-marker]");
  if (marker) {
    numbered = NUMBERED.test(marker.textContent.replace(/\u00a0/g, " ").trim());
    marker.remove();
  }
  return numbered;
}

function wordLists(doc) {
  for (let first = [...doc.body.querySelectorAll("p")].find(isWordListItem); first;
    first = [...doc.body.querySelectorAll("p")].find(isWordListItem)) {
    // One run of list paragraphs becomes one list, nested by their level.
    const run = [first];
    // Word numbers its lists l0, l1…: a paragraph of another list starts a new one.
    const list = (paragraph) => paragraph.dataset.wordList.split(/\s+/)[0];
    for (let next = nextSignificant(first); next && isWordListItem(next) && list(next) === list(first);
      next = nextSignificant(next)) run.push(next);
    const stack = [];
    let root = null;
    for (const paragraph of run) {
      const level = Number(WORD_LEVEL.exec(paragraph.dataset.wordList)[1]);
      const numbered = takeMarker(paragraph);
      while (stack.length > level) stack.pop();
      while (stack.length < level) {
        const list = doc.createElement(numbered ? "ol" : "ul");
        if (!stack.length) {
          root = list;
        } else {
          // A deeper list belongs in the item above it (made empty if the run starts deep).
          const top = stack[stack.length - 1];
          if (!top.lastElementChild) top.append(doc.createElement("li"));
          top.lastElementChild.append(list);
        }
        stack.push(list);
      }
      const item = doc.createElement("li");
      item.append(...paragraph.childNodes);
      stack[stack.length - 1].append(item);
    }
    first.before(root);
    for (const paragraph of run) paragraph.remove();
  }
}

function wordQuotes(doc) {
  for (let first = [...doc.body.querySelectorAll("p")].find(isWordQuote); first;
    first = [...doc.body.querySelectorAll("p")].find(isWordQuote)) {
    const quote = doc.createElement("blockquote");
    first.before(quote);
    for (let paragraph = first; paragraph && isWordQuote(paragraph);) {
      const next = nextSignificant(paragraph);
      paragraph.removeAttribute("class");
      quote.append(paragraph);
      paragraph = next;
    }
  }
}

function pictures(doc) {
  for (const img of doc.body.querySelectorAll("img")) {
    const src = (img.getAttribute("src") || "").trim();
    const here = src.startsWith("/") && !src.startsWith("//") || src.startsWith(`${location.origin}/`);
    if (!here) img.remove();
  }
}

export function cleanPastedHTML(html) {
  // DOMParser documents are inert: nothing in them loads or runs.
  const unstyled = html.replace(STYLE_SHEET, "").replace(STYLE_ATTRIBUTE, `$1${STYLE}$2`);
  const doc = new DOMParser().parseFromString(unstyled, "text/html");
  stylesToTags(doc);
  wordLists(doc);
  wordQuotes(doc);
  pictures(doc);
  for (const element of doc.body.querySelectorAll("[data-word-list], [data-word-marker]")) {
    element.removeAttribute("data-word-list");
    element.removeAttribute("data-word-marker");
  }
  return doc.body.innerHTML;
}
