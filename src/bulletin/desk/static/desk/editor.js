// The body editor: ProseMirror (vendor/prosemirror.js, built from frontend/editor/) over the
// form's <textarea>. Its schema is the server's sanitiser allowlist, so pasted Word or Google
// Docs HTML keeps links, bold, italic, lists, headings, quotes and tables and loses the rest;
// a pasted or dropped picture is uploaded through the desk's image upload. A link's address, a
// quote and who said it, a picture's alt text and caption are asked in the desk's own dialog
// (dialog.js). Every change writes the clean HTML back into the textarea and fires an "input"
// event on it, so the form (preview, drafts) sees the body as one more input. The server
// sanitises again in any case.

import {
  schema, safeLink, DOMParser, DOMSerializer, EditorState, Plugin, TextSelection, NodeSelection, EditorView,
  Decoration, DecorationSet, keymap, history, undo, redo, baseKeymap, toggleMark, setBlockType,
  wrapIn, lift, wrapInList, splitListItem, liftListItem, sinkListItem, inputRules,
  wrappingInputRule, textblockTypeInputRule, undoInputRule, dropCursor, gapCursor, tableEditing,
  goToNextCell, addRowAfter, isInTable, chainCommands,
} from "./vendor/prosemirror.js";
import { ask } from "./dialog.js";
import { cleanPastedHTML } from "./paste.js";

const nodes = schema.nodes;
const marks = schema.marks;
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];

// ---- Reading and writing the stored HTML -------------------------------------------------

function parse(html) {
  const holder = new window.DOMParser().parseFromString(`<body>${html || ""}</body>`, "text/html").body;
  return DOMParser.fromSchema(schema).parse(holder);
}

// The stored form: a list item holding one paragraph is written without the <p>, as the
// reader page and the sanitiser expect; empty paragraphs are left out.
export function serialize(doc) {
  const holder = document.createElement("div");
  holder.append(DOMSerializer.fromSchema(schema).serializeFragment(doc.content));
  for (const item of holder.querySelectorAll("li")) {
    const only = item.children.length === 1 && item.firstElementChild.tagName === "P" ? item.firstElementChild : null;
    if (only && item.childNodes.length === 1) only.replaceWith(...only.childNodes);
  }
  for (const p of holder.querySelectorAll(":scope > p")) if (!p.textContent.trim() && !p.querySelector("img")) p.remove();
  return holder.textContent.trim() || holder.querySelector("img") ? holder.innerHTML : "";
}

// ---- What the selection is in (for the toolbar's pressed state) --------------------------

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return Boolean(type.isInSet(state.storedMarks || $from.marks()));
  return state.doc.rangeHasMark(from, to, type);
}

function ancestor(state, type, attrs = {}) {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth);
    if (node.type === type && Object.entries(attrs).every(([key, value]) => node.attrs[key] === value)) return depth;
  }
  return 0;
}

function nearestList(state) {
  const { $from } = state.selection;
  for (let depth = $from.depth; depth > 0; depth--) {
    const type = $from.node(depth).type;
    if (type === nodes.bullet_list || type === nodes.ordered_list) return type;
  }
  return null;
}

const ACTIVE = {
  bold: (state) => markActive(state, marks.strong),
  italic: (state) => markActive(state, marks.em),
  link: (state) => markActive(state, marks.link),
  list: (state) => nearestList(state) === nodes.bullet_list,
  numbered: (state) => nearestList(state) === nodes.ordered_list,
  quote: (state) => ancestor(state, nodes.blockquote) > 0,
  heading: (state) => ancestor(state, nodes.heading, { level: 3 }) > 0,
  subheading: (state) => ancestor(state, nodes.heading, { level: 4 }) > 0,
  table: (state) => isInTable(state),
};

// ---- Links and pictures the selection is on -----------------------------------------------

// The whole link the cursor (or the selection's start) is on: {from, to, href}, or null.
function linkAround(state) {
  const { $from } = state.selection;
  const offset = $from.parentOffset;
  let run = null;
  let found = null;
  $from.parent.forEach((child, childOffset) => {
    const link = marks.link.isInSet(child.marks);
    if (!link) { run = null; return; }
    if (run && run.link.eq(link)) run.end = childOffset + child.nodeSize;
    else run = { link, start: childOffset, end: childOffset + child.nodeSize };
    if (!found && run.start <= offset && offset <= run.end) found = run; // grows with its run
  });
  if (!found) return null;
  const base = $from.start();
  return { from: base + found.start, to: base + found.end, href: found.link.attrs.href };
}

