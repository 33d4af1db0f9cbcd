package dandi_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/dandifake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

func TestMain(m *testing.M) { acctest.Main(m) }

const derivAddr = "dataplatforms_dandi_derivative_version.test"

func accClient(t *testing.T) *dandi.Client {
	sb := acctest.Sandbox(t)
	return dandi.NewClient(sb.Endpoints["dandi"]+"/api", sb.Endpoints["dandi"]+"/manifests", dandifake.APIKey,
		transport.New(transport.Config{Platform: dandi.PlatformName}))
}

// derivative is one test's pipeline version: remote assets in 001697's draft and a local clone
// holding the same directories, with a hash-suffixed build and near-misses beside them.
type derivative struct {
	t       *testing.T
	version string
	root    string
	owned   []string          // directories the version owns (relative)
	others  []string          // near-miss directories that must survive
	ids     map[string]string // remote asset id by path
}

func newDerivative(t *testing.T) *derivative {
	acctest.PreCheck(t)
	d := &derivative{t: t, version: fmt.Sprintf("v7.%d.0", time.Now().UnixNano()%1_000_000_000), root: t.TempDir(), ids: map[string]string{}}
	pipe := "derivatives/dandiset-000409/sub-01/pipeline-aind+ephys/"
	d.owned = []string{pipe + "version-" + d.version, pipe + "version-" + d.version + "+fixes+20abeb6"}
	d.others = []string{pipe + "version-" + d.version + "0", pipe + "version-" + d.version + "-rc", pipe + "Version-" + d.version}
	ctx := context.Background()
	c := accClient(t)
	for i, dir := range append(slices.Clone(d.owned), d.others...) {
		for _, f := range []string{"attempt-1/code/submit.sh", "attempt-1/logs/run.log"} {
			p := dir + "/" + f
			full := filepath.Join(d.root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(p), 0o600); err != nil {
				t.Fatal(err)
			}
			a, err := c.CreateAsset(ctx, dandifake.JobsDandiset, p, int64(10+i), blobID(t))
			if err != nil {
				t.Fatal(err)
			}
			d.ids[p] = a.ID
		}
	}
	return d
}

// blobID is a fresh blob id: a UUID, as the archive's blob ids are.
func blobID(t *testing.T) string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (d *derivative) vars(extra config.Variables) config.Variables {
	v := config.Variables{"dandiset_directory": config.StringVariable(d.root), "pipeline_version": config.StringVariable(d.version)}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

// remaining lists the draft's assets under the near-miss and owned directories.
func (d *derivative) remaining() (owned, others int, err error) {
	for _, dir := range append(slices.Clone(d.owned), d.others...) {
		assets, err := accClient(d.t).AssetsUnder(context.Background(), dandifake.JobsDandiset, "draft", dir)
		if err != nil {
			return 0, 0, err
		}
		if slices.Contains(d.owned, dir) {
			owned += len(assets)
		} else {
			others += len(assets)
		}
	}
	return owned, others, nil
}

// checkTornDown proves the teardown: no owned asset or directory left; every near-miss intact.
func (d *derivative) checkTornDown(*terraform.State) error {
	owned, others, err := d.remaining()
	if err != nil {
		return err
	}
	if owned != 0 || others != 2*len(d.others) {
		return fmt.Errorf("after destroy: %d owned assets left (want 0), %d near-miss assets (want %d)", owned, others, 2*len(d.others))
	}
	for _, dir := range d.owned {
		if _, err := os.Lstat(filepath.Join(d.root, dir)); !os.IsNotExist(err) {
			return fmt.Errorf("local %s survived the destroy (%w)", dir, err)
		}
	}
	for _, dir := range d.others {
		if _, err := os.Stat(filepath.Join(d.root, dir, "attempt-1", "code", "submit.sh")); err != nil {
			return fmt.Errorf("near-miss %s was touched: %w", dir, err)
		}
	}
	return nil
}

func TestAccDandiDerivativeVersion_destroyRemovesExactlyTheVersion(t *testing.T) {
	d := newDerivative(t)
	cfg := config.StaticFile("testdata/derivative.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             d.checkTornDown,
		Steps: append([]resource.TestStep{{
			ConfigFile: cfg, ConfigVariables: d.vars(nil),
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(derivAddr, "directories.#", "2"),
				resource.TestCheckResourceAttr(derivAddr, "directories.0", d.owned[0]),
				resource.TestCheckResourceAttr(derivAddr, "directories.1", d.owned[1]),
				resource.TestCheckResourceAttr(derivAddr, "remote_asset_count", "4"),
				resource.TestCheckResourceAttr(derivAddr, "id", dandifake.JobsDandiset+"/"+d.version),
			),
		}, {
			ConfigFile: cfg, ConfigVariables: d.vars(nil),
			ResourceName: derivAddr, ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"timeouts"},
			ImportStateId: dandifake.JobsDandiset + ":" + d.version + ":" + d.root,
		}, { // an import block with a generated configuration plans with no changes
			ConfigFile: cfg, ConfigVariables: d.vars(nil),
			ResourceName: derivAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
			ImportStateId: dandifake.JobsDandiset + ":" + d.version + ":" + d.root,
		}}, acctest.IdentitySteps(t, resource.TestStep{ // import { identity = { dandiset_id, version, dandiset_directory } }
			ConfigFile: cfg, ConfigVariables: d.vars(nil), ResourceName: derivAddr,
		}, map[string]knownvalue.Check{
			"dandiset_id": knownvalue.StringExact(dandifake.JobsDandiset), "version": knownvalue.StringExact(d.version),
			"dandiset_directory": knownvalue.StringExact(d.root),
		})...),
	})
}

