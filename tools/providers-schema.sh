#!/usr/bin/env bash
# Writes `providers schema -json` of the provider built from this tree to $2, read by the CLI $1
# through dev_overrides, for `tfplugindocs generate --providers-schema`. The docs read it under
# OpenTofu: Terraform 1.11 predates resource identities, so its schema has none, and tfplugindocs
# renders a type's `import { identity = … }` example only from the identity schema. The address
# is tfplugindocs' own (registry.terraform.io/hashicorp/<name>), which it looks the schema up by.
set -euo pipefail
cli=$1 out=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/bin/terraform-provider-dataplatforms" .
cat >"$dir/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/dataplatforms" = "$dir/bin"
  }
  direct {}
}
EOF
cat >"$dir/main.tf" <<'EOF'
terraform {
  required_providers {
    dataplatforms = { source = "registry.terraform.io/hashicorp/dataplatforms" }
  }
}
EOF
(cd "$dir" && TF_CLI_CONFIG_FILE="$dir/cli.tfrc" CHECKPOINT_DISABLE=1 "$cli" providers schema -json) >"$out.tmp"
grep -q '"resource_identity_schemas"' "$out.tmp" || { echo "$cli wrote no resource identity schemas: the docs need OpenTofu 1.12 or Terraform 1.12 or later (make .bin/tofu)" >&2; exit 1; }
mv "$out.tmp" "$out"
