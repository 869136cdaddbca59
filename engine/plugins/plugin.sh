#!/bin/sh
# A Pulumi resource plugin of the simulated AWS, for the engine tests only (they put this folder on
# PATH). The engine starts pulumi-resource-<name>, a link to this script; the provider is the
# TypeScript in engine/providers, run by Node through ts-node (transpile only).
set -e
name=${0##*/pulumi-resource-}
here=$(dirname "$(readlink -f "$0")")
repo=$(cd "$here/../.." && pwd)
TS_NODE_PROJECT="$repo/tsconfig.json" exec node --require "$repo/node_modules/ts-node/register/transpile-only" \
  "$repo/engine/providers/serve.ts" "$name" "$@"