// A failing asset delete stops the destroy before the local trees; the next destroy, once
// the fault is gone, finishes. Without an API key, the destroy is refused before anything.
func TestAccDandiDerivativeVersion_missingKeyThenPartialFailureResumes(t *testing.T) {
	d := newDerivative(t)
	cfg := config.StaticFile("testdata/derivative.tf")
	blocked := d.ids[d.owned[1]+"/attempt-1/logs/run.log"]
	t.Setenv("DANDI_API_KEY", dandifake.APIKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             d.checkTornDown,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: d.vars(nil)},
			{
				PreConfig:  func() { _ = os.Setenv("DANDI_API_KEY", "") },
				ConfigFile: cfg, ConfigVariables: d.vars(nil), Destroy: true,
				ExpectError: regexp.MustCompile(`needs a DANDI API key`),
			},
			{
				PreConfig: func() {
					_ = os.Setenv("DANDI_API_KEY", dandifake.APIKey)
					if owned, _, err := d.remaining(); err != nil || owned != 4 {
						t.Errorf("the refused destroy changed the draft: %d owned assets left (err %v)", owned, err)
					}
					acctest.AddFault(t, `{"platform":"dandi","status":500,"method":"DELETE","path_contains":"`+blocked+`"}`)
				},
				ConfigFile: cfg, ConfigVariables: d.vars(nil), Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Deleting the derivative version.*failed.*deleting\s+the\s+remote\s+assets.*run\.log.*3\s+assets\s+were\s+deleted`),
			},
			{
				PreConfig: func() {
					acctest.ClearFaults(t)
					if _, err := os.Stat(filepath.Join(d.root, d.owned[0])); err != nil {
						t.Errorf("local trees go only after every remote asset: %v", err)
					}
				},
				ConfigFile: cfg, ConfigVariables: d.vars(nil), PlanOnly: true,
				Check: resource.TestCheckResourceAttr(derivAddr, "remote_asset_count", "1"),
			},
			// Checked here: CheckDestroy does not run once a step emptied the state.
			{ConfigFile: cfg, ConfigVariables: d.vars(nil), Destroy: true, Check: d.checkTornDown},
		},
	})
}

// A published dandiset version is immutable, so a derivative version in one could never be
// destroyed: refused at validate. Without an API key it could be created but never destroyed:
// refused at plan. Neither touches the archive or the clone.
func TestAccDandiDerivativeVersion_publishedVersionAndMissingKeyAreRefusedAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	root := t.TempDir()
	dir := filepath.Dir(filepath.Dir(filepath.Dir(dandifake.SeedPaths[1]))) // …/version-v1.0.0
	if err := os.MkdirAll(filepath.Join(root, dir, "attempt-1"), 0o750); err != nil {
		t.Fatal(err)
	}
	vars := func(version string) config.Variables {
		return config.Variables{"dandiset_directory": config.StringVariable(root), "pipeline_version": config.StringVariable("v1.0.0"),
			"dandiset_version": config.StringVariable(version)}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.Sandbox(t).Faults().ClearRequests() },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile: config.StaticFile("testdata/derivative.tf"), ConfigVariables: vars("0.240920.1434"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)"0.240920.1434" is a published version, and published versions are\s+immutable`),
			},
			{
				PreConfig:  func() { t.Setenv("DANDI_API_KEY", "") },
				ConfigFile: config.StaticFile("testdata/derivative.tf"), ConfigVariables: vars("draft"), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?s)Managing a DANDI derivative version needs an API key.*could be created\s+but\s+never\s+destroyed`),
			},
		},
	})
	// After the test, not in CheckDestroy: that does not run when the steps leave nothing in state.
	acctest.AssertNoWrites(t, "dandi")
	if _, err := os.Stat(filepath.Join(root, dir, "attempt-1")); err != nil {
		t.Errorf("a refused plan touched the clone: %v", err)
	}
}

func TestAccDandiReads_versionsDirectoriesAndManifest(t *testing.T) {
	d := newDerivative(t)
	prefix := filepath.Dir(filepath.Dir(filepath.Dir(dandifake.SeedPaths[1])))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/reads.tf"),
			ConfigVariables: d.vars(config.Variables{"path_prefix": config.StringVariable(prefix)}),
			Check: resource.ComposeAggregateTestCheckFunc(
				// 120 published versions and the draft: two pages of 100.
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_versions.many", "versions.#", "121"),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_versions.many", "versions.0.version", "draft"),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_version_directories.local", "directories.#", "2"),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_version_directories.local", "directories.1", d.owned[1]),
				// The seeded draft manifest: version-v1.0.0 of sub-01 holds two assets; its
				// siblings (v1.0.00, -rc, +fixes, Version-) are outside the folder.
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_assets.folder", "assets.#", "2"),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_assets.folder", "assets.0.path", dandifake.SeedPaths[1]),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_assets.folder", "assets.0.content_size", "101"),
				resource.TestCheckResourceAttrWith("data.dataplatforms_dandi_assets.folder", "assets.0.content_id", func(v string) error {
					if len(v) != 36 || strings.Contains(v, "/") {
						return fmt.Errorf("content_id %q is not the blob id", v)
					}
					return nil
				}),
				resource.TestCheckResourceAttr("data.dataplatforms_dandi_assets.published", "assets.#", "1"),
			),
		}},
	})
}

// Pointed at an instance whose bucket the provider does not know, the assets data source fails
// at plan instead of reading another instance's manifest for the same id.
func TestAccDandiAssets_customEndpointNeedsAManifestEndpoint(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("DANDI_MANIFEST_ENDPOINT", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile("testdata/assets.tf"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)No manifest endpoint for this DANDI instance.*production and\s+sandbox\s+instances.*DANDI_MANIFEST_ENDPOINT`),
		}},
	})
}

