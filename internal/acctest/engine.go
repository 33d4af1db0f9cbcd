package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The acceptance tests run under Terraform or OpenTofu, whichever TF_ACC_TERRAFORM_PATH names.
// What the suite assumes about the binary is set here, once per test binary:
//   - the CLI configuration: the tests write their own, empty one, and never read the
//     environment's (a TF_CLI_CONFIG_FILE naming a missing file makes OpenTofu print a warning
//     on stdout, where terraform-plugin-testing then fails to parse `version`);
//   - the registry host of the provider's address: terraform-plugin-testing writes the bare
//     local name, which OpenTofu resolves at registry.opentofu.org (TF_ACC_PROVIDER_HOST);
//   - the dev_overrides address of the tests that run the built binary: their configurations
//     name the full source address, the same under both binaries (see NewWorkdir).

// Engine names of the CLI.
const (
	Terraform = "terraform"
	OpenTofu  = "opentofu"
)

// ProviderSource is the provider's full source address as the built binary's tests and the
// examples name it: with the host spelled out, it is one address under both binaries.
const ProviderSource = "registry.terraform.io/dataplatforms/dataplatforms"

var (
	engineOnce    sync.Once
	engineName    string
	engineVersion string
	engineErr     error
)

// Engine says which CLI TF_ACC_TERRAFORM_PATH is: Terraform or OpenTofu, from its `version`.
func Engine() (string, error) {
	engineOnce.Do(func() {
		bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
		if bin == "" {
			engineErr = TerraformBinary()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "version") //nolint:gosec // the configured binary
		cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
		out, err := cmd.Output()
		if err != nil {
			engineErr = fmt.Errorf("%s version: %w", bin, err)
			return
		}
		engineName = engineOf(string(out))
		engineVersion, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	})
	return engineName, engineErr
}

// UnderOpenTofu says whether the tests run under OpenTofu, for a TestStep's SkipFunc where
// OpenTofu is known to differ (each use says how).
func UnderOpenTofu() (bool, error) {
	engine, err := Engine()
	return engine == OpenTofu, err
}

// engineOf reads the first line of `version`: "Terraform v1.11.4" or "OpenTofu v1.12.6".
func engineOf(version string) string {
	if strings.HasPrefix(strings.TrimSpace(version), "OpenTofu") {
		return OpenTofu
	}
	return Terraform
}

// prepareCLI writes an empty CLI configuration into dir and points TF_CLI_CONFIG_FILE at it,
// and, under OpenTofu, sets the registry host terraform-plugin-testing writes provider
// addresses for (unless the caller set one).
func prepareCLI(dir string) error {
	cli := filepath.Join(dir, "acctest.tfrc")
	if err := os.WriteFile(cli, []byte("# written by the acceptance tests: the environment's CLI configuration is never read\n"), 0o600); err != nil {
		return err
	}
	if err := os.Setenv("TF_CLI_CONFIG_FILE", cli); err != nil {
		return err
	}
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		return nil // the tests that need a binary fail with TerraformBinary's message
	}
	engine, err := Engine()
	if err != nil {
		return err
	}
	if engine == OpenTofu && os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		return os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	return nil
}

// identityMinimum is the first release whose import blocks take an identity: Terraform 1.12.
// terraform-plugin-testing refuses an ImportBlockWithResourceIdentity step below it, comparing
// the version `version` prints whatever the engine (OpenTofu 1.12.6 passes).
var identityMinimum = [2]int{1, 12}

var versionRE = regexp.MustCompile(`v(\d+)\.(\d+)\.\d+`)

// IdentityUnsupported says why the CLI under test cannot import by resource identity, or ""
// when it can.
func IdentityUnsupported() (string, error) {
	if _, err := Engine(); err != nil {
		return "", err
	}
	return identityUnsupported(engineVersion)
}

func identityUnsupported(version string) (string, error) {
	m := versionRE.FindStringSubmatch(version)
	if m == nil {
		return "", fmt.Errorf("cannot read a version from %q", version)
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	if major > identityMinimum[0] || (major == identityMinimum[0] && minor >= identityMinimum[1]) {
		return "", nil
	}
	return fmt.Sprintf("%s predates resource identity: import blocks take an identity from Terraform %d.%d "+
		"(and OpenTofu 1.12), and terraform-plugin-testing refuses such a step below it", version, identityMinimum[0], identityMinimum[1]), nil
}
