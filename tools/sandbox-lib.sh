# Sourced by tools/demo.sh, tools/module-test.sh and tools/install-test.sh: a temporary work
# directory removed on exit, the sandbox started there (its pid stopped on exit), its env file
# sourced, and a CLI configuration that installs the provider from a built binary (dev_overrides)
# or, as a user's would, from a filesystem mirror.

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The provider's addresses under Terraform's registry and OpenTofu's: a configuration naming
# dataplatforms/dataplatforms resolves to the one or the other.
provider_addresses=(registry.terraform.io/dataplatforms/dataplatforms registry.opentofu.org/dataplatforms/dataplatforms)

# start_sandbox ROOT [FLAG...]: start the sandbox with FLAGs, wait until it has written its env
# file, and source it. The binary is $sandbox_bin if the caller set it (a released one), else
# built from ROOT.
start_sandbox() {
  local root=$1 bin=${sandbox_bin:-}
  shift
  if [ -z "$bin" ]; then
    bin="$work/dataplatforms-sandbox"
    go build -o "$bin" "$root/internal/sandbox/cmd/sandbox"
  fi
  "$bin" -env-file "$work/sandbox.env" "$@" >"$work/sandbox.json" 2>"$work/sandbox.log" &
  sandbox_pid=$!
  for _ in $(seq 100); do [ -s "$work/sandbox.env" ] && break; sleep 0.1; done
  [ -s "$work/sandbox.env" ] || { echo "the sandbox did not start:"; cat "$work/sandbox.log"; exit 1; }
  # shellcheck disable=SC1091
  source "$work/sandbox.env"
}

# write_cli_config PLUGIN_DIR: $work/cli.tfrc, with the provider's addresses pointed at
# PLUGIN_DIR by dev_overrides (no `terraform init`, no lock file).
write_cli_config() {
  cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "${provider_addresses[0]}" = "$1"
    "${provider_addresses[1]}" = "$1"
  }
  direct {}
}
RC
  use_cli_config
}

# write_mirror_cli_config MIRROR_DIR: $work/cli.tfrc, which installs the provider from the
# filesystem mirror MIRROR_DIR (<host>/dataplatforms/dataplatforms/<release zip>) as a user's
# would, through `terraform init` and the lock file, and from nowhere else.
write_mirror_cli_config() {
  cat >"$work/cli.tfrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$1"
    include = ["${provider_addresses[0]}", "${provider_addresses[1]}"]
  }
}
RC
  use_cli_config
}

use_cli_config() {
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_DATA_DIR="$work/tfdata" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}
