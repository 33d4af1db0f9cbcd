package acctest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/provider"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
)

// BenchmarkPlanOverhead measures `terraform plan` (with its refresh) of N resources against the
// sandbox, with default settings, next to the same plan of N resources of a no-op provider
// built on the same framework (one resource, one string attribute, no I/O): both driven by
// the real terraform, alternated, three times each. It reports the medians and their ratio,
// plan-noop-ratio (target ≤ 1.5), for YOUnite DRs and V7 items at N = 500 and 2,000. For V7 it
// also plans N no-op resources with the item's 34 top-level attributes (noop_wide):
// plan-wide-noop-ratio is V7's plan against the framework's own cost at that schema size,
// which grows with the attributes (v1.19's SchemaModifyPlan sets every top-level attribute
// back into the plan, each a walk of the whole object).
//
// With DATAPLATFORMS_PLANBENCH_INPROCESS=1 the provider is served from the test process
// (TF_REATTACH_PROVIDERS), so that `-cpuprofile` sees it beside the fakes.
func BenchmarkPlanOverhead(b *testing.B) {
	acctest.PreCheck(b)
	noop := buildNoop(b)
	if os.Getenv("DATAPLATFORMS_PLANBENCH_INPROCESS") != "" {
		reattach = serveInProcess(b)
	}
	for _, platform := range []string{"younite", "v7"} {
		for _, n := range []int{500, 2000} {
			b.Run(fmt.Sprintf("%s-%d", platform, n), func(b *testing.B) {
				subject := planDir(b, noop, realConfig(b, platform, n))
				floor := planDir(b, noop, fmt.Sprintf("resource \"noop_thing\" \"t\" {\n  count = %d\n  name  = \"thing-${count.index}\"\n}\n", n))
				subject.run(b, "apply", "-auto-approve", "-parallelism=10")
				floor.run(b, "apply", "-auto-approve")
				b.Cleanup(func() { subject.run(b, "destroy", "-auto-approve") })
				var realTimes, floorTimes []float64
				for range b.N {
					for range 3 {
						realTimes = append(realTimes, subject.plan(b))
						floorTimes = append(floorTimes, floor.plan(b))
					}
				}
				r, f := acctest.Median(realTimes), acctest.Median(floorTimes)
				b.ReportMetric(r, "plan-s")
				b.ReportMetric(f, "noop-plan-s")
				b.ReportMetric(r/f, "plan-noop-ratio(≤1.5)")
				if platform == "v7" {
					// The framework's own cost at V7's schema size: noop_wide has the item's 34
					// top-level attributes, and does nothing else.
					wide := planDir(b, noop, fmt.Sprintf("resource \"noop_wide\" \"t\" {\n  count = %d\n  name  = \"thing-${count.index}\"\n}\n", n))
					wide.run(b, "apply", "-auto-approve")
					var wideTimes []float64
					for range 3 {
						wideTimes = append(wideTimes, wide.plan(b))
					}
					w := acctest.Median(wideTimes)
					b.ReportMetric(w, "noop-wide-plan-s")
					b.ReportMetric(r/w, "plan-wide-noop-ratio")
				}
			})
		}
	}
}

// realConfig is n resources of the platform; V7's items need their source keys in the bucket.
func realConfig(b *testing.B, platform string, n int) string {
	run := acctest.Unique("planbench")
	if platform == "younite" {
		return fmt.Sprintf(`resource "dataplatforms_younite_data_record" "dr" {
  count  = %d
  domain = %q
  json   = jsonencode({ name = "%s-${count.index}", code = "P${count.index}" })
}
`, n, younitefake.DomainStates, run)
	}
	c := acctest.S3(b)
	var g errgroup.Group
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain),
				Key: aws.String(fmt.Sprintf("%s/scan-%d.jpg", run, i)), Body: strings.NewReader("scan")})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	// V7's registration ceiling (100 a minute, which the fake does not impose) would make the
	// setup of 2,000 items take 20 minutes; the plan measured registers nothing. Otherwise the
	// defaults: wait_for_processing = true records at create what V7 wrote, as a user's state
	// holds it. With false, every plan would list each item's folder until an apply saves the
	// counts (a plan's refresh is not saved), which measures that setting, not the plan.
	return fmt.Sprintf(`provider "dataplatforms" {
  rate_limit {
    v7_registration = 0
  }
}

resource "dataplatforms_v7_item" "it" {
  count               = %d
  dataset_slug        = %q
  storage_slug        = %q
  name                = "scan-${count.index}.jpg"
  path                = "/%s"
  slots = [{
    slot_name   = "0"
    file_name   = "scan-${count.index}.jpg"
    storage_key = "%s/scan-${count.index}.jpg"
  }]
}
`, n, v7fake.DatasetSlug, v7fake.StorageRW, run, run)
}

func buildNoop(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "terraform-provider-noop")
	out, err := exec.Command("go", "build", "-o", bin, "./noopprovider").CombinedOutput()
	if err != nil {
		b.Fatalf("building the no-op provider: %v\n%s", err, out)
	}
	return bin
}

// benchDir is a terraform working directory with both providers installed by dev_overrides.
type benchDir struct {
	dir string
	env []string
}

func planDir(b *testing.B, noop, tf string) benchDir {
	dir := b.TempDir()
	cli := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		acctest.ProviderSource, filepath.Dir(acctest.ProviderBinary(b)), "registry.terraform.io/dataplatforms/noop", filepath.Dir(noop))
	head := fmt.Sprintf("terraform {\n  required_providers {\n    dataplatforms = { source = %q }\n    noop = { source = \"registry.terraform.io/dataplatforms/noop\" }\n  }\n}\n\n", acctest.ProviderSource)
	for name, body := range map[string]string{"cli.tfrc": cli, "main.tf": head + tf} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "cli.tfrc"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	if reattach != "" {
		env = append(env, "TF_REATTACH_PROVIDERS="+reattach)
	}
	return benchDir{dir: dir, env: env}
}

// reattach is TF_REATTACH_PROVIDERS for a provider served in-process, or "".
var reattach string

// serveInProcess serves the provider from the test process in debug mode and returns the
// reattach configuration terraform reads.
func serveInProcess(b *testing.B) string {
	// As the built binary does (main.go): the SDK's TRACE lines cost a plan more than its work.
	for _, v := range provider.QuietLogLevels() {
		b.Setenv(v, "OFF")
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	configs, closed := make(chan *plugin.ReattachConfig, 1), make(chan struct{})
	go func() {
		_ = tf6server.Serve(acctest.ProviderSource, providerserver.NewProtocol6(provider.New("bench")()),
			tf6server.WithDebug(ctx, configs, closed), tf6server.WithoutLogStderrOverride())
	}()
	c := <-configs
	out, err := json.Marshal(map[string]any{acctest.ProviderSource: map[string]any{
		"Protocol": c.Protocol, "ProtocolVersion": c.ProtocolVersion, "Pid": c.Pid, "Test": true,
		"Addr": map[string]string{"Network": c.Addr.Network(), "String": c.Addr.String()},
	}})
	if err != nil {
		b.Fatal(err)
	}
	return string(out)
}

func (d benchDir) run(b *testing.B, args ...string) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), append(args, "-no-color")...) //nolint:gosec // the configured terraform
	cmd.Dir, cmd.Env = d.dir, d.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, lastOf(out.String()))
	}
}

// plan times one plan with its refresh, which must find nothing to change.
func (d benchDir) plan(b *testing.B) float64 {
	b.Helper()
	start := time.Now()
	d.run(b, "plan", "-detailed-exitcode", "-lock=false")
	return time.Since(start).Seconds()
}

func lastOf(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