// What the sanitiser keeps (schema.safeLink), and somewhere to go: a host, or an address.
function linkProblem(typed) {
  let url = null;
  try { url = new URL(typed); } catch { /* not an address at all: said below */ }
  const usable = url && safeLink(typed) && !/\s/.test(typed)
    && (url.protocol === "mailto:" ? url.pathname !== "" : url.hostname !== "");
  if (usable) return null;
  return `Expected an address starting with https://, http:// or mailto:, got ${typed ? `“${typed}”` : "nothing"}.`;
}

const NO_ALT = "Picture has no alt text: readers who cannot see it get nothing.";

// Asked for a new picture and for one already in the text: its caption is the figure's
// <figcaption> (the schema's caption attribute).
function pictureQuestions({ src, alt = "", caption = "" }, submit) {
  return {
    title: "Describe the picture",
    picture: src,
    fields: [
      { name: "alt", label: "Alt text", value: alt,
        hint: "What the picture shows, for readers who cannot see it. Leave it empty only if it is decoration." },
      { name: "caption", label: "Caption (optional)", value: caption, hint: "Printed under the picture for every reader." },
    ],
    submit,
  };
}

function selectedFigure(state) {
  const { selection } = state;
  return selection instanceof NodeSelection && selection.node.type === nodes.figure ? selection : null;
}

// ---- Commands -----------------------------------------------------------------------------

function toggleList(type) {
  return (state, dispatch) => {
    const current = nearestList(state);
    if (current === type) return liftListItem(nodes.list_item)(state, dispatch);
    if (current) {
      // A bulleted list becomes numbered (or back) as a whole.
      const { $from } = state.selection;
      for (let depth = $from.depth; depth > 0; depth--) {
        if ($from.node(depth).type === current) {
          if (dispatch) dispatch(state.tr.setNodeMarkup($from.before(depth), type));
          return true;
        }
      }
    }
    return wrapInList(type)(state, dispatch);
  };
}

function toggleHeading(level) {
  return (state, dispatch) => {
    if (ancestor(state, nodes.heading, { level })) return setBlockType(nodes.paragraph)(state, dispatch);
    return setBlockType(nodes.heading, { level })(state, dispatch);
  };
}

function insertTable(state, dispatch) {
  if (isInTable(state)) return addRowAfter(state, dispatch);
  const cell = (type, scope) => type.create(scope ? { scope } : null, nodes.paragraph.create());
  const header = nodes.table_row.create(null, [cell(nodes.table_header, "col"), cell(nodes.table_header, "col")]);
  const row = () => nodes.table_row.create(null, [cell(nodes.table_cell), cell(nodes.table_cell)]);
  const table = nodes.table.create(null, [header, row(), row()]);
  if (!dispatch) return true;
  const tr = state.tr.replaceSelectionWith(table);
  // Into the first header cell: table, row, cell, paragraph.
  const start = tr.mapping.map(state.selection.from, -1);
  const found = [];
  tr.doc.nodesBetween(start, tr.doc.content.size, (node, pos) => {
    if (!found.length && node.type === nodes.table_header) found.push(pos);
    return !found.length;
  });
  if (found.length) tr.setSelection(TextSelection.create(tr.doc, found[0] + 2));
  dispatch(tr.scrollIntoView());
  return true;
}

// Enter in a quote: at the end of a line, a new line (never an empty attribution); in the
// attribution, out of the quote (an empty attribution goes). An empty last line leaves the
// quote through the base keymap, as in a list.
function quoteEnter(state, dispatch) {
  const { $from, empty } = state.selection;
  if (!empty || $from.depth < 2 || $from.node(-1).type !== nodes.blockquote) return false;
  const line = $from.parent;
  if (line.type === nodes.cite) {
    if (!dispatch) return true;
    const tr = state.tr;
    if (line.content.size === 0) tr.delete($from.before(), $from.after());
    const below = tr.mapping.map($from.after(-1));
    tr.insert(below, nodes.paragraph.create());
    dispatch(tr.setSelection(TextSelection.create(tr.doc, below + 1)).scrollIntoView());
    return true;
  }
  if (line.type !== nodes.paragraph || !line.content.size || $from.parentOffset !== line.content.size) return false;
  if (dispatch) dispatch(state.tr.split($from.pos, 1, [{ type: nodes.paragraph }]).scrollIntoView());
  return true;
}

