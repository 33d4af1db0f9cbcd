#!/usr/bin/env bash
# make demo: start the sandbox, install the provider, run examples/demo against the sandbox
# (validate, plan, apply, the teardown preview, destroy), then check that the destroy left
# nothing: empty state, no V7 item or Foundry file or Code Ocean asset (examples/demo/gone),
# no V7 files in the bucket, the derivative version's local directories gone; and that it took
# nothing more: the customer's scan and the near-miss directory are kept.
#
#   demo.sh [-sandbox BIN] PROVIDER_BINARY
#       the provider through dev_overrides (make demo), the sandbox built from source
#   demo.sh [-sandbox BIN] -mirror DIR VERSION [LOCK_FILE]
#       the provider installed by `terraform init` from the filesystem mirror DIR, VERSION
#       pinned, the lock file started from LOCK_FILE (make install-test)
#
# -sandbox BIN runs that sandbox binary (a released one) instead of building it. Everything it
# writes goes to a temporary directory that is removed on exit, and the sandbox is stopped.
set -euo pipefail
usage="usage: demo.sh [-sandbox BIN] PROVIDER_BINARY | demo.sh [-sandbox BIN] -mirror DIR VERSION [LOCK_FILE]"

terraform=${TERRAFORM:-terraform}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/sandbox-lib.sh
source "$root/tools/sandbox-lib.sh"

sandbox_bin="" provider_bin="" mirror="" version="" lock=""
if [ "${1:-}" = -sandbox ]; then sandbox_bin=${2:?$usage}; shift 2; fi
if [ "${1:-}" = -mirror ]; then
  mirror=${2:?$usage} version=${3:?$usage} lock=${4:-}
else
  provider_bin=${1:?$usage}
fi

echo "==> starting the sandbox${sandbox_bin:+ ($sandbox_bin)}"
start_sandbox "$root"
export TF_VAR_foundry_dataset_rid="$FOUNDRY_DATASET_RID"
# A local clone of dandiset 001697 with the directories the sandbox's draft holds assets for.
clone="$work/clone" pipe="derivatives/dandiset-000409"
for d in "sub-01/pipeline-aind+ephys/version-v1.0.0/params-1a2b3c4_config-5d6e7f8_attempt-1/code" \
         "sub-02/pipeline-aind+ephys/version-v1.0.0+fixes+20abeb6/params-1a2b3c4_config-5d6e7f8_attempt-1/code" \
         "sub-02/pipeline-aind+ephys/version-v1.0.00/params-1a2b3c4_config-5d6e7f8_attempt-1/code"; do
  mkdir -p "$clone/$pipe/$d" && echo "#!/bin/sh" >"$clone/$pipe/$d/submit.sh"
done
export TF_VAR_dandi_clone="$clone"
echo "    endpoints: $(head -c 300 "$work/sandbox.json")…"

# prepare DIR: make the configuration in DIR ready to plan. With a mirror: pin VERSION (a
# snapshot's prerelease version is only ever selected by an exact constraint) in an override
# file, start from LOCK_FILE, and `terraform init` from the mirror, checking the archive against
# the lock file's hashes.
prepare() {
  [ -n "$mirror" ] || return 0
  cat >"$1/install_override.tf" <<TF
terraform {
  required_providers {
    dataplatforms = {
      source  = "registry.terraform.io/dataplatforms/dataplatforms"
      version = "$version"
    }
  }
}
TF
  [ -z "$lock" ] || cp "$lock" "$1/.terraform.lock.hcl"
  echo "==> terraform init (from the filesystem mirror)"
  (cd "$1" && TF_DATA_DIR="$1/.terraform" "$terraform" init -no-color -input=false)
}
if [ -n "$mirror" ]; then
  write_mirror_cli_config "$mirror"
else
  write_cli_config "$(dirname "$provider_bin")"
fi
mkdir -p "$work/config"
cp "$root"/examples/demo/*.tf "$work/config/"
prepare "$work/config"
cd "$work/config"
[ -z "$mirror" ] || export TF_DATA_DIR="$work/config/.terraform"

echo "==> terraform validate"
"$terraform" validate -no-color
echo "==> terraform plan"
"$terraform" plan -no-color -input=false
echo "==> terraform apply"
"$terraform" apply -no-color -input=false -auto-approve
bucket=$("$terraform" output -raw v7_metadata_bucket)
prefix=$("$terraform" output -raw v7_metadata_prefix)
objects() { curl -fsS "$DATAPLATFORMS_SANDBOX_ADMIN/objects?bucket=$1&prefix=$2"; }
echo "==> what V7 wrote into s3://$bucket/$prefix/ for the item"
written=$(objects "$bucket" "$prefix/")
echo "$written"
[ "$written" != "[]" ] || { echo "demo: V7 wrote nothing under s3://$bucket/$prefix/: the destroy below would prove nothing"; exit 1; }
echo "==> terraform plan -destroy (the teardown preview)"
"$terraform" plan -destroy -no-color -input=false
echo "==> terraform destroy"
"$terraform" destroy -no-color -input=false -auto-approve

echo "==> after the destroy"
fail() { echo "demo: $*"; exit 1; }
left=$("$terraform" state list)
[ -z "$left" ] || fail "the state still holds: $left"
left=$(objects "$bucket" "$prefix/")
[ "$left" = "[]" ] || fail "V7's files for the item are left in s3://$bucket/$prefix/: $left"
case "$(objects "$bucket" "customer-data/scans/scan-0001.jpg")" in
  *'"key":"customer-data/scans/scan-0001.jpg"'*) ;;
  *) fail "the customer's scan s3://$bucket/customer-data/scans/scan-0001.jpg is gone" ;;
esac
left=$(cd "$clone" && find derivatives -type f | sort)
[ "$left" = "$pipe/sub-02/pipeline-aind+ephys/version-v1.0.00/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh" ] ||
  fail "the local dandiset clone should keep only the near-miss version-v1.0.00, it holds: $left"
echo "    state empty, s3://$bucket/$prefix/ empty, the customer's scan kept, the clone holds only the near-miss version-v1.0.00"

# The platforms, asked through the provider's data sources.
mkdir -p "$work/gone"
cp "$root"/examples/demo/gone/*.tf "$work/gone/"
prepare "$work/gone"
cd "$work/gone"
[ -z "$mirror" ] || export TF_DATA_DIR="$work/gone/.terraform"
"$terraform" apply -no-color -input=false -auto-approve >"$work/gone.log" || { cat "$work/gone.log"; fail "the check of the platforms failed"; }
left=$("$terraform" output -json left)
[ "$left" = '{"codeocean_assets":0,"foundry_files":0,"v7_items":0}' ] || fail "the platforms still hold what the demo created: $left"
echo "    no V7 item in /demo, no Foundry file under demo/, no Code Ocean asset \"demo scans\""
echo "==> demo finished: applied, destroyed, nothing left"
