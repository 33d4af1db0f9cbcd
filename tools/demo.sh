#!/usr/bin/env bash
# make demo: start the sandbox, point a dev_overrides Terraform CLI config at the freshly built
# provider, and run examples/demo against the sandbox. Everything it writes goes to a temporary
# directory that is removed on exit, and the sandbox is stopped.
set -euo pipefail

provider_bin=${1:?usage: demo.sh PATH/TO/terraform-provider-dataplatforms}
terraform=${TERRAFORM:-terraform}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tools/sandbox-lib.sh
source "$root/tools/sandbox-lib.sh"

echo "==> starting the sandbox"
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

write_cli_config "$(dirname "$provider_bin")"
cp -r "$root/examples/demo/." "$work/config"
cd "$work/config"

echo "==> terraform validate"
"$terraform" validate -no-color
echo "==> terraform plan"
"$terraform" plan -no-color -input=false
if grep -q '^resource ' ./*.tf; then
  echo "==> terraform apply"
  "$terraform" apply -no-color -input=false -auto-approve
  bucket=$("$terraform" output -raw v7_metadata_bucket)
  prefix=$("$terraform" output -raw v7_metadata_prefix)
  objects() { curl -fsS "$DATAPLATFORMS_SANDBOX_ADMIN/objects?bucket=$1&prefix=$2"; echo; }
  echo "==> what V7 wrote into s3://$bucket/$prefix/ for the item"
  objects "$bucket" "$prefix/"
  echo "==> terraform plan -destroy (the teardown preview)"
  "$terraform" plan -destroy -no-color -input=false
  echo "==> terraform destroy"
  "$terraform" destroy -no-color -input=false -auto-approve
  echo "==> s3://$bucket/$prefix/ after the destroy (empty), and the customer's scan (kept)"
  objects "$bucket" "$prefix/"
  objects "$bucket" "customer-data/"
  echo "==> the local dandiset clone after the destroy: only the near-miss version-v1.0.00 is left"
  (cd "$clone" && find derivatives -type f | sort)
fi
echo "==> demo finished"
