package acctest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/codeocean"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/foundry"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/codeoceanfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/foundryfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/younite"
)

const mixedTF = `
resource "dataplatforms_v7_item" "scan" {
  dataset_slug = "sandbox-dataset"
  storage_slug = %[1]q
  name         = "scan-1"
  path         = "/%[2]s"
  slots        = [{ slot_name = "0", file_name = "scan-1.jpg", storage_key = "%[2]s/scan-1.jpg" }]
}

resource "dataplatforms_codeocean_data_asset" "result" {
  name            = "result %[2]s"
  mount           = "results"
  source          = { computation = { id = %[3]q } }
  target          = { aws = { bucket = %[4]q, prefix = "%[2]s/results" } }
  storage_cleanup = { owns_target = true }
}

resource "dataplatforms_younite_data_record" "state" {
  domain = %[5]q
  json   = jsonencode({ name = "%[2]s", code = "MX" })
}

resource "dataplatforms_foundry_dataset_file_set" "files" {
  dataset_rid = %[6]q
  files       = { for i in range(3) : "%[2]s/file-${i}.csv" => { content = "id\n${i}\n" } }
}
`

// lostAnswerFaults lose 20% of every platform's POSTs after the platform acted and 5% of
// every request before it, S3's included.
var lostAnswerFaults = []string{
	`{"platform":"v7","lose":"response","probability":0.2,"method":"POST"}`,
	`{"platform":"codeocean","lose":"response","probability":0.2,"method":"POST"}`,
	`{"platform":"younite","lose":"response","probability":0.2,"method":"POST"}`,
	`{"platform":"foundry","lose":"response","probability":0.2,"method":"POST"}`,
	`{"platform":"s3","lose":"response","probability":0.2,"method":"POST"}`,
	`{"platform":"v7","lose":"request","probability":0.05}`,
	`{"platform":"codeocean","lose":"request","probability":0.05}`,
	`{"platform":"younite","lose":"request","probability":0.05}`,
	`{"platform":"foundry","lose":"request","probability":0.05}`,
	`{"platform":"s3","lose":"request","probability":0.05}`,
}

// lostCreates lose, once each, the answer to every platform's create after the platform acted,
// beside the random ones: the test proves that lost answers were met, whatever the draw.
var lostCreates = []string{
	`{"platform":"v7","lose":"response","count":1,"method":"POST","path_regexp":"register_existing"}`,
	`{"platform":"codeocean","lose":"response","count":1,"method":"POST","path_regexp":"/data_assets$"}`,
	`{"platform":"younite","lose":"response","count":1,"method":"POST","path_regexp":"/drs$"}`,
	`{"platform":"foundry","lose":"response","count":1,"method":"POST","path_regexp":"/transactions$"}`,
}

// lostDeletes lose, once each, a delete's answer after the platform or S3 acted.
var lostDeletes = []string{
	`{"platform":"codeocean","lose":"response","count":1,"method":"DELETE"}`,
	`{"platform":"younite","lose":"response","count":1,"method":"DELETE"}`,
	`{"platform":"s3","lose":"response","count":1,"method":"POST"}`,
}

// allCountedHit says which counted faults were not met: a run that met none of them would
// prove nothing about lost answers.
func allCountedHit(sb *sandbox.Sandbox) error {
	var missed []string
	for _, f := range sb.Faults().List() {
		if f.Count > 0 && f.Injected < f.Count {
			missed = append(missed, fmt.Sprintf("%s %s %s", f.Platform, f.Method, f.PathRegexp))
		}
	}
	if len(missed) > 0 {
		return fmt.Errorf("these answers were never lost, so the run proved nothing about them: %s", strings.Join(missed, "; "))
	}
	return nil
}

