// The desk's script: progressive enhancement of server-rendered pages (all of them work
// without it). Loaded as a module from a file: the pages allow no inline script.

import { setupRepeatCheck } from "./assist.js";
import { setupBulk } from "./bulk.js";
import { setupBlogForm } from "./blogform.js";
import { setupComposer } from "./composer.js";
import { setupKeyPoints } from "./keypoints.js";
import { followDesk } from "./live.js";
import { announceEditing } from "./presence.js";

document.documentElement.classList.add("js");

// Destructive buttons ask first (delete, end coverage, remove a member…).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
}, true);

const composer = document.getElementById("composer");
if (composer) {
  setupComposer(composer);
  setupRepeatCheck(composer);
}

const editor = document.getElementById("entry-editor");
if (editor) {
  setupComposer(editor);
  if (editor.dataset.editing) announceEditing(editor);
}

const newBlog = document.querySelector("form[data-new-blog]");
if (newBlog) setupBlogForm(newBlog);

const keyPoints = document.querySelector("form[data-key-points]");
if (keyPoints) setupKeyPoints(keyPoints);

const bulk = document.querySelector("form[data-bulk]");
if (bulk) setupBulk(bulk);

const layout = document.querySelector("[data-desk][data-events]");
if (layout && "EventSource" in window) followDesk(layout);

const error = document.getElementById("form-error");
if (error) error.focus();
