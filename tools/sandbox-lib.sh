# Sourced by tools/demo.sh and tools/module-test.sh: a temporary work directory removed on exit,
# the sandbox built and started there (its pid stopped on exit), its env file sourced, and a CLI
# configuration whose dev_overrides point the provider's addresses at a built binary.

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# start_sandbox ROOT [FLAG...]: build the sandbox from ROOT, start it with FLAGs, wait until it
# has written its env file, and source it.
start_sandbox() {
  local root=$1
  shift
  go build -o "$work/dataplatforms-sandbox" "$root/internal/sandbox/cmd/sandbox"
  "$work/dataplatforms-sandbox" -env-file "$work/sandbox.env" "$@" >"$work/sandbox.json" 2>"$work/sandbox.log" &
  sandbox_pid=$!
  for _ in $(seq 100); do [ -s "$work/sandbox.env" ] && break; sleep 0.1; done
  [ -s "$work/sandbox.env" ] || { echo "the sandbox did not start:"; cat "$work/sandbox.log"; exit 1; }
  # shellcheck disable=SC1091
  source "$work/sandbox.env"
}

# write_cli_config PLUGIN_DIR: $work/cli.tfrc, with the provider's address under Terraform's
# registry and OpenTofu's (a configuration naming dataplatforms/dataplatforms resolves to either)
# pointed at PLUGIN_DIR.
write_cli_config() {
  cat >"$work/cli.tfrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/dataplatforms/dataplatforms" = "$1"
    "registry.opentofu.org/dataplatforms/dataplatforms" = "$1"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_DATA_DIR="$work/tfdata" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
}
