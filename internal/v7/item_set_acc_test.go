package v7_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

const setAddr = "dataplatforms_v7_item_set.test"

// setTest is one item set's world: its source folder in the sandbox bucket, its V7 folder,
// and the clients that check both.
type setTest struct {
	t      *testing.T
	base   string // the source folder, relative to the bucket
	folder string // the set's V7 folder
	s3     *s3.Client
	v7     *v7.Client
}

func newSetTest(t *testing.T, name string) *setTest {
	acctest.PreCheck(t)
	sb := acctest.Sandbox(t)
	base := acctest.Unique(name)
	return &setTest{t: t, base: base, folder: "/" + base, s3: acctest.S3(t),
		v7: v7.NewClient(sb.Endpoints["v7"]+"/api", v7fake.APIKey, transport.New(transport.Config{Platform: v7.PlatformName}))}
}

func (st *setTest) vars(extra config.Variables) config.Variables {
	v := config.Variables{"path": config.StringVariable(st.folder), "prefix": config.StringVariable(st.base + "/scans/"),
		"storage_slug": config.StringVariable(v7fake.StorageRW)}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

func (st *setTest) key(i int) string { return fmt.Sprintf("%s/scans/img-%04d.jpg", st.base, i) }

// put writes source objects, 16 at a time.
func (st *setTest) put(keys ...string) {
	st.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	sem := make(chan struct{}, 16)
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, err := st.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(k), Body: strings.NewReader("source " + k)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			st.t.Fatal(err)
		}
	}
}

// putSources writes the source objects 0 to n-1.
func (st *setTest) putSources(n int) {
	st.t.Helper()
	keys := make([]string, n)
	for i := range keys {
		keys[i] = st.key(i)
	}
	st.put(keys...)
}

// items lists the set's V7 folder (and the folders under it).
func (st *setTest) items() ([]v7.Item, error) {
	ctx := context.Background()
	a, err := st.v7.ListItems(ctx, v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Paths: []string{st.folder}})
	if err != nil {
		return nil, err
	}
	b, err := st.v7.ListItems(ctx, v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, PathPrefix: st.folder + "/"})
	return append(a, b...), err
}

func (st *setTest) checkItems(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		items, err := st.items()
		if err != nil {
			return err
		}
		if len(items) != want {
			return fmt.Errorf("%d items in V7 folder %s, want %d", len(items), st.folder, want)
		}
		return nil
	}
}

// metadata is the name-keyed folder V7 wrote for the source key i.
func (st *setTest) metadata(i int) string {
	return v7fake.MetadataFolder("v7/darwin", st.key(i), fmt.Sprintf("img-%04d.jpg", i))
}

// owned counts the objects V7 wrote in the set's data/ folder for its items, exactly.
func (st *setTest) owned(indexes ...int) (int, error) {
	var prefixes []string
	for _, i := range indexes {
		prefixes = append(prefixes, st.metadata(i))
	}
	scope, err := storage.NewScope(sandbox.BucketPlain, prefixes...)
	if err != nil {
		return 0, err
	}
	keys, err := acctest.ListKeys(context.Background(), st.s3, scope)
	return len(keys), err
}

// objectsUnder counts the objects (every version) of one folder, exactly.
func (st *setTest) objectsUnder(folder string) int {
	st.t.Helper()
	scope, err := storage.NewScope(sandbox.BucketPlain, folder)
	if err != nil {
		st.t.Fatal(err)
	}
	keys, err := acctest.ListKeys(context.Background(), st.s3, scope)
	if err != nil {
		st.t.Fatal(err)
	}
	return len(keys)
}

// v7Requests counts what the V7 fake served since the log was cleared: all, and registrations.
func v7Requests(t *testing.T) (all, registrations, deletes int) {
	for _, r := range acctest.Sandbox(t).Faults().Requests("v7") {
		all++
		switch {
		case strings.Contains(r.Path, "register_existing"):
			registrations++
		case r.Method == http.MethodDelete:
			deletes++
		}
	}
	return all, registrations, deletes
}

