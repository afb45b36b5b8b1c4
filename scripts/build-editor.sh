#!/bin/sh
# Rebuild the desk editor's vendored ProseMirror bundle (src/bulletin/desk/static/desk/vendor/)
# and frontend/editor/schema.json from the exact versions in frontend/editor/package-lock.json.
# Only a developer who changes the editor's packages or schema runs this; the built files are
# committed, so users and CI never need Node.
set -eu
cd "$(dirname "$0")/../frontend/editor"
npm ci --no-audit --no-fund
node build.mjs
