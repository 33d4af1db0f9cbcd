#!/usr/bin/env bash
# make install-test: install the provider from the release archives of `make release-snapshot`
# (dist/) as a user does, under $TERRAFORM (Terraform or OpenTofu), and run the demo with it
# against the sandbox from its own archive:
#   - the archives for this machine's platform are in SHA256SUMS and match it, so does the
#     registry manifest, which declares protocol 6, and each archive holds its binary at the top
#     under the name Terraform runs (terraform-provider-dataplatforms_v<version>);
#   - a filesystem mirror of the provider archive (under registry.terraform.io and
#     registry.opentofu.org), a CLI configuration that installs only from it (no dev_overrides),
#     and `terraform init` against a lock file holding the zh: hash that SHA256SUMS gives for the
#     archive: accepted, and the h1: hash of the archive's contents (computed here) recorded; a
#     lock file with a wrong hash refused; the short source dataplatforms/dataplatforms installed
#     from the engine's own registry's directory; `providers lock -fs-mirror` records that h1:;
#   - tools/demo.sh, installing from that mirror with that lock file, with the sandbox unpacked
#     from its archive: apply, check, destroy, nothing left.
set -euo pipefail

terraform=${TERRAFORM:?set TERRAFORM to a terraform or tofu binary}
root=$(cd "$(dirname "$0")/.." && pwd)
dist=${DIST:-$root/dist}
# shellcheck source=tools/sandbox-lib.sh
source "$root/tools/sandbox-lib.sh"
fail() { echo "install-test: $*" >&2; exit 1; }
# Our own CLI configuration from the start, never the environment's.
write_mirror_cli_config "$work/mirror"

