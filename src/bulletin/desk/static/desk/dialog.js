// The editor's questions (a link's address, a quote and who said it, a picture's alt text and
// caption) in one small modal <dialog> rather than the browser's own prompts: labelled
// fields, a heading, a message beside the field when an answer is refused (the dialog stays
// open, and the field's hint gives way to the message until the answer is one it takes), Enter
// to answer, Escape or Cancel to give up. Built with the DOM and styled by desk.css only, so
// the desk's CSP (no inline styles or scripts) holds. One question at a time: a picture whose
// upload ends while another question is open waits its turn.

let turn = Promise.resolve();
let opened = 0;

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value != null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  if (text) node.textContent = text;
  return node;
}

// One labelled input with its hint and its (empty until refused) message. A refusal already
// says what was expected, so while it shows the hint is hidden, and the input is described by
// whichever of the two is on screen.
function field(id, { name, label, value = "", hint = "", type = "text", inputmode = null }) {
  const wrapper = element("div", { class: "field" });
  const input = element("input", {
    id: `${id}-${name}`, name, type, inputmode, autocomplete: "off", spellcheck: type === "text",
  });
  input.value = value;
  const hintLine = hint ? element("p", { class: "hint", id: `${id}-${name}-hint` }, hint) : null;
  const error = element("p", { class: "field-error", id: `${id}-${name}-error` });
  wrapper.append(element("label", { for: input.id }, label), input, ...(hintLine ? [hintLine] : []), error);
  const showError = (message) => {
    error.textContent = message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (hintLine) hintLine.hidden = Boolean(message);
    const describedBy = message ? error.id : hintLine?.id;
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    else input.removeAttribute("aria-describedby");
  };
  showError("");
  return { wrapper, input, showError, hasError: () => input.hasAttribute("aria-invalid") };
}

function show(spec) {
  const { title, intro = "", picture = "", fields, submit = "OK", extra = null, check = () => null } = spec;
  const id = `editor-dialog-${++opened}`;
  const dialog = element("dialog", {
    class: "editor-dialog", "aria-labelledby": `${id}-title`, "aria-describedby": intro ? `${id}-intro` : null,
  });
  const form = element("form", { method: "dialog", novalidate: true });
  form.append(element("h2", { id: `${id}-title` }, title));
  if (intro) form.append(element("p", { id: `${id}-intro`, class: "hint" }, intro));
  if (picture) form.append(element("img", { src: picture, alt: "", class: "editor-dialog-picture" }));
  const inputs = fields.map((spec) => field(id, spec));
  form.append(...inputs.map((one) => one.wrapper));
  const actions = element("div", { class: "actions" });
  const cancel = element("button", { type: "button" }, "Cancel");
  actions.append(element("button", { type: "submit", class: "primary" }, submit), cancel);
  const other = extra ? element("button", { type: "button", class: "danger" }, extra.label) : null;
  if (other) actions.append(other);
  form.append(actions);
  dialog.append(form);

  const values = () => Object.fromEntries(inputs.map(({ input }) => [input.name, input.value.trim()]));
  // The field `check` refuses, if any: the one it names, else the first.
  const refusedBy = (problem) =>
    problem ? inputs.find(({ input }) => input.name === problem.field) || inputs[0] : null;
  return new Promise((resolve) => {
    // Gone at once, not on the "close" event a task later: a key typed in between went to the
    // closed dialog's field and was lost.
    const finish = (answer) => {
      if (!dialog.isConnected) return;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(answer);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      for (const one of inputs) one.showError("");
      const answered = values();
      const problem = check(answered);
      const refused = refusedBy(problem);
      if (refused) {
        refused.showError(problem.message);
        refused.input.focus();
        return;
      }
      finish({ action: "ok", values: answered });
    });
    // A refused field is checked again as it is corrected: its message follows what is typed,
    // and gives way to the hint once the answer is one the dialog takes.
    for (const one of inputs) {
      one.input.addEventListener("input", () => {
        if (!one.hasError()) return;
        const problem = check(values());
        one.showError(refusedBy(problem) === one ? problem.message : "");
      });
    }
    cancel.addEventListener("click", () => finish(null));
    if (other) other.addEventListener("click", () => finish({ action: extra.action, values: values() }));
    // Escape closes a modal dialog by itself (a "cancel", then a "close"): no answer.
    dialog.addEventListener("close", () => finish(null));
    document.body.append(dialog);
    // The browser gives the focus back by itself on closing, but a contenteditable so focused
    // gets its caret at its start, which an editor may take for the writer's and keep. Such a
    // field is left before opening, for its own code to refocus where its selection is.
    if (document.activeElement?.isContentEditable) document.activeElement.blur();
    dialog.showModal();
    const first = inputs[0]?.input;
    if (first) { first.focus(); first.select(); }
  });
}

/**
 * Ask the questions in a modal dialog; resolves to {action: "ok" | extra.action, values} with
 * each field's trimmed value by name, or null when cancelled. The focus goes back where it was,
 * except into a contenteditable (an editor): its code gives the focus back itself.
 *
 * spec: {title, intro?, picture? (an address to show), fields: [{name, label, value?, hint?,
 * type?, inputmode?}], submit? (the OK button's words), extra? ({label, action}: a third
 * button), check? (values => null or {field, message}: refuse and keep the dialog open)}
 */
export function ask(spec) {
  const answer = turn.then(() => show(spec));
  turn = answer;
  return answer;
}
