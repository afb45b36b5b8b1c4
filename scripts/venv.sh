#!/usr/bin/env bash
# Make .venv with python3 and install Bulletin into it from a lock file: "runtime" installs
# requirements/runtime.txt (what `make serve` runs), "dev" requirements/dev.txt (the runtime set
# plus tests, lint and the benchmark's packages), "bare" only makes the environment.
# Every locked package is checked against its hashes; Bulletin itself is installed last, editable
# and without dependencies, so nothing outside the lock comes in with it.
# On a fresh Debian, python3's venv module may be missing: install it when we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"

case "$kind" in
  runtime | dev) lock="requirements/$kind.txt" ;;
  bare) lock="" ;;
  *) echo "usage: scripts/venv.sh runtime|dev|bare, got '$kind'" >&2; exit 2 ;;
esac

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "python3 cannot make virtual environments here: installing python3-venv" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      python3 -m venv .venv
    else
      echo "python3 cannot make virtual environments: install python3-venv (sudo apt-get install python3-venv)" >&2
      exit 1
    fi
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

if [ -n "$lock" ]; then
  .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
  .venv/bin/python -m pip install --quiet --no-deps -e .
fi
