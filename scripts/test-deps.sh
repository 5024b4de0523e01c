#!/usr/bin/env bash
# Installs what the browser and deployment tests need and a venv cannot hold: Debian's chromium and nginx, axe-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
# nginx: tests/deploy runs it (as a child, in a temporary folder) in front of a real backend.
MISSING=""
[ -x /usr/bin/chromium ] || MISSING="$MISSING chromium"
[ -x /usr/sbin/nginx ] || MISSING="$MISSING nginx"
if [ -n "$MISSING" ]; then
  echo "test-deps: installing Debian's$MISSING (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING >/dev/null
fi
# axe-core as tests/e2e/package.json pins it; installed again whenever package.json changes.
STAMP=tests/e2e/node_modules/.installed
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ] || [ ! -f "$STAMP" ] || [ tests/e2e/package.json -nt "$STAMP" ]; then
  echo "test-deps: installing axe-core (npm install in tests/e2e)"
  (cd tests/e2e && npm install --silent --no-audit --no-fund --no-save >/dev/null)
  touch "$STAMP"
fi
# Zensical (portal build --engine zensical) in a venv of its own: its pins need not agree with MkDocs'. 0.1.x does not
# install from the registry here (its zensical-ui is missing); mkdocstrings-python renders the Python reference pages.
ZENSICAL_VENV="${PORTAL_ZENSICAL_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/portalgen/zensical-0.0.73}"
if [ ! -x "$ZENSICAL_VENV/bin/zensical" ]; then
  echo "test-deps: installing zensical 0.0.73 into $ZENSICAL_VENV"
  python3 -m venv "$ZENSICAL_VENV"
  "$ZENSICAL_VENV/bin/pip" install --quiet --disable-pip-version-check zensical==0.0.73 mkdocstrings==1.0.8 mkdocstrings-python==2.0.11
fi