// stateBytesPerItem checks what the set keeps in state per item: its id by place and its
// otherRequests lists the V7 requests that are not registrations, for a budget's error.
func otherRequests(t *testing.T) string {
	var out []string
	for _, r := range acctest.Sandbox(t).Faults().Requests("v7") {
		if !strings.Contains(r.Path, "register_existing") {
			out = append(out, r.Method+" "+r.Path+"?"+r.Query)
		}
	}
	return strings.Join(out, "\n")
}

func ceil(n, d int) int { return (n + d - 1) / d }

// A 2,000-item set from a source folder: registered in ⌈N/100⌉ requests, refreshed in
// ⌈N/500⌉ + 5; 10 keys added and 5 removed, registered and deleted (with their folders) at
// the next apply; the destroy leaves 0 items and 0 owned keys, within ⌈N/100⌉ + ⌈N/500⌉ + 10
// requests beside its refresh, and every neighbour is byte-identical: a longer name beside an
// owned folder, the same name in another source folder, and the source objects.
func TestAccV7ItemSet_2000ItemsWithinBudgetsThenIncrementalThenDestroy(t *testing.T) {
	const n = 2000
	st := newSetTest(t, "set2k")
	st.putSources(n)
	st.put(st.base + "/scans/tmp/skipped.jpg") // excluded by tmp/**
	neighbours := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain,
		st.metadata(1)+"0/thumb.jpg",                              // data/img-0001.jpg0: a longer name
		"v7/darwin/"+st.base+"/other/data/img-0001.jpg/thumb.jpg", // the same name, another source folder
		"v7/darwin/"+st.base+"/scans/data/img-0002.jpg.bak",       // a key that sorts between p and p/
		st.base+"/scans-old/img-0001.jpg")                         // a longer source folder
	source := acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, st.base+"/scans/img-000")
	cfg := config.StaticFile("testdata/item_set.tf")
	clearLog := func() { acctest.Sandbox(t).Faults().ClearRequests() }
	var refreshRequests int
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				PreConfig: clearLog, ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n)),
					st.checkItems(n),
					func(*terraform.State) error {
						// The create's requests: those up to its last registration (the refresh
						// plugin-testing runs after the apply follows them in the log).
						log := acctest.Sandbox(t).Faults().Requests("v7")
						all, regs := 0, 0
						for i, r := range log {
							if strings.Contains(r.Path, "register_existing") {
								all, regs = i+1, regs+1
							}
						}
						t.Logf("create of %d items: %d V7 requests, %d registrations", n, all, regs)
						if regs != ceil(n, 100) || all > ceil(n, 100)+5 {
							return fmt.Errorf("the create made %d V7 requests (%d registrations), budget ⌈N/100⌉ + 5 = %d:\n%s", all, regs, ceil(n, 100)+5, otherRequests(t))
						}
						if got, err := st.owned(0, 1, n-1); err != nil || got != 3*v7fake.DerivedPerSlot {
							return fmt.Errorf("V7 wrote %d objects into 3 items' folders (%w), want %d", got, err, 3*v7fake.DerivedPerSlot)
						}
						return nil
					},
				),
			},
			{PreConfig: clearLog, ConfigFile: cfg, ConfigVariables: st.vars(nil), PlanOnly: true},
			{
				PreConfig: func() {
					refreshRequests, _, _ = v7Requests(t)
					t.Logf("refresh and plan of %d items: %d V7 requests", n, refreshRequests)
					if refreshRequests > ceil(n, 500)+5 {
						t.Errorf("the refresh and plan made %d V7 requests, budget ⌈N/500⌉ + 5 = %d", refreshRequests, ceil(n, 500)+5)
					}
					for i := n; i < n+10; i++ {
						st.put(st.key(i))
					}
					for i := range 5 {
						if _, err := st.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(st.key(10 + i))}); err != nil {
							t.Fatal(err)
						}
					}
					clearLog()
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				// The plan says how many, and shows the ids as one value known after apply.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(setAddr, tfjsonpath.New("item_count")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						return warnings.Expect("PlanResourceChange", regexp.MustCompile(`10 items to register, 5 to delete`))
					},
					resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n+5)),
					st.checkItems(n+5),
					func(*terraform.State) error {
						_, regs, deletes := v7Requests(t)
						if regs != 1 || deletes != 1 {
							return fmt.Errorf("adding 10 and removing 5 made %d registrations and %d deletes, want 1 and 1", regs, deletes)
						}
						if got, err := st.owned(10, 11, 12, 13, 14); err != nil || got != 0 {
							return fmt.Errorf("%d objects left in the removed items' folders (%w)", got, err)
						}
						if got, err := st.owned(n, n+9, 15); err != nil || got != 3*v7fake.DerivedPerSlot {
							return fmt.Errorf("%d objects in 3 kept or added items' folders (%w), want %d", got, err, 3*v7fake.DerivedPerSlot)
						}
						return neighbours.Intact(context.Background())
					},
				),
			},
			{
				PreConfig: clearLog, ConfigFile: cfg, ConfigVariables: st.vars(nil), Destroy: true,
				Check: func(*terraform.State) error { // checked here: CheckDestroy does not run once a step emptied the state
					// plugin-testing plans several times before the destroy; its last command, the
					// destroy itself, starts with the last refresh's first folder listing.
					log := acctest.Sandbox(t).Faults().Requests("v7")
					start := 0
					for i, r := range log {
						if strings.Contains(r.Query, "item_paths") && !strings.Contains(r.Query, "page%5Bfrom%5D") {
							start = i
						}
					}
					all, deletes := len(log)-start, 0
					for _, r := range log[start:] {
						if r.Method == http.MethodDelete {
							deletes++
						}
					}
					t.Logf("terraform destroy of %d items: %d V7 requests (%d deletes), its refresh included", n+5, all, deletes)
					if budget := ceil(n+5, 100) + ceil(n+5, 500) + 10; all > budget {
						return fmt.Errorf("the destroy made %d V7 requests, budget ⌈N/100⌉ + ⌈N/500⌉ + 10 = %d:\n%s", all, budget, otherRequests(t))
					}
					var s3Requests, s3Deletes int
					for _, r := range acctest.Sandbox(t).Faults().Requests("s3") {
						s3Requests++
						if r.Method == http.MethodPost {
							s3Deletes++
						}
					}
					t.Logf("the destroy step's S3 requests: %d (%d DeleteObjects) for %d owned objects", s3Requests, s3Deletes, (n+5)*v7fake.DerivedPerSlot)
					if objects := (n + 5) * v7fake.DerivedPerSlot; s3Deletes != ceil(objects, 1000) {
						return fmt.Errorf("the destroy sent %d DeleteObjects for %d objects, want ⌈objects/1000⌉ = %d", s3Deletes, objects, ceil(objects, 1000))
					}
					if deletes != ceil(n+5, 500) {
						return fmt.Errorf("the destroy sent %d deletes, want ⌈N/500⌉ = %d", deletes, ceil(n+5, 500))
					}
					if err := st.checkItems(0)(nil); err != nil {
						return err
					}
					var all2 []int
					for i := range n + 10 {
						all2 = append(all2, i)
					}
					if got, err := st.owned(all2...); err != nil || got != 0 {
						return fmt.Errorf("%d owned objects left after the destroy (%w)", got, err)
					}
					if err := neighbours.Intact(context.Background()); err != nil {
						return err
					}
					return source.Intact(context.Background())
				},
			},
		},
	})
}

