#!/usr/bin/env bash
# Installs what the browser tests need and a venv cannot hold: Debian's chromium and axe-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "test-deps: installing Debian's chromium (apt-get)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# axe-core as tests/e2e/package.json pins it; installed again whenever package.json changes.
STAMP=tests/e2e/node_modules/.installed
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ] || [ ! -f "$STAMP" ] || [ tests/e2e/package.json -nt "$STAMP" ]; then
  echo "test-deps: installing axe-core (npm install in tests/e2e)"
  (cd tests/e2e && npm install --silent --no-audit --no-fund --no-save >/dev/null)
  touch "$STAMP"
fi
