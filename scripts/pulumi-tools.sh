#!/usr/bin/env bash
# Puts the Pulumi CLI and its Node.js language host on PATH for the engine tests (npm run test:engine).
#
#   scripts/pulumi-tools.sh          build (once per version) or find the tools, print `pulumi version`,
#                                    and print the folder that holds them as the LAST line of stdout
#
# Order: a `pulumi` already on PATH (the developer's own) when it is the pinned version or newer and
# has a `pulumi-language-nodejs` beside it or on PATH; otherwise the CLI built from the Go module proxy
# through engine/tools (a wrapper module: `go install` refuses pkg/v3 because its go.mod has replace
# directives, so go.mod repeats them) into .tools/pulumi-<version>/bin, once per version.
#
# The language host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is a nested
# module without tags of its own, pinned by the commit of the sdk/v<version> tag. When the proxy does
# not serve it, the script says so with the proxy's answer and exits 3: the CLI is still built and its
# version printed, but no TypeScript program or policy pack can run without the language host.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

version=$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { sub(/^v/, "", $2); print $2 }' engine/tools/go.mod)
[[ -n "$version" ]] || { echo "pulumi-tools: no github.com/pulumi/pulumi/pkg/v3 requirement in engine/tools/go.mod" >&2; exit 1; }
langhost_module=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}"

# True when $1 (x.y.z) >= $2 (x.y.z).
version_at_least() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

# 1. The developer's own CLI, when it is recent enough and has its language host.
if own=$(command -v pulumi 2>/dev/null) && [[ "$own" != "$root/.tools/"* ]]; then
  own_version=$(pulumi version 2>/dev/null | sed 's/^v//; s/[-+].*//')
  own_dir=$(dirname "$(readlink -f "$own")")
  if [[ -n "$own_version" ]] && version_at_least "$own_version" "$version" &&
    { [[ -x "$own_dir/pulumi-language-nodejs" ]] || command -v pulumi-language-nodejs >/dev/null; }; then
    echo "pulumi-tools: using the pulumi on PATH ($own, v$own_version >= v$version)" >&2
    pulumi version
    echo "$own_dir"
    exit 0
  fi
  echo "pulumi-tools: ignoring $own (v${own_version:-?}; needs >= v$version with pulumi-language-nodejs)" >&2
fi

# 2. Built from the Go module proxy, once per version.
command -v go >/dev/null || { echo "pulumi-tools: Go is needed to build the Pulumi CLI (engine/tools)" >&2; exit 1; }
bin="$root/.tools/pulumi-$version/bin"
mkdir -p "$bin"
export CGO_ENABLED=0 GOFLAGS="-trimpath -modcacherw"
build() { # $1 output name, $2 package; built into a temporary name so an interrupted build leaves nothing
  local started=$SECONDS
  (cd engine/tools && go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin/.$1.partial" "$2")
  mv "$bin/.$1.partial" "$bin/$1"
  echo "pulumi-tools: built $1 v$version in $((SECONDS - started)) s" >&2
}
if [[ ! -x "$bin/pulumi" ]]; then
  build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
fi
"$bin/pulumi" version

status=0
if [[ -x "$bin/pulumi-language-nodejs" ]]; then
  :
elif own_host=$(command -v pulumi-language-nodejs 2>/dev/null); then
  echo "pulumi-tools: using the language host on PATH ($own_host)" >&2
else
  # The proxy reports the tag's commit under Origin when it knows it; the nested module is then
  # pinned to that commit (a pseudo-version the go command derives from it).
  commit=$(go mod download -json "github.com/pulumi/pulumi/sdk/v3@v$version" |
    awk -F'"' '$2 == "Hash" { print $4; exit }')
  query=${commit:-v$version}
  if ! answer=$(cd "$(mktemp -d)" && go list -m -json "$langhost_module@$query" 2>&1); then
    echo "pulumi-tools: BLOCKED: the Go module proxy does not serve the Node.js language host" >&2
    echo "pulumi-tools:   module $langhost_module@$query (sdk/v3@v$version reports origin commit: ${commit:-none})" >&2
    echo "pulumi-tools:   $answer" >&2
    echo "pulumi-tools:   put a pulumi-language-nodejs v$version on PATH (e.g. from a Pulumi release) to run TypeScript programs" >&2
    status=3
  else
    echo "pulumi-tools: building the language host from $langhost_module@$query" >&2
    # In a copy of the wrapper module: a build never rewrites the committed go.mod.
    work=$(mktemp -d)
    cp engine/tools/go.mod engine/tools/go.sum engine/tools/tools.go "$work/"
    (cd "$work" && go get "$langhost_module@$query" &&
      go build -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin/.pulumi-language-nodejs.partial" "$langhost_module")
    mv "$bin/.pulumi-language-nodejs.partial" "$bin/pulumi-language-nodejs"
    rm -rf "$work"
  fi
fi
echo "$bin"
exit "$status"