// A folder shared with an item outside the set (the same source registered into another V7
// folder) is kept at destroy, and the warning names that item; items in the set's folder
// that are not the set's refuse the create, a lost registration answer is adopted, and an
// item deleted in V7's UI is registered again.
func TestAccV7ItemSet_sharedFolderKeptForeignRefusedLostAnswerAdopted(t *testing.T) {
	st := newSetTest(t, "setshared")
	st.putSources(150)
	ctx := context.Background()
	// An item outside the set with the same name and source as the set's img-0003.jpg.
	reg, err := st.v7.Register(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, v7.RegisterItem{
		Name: "img-0003.jpg", Path: st.folder + "-outside", Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "img-0003.jpg", StorageKey: st.key(3)}}})
	if err != nil || len(reg.Items) != 1 {
		t.Fatalf("registering the outside item: %v %+v", err, reg)
	}
	outside := reg.Items[0].ID
	// A stranger in the set's folder.
	if _, err := st.v7.Register(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, v7.RegisterItem{
		Name: "stranger.jpg", Path: st.folder + "/sub", Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "x.jpg", StorageKey: st.key(149)}}}); err != nil {
		t.Fatal(err)
	}
	warnings, factories := acctest.RecordingFactories()
	cfg := config.StaticFile("testdata/item_set.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ExpectError: regexp.MustCompile(`(?s)is\s+not\s+empty.*stranger\.jpg.*adopt_existing`),
			},
			{
				PreConfig: func() {
					if err := st.checkItems(1)(nil); err != nil {
						t.Errorf("the refused create registered something: %v", err)
					}
					// The second registration's answer is lost after V7 acted.
					acctest.AddFault(t, `{"platform":"v7","lose":"response","count":1,"method":"POST","path_regexp":"register_existing$"}`)
					acctest.Sandbox(t).Faults().ClearRequests()
				},
				ConfigFile: cfg, ConfigVariables: st.vars(config.Variables{"adopt_existing": config.BoolVariable(true)}),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "150"),
					st.checkItems(150), // the stranger, adopted and not configured, is deleted
					func(*terraform.State) error {
						acctest.ClearFaults(t)
						if _, regs, _ := v7Requests(t); regs != 2 {
							return fmt.Errorf("%d registrations, want 2: a lost answer must be adopted, not registered again", regs)
						}
						return nil
					},
				),
			},
			{ // an item deleted in V7's UI is registered again
				PreConfig: func() {
					items, err := st.items()
					if err != nil {
						t.Fatal(err)
					}
					for _, it := range items {
						if it.Name == "img-0007.jpg" {
							if _, err := st.v7.DeleteItems(context.Background(), v7fake.TeamSlug, v7.Filters{DatasetIDs: []int64{v7fake.DatasetID}, ItemIDs: []string{it.ID}}); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "150"),
					st.checkItems(150),
					func(*terraform.State) error {
						return warnings.Expect("PlanResourceChange", regexp.MustCompile(`1 items to register, 0 to delete`))
					},
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil), Destroy: true,
				Check: func(*terraform.State) error {
					if err := st.checkItems(0)(nil); err != nil {
						return err
					}
					if got, err := st.owned(3); err != nil || got != 2*v7fake.DerivedPerSlot {
						return fmt.Errorf("the shared folder holds %d objects (%w), want the two items' %d kept whole", got, err, 2*v7fake.DerivedPerSlot)
					}
					if got, err := st.owned(4, 5, 149); err != nil || got != 0 {
						return fmt.Errorf("%d objects left in the set's own folders (%w)", got, err)
					}
					if _, err := st.v7.Item(context.Background(), v7fake.TeamSlug, outside); err != nil {
						return fmt.Errorf("the outside item is gone: %w", err)
					}
					return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`kept storage other objects still use.*`+regexp.QuoteMeta(outside)))
				},
			},
		},
	})
}

