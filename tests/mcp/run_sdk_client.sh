#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs sdk_client.mjs (the official MCP TypeScript SDK's 1.x client, @modelcontextprotocol/sdk) and
# sdk_client_2026.mjs (its 2.x client, @modelcontextprotocol/client, on the 2026-07-28 revision)
# against heapscope-cli mcp. Installs both into CACHE_DIR once; exits 77 (skipped) only when node or
# npm is missing or npm cannot install them (no network).
#
# usage: run_sdk_client.sh HEAPSCOPE_CLI DATA_DIR CACHE_DIR
set -euo pipefail
cli=$1 data=$2 cache=$3
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "SKIP: node is not installed"; exit 77; }
if [[ ! -f $cache/node_modules/@modelcontextprotocol/sdk/package.json ||
      ! -f $cache/node_modules/@modelcontextprotocol/client/package.json ]]; then
    command -v npm >/dev/null || { echo "SKIP: npm is not installed"; exit 77; }
    mkdir -p "$cache"
    [[ -f $cache/package.json ]] || echo '{"private": true}' >"$cache/package.json"
    if ! (cd "$cache" && npm install --no-audit --no-fund --loglevel=error '@modelcontextprotocol/sdk@1' \
        '@modelcontextprotocol/client@2'); then
        echo "SKIP: npm could not install @modelcontextprotocol/sdk and @modelcontextprotocol/client"
        exit 77
    fi
fi
# The scripts resolve the SDK from where they run: next to the installed node_modules.
cp "$here/sdk_client.mjs" "$here/sdk_client_2026.mjs" "$here/wire_progress.mjs" "$cache/"
node "$cache/sdk_client.mjs" "$cli" "$data"
node "$cache/sdk_client_2026.mjs" "$cli" "$data"
