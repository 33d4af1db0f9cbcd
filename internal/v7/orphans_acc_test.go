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
// extends a live item's, one whose only evidence is its source key still in the bucket, 6 live
// items' folders, 2 archived items' folders, near-misses that are no data/<name>/ folder (a
// Data/ parent, a datax/ parent, a key that could be two folders', a lone key data/<name>), a
// live item whose source image lies in a data/<x>/ folder, and two customer folders that only
// look like V7's: the data source reports exactly the 22 confirmed and the 2 unconfirmed apart;
// the cleanup adopts the 22; an item registered between apply and destroy keeps its folder,
// named in a warning; the destroy removes the other 21, and everything else is byte-identical.
// Then include_unconfirmed adopts the customer's two folders; a live item registered from a key
// in one of them before the destroy keeps that one, and only the other goes.
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
	var seed []string
	for _, o := range orphans {
		seed = append(seed, o+"/uploads/u/thumb.jpg", o+"/uploads/u/sections/0.png")
	}
	// Confirmed by its source key alone: src/by-source.jpg is still in the bucket, and V7 wrote
	// files it has no fixture for.
	orphans = append(orphans, data+"by-source.jpg")
	seed = append(seed, src+"/by-source.jpg", data+"by-source.jpg/meta.json", data+"by-source.jpg/preview.webp")
	slices.Sort(orphans) // as the data source lists them
	st.put(seed...)
	register := func(name, key string) string {
		t.Helper()
		if key == "" {
			key = src + "/" + name + ".jpg"
			st.put(key)
		}
		reg, err := st.v7.Register(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, v7.RegisterItem{
			Name: name, Path: "/" + st.base, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: name + ".jpg", StorageKey: key}}})
		if err != nil || len(reg.Items) != 1 {
			t.Fatalf("registering %s: %v %+v", name, err, reg)
		}
		return reg.Items[0].ID
	}
	for i := range 6 {
		register(fmt.Sprintf("live-%d", i), "")
	}
	for i := range 2 {
		id := register(fmt.Sprintf("archived-%d", i), "")
		body := fmt.Sprintf(`{"filters":{"dataset_ids":[%d],"item_ids":[%q]}}`, v7fake.DatasetID, id)
		req, _ := http.NewRequest(http.MethodPost, acctest.Sandbox(t).Endpoints["v7"]+"/api/v2/teams/"+v7fake.TeamSlug+"/items/archive", strings.NewReader(body))
		req.Header.Set("Authorization", "ApiKey "+v7fake.APIKey)
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("archiving: %v %v", resp, err)
		}
	}
	// The customer's own keys under the data/ folder: a live item's source image in data/live-dir/
	// (the old rule took it: no item is named live-dir), a lone key named like an item, and two
	// folders of theirs with no sign of V7.
	liveSource := data + "live-dir/img-live.jpg"
	customer := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain, liveSource, data+"old-000.jpg.bak")
	register("img-live", liveSource)
	train := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain, data+"train/labels.csv", data+"train/uploads/u/a.jpg")
	st.put(data + "misc/notes.txt")
	misc := acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, data+"misc/")
	kept := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain,
		"v7/darwin/"+src+"/Data/orphan-x/a.png",            // not a data/ parent
		"v7/darwin/"+src+"/datax/orphan-y/a.png",           // a longer parent
		data+"nested/data/deep/a.png",                      // could be data/nested's or data/deep's: neither is taken
		"v7/darwin/"+st.base+"/other/data/orphan-00/a.png") // the same name in another source folder, not searched
	intact := []*acctest.Neighbours{kept, customer}
	for i := range 6 {
		intact = append(intact, acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, fmt.Sprintf("%slive-%d/", data, i)))
	}
	for i := range 2 {
		intact = append(intact, acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, fmt.Sprintf("%sarchived-%d/", data, i)))
	}
	checkIntact := func(list ...*acctest.Neighbours) error {
		for _, n := range list {
			if err := n.Intact(context.Background()); err != nil {
				return err
			}
		}
		return nil
	}
	vars := config.Variables{"source_folder": config.StringVariable(src)}
	withUnconfirmed := config.Variables{"source_folder": config.StringVariable(src), "include_unconfirmed": config.BoolVariable(true)}
	warnings, factories := acctest.RecordingFactories()
	var kept05, inTrain string
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
					resource.TestCheckResourceAttr(orphansAddr, "unconfirmed_count", "2"),
					resource.TestCheckResourceAttr(orphansAddr, "unconfirmed.0.prefix", data+"misc"),
					resource.TestCheckResourceAttr(orphansAddr, "unconfirmed.0.sample_keys.0", data+"misc/notes.txt"),
					resource.TestCheckResourceAttr(orphansAddr, "unconfirmed.1.prefix", data+"train"),
					resource.TestCheckResourceAttr(orphansAddr, "unconfirmed.1.objects", "2"),
					resource.TestCheckResourceAttr(cleanupAddr, "folder_count", fmt.Sprint(len(orphans))),
					resource.TestCheckResourceAttr(cleanupAddr, "metadata_scope.prefixes.#", fmt.Sprint(len(orphans))),
					func(s *terraform.State) error {
						attrs := s.RootModule().Resources[orphansAddr].Primary.Attributes
						for i, want := range orphans {
							if got := attrs[fmt.Sprintf("folders.%d.prefix", i)]; got != want {
								return fmt.Errorf("folder %d is %q, want %q", i, got, want)
							}
							wantEvidence := "every key lies in a folder V7 writes"
							if strings.HasSuffix(want, "/by-source.jpg") {
								wantEvidence = "its source key is in the bucket"
							}
							if got := attrs[fmt.Sprintf("folders.%d.evidence", i)]; !strings.HasPrefix(got, wantEvidence) {
								return fmt.Errorf("folder %s: evidence %q, want %q", want, got, wantEvidence)
							}
						}
						return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`(?s)Adopted 22 orphaned metadata folders \(44 objects.*2 folders that look like V7's but carry no evidence`))
					},
				),
			},
			{
				PreConfig: func() {
					kept05 = register("orphan-05", "") // a new item takes the folder back
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
					if err := checkIntact(append(intact, train, misc)...); err != nil {
						return err
					}
					return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`kept storage other objects still use.*orphan-05.*`+regexp.QuoteMeta(kept05)))
				},
			},
			{ // the user takes the unconfirmed folders too
				ConfigFile: config.StaticFile("testdata/orphans.tf"), ConfigVariables: withUnconfirmed,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(cleanupAddr, "folder_count", "2"),
					resource.TestCheckResourceAttr(cleanupAddr, "metadata_scope.prefixes.0", data+"misc"),
					resource.TestCheckResourceAttr(cleanupAddr, "metadata_scope.prefixes.1", data+"train"),
				),
			},
			{ // a live item registered from a key in train/ before the destroy keeps train/
				PreConfig: func() {
					st.put(data + "train/img-new.jpg")
					inTrain = register("img-new", data+"train/img-new.jpg")
				},
				ConfigFile: config.StaticFile("testdata/orphans.tf"), ConfigVariables: withUnconfirmed, Destroy: true,
				Check: func(*terraform.State) error {
					if n := st.objectsUnder(data + "misc"); n != 0 {
						return fmt.Errorf("%d objects left in the adopted misc/ folder", n)
					}
					if err := checkIntact(append(intact, train)...); err != nil {
						return err
					}
					return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`kept storage other objects still use.*train.*`+regexp.QuoteMeta(inTrain)))
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