// Tab moves between cells; at the last cell it adds a row. Outside a table it is the browser's
// (so the keyboard can still leave the editor).
function tableTab(state, dispatch, view) {
  if (goToNextCell(1)(state, dispatch)) return true;
  if (!isInTable(state)) return false;
  if (!dispatch) return true;
  addRowAfter(state, dispatch);
  if (view) goToNextCell(1)(view.state, view.dispatch);
  return true;
}

const rules = inputRules({
  rules: [
    wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
    wrappingInputRule(/^\s*([-+*])\s$/, nodes.bullet_list),
    wrappingInputRule(/^(\d+)\.\s$/, nodes.ordered_list),
    textblockTypeInputRule(/^###\s$/, nodes.heading, { level: 3 }),
    textblockTypeInputRule(/^####\s$/, nodes.heading, { level: 4 }),
  ],
});

// ---- Uploads: a pasted or dropped picture -------------------------------------------------

// Where pictures still uploading will go, kept in step with every later edit.
const uploads = new Plugin({
  state: {
    init: () => DecorationSet.empty,
    apply(tr, set) {
      let next = set.map(tr.mapping, tr.doc);
      const action = tr.getMeta(uploads);
      if (action && action.add) {
        const widget = document.createElement("span");
        widget.className = "upload-placeholder";
        widget.textContent = "Uploading picture…";
        next = next.add(tr.doc, [Decoration.widget(action.add.pos, widget, { id: action.add.id })]);
      } else if (action && action.remove) {
        next = next.remove(next.find(null, null, (spec) => spec.id === action.remove.id));
      }
      return next;
    },
  },
  props: { decorations(state) { return this.getState(state); } },
});

function placeholderAt(state, id) {
  const found = uploads.getState(state).find(null, null, (spec) => spec.id === id);
  return found.length ? found[0].from : null;
}

function imageFiles(transfer) {
  return transfer ? [...transfer.files].filter((file) => IMAGE_TYPES.includes(file.type)) : [];
}

// ---- The editor ---------------------------------------------------------------------------

export class BodyEditor {
  constructor(textarea, toolbar, { upload = null, csrf = "" } = {}) {
    this.textarea = textarea;
    this.toolbar = toolbar;
    this.upload = upload;
    this.csrf = csrf;
    // Selections to come back to once a dialog is answered, kept in step with every edit made
    // meanwhile (a picture's upload may end while the dialog is open).
    this.held = new Set();
    this.status = document.createElement("p");
    this.status.className = "editor-status";
    this.status.setAttribute("role", "status");
    const holder = document.createElement("div");
    holder.className = "rich-editor-holder";
    textarea.classList.add("enhanced");
    textarea.after(holder, this.status);
    this.view = new EditorView(holder, {
      state: this.stateFor(textarea.value),
      attributes: (state) => ({
        class: `rich-editor${state.doc.textContent || state.doc.childCount > 1 ? "" : " is-empty"}`,
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": "Text",
        "data-placeholder": "What happened? Ctrl+B bold, Ctrl+I italic, Ctrl+K link",
      }),
      transformPastedHTML: cleanPastedHTML,
      handlePaste: (view, event) => this.pastePictures(event),
      handleDrop: (view, event, slice, moved) => !moved && this.dropPictures(event),
      handleDoubleClickOn: (view, pos, node, nodePos, event, direct) => {
        if (!direct || node.type !== nodes.figure) return false;
        view.dispatch(view.state.tr.setSelection(NodeSelection.create(view.state.doc, nodePos)));
        return this.picture(view.state, view.dispatch);
      },
      dispatchTransaction: (tr) => this.apply(tr),
    });
    this.area = this.view.dom;
    this.commands = {
      bold: toggleMark(marks.strong),
      italic: toggleMark(marks.em),
      link: (state, dispatch) => this.link(state, dispatch),
      list: toggleList(nodes.bullet_list),
      numbered: toggleList(nodes.ordered_list),
      quote: (state, dispatch) => this.quote(state, dispatch),
      picture: (state, dispatch) => this.picture(state, dispatch),
      heading: toggleHeading(3),
      subheading: toggleHeading(4),
      table: insertTable,
    };
    toolbar.hidden = false;
    toolbar.addEventListener("mousedown", (event) => {
      if (event.target.closest("button")) event.preventDefault(); // keep the selection
    });
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-command]");
      if (button) this.command(button.dataset.command);
    });
    this.updateToolbar();
  }

  stateFor(html) {
    const bindings = {
      "Mod-b": this.bind("bold"), "Mod-B": this.bind("bold"),
      "Mod-i": this.bind("italic"), "Mod-I": this.bind("italic"),
      "Mod-k": this.bind("link"),
      "Mod-Shift-8": this.bind("list"), "Mod-Shift-*": this.bind("list"),
      "Mod-Shift-7": this.bind("numbered"), "Mod-Shift-&": this.bind("numbered"),
      "Mod-Shift-9": this.bind("quote"), "Mod-Shift-(": this.bind("quote"),
      "Mod-Alt-2": this.bind("heading"), "Mod-Alt-3": this.bind("subheading"),
      "Mod-Alt-0": setBlockType(nodes.paragraph),
      "Mod-z": undo, "Mod-y": redo, "Mod-Shift-z": redo,
      Backspace: undoInputRule,
      Enter: chainCommands(this.bind("picture"), splitListItem(nodes.list_item), quoteEnter),
      "Mod-]": sinkListItem(nodes.list_item),
      "Mod-[": liftListItem(nodes.list_item),
      "Shift-Enter": (state, dispatch) => {
        if (dispatch) dispatch(state.tr.replaceSelectionWith(nodes.hard_break.create()).scrollIntoView());
        return true;
      },
      Tab: tableTab,
      "Shift-Tab": goToNextCell(-1),
    };
    return EditorState.create({
      doc: parse(html),
      plugins: [rules, keymap(bindings), keymap(baseKeymap), history(), dropCursor({ color: false }),
        gapCursor(), tableEditing(), uploads],
    });
  }

  bind(name) {
    return (state, dispatch) => this.commands[name](state, dispatch);
  }

  apply(tr) {
    const before = this.view.state;
    const state = before.apply(tr);
    this.view.updateState(state);
    for (const held of this.held) held.selection = held.selection.map(state.doc, tr.mapping);
    if (tr.docChanged) this.sync();
    this.updateToolbar();
    if (selectedFigure(state) && !selectedFigure(before)) {
      this.say("Picture selected: Enter or a double click changes its alt text and caption.");
    }
  }

  // Called when something else (a restored draft) changed the textarea.
  refresh() {
    this.view.updateState(this.stateFor(this.textarea.value));
    // A new document: a dialog still open comes back to its start.
    for (const held of this.held) held.selection = this.view.state.selection;
    this.updateToolbar();
  }

  sync() {
    this.textarea.value = serialize(this.view.state.doc);
    this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  focus() { this.view.focus(); }

  command(name) {
    const run = this.commands[name];
    if (!run) return;
    this.view.focus();
    run(this.view.state, (tr) => this.view.dispatch(tr));
  }

  updateToolbar() {
    const state = this.view.state;
    for (const button of this.toolbar.querySelectorAll("button[data-command]")) {
      const active = ACTIVE[button.dataset.command];
      if (active) button.setAttribute("aria-pressed", String(active(state)));
    }
  }

  say(text) { this.status.textContent = text; }

  // Ask in the desk's dialog; meanwhile the selection follows any edit (an upload may end).
  // The answer is acted on at that selection, and only then does the text take the focus back,
  // through the view, which puts the caret at the selection (the browser's own focus return
  // puts it at the start of the text: dialog.js leaves that to us).
  async askAtSelection(questions, act) {
    const held = { selection: this.view.state.selection };
    this.held.add(held);
    let answer = null;
    try {
      answer = await ask(questions);
    } finally {
      this.held.delete(held);
    }
    if (!held.selection.eq(this.view.state.selection)) {
      this.view.dispatch(this.view.state.tr.setSelection(held.selection));
    }
    if (answer) act(answer);
    this.view.focus();
  }

  // Ask where to. On a link: change its address, or remove it. With nothing selected, the words
  // to show are asked too (the address if left empty).
  link(state, dispatch) {
    if (!dispatch) return true;
    const editing = markActive(state, marks.link) ? linkAround(state) : null;
    const fields = [{
      name: "href", label: "Address", value: editing ? editing.href : "", type: "url", inputmode: "url",
      hint: "Starting with https://, http:// or mailto:",
    }];
    if (!editing && state.selection.empty) {
      fields.push({ name: "words", label: "Words to show (optional)", hint: "Left empty, the address is shown." });
    }
    this.askAtSelection({
      title: editing ? "Edit link" : "Add link",
      fields,
      submit: editing ? "Save link" : "Add link",
      extra: editing ? { label: "Remove link", action: "remove" } : null,
      check: ({ href }) => {
        const problem = linkProblem(href);
        return problem ? { field: "href", message: problem } : null;
      },
    }, (answer) => this.placeLink(answer, Boolean(editing)));
    return true;
  }

  placeLink({ action, values }, editing) {
    const state = this.view.state;
    const { from, to, empty } = state.selection;
    if (editing) {
      const around = linkAround(state);
      if (!around) return;
      const tr = action === "remove"
        ? state.tr.removeMark(around.from, around.to, marks.link)
        : state.tr.addMark(around.from, around.to, marks.link.create({ href: values.href }));
      this.view.dispatch(tr);
      return;
    }
    const link = marks.link.create({ href: values.href });
    const tr = empty
      ? state.tr.replaceSelectionWith(schema.text(values.words || values.href, [link]), false)
      : state.tr.addMark(from, to, link);
    this.view.dispatch(tr.scrollIntoView());
  }

  // In a quote: take it out. On words: ask who said them, then quote them. On an empty line:
  // ask for the words and who said them. The attribution becomes the quote's <cite>.
  quote(state, dispatch) {
    if (ancestor(state, nodes.blockquote)) return lift(state, dispatch);
    const { $from, $to, empty } = state.selection;
    const emptyLine = empty && $from.parent.type === nodes.paragraph && $from.parent.content.size === 0;
    if (!emptyLine && !wrapIn(nodes.blockquote)(state)) return false;
    if (!dispatch) return true;
    const who = { name: "who", label: "Who said it (optional)", hint: "Printed under the quote: a name, and a role if it helps." };
    const words = state.doc.textBetween($from.start(), $to.end(), " ");
    this.askAtSelection(emptyLine
      ? {
        title: "Add quote",
        fields: [{ name: "said", label: "Quote", hint: "The words said, without quotation marks." }, who],
        submit: "Add quote",
        check: ({ said }) => (said ? null : { field: "said", message: "Expected the words of the quote, got nothing." }),
      }
      : {
        title: "Make a quote",
        intro: `Becomes the quote: “${words.length > 120 ? `${words.slice(0, 119)}…` : words}”`,
        fields: [who],
        submit: "Make quote",
      }, ({ values }) => (emptyLine ? this.insertQuote(values) : this.wrapQuote(values)));
    return true;
  }

  insertQuote({ said, who }) {
    const state = this.view.state;
    const line = state.selection.$from;
    if (line.parent.type !== nodes.paragraph || line.parent.content.size) return;
    const content = [nodes.paragraph.create(null, schema.text(said))];
    if (who) content.push(nodes.cite.create(null, schema.text(who)));
    const tr = state.tr.replaceWith(line.before(), line.after(), [nodes.blockquote.create(null, content), nodes.paragraph.create()]);
    const after = tr.mapping.map(line.before()) + tr.doc.nodeAt(line.before()).nodeSize + 1;
    tr.setSelection(TextSelection.create(tr.doc, after));
    this.view.dispatch(tr.scrollIntoView());
  }

  // The wrap and its attribution are one step (one undo).
  wrapQuote({ who }) {
    let tr = null;
    if (!wrapIn(nodes.blockquote)(this.view.state, (made) => { tr = made; })) return;
    const $inside = tr.selection.$from;
    let depth = $inside.depth;
    while (depth > 0 && $inside.node(depth).type !== nodes.blockquote) depth -= 1;
    if (who && depth) tr.insert($inside.end(depth), nodes.cite.create(null, schema.text(who)));
    this.view.dispatch(tr.scrollIntoView());
  }

  // The picture selected in the text: its alt text and caption, asked again.
  picture(state, dispatch) {
    const selected = selectedFigure(state);
    if (!selected) return false;
    if (!dispatch) return true;
    const { src, alt, caption } = selected.node.attrs;
    this.askAtSelection(pictureQuestions({ src, alt, caption }, "Save"), (answer) => {
      const now = selectedFigure(this.view.state);
      if (!now) return;
      const tr = this.view.state.tr.setNodeMarkup(now.from, null, { ...now.node.attrs, ...answer.values });
      this.view.dispatch(tr.setSelection(NodeSelection.create(tr.doc, now.from)));
      this.say(answer.values.alt ? "Picture described." : NO_ALT);
    });
    return true;
  }

  // Pictures on the clipboard are uploaded, unless the clipboard is a copied document
  // (Word puts a picture of the copied text beside its HTML: the text is what was meant).
  pastePictures(event) {
    const files = imageFiles(event.clipboardData);
    if (!files.length || !this.upload) return false;
    const html = event.clipboardData.getData("text/html");
    if (html && new window.DOMParser().parseFromString(html, "text/html").body.textContent.trim()) return false;
    event.preventDefault();
    this.uploadPictures(files, this.view.state.selection.from);
    return true;
  }

  dropPictures(event) {
    const files = imageFiles(event.dataTransfer);
    if (!files.length || !this.upload) return false;
    event.preventDefault();
    const spot = this.view.posAtCoords({ left: event.clientX, top: event.clientY });
    this.uploadPictures(files, spot ? spot.pos : this.view.state.selection.from);
    return true;
  }

  uploadPictures(files, pos) {
    for (const file of files) {
      const id = {};
      this.view.dispatch(this.view.state.tr.setMeta(uploads, { add: { id, pos } }));
      this.say("Uploading picture…");
      this.send(file).then(async (picture) => {
        const done = () => this.view.state.tr.setMeta(uploads, { remove: { id } });
        if (!picture || placeholderAt(this.view.state, id) == null) { this.view.dispatch(done()); return; }
        // Asked when the upload ends, wherever the writer is: the dialog gives the focus back
        // there, except to the text, which takes it back itself (dialog.js says why).
        const answer = await ask(pictureQuestions({ src: picture.url }, "Add picture"));
        // The focus nowhere: the text had it (or nothing did), and takes it after the edit.
        const backToText = !document.activeElement || document.activeElement === document.body;
        const at = placeholderAt(this.view.state, id);
        const tr = done();
        if (at == null || !answer) {
          this.view.dispatch(tr);
          if (!answer) this.say("Picture not added to the text.");
        } else {
          const { alt, caption } = answer.values;
          const figure = nodes.figure.create({
            src: picture.url, alt, caption, width: picture.width || null, height: picture.height || null,
          });
          const $at = tr.doc.resolve(at);
          // A picture is a block: put it after the paragraph it was dropped into.
          const where = $at.parent.inlineContent && $at.depth > 0 ? $at.after() : at;
          this.view.dispatch(tr.insert(where, figure));
          this.say(alt ? "Picture added." : NO_ALT);
        }
        if (backToText) this.view.focus();
      });
    }
  }

  async send(file) {
    const data = new FormData();
    data.append("image", file);
    data.append("csrfmiddlewaretoken", this.csrf);
    try {
      const response = await fetch(this.upload, { method: "POST", body: data, credentials: "same-origin" });
      const body = await response.json().catch(() => null);
      if (response.status === 201 && body && body.url) return body;
      this.say(body?.error?.message || `The picture was not uploaded (${response.status}).`);
    } catch {
      this.say("The picture was not uploaded: no connection.");
    }
    return null;
  }
}