const killSetTF = `
resource "dataplatforms_v7_item_set" "test" {
  dataset_slug = "sandbox-dataset"
  storage_slug = %q
  path         = %q
  source       = { prefix = %q }
}
`

// killMid starts terraform with args, waits until ready says part of its work has landed,
// then kills terraform and the provider plugin, as a machine going down would, and waits
// until the sandbox has finished what it had taken.
func killMid(t *testing.T, w *acctest.Workdir, ready func() bool, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := w.Command(ctx, append(args, "-auto-approve", "-no-color")...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if err := acctest.Eventually(2*time.Minute, func() error {
		if !ready() {
			return fmt.Errorf("terraform %s has not got far enough", args[0])
		}
		return nil
	}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// The plugin first: once terraform is gone, its plugin may exit on its own.
	killed := w.KillPlugin()
	if cmd.Process.Kill() == nil {
		killed++
	}
	err := cmd.Wait()
	acctest.ClearFaults(t)
	if killed < 2 || err == nil {
		t.Fatalf("terraform %s was not killed half way (killed %d, terraform: %v)\n%s", args[0], killed, err, out.String())
	}
	for _, platform := range []string{"v7", "s3"} {
		if err := acctest.Eventually(30*time.Second, func() error {
			if n := acctest.Sandbox(t).Faults().InFlight(platform); n > 0 {
				return fmt.Errorf("%d %s requests still in flight", n, platform)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// terraform (and its plugin) is killed in the middle of a set's create and of its destroy,
// through the real binary; one more run converges each time: every source key registered
// exactly once, then 0 items and 0 owned objects, and the neighbours byte-identical.
func TestAccV7ItemSet_killedCreateAndDestroyConverge(t *testing.T) {
	const n = 600
	st := newSetTest(t, "setkill")
	st.putSources(n)
	neighbours := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain, st.metadata(1)+"0/thumb.jpg", "v7/darwin/"+st.base+"/other/data/img-0001.jpg/a")
	w := acctest.NewWorkdir(t, fmt.Sprintf(killSetTF, v7fake.StorageRW, st.folder, st.base+"/scans"))
	count := func() int {
		items, err := st.items()
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	// polled counts while the provider registers or deletes: a listing whose page cursor the
	// provider just deleted fails (the fake answers 400 for an unknown cursor), so it is asked
	// again at the next poll rather than failing the test.
	polled := func(done func(int) bool) func() bool {
		return func() bool {
			items, err := st.items()
			return err == nil && done(len(items))
		}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}

	// Registrations slowed to a second each: killed once two of the six batches landed.
	acctest.AddFault(t, `{"platform":"v7","latency_ms":1000,"method":"POST","path_regexp":"register_existing$"}`)
	killMid(t, w, polled(func(c int) bool { return c >= 200 }), "apply")
	landed := count()
	if landed == n {
		t.Fatal("the create had finished before the kill: the test proves nothing")
	}
	w.MustRun("apply", "-auto-approve")
	items, err := st.items()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]int{}
	for _, it := range items {
		names[it.Name]++
	}
	if len(items) != n || len(names) != n {
		t.Fatalf("after the rerun: %d items, %d names; want %d of each (killed with %d registered)", len(items), len(names), n, landed)
	}
	if out := w.MustRun("state", "show", setAddr); !regexp.MustCompile(fmt.Sprintf(`item_count\s+=\s+%d\n`, n)).MatchString(out) {
		t.Errorf("the state does not hold the %d items:\n%s", n, out)
	}

	// Deletes in S3 slowed: killed once V7's items are gone, before the cleanup is done.
	acctest.AddFault(t, `{"platform":"s3","latency_ms":2000,"method":"POST"}`)
	killMid(t, w, polled(func(c int) bool { return c == 0 }), "destroy")
	left, err := st.owned(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed the destroy with %d items registered at the create's kill, and %d owned objects left at the destroy's", landed, left)
	w.MustRun("destroy", "-auto-approve")
	if c := count(); c != 0 {
		t.Fatalf("%d items left", c)
	}
	if left, err := st.owned(all...); err != nil || left != 0 {
		t.Fatalf("%d owned objects left (%v)", left, err)
	}
	if out := w.MustRun("state", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("state still holds %q", out)
	}
	if err := neighbours.Intact(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// The explicit form from a CSV: a multi-slot item, an item in a folder under the set's, and
// an item outside the set's folder, refused at plan before anything is registered.
func TestAccV7ItemSet_explicitItemsFromCSV(t *testing.T) {
	st := newSetTest(t, "setcsv")
	st.put(st.key(0), st.key(1), st.key(2), st.key(3))
	csv := func(rows ...string) config.Variables {
		return config.Variables{"path": config.StringVariable(st.folder),
			"items_csv": config.StringVariable("name,folder,key,key2\n" + strings.Join(rows, "\n") + "\n")}
	}
	good := csv("pair,"+st.folder+","+st.key(0)+","+st.key(1), "single,"+st.folder+"/2024,"+st.key(2)+",")
	cfg := config.StaticFile("testdata/item_set_items.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: csv("stray," + st.folder + "-other," + st.key(3) + ","),
				ExpectError: regexp.MustCompile(`(?s)Item outside the set's folder.*not\s+` + regexp.QuoteMeta(st.folder)),
			},
			{
				PreConfig: func() {
					if err := st.checkItems(0)(nil); err != nil {
						t.Errorf("the refused plan registered something: %v", err)
					}
				},
				ConfigFile: cfg, ConfigVariables: good,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "2"),
					resource.TestCheckResourceAttr(setAddr, "metadata_scope.prefix_count", "2"),
					func(*terraform.State) error {
						items, err := st.items()
						if err != nil {
							return err
						}
						for _, it := range items {
							if it.Name == "pair" && len(it.Slots) != 2 {
								return fmt.Errorf("the pair has %d slots, want 2", len(it.Slots))
							}
						}
						if n := st.objectsUnder(v7fake.MetadataFolder("v7/darwin", st.key(2), "single")); n != v7fake.DerivedPerSlot {
							return fmt.Errorf("V7 wrote %d objects for single, want %d", n, v7fake.DerivedPerSlot)
						}
						return st.checkItems(2)(nil)
					},
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: good, Destroy: true,
				Check: func(*terraform.State) error {
					if err := st.checkItems(0)(nil); err != nil {
						return err
					}
					for _, folder := range []string{v7fake.MetadataFolder("v7/darwin", st.key(2), "single"), v7fake.MetadataFolder("v7/darwin", st.key(0), "pair")} {
						if n := st.objectsUnder(folder); n != 0 {
							return fmt.Errorf("%d objects left in %s", n, folder)
						}
					}
					return nil
				},
			},
		},
	})
}

// A set on a connection with no prefix, whose source folder therefore holds V7's write-back
// folders (<source folder>/data/<name>/uploads/…/thumbnails/000000000.jpg matches **/*.jpg):
// the first apply registers the 5 sources and warns once about the overlap; the plan after it
// has no changes (the framework checks it), and a second apply registers nothing. The old code
// took V7's thumbnails as new items at every apply.
func TestAccV7ItemSet_sourceHoldingWriteBackFolderRegistersOnlySources(t *testing.T) {
	st := newSetTest(t, "setwriteback")
	st.putSources(5)
	warnings, factories := acctest.RecordingFactories()
	cfg := config.StaticFile("testdata/item_set.tf")
	vars := st.vars(config.Variables{"storage_slug": config.StringVariable(v7fake.StorageRoot)})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "5"),
					st.checkItems(5),
					func(*terraform.State) error {
						if n := st.objectsUnder(st.base + "/scans/data"); n != 5*v7fake.DerivedPerSlot {
							return fmt.Errorf("V7 wrote %d files into the source folder, want %d: the test proves nothing", n, 5*v7fake.DerivedPerSlot)
						}
						return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`(?s)holds V7's write-back folders.*sandbox-rw-root`))
					},
				),
			},
			{
				PreConfig:  func() { acctest.Sandbox(t).Faults().ClearRequests() },
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", "5"),
					st.checkItems(5),
					func(*terraform.State) error {
						if _, regs, _ := v7Requests(t); regs != 0 {
							return fmt.Errorf("%d registrations by an apply with nothing new", regs)
						}
						return warnings.Expect("PlanResourceChange", regexp.MustCompile(`(?s)holds V7's write-back folders.*\(5 left out now\)`))
					},
				),
			},
		},
	})
}