// A version directory that is a symbolic link in the clone: its remote assets are deleted
// with the version's (the archive says where they are, not the local tree), the link and what
// it points at stay, and both the plan of the destroy and the destroy say so.
func TestAccDandiDerivativeVersion_symlinkedVersionDirectory(t *testing.T) {
	d := newDerivative(t)
	pipe := "derivatives/dandiset-000409/sub-01/pipeline-aind+ephys/"
	linked := pipe + "version-" + d.version + "+linked"
	outside := t.TempDir()
	target := filepath.Join(outside, "results.txt")
	if err := os.WriteFile(target, []byte("kept"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(d.root, filepath.FromSlash(linked))); err != nil {
		t.Fatal(err)
	}
	remote, err := accClient(t).CreateAsset(context.Background(), dandifake.JobsDandiset, linked+"/results.txt", 4, blobID(t))
	if err != nil {
		t.Fatal(err)
	}
	warnings, factories := acctest.RecordingFactories()
	cfg := config.StaticFile("testdata/derivative.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(d.checkTornDown,
			func(*terraform.State) error {
				left, err := accClient(t).AssetsUnder(context.Background(), dandifake.JobsDandiset, "draft", linked)
				if err != nil || len(left) != 0 {
					return fmt.Errorf("%d assets under the linked directory left in the draft (%w), want 0 (asset %s)", len(left), err, remote.ID)
				}
				if fi, err := os.Lstat(filepath.Join(d.root, filepath.FromSlash(linked))); err != nil || fi.Mode()&os.ModeSymlink == 0 {
					return fmt.Errorf("the link was touched: %v %w", fi, err)
				}
				if b, err := os.ReadFile(target); err != nil || string(b) != "kept" {
					return fmt.Errorf("what the link points at was touched: %q %w", b, err)
				}
				line := regexp.QuoteMeta(linked)
				if err := warnings.Expect("PlanResourceChange", regexp.MustCompile(`delete 5 assets from dandiset.*then remove.*symbolic links are left alone.*`+line)); err != nil {
					return err
				}
				return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`had symbolic links, left alone.*`+line))
			}),
		Steps: []resource.TestStep{{
			ConfigFile: cfg, ConfigVariables: d.vars(nil),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(derivAddr, "directories.#", "2"),
				resource.TestCheckResourceAttr(derivAddr, "linked_directories.#", "1"),
				resource.TestCheckResourceAttr(derivAddr, "linked_directories.0", linked),
				resource.TestCheckResourceAttr(derivAddr, "remote_asset_count", "5"),
			),
		}},
	})
}
