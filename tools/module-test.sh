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
# shellcheck source=tools/sandbox-lib.sh
source "$root/tools/sandbox-lib.sh"

echo "==> building the provider"
go build -o "$work/plugins/terraform-provider-dataplatforms" "$root"
echo "==> starting the sandbox with the module's fixtures and faults"
start_sandbox "$root" -fixtures "$module/fixtures/s3" -faults "$module/faults.json"
# The module names the provider as users do (dataplatforms/dataplatforms).
write_cli_config "$work/plugins"
cp -r "$module/." "$work/module"
cd "$work/module"

echo "==> $("$terraform" version | sed -n 1p): test"
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
