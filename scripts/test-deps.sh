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
