// The body editor's document schema: exactly what the server's sanitiser keeps
// (src/bulletin/blogs/sanitize.py, ALLOWED_TAGS and ALLOWED_ATTRIBUTES), so that what an editor
// sees is what is stored. Every node and mark writes only allowlisted tags and attributes and no
// inline style; build.mjs writes schema.json from this file, and tests/desk/test_editor_schema.py
// checks it against the sanitiser so the two cannot drift.

import { Schema } from "prosemirror-model";

const SAFE_LINK = /^(https?:|mailto:)/i;
// Relative addresses (an uploaded picture, /media/…) or http(s): what the sanitiser lets through.
const SAFE_SOURCE = /^(https?:\/\/|\/(?!\/))/i;

export function safeLink(href) {
  const value = (href || "").trim();
  return SAFE_LINK.test(value) ? value : null;
}

function safeSource(src) {
  const value = (src || "").trim();
  return SAFE_SOURCE.test(value) ? value : null;
}

function number(value) {
  const parsed = Number.parseInt(value || "", 10);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : null;
}

function dropEmpty(attrs) {
  return Object.fromEntries(Object.entries(attrs).filter(([, value]) => value != null && value !== ""));
}

function imageAttrs(img) {
  const src = safeSource(img.getAttribute("src"));
  if (!src) return false; // file:// from Word, data: or blob: addresses: nothing a reader can load
  return {
    src,
    alt: img.getAttribute("alt") || "",
    width: number(img.getAttribute("width")),
    height: number(img.getAttribute("height")),
  };
}

function cellAttrs(dom) {
  return {
    colspan: number(dom.getAttribute("colspan")) || 1,
    rowspan: number(dom.getAttribute("rowspan")) || 1,
    scope: ["col", "row"].includes(dom.getAttribute("scope")) ? dom.getAttribute("scope") : null,
  };
}

function cellDOM(tag) {
  return (node) => [tag, dropEmpty({
    colspan: node.attrs.colspan === 1 ? null : node.attrs.colspan,
    rowspan: node.attrs.rowspan === 1 ? null : node.attrs.rowspan,
    scope: node.attrs.scope,
  }), 0];
}

const cellSpec = (role, tag) => ({
  content: "block+",
  attrs: { colspan: { default: 1 }, rowspan: { default: 1 }, colwidth: { default: null }, scope: { default: null } },
  tableRole: role,
  isolating: true,
  parseDOM: [{ tag, getAttrs: cellAttrs }],
  toDOM: cellDOM(tag),
});

export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block",
      content: "inline*",
      parseDOM: [{ tag: "p" }],
      toDOM: () => ["p", 0],
    },
    heading: {
      group: "block",
      content: "inline*",
      attrs: { level: { default: 3 } },
      defining: true,
      // The entry's headline is the page's heading; headings inside a body start at h3.
      parseDOM: [
        { tag: "h1", attrs: { level: 3 } }, { tag: "h2", attrs: { level: 3 } },
        { tag: "h3", attrs: { level: 3 } }, { tag: "h4", attrs: { level: 4 } },
        { tag: "h5", attrs: { level: 4 } }, { tag: "h6", attrs: { level: 4 } },
      ],
      toDOM: (node) => [node.attrs.level === 4 ? "h4" : "h3", 0],
    },
    blockquote: {
      group: "block",
      content: "(paragraph | heading | bullet_list | ordered_list)+ cite?",
      attrs: { cite: { default: null } },
      defining: true,
      parseDOM: [{ tag: "blockquote", getAttrs: (dom) => ({ cite: safeSource(dom.getAttribute("cite")) }) }],
      toDOM: (node) => ["blockquote", dropEmpty({ cite: node.attrs.cite }), 0],
    },
    // Who said it: the last line of a quote. A <cite> anywhere else stays plain text.
    cite: {
      content: "text*",
      marks: "",
      defining: true,
      parseDOM: [{ tag: "cite", context: "blockquote/" }],
      toDOM: () => ["cite", 0],
    },
    bullet_list: {
      group: "block",
      content: "list_item+",
      parseDOM: [{ tag: "ul" }],
      toDOM: () => ["ul", 0],
    },
    ordered_list: {
      group: "block",
      content: "list_item+",
      parseDOM: [{ tag: "ol" }],
      toDOM: () => ["ol", 0],
    },
    list_item: {
      content: "paragraph (paragraph | bullet_list | ordered_list)*",
      defining: true,
      parseDOM: [{ tag: "li" }],
      toDOM: () => ["li", 0],
    },
    figure: {
      group: "block",
      atom: true,
      draggable: true,
      attrs: { src: {}, alt: { default: "" }, width: { default: null }, height: { default: null }, caption: { default: "" } },
      parseDOM: [
        {
          tag: "figure",
          getAttrs(dom) {
            const img = dom.querySelector("img");
            const attrs = img ? imageAttrs(img) : false;
            if (!attrs) return false;
            const caption = dom.querySelector("figcaption");
            return { ...attrs, caption: caption ? caption.textContent.trim() : "" };
          },
        },
        { tag: "img[src]", getAttrs: imageAttrs },
      ],
      toDOM(node) {
        const { src, alt, width, height, caption } = node.attrs;
        const img = ["img", { ...dropEmpty({ src, width, height }), alt: alt || "" }];
        return caption ? ["figure", img, ["figcaption", caption]] : ["figure", img];
      },
    },
    table: {
      group: "block",
      content: "table_row+",
      tableRole: "table",
      isolating: true,
      parseDOM: [{ tag: "table" }],
      toDOM: () => ["table", ["tbody", 0]],
    },
    table_row: {
      content: "(table_cell | table_header)*",
      tableRole: "row",
      parseDOM: [{ tag: "tr" }],
      toDOM: () => ["tr", 0],
    },
    table_cell: cellSpec("cell", "td"),
    table_header: cellSpec("header_cell", "th"),
    text: { group: "inline" },
    hard_break: {
      inline: true,
      group: "inline",
      selectable: false,
      parseDOM: [{ tag: "br" }],
      toDOM: () => ["br"],
    },
  },
  marks: {
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [{ tag: "a[href]", getAttrs: (dom) => { const href = safeLink(dom.getAttribute("href")); return href ? { href } : false; } }],
      toDOM: (mark) => ["a", { href: mark.attrs.href }, 0],
    },
    // Styled spans from Word and Google Docs arrive as <strong> and <em> already: the desk's
    // CSP hides inline styles from the parser, so desk/paste.js reads them by hand.
    em: {
      parseDOM: [{ tag: "i" }, { tag: "em" }],
      toDOM: () => ["em", 0],
    },
    strong: {
      parseDOM: [{ tag: "strong" }, { tag: "b" }],
      toDOM: () => ["strong", 0],
    },
  },
});
