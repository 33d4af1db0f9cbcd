#!/usr/bin/env bash
# Builds the pinned OpenTofu from the Go module proxy: `go install …@version` refuses the module
# (its go.mod has replace directives), so take the module's source, copy it and build there.
# Usage: build-tofu.sh VERSION OUTPUT
set -euo pipefail
version=${1:?usage: build-tofu.sh VERSION OUTPUT} out=${2:?usage: build-tofu.sh VERSION OUTPUT}
src=$(go mod download -json "github.com/opentofu/opentofu@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[ -d "$src" ] || { echo "build-tofu: the module proxy gave no source for github.com/opentofu/opentofu@$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work"
chmod -R u+w "$work"
mkdir -p "$(dirname "$out")"
echo "build-tofu: building OpenTofu $version (several minutes, once)"
(cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$out.tmp" ./cmd/tofu)
mv "$out.tmp" "$out"
TF_CLI_CONFIG_FILE=/dev/null "$out" version | sed -n 1p
