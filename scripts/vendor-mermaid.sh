#!/usr/bin/env bash
# Refreshes generator/vendor/mermaid/ from npm: the site serves Mermaid itself, so diagrams need no CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-11}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "mermaid@$VERSION" --silent >/dev/null && tar xzf mermaid-*.tgz package/dist/mermaid.min.js package/LICENSE package/package.json)
cp "$work/package/dist/mermaid.min.js" "$work/package/LICENSE" generator/vendor/mermaid/
got="$(node -p "require('$work/package/package.json').version")"
echo "mermaid $got from npm (npm pack mermaid@$got): dist/mermaid.min.js and LICENSE, unchanged. Refresh: scripts/vendor-mermaid.sh" > generator/vendor/mermaid/README
echo "vendored mermaid $got"