// An apply and a destroy of one resource of each creating platform, with answers lost before
// and after the platforms act: reruns may be needed, but every run ends with exactly one of
// each object after the apply and none after the destroy, neither orphan nor duplicate.
func TestAccLostAnswers_mixedApplyAndDestroyLeaveNoOrphanOrDuplicate(t *testing.T) {
	acctest.PreCheck(t)
	sb := acctest.Sandbox(t)
	ctx := context.Background()
	base := unique("lost")
	rid := sb.Fixtures["foundry"].(map[string]any)["dataset_rid"].(string)
	hc := func(p string) *http.Client { return transport.New(transport.Config{Platform: p}) }
	v7c := v7.NewClient(sb.Endpoints["v7"]+"/api", v7fake.APIKey, hc(v7.PlatformName))
	coc := codeocean.NewClient(sb.Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token, hc(codeocean.PlatformName))
	yc := younite.NewClient(sb.Endpoints["younite"]+"/api", younitefake.Token, hc(younite.PlatformName))
	fc := foundry.NewClient(sb.Endpoints["foundry"]+"/api", foundryfake.Token, hc(foundry.PlatformName))
	s3c := acctest.S3(t)
	source := acctest.PlantNeighbours(t, s3c, sandbox.BucketPlain, base+"/scan-1.jpg", base+"/results-old/keep.txt")

	count := func() (map[string]int, error) {
		n := map[string]int{}
		items, err := v7c.ListItems(ctx, v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Names: []string{"scan-1"}, Paths: []string{"/" + base}})
		if err != nil {
			return nil, err
		}
		n["v7 items"] = len(items)
		for _, archived := range []bool{false, true} {
			assets, err := coc.Search(ctx, codeocean.SearchParams{Archived: archived, Filters: []codeocean.Filter{{Key: "name", Value: "result " + base}}})
			if err != nil {
				return nil, err
			}
			n["code ocean assets"] += len(assets)
		}
		drs, err := yc.ListDRs(ctx, younitefake.ZoneMain, younitefake.DomainStates, 1)
		if err != nil {
			return nil, err
		}
		for _, d := range drs {
			if strings.Contains(d.JSON, base) {
				n["younite drs"]++
			}
		}
		files, err := fc.ListFiles(ctx, rid, "master", 0)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if strings.HasPrefix(f.Path, base+"/") {
				n["foundry files"]++
			}
		}
		for _, p := range []string{v7fake.MetadataFolder("v7/darwin", base+"/scan-1.jpg", "scan-1"), base + "/results"} {
			scope, _ := storage.NewScope(sandbox.BucketPlain, p)
			keys, err := acctest.ListKeys(ctx, s3c, scope)
			if err != nil {
				return nil, err
			}
			n["s3 owned objects"] += len(keys)
		}
		return n, nil
	}
	w := acctest.NewWorkdir(t, fmt.Sprintf(mixedTF, v7fake.StorageRW, base, codeoceanfake.Computation, sandbox.BucketPlain, younitefake.DomainStates, rid))
	until := func(args ...string) int {
		t.Helper()
		for run := 1; run <= 8; run++ {
			out, err := w.Run(args...)
			if err == nil {
				return run - 1
			}
			t.Logf("terraform %s, run %d failed:\n%s", args[0], run, tail(out, 40))
		}
		t.Fatalf("terraform %s did not succeed in 8 runs", args[0])
		return 0
	}
	sb.Faults().ClearRequests()
	for _, f := range append(lostCreates, lostAnswerFaults...) {
		acctest.AddFault(t, f)
	}
	t.Cleanup(func() { acctest.ClearFaults(t) })

	applyReruns := until("apply", "-auto-approve")
	if err := allCountedHit(sb); err != nil {
		t.Errorf("apply: %v", err)
	}
	acctest.ClearFaults(t)
	got, err := count()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"v7 items": 1, "code ocean assets": 1, "younite drs": 1, "foundry files": 3}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("after the apply: %d %s, want %d (all: %v)", got[k], k, v, got)
		}
	}
	if got["s3 owned objects"] == 0 {
		t.Errorf("after the apply: no owned S3 objects, the destroy would prove nothing (%v)", got)
	}
	if out := w.MustRun("plan", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the apply is not empty:\n%s", out)
	}

	for _, f := range append(lostDeletes, lostAnswerFaults...) {
		acctest.AddFault(t, f)
	}
	destroyReruns := until("destroy", "-auto-approve")
	if err := allCountedHit(sb); err != nil {
		t.Errorf("destroy: %v", err)
	}
	acctest.ClearFaults(t)
	if got, err = count(); err != nil {
		t.Fatal(err)
	}
	for k, v := range got {
		if v != 0 {
			t.Errorf("after the destroy: %d %s left", v, k)
		}
	}
	if err := source.Intact(ctx); err != nil {
		t.Error(err)
	}
	injected := 0
	var lost []string
	for _, r := range sb.Faults().Requests("") {
		if r.Injected {
			injected++
			lost = append(lost, fmt.Sprintf("%s %s %s (%d)", r.Platform, r.Method, r.Path, r.Status))
		}
	}
	if injected < len(lostCreates)+len(lostDeletes) {
		t.Errorf("%d answers lost, fewer than the %d counted faults", injected, len(lostCreates)+len(lostDeletes))
	}
	t.Logf("answers lost:\n  %s", strings.Join(lost, "\n  "))
	t.Logf("lost answers: apply needed %d reruns, destroy %d; %d answers lost", applyReruns, destroyReruns, injected)
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
