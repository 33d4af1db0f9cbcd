package acctest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The provider built as the binary terraform runs as a plugin process of its own, for tests
// that kill it: ProtoV6ProviderFactories serve it inside the test binary, where a SIGKILL would
// kill the test.
var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// ProviderBinary builds the provider (once per test binary) and returns its path.
func ProviderBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		dir, err := os.MkdirTemp("", "dataplatforms-provider-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "terraform-provider-dataplatforms")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", builtBin, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// Workdir is a terraform working directory whose CLI configuration points the provider's
// address at the built binary (dev_overrides: no init, no download).
type Workdir struct {
	t   testing.TB
	Dir string
	env []string
	bin string
}

// NewWorkdir writes main.tf and the CLI configuration into a temporary directory.
func NewWorkdir(t testing.TB, mainTF string) *Workdir {
	t.Helper()
	if err := TerraformBinary(); err != nil {
		t.Fatal(err)
	}
	bin := ProviderBinary(t)
	dir := t.TempDir()
	cli := filepath.Join(dir, "dev.tfrc")
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		ProviderSource, filepath.Dir(bin))
	if err := os.WriteFile(cli, []byte(rc), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := fmt.Sprintf("terraform {\n  required_providers {\n    dataplatforms = { source = %q }\n  }\n}\n\n", ProviderSource) + mainTF
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	return &Workdir{t: t, Dir: dir, env: env, bin: bin}
}

// Command is terraform with args in the working directory.
func (w *Workdir) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), args...) //nolint:gosec // the configured terraform
	cmd.Dir, cmd.Env = w.Dir, w.env
	return cmd
}

// Run runs terraform to the end and returns its combined output and error.
func (w *Workdir) Run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := w.Command(ctx, append(args, "-no-color")...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// MustRun is Run that fails the test on an error.
func (w *Workdir) MustRun(args ...string) string {
	w.t.Helper()
	out, err := w.Run(args...)
	if err != nil {
		w.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// PluginPIDs are the running processes of the built provider binary: the plugin terraform
// started (its own pid, not terraform's).
func (w *Workdir) PluginPIDs() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == w.bin {
			pids = append(pids, pid)
		}
	}
	return pids
}

// KillPlugin sends SIGKILL to every running process of the provider binary and returns how
// many it killed.
func (w *Workdir) KillPlugin() int {
	n := 0
	for _, pid := range w.PluginPIDs() {
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			n++
		}
	}
	return n
}
