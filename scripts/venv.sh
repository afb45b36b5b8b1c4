#!/usr/bin/env bash
# Make .venv with python3 and install Bulletin into it: "runtime", or "dev" (tests, lint, bench).
# On a fresh Debian, python3's venv module may be missing: install it when we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-runtime}"

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

if [ "$kind" = dev ]; then
  # The benchmark's packages too: `make test` runs a small fan-out so that it keeps working.
  .venv/bin/python -m pip install --quiet -e '.[dev,bench]'
else
  .venv/bin/python -m pip install --quiet -e .
fi