platform="$(go env GOOS)_$(go env GOARCH)"
exe=""; [ "$(go env GOOS)" = windows ] && exe=.exe
shopt -s nullglob
zips=("$dist"/terraform-provider-dataplatforms_*_"$platform".zip)
[ ${#zips[@]} = 1 ] || fail "want one provider archive for $platform in $dist (make release-snapshot), found ${#zips[@]}: ${zips[*]}"
provider_zip=${zips[0]}
name=$(basename "$provider_zip")
version=${name#terraform-provider-dataplatforms_}
version=${version%_"$platform".zip}
[ "$version" = "${version,,}" ] ||
  fail "version $version is not lower case: Terraform and OpenTofu lower-case a mirror's versions, and never match it (snapshot.version_template)"
sandbox_zip="$dist/dataplatforms-sandbox_${version}_$platform.zip"
sums="$dist/terraform-provider-dataplatforms_${version}_SHA256SUMS"
manifest="terraform-provider-dataplatforms_${version}_manifest.json"
echo "==> $("$terraform" version | sed -n 1p): installing terraform-provider-dataplatforms $version ($platform) from $dist"

echo "==> the archives against SHA256SUMS"
[ -f "$sums" ] || fail "no $sums"
for f in "$name" "$(basename "$sandbox_zip")" "$manifest"; do
  grep -q "  $f\$" "$sums" || fail "$f is not in $(basename "$sums")"
done
(cd "$dist" && grep -E "  ($name|$(basename "$sandbox_zip"))\$" "$(basename "$sums")" | sha256sum --check --strict) ||
  fail "the archives do not match $(basename "$sums")"
# The manifest is uploaded beside the archives (release.extra_files), not written to dist/: the
# file it is made from must be the one SHA256SUMS names, and declare protocol 6.
[ "$(grep "  $manifest\$" "$sums" | cut -d' ' -f1)" = "$(sha256sum <"$root/terraform-registry-manifest.json" | cut -d' ' -f1)" ] ||
  fail "$manifest in $(basename "$sums") is not terraform-registry-manifest.json"
grep -q '"protocol_versions": *\["6.0"\]' "$root/terraform-registry-manifest.json" ||
  fail "terraform-registry-manifest.json does not declare protocol 6.0: $(cat "$root/terraform-registry-manifest.json")"
zh="zh:$(grep "  $name\$" "$sums" | cut -d' ' -f1)"

echo "==> what the archives hold"
# Terraform runs the file named terraform-provider-<type>_v<version> at the archive's top.
for pair in "$provider_zip:terraform-provider-dataplatforms_v$version$exe" "$sandbox_zip:dataplatforms-sandbox$exe"; do
  listing=$(unzip -Z1 "${pair%%:*}")
  grep -qx "${pair#*:}" <<<"$listing" || fail "$(basename "${pair%%:*}") should hold ${pair#*:}, it holds: $listing"
done
unzip -q "$sandbox_zip" -d "$work/sandbox"
sandbox_bin="$work/sandbox/dataplatforms-sandbox$exe"
[ "$("$sandbox_bin" -version)" = "dataplatforms-sandbox $version" ] || fail "the sandbox says it is $("$sandbox_bin" -version), not $version"
# The h1: hash Terraform records for an archive: SHA-256 of the "<sha256>  <name>" lines of its
# files, sorted by name (golang.org/x/mod/sumdb/dirhash's Hash1).
unzip -q "$provider_zip" -d "$work/unpacked"
sum=$(cd "$work/unpacked" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
  printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"; done | sha256sum | cut -d' ' -f1)
h1="h1:$(printf '%b' "$(sed 's/../\\x&/g' <<<"$sum")" | base64)"
echo "    $name: $(unzip -Z1 "$provider_zip" | tr '\n' ' ')($zh, $h1)"
echo "    $(basename "$sandbox_zip"): $(unzip -Z1 "$sandbox_zip" | tr '\n' ' ')($("$sandbox_bin" -version))"

# The mirror's packed layout, under both registries' hosts.
for address in "${provider_addresses[@]}"; do
  mkdir -p "$work/mirror/$address"
  cp "$provider_zip" "$work/mirror/$address/"
done

# init_with_lock DIR SOURCE ADDRESS HASH: a configuration asking for exactly $version from SOURCE,
# a lock file that allows only HASH for it at ADDRESS (SOURCE in full), `terraform init` from the
# mirror, and the binary installed.
init_with_lock() {
  mkdir -p "$1"
  cat >"$1/main.tf" <<TF
terraform {
  required_providers {
    dataplatforms = {
      source  = "$2"
      version = "$version"
    }
  }
}
TF
  cat >"$1/.terraform.lock.hcl" <<HCL
provider "$3" {
  version     = "$version"
  constraints = "$version"
  hashes = [
    "$4",
  ]
}
HCL
  (cd "$1" && TF_DATA_DIR="$1/.terraform" "$terraform" init -no-color -input=false >"$1/init.log" 2>&1) || return 1
  [ -x "$1/.terraform/providers/$3/$version/$platform/terraform-provider-dataplatforms_v$version$exe" ] ||
    fail "init did not install $3's terraform-provider-dataplatforms_v$version$exe: $(find "$1/.terraform/providers" -type f)"
}
full=registry.terraform.io/dataplatforms/dataplatforms

echo "==> init with a lock file holding a wrong hash: refused"
if init_with_lock "$work/wrong" "$full" "$full" "zh:$(printf '0%.0s' {1..64})"; then
  cat "$work/wrong/init.log"; fail "init accepted an archive whose hash is not in the lock file"
fi
grep -q -i "checksum" "$work/wrong/init.log" || { cat "$work/wrong/init.log"; fail "init failed, but not on the checksum"; }
grep -i -m1 "checksum" "$work/wrong/init.log" | sed 's/^[│ ]*/    /'

echo "==> init with the lock file a user's registry install writes (SHA256SUMS' hash): accepted"
init_with_lock "$work/locked" "$full" "$full" "$zh" || { cat "$work/locked/init.log"; fail "init refused the archive SHA256SUMS names"; }
sed -n '/Installing\|Installed/s/^/    /p' "$work/locked/init.log"
for want in "$zh" "$h1"; do
  grep -q "\"$want\"" "$work/locked/.terraform.lock.hcl" || { cat "$work/locked/.terraform.lock.hcl"; fail "the lock file lacks $want"; }
done
echo "    the lock file holds $zh and $h1"

# The short source resolves to the engine's own registry: registry.opentofu.org under OpenTofu.
host=registry.terraform.io
"$terraform" version | grep -q '^OpenTofu' && host=registry.opentofu.org
echo "==> init of source = \"dataplatforms/dataplatforms\": $host's directory of the mirror"
init_with_lock "$work/short" dataplatforms/dataplatforms "$host/dataplatforms/dataplatforms" "$zh" ||
  { cat "$work/short/init.log"; fail "init of dataplatforms/dataplatforms from $host's directory failed"; }
sed -n '/Installed/s/^/    /p' "$work/short/init.log"

echo "==> providers lock -fs-mirror: the same h1: hash"
mkdir -p "$work/lock" && cp "$work/locked/main.tf" "$work/lock/"
(cd "$work/lock" && "$terraform" providers lock -no-color -fs-mirror="$work/mirror" -platform="$platform" >"$work/lock/lock.log" 2>&1) ||
  { cat "$work/lock/lock.log"; fail "providers lock -fs-mirror failed"; }
grep -q "\"$h1\"" "$work/lock/.terraform.lock.hcl" || { cat "$work/lock/.terraform.lock.hcl"; fail "providers lock -fs-mirror did not record $h1"; }
echo "    $h1"

echo "==> the demo, with the provider from the mirror and the sandbox from its archive"
TERRAFORM="$terraform" "$root/tools/demo.sh" -sandbox "$sandbox_bin" -mirror "$work/mirror" "$version" "$work/locked/.terraform.lock.hcl"
echo "==> install test passed: $name and $(basename "$sandbox_zip") under $("$terraform" version | sed -n 1p)"
