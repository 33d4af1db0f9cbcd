#!/usr/bin/env bash
# Writes the provider's schema as `providers schema -json` prints it, for tfplugindocs
# --providers-schema: the provider built into a temporary directory, named by a dev_overrides CLI
# configuration (no init, no download). The CLI must report resource identity schemas (Terraform
# 1.12 or later, OpenTofu 1.12 or later): tfplugindocs renders an import-by-identity.tf example
# only for a resource whose identity schema it finds, and fails on one without.
# Usage: providers-schema.sh CLI OUTPUT
set -euo pipefail
cli=${1:?usage: providers-schema.sh CLI OUTPUT} out=${2:?usage: providers-schema.sh CLI OUTPUT}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/bin/terraform-provider-dataplatforms" .)
# tfplugindocs looks the schema up under registry.terraform.io/hashicorp/<name>.
cat >"$work/cli.tfrc" <<EOT
provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/dataplatforms" = "$work/bin"
  }
  direct {}
}
EOT
cat >"$work/main.tf" <<'EOT'
terraform {
  required_providers {
    dataplatforms = { source = "registry.terraform.io/hashicorp/dataplatforms" }
  }
}
EOT
(cd "$work" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 "$cli" providers schema -json >"$work/schema.json" 2>"$work/stderr") ||
  { cat "$work/stderr" >&2; exit 1; }
grep -q '"resource_identity_schemas"' "$work/schema.json" ||
  { echo "providers-schema: $("$cli" version | sed -n 1p) reports no resource identity schemas: use Terraform 1.12 or later, or OpenTofu (make .bin/tofu)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mv "$work/schema.json" "$out"
