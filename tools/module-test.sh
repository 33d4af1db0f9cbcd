#!/usr/bin/env bash
# make module-test: run examples/module-testing's `terraform test` (or `tofu test`, with
# TERRAFORM=.bin/tofu) against the sandbox, as docs/guides/module-testing.md tells users to:
# start the sandbox with the module's fixtures and faults, source its env file, run the tests.
# Then check what the tests cannot: after the framework's destroy, V7's files for the scan are
# gone from the bucket, the scan itself is not, and the injected 429 was met.
set -euo pipefail

terraform=${TERRAFORM:?set TERRAFORM to a terraform or tofu binary}
root=$(cd "$(dirname "$0")/.." && pwd)
module="$root/examples/module-testing"
work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the provider and the sandbox"
go build -o "$work/plugins/terraform-provider-dataplatforms" "$root"
go build -o "$work/dataplatforms-sandbox" "$root/internal/sandbox/cmd/sandbox"

echo "==> starting the sandbox with the module's fixtures and faults"
"$work/dataplatforms-sandbox" -env-file "$work/sandbox.env" -fixtures "$module/fixtures/s3" -faults "$module/faults.json" \
  >"$work/sandbox.json" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 100); do [ -s "$work/sandbox.env" ] && break; sleep 0.1; done
[ -s "$work/sandbox.env" ] || { echo "the sandbox did not start:"; cat "$work/sandbox.log"; exit 1; }
# shellcheck disable=SC1091
source "$work/sandbox.env"

# The module names the provider as users do (dataplatforms/dataplatforms): Terraform resolves it
# at registry.terraform.io, OpenTofu at registry.opentofu.org. Both point at the built binary.
cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/dataplatforms/dataplatforms" = "$work/plugins"
    "registry.opentofu.org/dataplatforms/dataplatforms" = "$work/plugins"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_DATA_DIR="$work/tfdata" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
cp -r "$module/." "$work/module"
cd "$work/module"

echo "==> $("$terraform" version | head -1): test"
"$terraform" test -no-color

objects() { curl -fsS "$DATAPLATFORMS_SANDBOX_ADMIN/objects?bucket=$1&prefix=$2"; }
echo "==> after the tests' destroy"
left=$(objects sandbox-data "v7/darwin/module-test/")
[ "$left" = "[]" ] || { echo "V7's files for the scan are left in the bucket: $left"; exit 1; }
scan=$(objects sandbox-data "module-test/scans/scan-1.jpg")
case "$scan" in *'"key":"module-test/scans/scan-1.jpg"'*) ;; *) echo "the fixture scan is gone: $scan"; exit 1 ;; esac
requests=$(curl -fsS "$DATAPLATFORMS_SANDBOX_ADMIN/requests?platform=v7")
case "$requests" in *'"status":429,"injected":true'*) ;; *) echo "the 429 of faults.json was never met: $requests"; exit 1 ;; esac
echo "    V7's folder for the scan is empty, the scan is kept, the 429 was met and retried"
echo "==> module test passed"
