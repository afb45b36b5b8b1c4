// The one module the desk's editor (src/bulletin/desk/static/desk/editor.js) imports: the
// ProseMirror packages it uses and the body schema. Built by scripts/build-editor.sh.

export { schema, safeLink } from "./schema.js";
export { DOMParser, DOMSerializer, Fragment, Slice } from "prosemirror-model";
export { EditorState, Plugin, PluginKey, TextSelection, NodeSelection } from "prosemirror-state";
export { EditorView, Decoration, DecorationSet } from "prosemirror-view";
export { keymap } from "prosemirror-keymap";
export { history, undo, redo } from "prosemirror-history";
export {
  baseKeymap, toggleMark, setBlockType, wrapIn, lift, chainCommands, exitCode,
} from "prosemirror-commands";
export { wrapInList, splitListItem, liftListItem, sinkListItem } from "prosemirror-schema-list";
export { inputRules, wrappingInputRule, textblockTypeInputRule, undoInputRule } from "prosemirror-inputrules";
export { dropCursor } from "prosemirror-dropcursor";
export { gapCursor } from "prosemirror-gapcursor";
export { tableEditing, goToNextCell, addRowAfter, isInTable, fixTables } from "prosemirror-tables";
