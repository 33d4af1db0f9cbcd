// Package acctest is the acceptance-test harness: provider factories, one sandbox per test
// binary (its S3 store backed by versitygw when DATAPLATFORMS_VERSITYGW is set), and checks that
// prove a teardown removed the owned keys and left a neighbour's keys byte-identical.
//
// Test packages call acctest.Main from TestMain.
package acctest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/provider"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"

	// Every platform fake, registered for the sandbox.
	_ "github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/fakes"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

// ProviderName is the local name tests use in configurations.
const ProviderName = provider.TypeName

// RealEnv selects a vendor's real sandbox for one platform instead of the local one:
// DATAPLATFORMS_ACC_REAL=dandi runs the DANDI tests against the endpoint and credentials set in
// the environment.
const RealEnv = "DATAPLATFORMS_ACC_REAL"

// ProtoV6ProviderFactories serve the provider in-process to the terraform binary.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

var (
	shared    *sandbox.Sandbox
	sharedErr error
	once      sync.Once
	store     *s3store.Server
)

// Main runs a test binary's tests and stops the shared sandbox afterwards.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "dataplatforms-acctest-")
	if err == nil {
		err = prepareCLI(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	if shared != nil {
		shared.Close()
	}
	if store != nil {
		_ = store.Close()
	}
	os.Exit(code)
}

// Sandbox returns the binary's sandbox, starting it on first use and pointing the provider's
// environment variables at it. Platforms listed in DATAPLATFORMS_ACC_REAL keep their variables.
func Sandbox(t testing.TB) *sandbox.Sandbox {
	t.Helper()
	once.Do(func() { shared, sharedErr = startShared() })
	if sharedErr != nil {
		t.Fatalf("starting the sandbox: %v", sharedErr)
	}
	return shared
}

func startShared() (*sandbox.Sandbox, error) {
	if bin := os.Getenv(s3store.VersityGWEnv); bin != "" {
		var err error
		if store, err = s3store.StartVersityGW(bin); err != nil {
			return nil, err
		}
	}
	sb, err := sandbox.Start(context.Background(), sandbox.Options{S3: store})
	if err != nil {
		return nil, err
	}
	for _, kv := range sb.Env() {
		if keepReal(kv[0]) {
			continue
		}
		if err := os.Setenv(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	return sb, nil
}

// keepReal says whether a variable belongs to a platform under test against its real sandbox.
func keepReal(name string) bool {
	for _, p := range strings.Split(os.Getenv(RealEnv), ",") {
		if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(name, strings.ToUpper(p)+"_") {
			return true
		}
	}
	return false
}

// Real reports whether a platform's tests run against its vendor sandbox.
func Real(platform string) bool {
	for _, p := range strings.Split(os.Getenv(RealEnv), ",") {
		if strings.TrimSpace(p) == platform {
			return true
		}
	}
	return false
}

// PreCheck skips an acceptance test unless TF_ACC is set (as resource.Test does), and fails it
// unless a terraform binary is given: acceptance tests never download one.
func PreCheck(t testing.TB) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it (make test does)")
	}
	if err := TerraformBinary(); err != nil {
		t.Fatal(err)
	}
	Sandbox(t)
}

// TerraformBinary checks TF_ACC_TERRAFORM_PATH.
func TerraformBinary() error {
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		return fmt.Errorf("TF_ACC_TERRAFORM_PATH is not set: acceptance tests use an installed terraform and never download one; run `make test` or set it to /usr/local/bin/terraform")
	}
	if _, err := exec.LookPath(bin); err != nil {
		return fmt.Errorf("TF_ACC_TERRAFORM_PATH=%s: %w", bin, err)
	}
	return nil
}
