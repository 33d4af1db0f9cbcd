package v7_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

const (
	orphansAddr = "data.dataplatforms_v7_orphaned_metadata.test"
	cleanupAddr = "dataplatforms_v7_orphaned_metadata_cleanup.test"
)

// A source folder's data/ folder with 20 orphaned folders and one more whose name only
// extends a live item's, 6 live items' folders, 2 archived items' folders, and near-misses that
// are no data/<name> folder (a Data/ parent, a datax/ parent, a key that could be two folders'): the data source reports exactly the 21; the cleanup adopts them; an item
// registered between apply and destroy keeps its folder, named in a warning; the destroy removes
// the other 20, and everything else is byte-identical.
func TestAccV7OrphanedMetadata_findsExactlyTheOrphansAndCleansThem(t *testing.T) {
	st := newSetTest(t, "orphans")
	ctx := context.Background()
	src := st.base + "/scans" // the source folder, relative to the bucket
	data := "v7/darwin/" + src + "/data/"
	var orphans []string
	for i := range 20 {
		orphans = append(orphans, fmt.Sprintf("%sorphan-%02d", data, i))
	}
	orphans = append(orphans, data+"live-10") // no item live-10: an orphan, beside live-1's folder
	slices.Sort(orphans)                      // as the data source lists them
	var seed []string
	for _, o := range orphans {
		seed = append(seed, o+"/uploads/u/thumb.jpg", o+"/uploads/u/sections/0.png")
	}
	st.put(seed...)
	register := func(name string) string {
		t.Helper()
		key := src + "/" + name + ".jpg"
		st.put(key)
		reg, err := st.v7.Register(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, v7.RegisterItem{
			Name: name, Path: "/" + st.base, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: name + ".jpg", StorageKey: key}}})
		if err != nil || len(reg.Items) != 1 {
			t.Fatalf("registering %s: %v %+v", name, err, reg)
		}
		return reg.Items[0].ID
	}
	for i := range 6 {
		register(fmt.Sprintf("live-%d", i))
	}
	for i := range 2 {
		id := register(fmt.Sprintf("archived-%d", i))
		body := fmt.Sprintf(`{"filters":{"dataset_ids":[%d],"item_ids":[%q]}}`, v7fake.DatasetID, id)
		req, _ := http.NewRequest(http.MethodPost, acctest.Sandbox(t).Endpoints["v7"]+"/api/v2/teams/"+v7fake.TeamSlug+"/items/archive", strings.NewReader(body))
		req.Header.Set("Authorization", "ApiKey "+v7fake.APIKey)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("archiving: %v %v", resp, err)
		}
	}
	kept := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain,
		"v7/darwin/"+src+"/Data/orphan-x/a.png",            // not a data/ parent
		"v7/darwin/"+src+"/datax/orphan-y/a.png",           // a longer parent
		data+"nested/data/deep/a.png",                      // could be data/nested's or data/deep's: neither is taken
		"v7/darwin/"+st.base+"/other/data/orphan-00/a.png") // the same name in another source folder, not searched
	intact := []*acctest.Neighbours{kept}
	for i := range 6 {
		intact = append(intact, acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, fmt.Sprintf("%slive-%d/", data, i)))
	}
	for i := range 2 {
		intact = append(intact, acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, fmt.Sprintf("%sarchived-%d/", data, i)))
	}
	vars := config.Variables{"source_folder": config.StringVariable(src)}
	warnings, factories := acctest.RecordingFactories()
	var kept05 string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{ // answers lost during the lookup: nothing is reported, and nothing adopted
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"v7","lose":"response","method":"GET","path_regexp":"/items$","count":50}`)
				},
				ConfigFile: config.StaticFile("testdata/orphans_lookup.tf"), ConfigVariables: vars,
				ExpectError: regexp.MustCompile(`(?s)Finding the orphaned metadata.*failed.*never read as "no item"`),
			},
			{
				PreConfig:  func() { acctest.ClearFaults(t) },
				ConfigFile: config.StaticFile("testdata/orphans.tf"), ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(orphansAddr, "folder_count", fmt.Sprint(len(orphans))),
					resource.TestCheckResourceAttr(orphansAddr, "object_count", fmt.Sprint(2*len(orphans))),
					resource.TestCheckResourceAttr(cleanupAddr, "folder_count", fmt.Sprint(len(orphans))),
					resource.TestCheckResourceAttr(cleanupAddr, "metadata_scope.prefixes.#", fmt.Sprint(len(orphans))),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources[orphansAddr].Primary.Attributes
						for i, want := range orphans {
							if got := attrs[fmt.Sprintf("folders.%d.prefix", i)]; got != want {
								return fmt.Errorf("folder %d is %q, want %q", i, got, want)
							}
						}
						return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`Adopted 21 orphaned metadata folders \(42 objects`))
					},
				),
			},
			{
				PreConfig: func() {
					kept05 = register("orphan-05") // a new item takes the folder back
				},
				ConfigFile: config.StaticFile("testdata/orphans.tf"), ConfigVariables: vars, Destroy: true,
				Check: func(*terraform.State) error {
					for _, o := range orphans {
						n := st.objectsUnder(o)
						if strings.HasSuffix(o, "/orphan-05") && n < 2 {
							return fmt.Errorf("the folder a new item uses lost objects: %d left", n)
						}
						if !strings.HasSuffix(o, "/orphan-05") && n != 0 {
							return fmt.Errorf("%d objects left in %s", n, o)
						}
					}
					for _, n := range intact {
						if err := n.Intact(context.Background()); err != nil {
							return err
						}
					}
					return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`kept storage other objects still use.*orphan-05.*`+regexp.QuoteMeta(kept05)))
				},
			},
		},
	})
}

// terraform and its plugin killed in the middle of a cleanup's destroy: one more destroy
// removes what is left, and nothing else.
func TestAccV7OrphanedMetadata_killedDestroyIsFinished(t *testing.T) {
	st := newSetTest(t, "orphankill")
	src := st.base + "/scans"
	data := "v7/darwin/" + src + "/data/"
	var seed, folders []string
	for i := range 30 {
		folders = append(folders, fmt.Sprintf("%sgone-%02d", data, i))
		for j := range 200 {
			seed = append(seed, fmt.Sprintf("%sgone-%02d/uploads/u/%03d.png", data, i, j))
		}
	}
	st.put(seed...)
	neighbour := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain, "v7/darwin/"+st.base+"/other/data/gone-00/a.png", "v7/darwin/"+src+"/Data/gone-01/a.png")
	left := func() int {
		n := 0
		for _, f := range folders {
			n += st.objectsUnder(f)
		}
		return n
	}
	w := acctest.NewWorkdir(t, fmt.Sprintf(`
resource "dataplatforms_v7_orphaned_metadata_cleanup" "test" {
  storage_slug  = "sandbox-rw"
  source_folder = %q
}
`, src))
	w.MustRun("apply", "-auto-approve")
	total := left()
	// 6,000 objects: more DeleteObjects than the engine sends at once, each delayed 2 s; killed once
	// the first has landed.
	acctest.AddFault(t, `{"platform":"s3","latency_ms":2000,"method":"POST"}`)
	killMid(t, w, func() bool { return left() < total }, "destroy")
	after := left()
	t.Logf("killed the destroy with %d of %d objects left", after, total)
	if after == 0 {
		t.Fatal("the destroy had finished before the kill: the test proves nothing")
	}
	w.MustRun("destroy", "-auto-approve")
	if n := left(); n != 0 {
		t.Fatalf("%d objects of the adopted folders left", n)
	}
	if out := w.MustRun("state", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("state still holds %q", out)
	}
	if err := neighbour.Intact(context.Background()); err != nil {
		t.Fatal(err)
	}
}
