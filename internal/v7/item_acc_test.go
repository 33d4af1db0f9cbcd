package v7_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

const itemAddr = "dataplatforms_v7_item.test"

// itemTest is the shared state of one acceptance test of dataplatforms_v7_item: values are
// filled in PreCheck and by checks, and read by later checks (which run after PreCheck).
type itemTest struct {
	t          *testing.T
	base       string
	s3         *s3.Client
	v7         *v7.Client
	id         string
	bucket     string
	prefixes   []string
	neighbours []*acctest.Neighbours
}

func newItemTest(t *testing.T, name string) *itemTest {
	return &itemTest{t: t, base: acctest.Unique(name)}
}

func (it *itemTest) preCheck() {
	acctest.PreCheck(it.t)
	sb := acctest.Sandbox(it.t)
	it.s3 = acctest.S3(it.t)
	it.v7 = v7.NewClient(sb.Endpoints["v7"]+"/api", v7fake.APIKey, transport.New(transport.Config{Platform: v7.PlatformName}))
}

// plant writes keys the item does not own (its source among them) and remembers their bytes.
func (it *itemTest) plant(bucket string, keys ...string) {
	it.neighbours = append(it.neighbours, acctest.PlantNeighbours(it.t, it.s3, bucket, keys...))
}

// vars are item.tf's variables for an item named scan-1 in the test's own folder.
func (it *itemTest) vars(storage, key string, extra config.Variables) config.Variables {
	v := config.Variables{
		"name": config.StringVariable("scan-1"), "storage_slug": config.StringVariable(storage),
		"storage_key": config.StringVariable(key), "path": config.StringVariable("/" + it.base),
	}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

// capture records the id and metadata scope from state.
func (it *itemTest) capture(s *terraform.State) error {
	rs, ok := s.RootModule().Resources[itemAddr]
	if !ok {
		return fmt.Errorf("%s not in state", itemAddr)
	}
	it.id, it.bucket, it.prefixes = rs.Primary.ID, rs.Primary.Attributes["metadata_scope.bucket"], nil
	for i := range len(rs.Primary.Attributes) {
		p, ok := rs.Primary.Attributes[fmt.Sprintf("metadata_scope.prefixes.%d", i)]
		if !ok {
			break
		}
		it.prefixes = append(it.prefixes, p)
	}
	return nil
}

// countOwned counts the keys (every version) left in the captured metadata scope.
func (it *itemTest) countOwned() (int, error) {
	total := 0
	for _, p := range it.prefixes {
		scope, err := storage.NewScope(it.bucket, p)
		if err != nil {
			return 0, err
		}
		keys, err := acctest.ListKeys(context.Background(), it.s3, scope)
		if err != nil {
			return 0, err
		}
		total += len(keys)
	}
	return total, nil
}

func (it *itemTest) checkOwned(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, err := it.countOwned()
		if err != nil {
			return err
		}
		if n != want {
			return fmt.Errorf("%d objects in the metadata scope %q of s3://%s, want %d", n, it.prefixes, it.bucket, want)
		}
		return nil
	}
}

// checkDestroyed proves the whole teardown: the V7 item is gone, nothing is left in its
// metadata scope, and every neighbour (the source included) is byte-identical.
func (it *itemTest) checkDestroyed(*terraform.State) error {
	if it.id == "" {
		return fmt.Errorf("no item id was captured")
	}
	if _, err := it.v7.Item(context.Background(), v7fake.TeamSlug, it.id); !transport.IsNotFound(err) {
		return fmt.Errorf("V7 item %s still readable after destroy (err %w)", it.id, err)
	}
	if len(it.prefixes) > 0 {
		if err := acctest.CheckScopeEmpty(it.s3, it.bucket, it.prefixes...)(nil); err != nil {
			return err
		}
	}
	for _, n := range it.neighbours {
		if err := n.Intact(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

func TestAccV7Item_readWriteLifecycle(t *testing.T) {
	it := newItemTest(t, "rw")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := func(path string, tags ...string) config.Variables {
		tv := make([]config.Variable, len(tags))
		for i, tag := range tags {
			tv[i] = config.StringVariable(tag)
		}
		return it.vars(v7fake.StorageRW, source, config.Variables{"path": config.StringVariable(path), "tags": config.ListVariable(tv...)})
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source, "v7/darwin/"+it.base+"/data/scan-10/x.jpg", "v7/darwin/"+it.base+"/thumbnail.jpg")
			// A 429 storm on the registration: refused before any work, so the POST is retried.
			acctest.AddFault(t, `{"platform":"v7","status":429,"count":2,"retry_after":"0","path_contains":"/items/register_existing"}`)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             it.checkDestroyed,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/a", "alpha"),
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					checkThrottled(t, 2),
					resource.TestCheckResourceAttr(itemAddr, "team_slug", v7fake.TeamSlug),
					resource.TestCheckResourceAttr(itemAddr, "dataset_id", fmt.Sprint(v7fake.DatasetID)),
					resource.TestCheckResourceAttr(itemAddr, "processing_status", "complete"),
					resource.TestCheckResourceAttr(itemAddr, "status", "new"),
					resource.TestCheckResourceAttr(itemAddr, "platform_deleted", "false"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.bucket", sandbox.BucketPlain),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.#", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.0", v7fake.MetadataFolder("v7/darwin", source, "scan-1")),
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found.%", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found."+v7fake.MetadataFolder("v7/darwin", source, "scan-1"), fmt.Sprint(v7fake.DerivedPerSlot)),
					it.checkOwned(v7fake.DerivedPerSlot),
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/a", "alpha"),
				ResourceName: itemAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return v7fake.TeamSlug + "/" + it.id, nil },
				// The storage connection is found (the only one holding V7's folder for the
				// item); the slots come from V7's answer with the type V7 guessed, which the
				// configuration leaves out.
				ImportStateVerifyIgnore: []string{"slots", "timeouts", "processing_status", "status"},
			},
			{ // the bare item id imports with the provider's team
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/a", "alpha"),
				ResourceName: itemAddr, ImportState: true, ImportStateVerify: true,
				ImportStateIdFunc:       func(*terraform.State) (string, error) { return it.id, nil },
				ImportStateVerifyIgnore: []string{"slots", "timeouts", "processing_status", "status"},
			},
			{ // an import block with a generated configuration plans with no changes
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/a", "alpha"),
				ResourceName: itemAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return v7fake.TeamSlug + "/" + it.id, nil },
			},
			{ // path and tags change in place: a move and a tag, no new registration
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/b", "alpha", "beta"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(itemAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(itemAddr, "id", &it.id),
					resource.TestCheckResourceAttr(itemAddr, "path", "/"+it.base+"/b"),
					resource.TestCheckTypeSetElemAttr(itemAddr, "tags.*", "beta"),
					func(*terraform.State) error {
						got, err := it.v7.Item(context.Background(), v7fake.TeamSlug, it.id)
						if err != nil {
							return err
						}
						slices.Sort(got.Tags)
						if got.Path != "/"+it.base+"/b" || !slices.Equal(got.Tags, []string{"alpha", "beta"}) {
							return fmt.Errorf("V7 holds path %q tags %q after the update", got.Path, got.Tags)
						}
						return nil
					},
					checkTagClassesCreatedLikeDarwinPy(t, "beta"), // beta had no class yet
					it.checkOwned(v7fake.DerivedPerSlot),
				),
			},
			{ // a tag removed, moved back; then V7 "writes" 3,000 more derived files for the destroy to remove
				ConfigFile: cfg, ConfigVariables: vars("/"+it.base+"/a", "beta"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(itemAddr, "tags.#", "1"),
					resource.TestCheckResourceAttr(itemAddr, "path", "/"+it.base+"/a"),
					func(*terraform.State) error { return putMany(it.s3, it.bucket, it.prefixes[0]+"/frames", 3000) },
					it.checkOwned(3000+v7fake.DerivedPerSlot),
				),
			},
		},
	})
}

// A default item's destroy removes the folder V7's guide names, {prefix}/{dir}/data/{name},
// and everything under it, and nothing next to it: data/scan-10, data/scan-1.jpg and
// "data/scan-1 x" stay byte-identical, as do the source and a same-named item's own V7 files
// in another source folder. Where V7 put the files is the fake's MetadataFolder, not state.
func TestAccV7Item_defaultLayoutRemovesExactlyTheNameFolder(t *testing.T) {
	it := newItemTest(t, "guide")
	source := it.base + "/scan-1.jpg"
	folder := v7fake.MetadataFolder("v7/darwin", source, "scan-1")
	otherSource := it.base + "-other/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := func(protected bool) config.Variables {
		return it.vars(v7fake.StorageRW, source, config.Variables{"deletion_protection": config.BoolVariable(protected)})
	}
	dataDir := "v7/darwin/" + it.base + "/data/"
	var twin string // an item with the same name in another folder, registered outside Terraform
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source, otherSource, dataDir+"scan-10/uploads/u/thumbnails/000000000.jpg",
				dataDir+"scan-1.jpg", dataDir+"scan-1 x/a", dataDir+"scan-1x/b")
			twin = it.register(v7fake.StorageRW, "/"+it.base+"/other", otherSource)
			// V7's files of the twin are a neighbour too: remembered byte for byte.
			it.neighbours = append(it.neighbours, acctest.RememberUnder(t, it.s3, sandbox.BucketPlain, v7fake.MetadataFolder("v7/darwin", otherSource, "scan-1")+"/"))
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(it.checkDestroyed, it.checkUnder(folder, 0), func(*terraform.State) error {
			if _, err := it.v7.Item(context.Background(), v7fake.TeamSlug, twin); err != nil {
				return fmt.Errorf("the same-named item in another folder did not survive: %w", err)
			}
			return nil
		}),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars(true),
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					resource.TestCheckResourceAttr(itemAddr, "metadata_layout", v7.LayoutNameFolder),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.#", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.0", folder),
					it.checkUnder(folder, v7fake.DerivedPerSlot),
				),
			},
			{ // deletion_protection: the destroy fails and touches nothing
				ConfigFile: cfg, ConfigVariables: vars(true), Destroy: true,
				ExpectError: regexp.MustCompile(`is protected from deletion`),
			},
			{
				ConfigFile: cfg, ConfigVariables: vars(false),
				Check: resource.ComposeAggregateTestCheckFunc(
					it.checkUnder(folder, v7fake.DerivedPerSlot),
					func(*terraform.State) error {
						_, err := it.v7.Item(context.Background(), v7fake.TeamSlug, it.id)
						return err
					},
				),
			},
		},
	})
}

// Two items of one name whose sources share a folder share V7's metadata folder (here the same
// object registered into two dataset folders). Destroying one keeps the folder whole, and both
// the destroy plan and the destroy say which item still uses it; destroying the second removes it.
func TestAccV7Item_sharedFolderKeptUntilTheLastItemGoes(t *testing.T) {
	it := newItemTest(t, "shared")
	source := it.base + "/scan-1.jpg"
	folder := v7fake.MetadataFolder("v7/darwin", source, "scan-1")
	cfg := config.StaticFile("testdata/items_shared.tf")
	vars := func(n int) config.Variables {
		return config.Variables{"n": config.IntegerVariable(n), "base": config.StringVariable(it.base), "storage_key": config.StringVariable(source)}
	}
	warnings, factories := acctest.RecordingFactories()
	var first, second string
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source, "v7/darwin/"+it.base+"/data/scan-10/a.jpg")
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(it.checkUnder(folder, 0), func(*terraform.State) error {
			for _, n := range it.neighbours {
				if err := n.Intact(context.Background()); err != nil {
					return err
				}
			}
			return warnings.ExpectNone("", regexp.MustCompile(`V7 wrote nothing`))
		}),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars(2),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(sharedAddr+".0", "metadata_scope.prefixes.0", folder),
					resource.TestCheckResourceAttr(sharedAddr+".1", "metadata_scope.prefixes.0", folder),
					resource.TestCheckResourceAttrWith(sharedAddr+".0", "id", func(v string) error { first = v; return nil }),
					resource.TestCheckResourceAttrWith(sharedAddr+".1", "id", func(v string) error { second = v; return nil }),
					it.checkUnder(folder, 2*v7fake.DerivedPerSlot),
				),
			},
			{ // destroy the second: its plan and its destroy name the first as the folder's user
				PreConfig:  warnings.Reset,
				ConfigFile: cfg, ConfigVariables: vars(1),
				Check: resource.ComposeAggregateTestCheckFunc(
					it.checkUnder(folder, 2*v7fake.DerivedPerSlot),
					func(*terraform.State) error {
						if _, err := it.v7.Item(context.Background(), v7fake.TeamSlug, second); !transport.IsNotFound(err) {
							return fmt.Errorf("the second item %s survived its destroy (err %w)", second, err)
						}
						kept := regexp.MustCompile(`will keep storage other objects still use.*s3://` + sandbox.BucketPlain + `/` + regexp.QuoteMeta(folder) +
							`, still used by V7 item "scan-1" \(` + first + `\)`)
						if err := warnings.Expect("PlanResourceChange", kept); err != nil {
							return err
						}
						return warnings.Expect("ApplyResourceChange", regexp.MustCompile(`kept storage other objects still use.*`+regexp.QuoteMeta(folder)+
							`, still used by V7 item "scan-1" \(`+first+`\) in dataset "`+v7fake.DatasetSlug+`" at /`+it.base+`/a`))
					},
				),
			},
		},
	})
}

// sharedAddr is items_shared.tf's counted resource.
const sharedAddr = "dataplatforms_v7_item.shared"

// register registers an item named scan-1 outside Terraform, as another user of V7 would.
func (it *itemTest) register(storageSlug, path, key string) string {
	it.t.Helper()
	reg, err := it.v7.Register(context.Background(), v7fake.TeamSlug, false, v7fake.DatasetSlug, storageSlug, v7.RegisterItem{
		Name: "scan-1", Path: path, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "scan-1", StorageKey: key}}})
	if err != nil || len(reg.Items) != 1 {
		it.t.Fatalf("registering scan-1 at %s outside Terraform: %v %+v", path, err, reg)
	}
	return reg.Items[0].ID
}

// checkUnder counts the keys under folder/ (every version) in the plain bucket.
func (it *itemTest) checkUnder(folder string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		scope, err := storage.NewScope(sandbox.BucketPlain, folder)
		if err != nil {
			return err
		}
		keys, err := acctest.ListKeys(context.Background(), it.s3, scope)
		if err != nil {
			return err
		}
		if len(keys) != want {
			return fmt.Errorf("%d objects under s3://%s/%s, want %d: %q", len(keys), sandbox.BucketPlain, folder, want, keys)
		}
		return nil
	}
}

// V7 may write an item's files somewhere the guide does not name (the guide warns that items
// registered before 2023 use another structure; the sandbox's "undocumented" connection does
// it for every item). The apply and the refresh warn that destroy would remove nothing of V7's,
// and declaring the real place makes the destroy remove it.
func TestAccV7Item_warnsWhenV7WroteNothingInTheFolder(t *testing.T) {
	it := newItemTest(t, "nothing")
	source := it.base + "/scan-1.jpg"
	folder := v7fake.MetadataFolder(v7fake.UndocumentedPrefix, source, "scan-1")
	cfg := config.StaticFile("testdata/item.tf")
	warnings, factories := acctest.RecordingFactories()
	nothing := regexp.MustCompile(`V7 wrote nothing at s3://` + sandbox.BucketPlain + `/` + regexp.QuoteMeta(folder) +
		`.*would remove nothing of V7's.*extra_metadata_prefixes`)
	actual := v7fake.UndocumentedFolder(source) // where the fake writes the files, known from the fake
	declared := func() config.Variables {
		return it.vars(v7fake.StorageUndocumented, source, config.Variables{
			"metadata_layout": config.StringVariable(v7.LayoutNone), "extra_metadata_prefixes": config.ListVariable(config.StringVariable(actual))})
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(it.checkDestroyed, it.checkUnder(actual, 0)),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: it.vars(v7fake.StorageUndocumented, source, nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found."+folder, "0"),
					warnings.Check("ApplyResourceChange", nothing),
					it.checkUnder(actual, v7fake.DerivedPerSlot),
				),
			},
			{ // a refresh of the live item reports the same
				PreConfig:  warnings.Reset,
				ConfigFile: cfg, ConfigVariables: it.vars(v7fake.StorageUndocumented, source, nil),
				PlanOnly: true,
				Check:    warnings.Check("ReadResource", nothing),
			},
			{ // the actual place declared: in place, counted, no more warning
				PreConfig:  warnings.Reset,
				ConfigFile: cfg, ConfigVariables: declared(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(itemAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					func(*terraform.State) error {
						if len(it.prefixes) != 1 || it.prefixes[0] != actual {
							return fmt.Errorf("metadata_scope %q, want [%s]", it.prefixes, actual)
						}
						// The refresh before this apply still warned of the old scope; the apply must not.
						return warnings.ExpectNone("ApplyResourceChange", regexp.MustCompile(`V7 wrote nothing`))
					},
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found.%", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found."+actual, fmt.Sprint(v7fake.DerivedPerSlot)),
				),
			},
		},
	})
}

// An item V7 registered before Terraform knew it imports and, at the next apply, gets the same
// metadata scope a create computes: the guide's folder, found holding V7's files.
func TestAccV7Item_importComputesTheCreateScope(t *testing.T) {
	it := newItemTest(t, "import")
	source := it.base + "/scan-1.jpg"
	folder := v7fake.MetadataFolder("v7/darwin", source, "scan-1")
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageRW, source, nil)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source, "v7/darwin/"+it.base+"/data/scan-1.jpg")
			it.id = it.register(v7fake.StorageRW, "/"+it.base, source)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(it.checkDestroyed, it.checkUnder(folder, 0)),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				ResourceName: itemAddr, ImportState: true, ImportStatePersist: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return v7fake.TeamSlug + "/" + it.id, nil },
			},
			{
				ConfigFile: cfg, ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(itemAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					resource.TestCheckResourceAttrPtr(itemAddr, "id", &it.id),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.bucket", sandbox.BucketPlain),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.#", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.0", folder),
					resource.TestCheckResourceAttr(itemAddr, "metadata_objects_found."+folder, fmt.Sprint(v7fake.DerivedPerSlot)),
				),
			},
			{ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true}, // nothing left to change
		},
	})
}

// A read-only image registers with only slot_name, file_name and storage_key (darwin-py's
// ReadOnlyImageSlot), naming the connection by its name as darwin-py does; V7 writes nothing,
// so the item owns nothing until the customer's own derivatives are declared.
func TestAccV7Item_readOnlyMinimalThenCustomerDerivatives(t *testing.T) {
	it := newItemTest(t, "ro")
	source := "v7-readonly/" + it.base + "/scan-1.jpg"
	owned := "v7-readonly/" + it.base + "/derived/scan-1"
	cfg := config.StaticFile("testdata/item.tf")
	minimal := it.vars(v7fake.StorageROName, source, nil)
	withDerived := it.vars(v7fake.StorageROName, source, config.Variables{
		"thumbnail_key": config.StringVariable(owned + "/thumb.jpg"), "width": config.IntegerVariable(640), "height": config.IntegerVariable(480),
		"extra_metadata_prefixes": config.ListVariable(config.StringVariable(owned)),
	})
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source, "v7-readonly/"+it.base+"/derived/scan-10/thumb.jpg")
			for _, k := range []string{owned + "/thumb.jpg", owned + "/sections/0.png"} {
				if _, err := it.s3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(k), Body: strings.NewReader("customer-made")}); err != nil {
					t.Fatal(err)
				}
			}
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(it.checkDestroyed, it.checkUnder(owned, 0)),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: minimal,
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					resource.TestCheckResourceAttr(itemAddr, "processing_status", "complete"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.#", "0"),
					func(*terraform.State) error {
						got, err := it.v7.Item(context.Background(), v7fake.TeamSlug, it.id)
						if err != nil || len(got.Slots) != 1 || got.Slots[0].StorageKey != source {
							return fmt.Errorf("V7 holds %+v (err %w), want one slot from %s", got, err, source)
						}
						return nil
					},
				),
			},
			{ // the customer's derivatives added: slots changed, so a new registration
				ConfigFile: cfg, ConfigVariables: withDerived,
				Check: resource.ComposeAggregateTestCheckFunc(
					it.capture,
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.#", "1"),
					resource.TestCheckResourceAttr(itemAddr, "metadata_scope.prefixes.0", owned),
					it.checkOwned(2),
				),
			},
		},
	})
}

// A destroy whose storage cleanup fails stays in state with platform_deleted = true after
// deleting the item; the next destroy removes every version and delete marker.
func TestAccV7Item_versionedPartialFailureResumes(t *testing.T) {
	it := newItemTest(t, "resume")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageVersioned, source, nil)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketVersioned, source, "v7-darwin/"+it.base+"/data/scan-1-neighbour/thumbnail.jpg")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             it.checkDestroyed,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(it.capture, it.checkOwned(v7fake.DerivedPerSlot)),
			},
			{ // more versions and a delete marker in the scope, then S3 refuses the batch deletes
				PreConfig: func() {
					ctx := context.Background()
					out, err := it.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(it.bucket), Prefix: aws.String(it.prefixes[0] + "/")})
					if err != nil || len(out.Contents) != v7fake.DerivedPerSlot {
						t.Fatalf("listing the derived files: %v", err)
					}
					k := out.Contents[0].Key
					for range 2 {
						if _, err := it.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(it.bucket), Key: k, Body: strings.NewReader("v")}); err != nil {
							t.Fatal(err)
						}
					}
					if _, err := it.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(it.bucket), Key: out.Contents[1].Key}); err != nil {
						t.Fatal(err)
					}
					acctest.AddFault(t, `{"platform":"s3","status":403,"method":"POST","path_contains":"/`+sandbox.BucketVersioned+`"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Storage cleanup of V7 item "scan-1" .* is incomplete.*run\s+terraform\s+destroy\s+again`),
			},
			{ // the item is gone from V7, the resource stays with its progress, and the plan shows it
				PreConfig: func() {
					acctest.ClearFaults(t)
					if _, err := it.v7.Item(context.Background(), v7fake.TeamSlug, it.id); !transport.IsNotFound(err) {
						t.Errorf("the V7 item survived the failed destroy (err %v); the platform delete comes first", err)
					}
					if n, err := it.countOwned(); err != nil || n != 5 {
						t.Errorf("%d keys (versions and markers) in the scope after the failed destroy, want all 5 (err %v)", n, err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars,
				PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{ // the next destroy finishes the cleanup (checked here: CheckDestroy does not run once a step emptied the state)
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true, Check: it.checkDestroyed,
			},
		},
	})
}

// An item deleted in V7's own UI leaves V7's files in the bucket. The refresh must not forget
// them: the item stays in state with platform_deleted = true, the plan warns with the scope and
// its count, and the next terraform destroy removes exactly them. Once nothing is left, a
// deleted item is plain drift and leaves state.
func TestAccV7Item_deletedOutOfBandKeepsItsStorage(t *testing.T) {
	it := newItemTest(t, "drift")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageRW, source, nil)
	warnings, factories := acctest.RecordingFactories()
	left := regexp.MustCompile(`V7 item "scan-1" \(.*\) is deleted, but storage it owns is left.*deleted outside Terraform.*` +
		`s3://` + sandbox.BucketPlain + `/` + regexp.QuoteMeta(v7fake.MetadataFolder("v7/darwin", source, "scan-1")) + `.*: [1-9][0-9]* objects`)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             it.checkDestroyed,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: resource.ComposeAggregateTestCheckFunc(it.capture, it.checkOwned(v7fake.DerivedPerSlot))},
			{ // a 5xx storm on reads is retried by the transport and the refresh succeeds
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"v7","status":503,"count":3,"method":"GET","retry_after":"0"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true,
			},
			{ // deleted in V7: the refresh keeps it with platform_deleted = true, says what is
				// left, touches none of it, and the plan replaces it
				PreConfig: func() {
					acctest.ClearFaults(t)
					it.deleteInV7(it.id)
					warnings.Reset()
				},
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(itemAddr, "platform_deleted", "true"),
					it.checkOwned(v7fake.DerivedPerSlot),
					warnings.Check("ReadResource", left),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(itemAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			// the test's destroy then removes the files and checkDestroyed proves it
		},
	})
}

// With nothing left of what it owns (metadata_layout = "none"), an item deleted outside
// Terraform leaves state, and the plan creates it again.
func TestAccV7Item_deletedOutOfBandOwningNothingIsDrift(t *testing.T) {
	it := newItemTest(t, "drift-none")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageRW, source, config.Variables{"metadata_layout": config.StringVariable("none")})
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: it.capture},
			{
				PreConfig:  func() { it.deleteInV7(it.id) },
				ConfigFile: cfg, ConfigVariables: vars,
				PlanOnly: true, ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(itemAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

func TestAccV7Items_dataSourceFilters(t *testing.T) {
	base := acctest.Unique("ds")
	const ds = "data.dataplatforms_v7_items."
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			c := acctest.S3(t)
			for i := range 3 {
				acctest.PlantNeighbours(t, c, sandbox.BucketPlain, fmt.Sprintf("%s/scan-%d.jpg", base, i))
			}
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/items_data_source.tf"),
			ConfigVariables: config.Variables{"path": config.StringVariable("/" + base), "source_prefix": config.StringVariable(base)},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(ds+"folder", "dataset_id", fmt.Sprint(v7fake.DatasetID)),
				resource.TestCheckResourceAttr(ds+"folder", "items.#", "3"),
				resource.TestCheckTypeSetElemNestedAttrs(ds+"folder", "items.*", map[string]string{"name": "scan-0", "status": "new", "slot_names.0": "0"}),
				resource.TestCheckTypeSetElemNestedAttrs(ds+"folder", "items.*", map[string]string{"name": "scan-2", "processing_status": "complete"}),
				resource.TestCheckResourceAttr(ds+"one", "items.#", "1"),
				resource.TestCheckResourceAttrPair(ds+"one", "items.0.id", "dataplatforms_v7_item.scan.1", "id"),
			),
		}},
	})
}

func TestAccV7Item_unconfiguredPlatformFailsAtPlan(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("V7_API_KEY", "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/item.tf"),
			ConfigVariables: config.Variables{"name": config.StringVariable("x"), "storage_slug": config.StringVariable("s"), "storage_key": config.StringVariable("k")},
			PlanOnly:        true,
			ExpectError:     regexp.MustCompile(`(?s)The V7 Darwin platform is not configured.*dataplatforms_v7_item needs the provider.s "v7" block.*V7_API_KEY`),
		}},
	})
}

func TestAccV7Item_invalidInputIsRefusedAtValidate(t *testing.T) {
	acctest.PreCheck(t)
	for _, tc := range []struct {
		vars config.Variables
		want string
	}{
		{config.Variables{"name": config.StringVariable("a/b")}, `must not contain /`},
		{config.Variables{"name": config.StringVariable("..")}, `must not be "\." or "\.\."`},
		{config.Variables{"name": config.StringVariable(strings.Repeat("n", 100000))}, `at most 1024 bytes`},
		{config.Variables{"path": config.StringVariable("scans/")}, `folder path starting with /`},
		{config.Variables{"path": config.StringVariable("/a/../..")}, `without empty, \. or \.\. parts`},
		{config.Variables{"storage_key": config.StringVariable("/abs.jpg")}, `relative to the bucket`},
		{config.Variables{"storage_key": config.StringVariable("a/../b.jpg")}, `must not have a "\.\." part`},
		{config.Variables{"metadata_layout": config.StringVariable("item_uuid")}, `value must be one of`},
		{config.Variables{"extra_metadata_prefixes": config.ListVariable(config.StringVariable("/"))}, `would own the whole bucket`},
		{config.Variables{"extra_metadata_prefixes": config.ListVariable(config.StringVariable(".."))}, `must not have a "\.\." part`},
		{config.Variables{"extra_metadata_prefixes": config.ListVariable(config.StringVariable("."))}, `must not have a "\." part`},
		{config.Variables{"extra_metadata_prefixes": config.ListVariable(config.StringVariable("v7/*"))}, `is a pattern`},
	} {
		vars := config.Variables{"name": config.StringVariable("x"), "storage_slug": config.StringVariable("sandbox-rw"), "storage_key": config.StringVariable("k.jpg")}
		for k, v := range tc.vars {
			vars[k] = v
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				ConfigFile: config.StaticFile("testdata/item.tf"), ConfigVariables: vars, PlanOnly: true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
}

// checkThrottled proves the registration met at least n injected 429s and still succeeded.
func checkThrottled(t *testing.T, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		injected, ok := 0, false
		for _, r := range acctest.Sandbox(t).Faults().Requests("v7") {
			if strings.HasSuffix(r.Path, "/items/register_existing") {
				if r.Injected && r.Status == 429 {
					injected++
				} else if r.Status == 200 {
					ok = true
				}
			}
		}
		if injected < n || !ok {
			return fmt.Errorf("registration saw %d injected 429s and success %v; want %d and a success", injected, ok, n)
		}
		return nil
	}
}

// putMany writes n small objects under prefix, 16 at a time.
func putMany(c *s3.Client, bucket, prefix string, n int) error {
	var g errgroup.Group
	g.SetLimit(16)
	for i := range n {
		g.Go(func() error {
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket),
				Key: aws.String(fmt.Sprintf("%s/%05d.jpg", prefix, i)), Body: strings.NewReader("frame")})
			return err
		})
	}
	return g.Wait()
}

// A source V7 cannot read ends processing in error: the apply fails with a clear message, the
// item stays in state tainted, and the destroy deletes it.
func TestAccV7Item_processingErrorTaintsTheItem(t *testing.T) {
	it := newItemTest(t, "procerr")
	cfg := config.StaticFile("testdata/item.tf")
	resource.Test(t, resource.TestCase{
		PreCheck:                 it.preCheck,
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			items, err := it.v7.ListItems(context.Background(), v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Paths: []string{"/" + it.base}})
			if err != nil {
				return err
			}
			if len(items) != 0 {
				return fmt.Errorf("the tainted item %s survived the destroy", items[0].ID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: it.vars(v7fake.StorageRW, it.base+"/missing.jpg", nil),
				ExpectError: regexp.MustCompile(`(?s)V7 did not process V7 item "scan-1".*processing_status = error.*marked\s+tainted`),
			},
			{
				ConfigFile: cfg, ConfigVariables: it.vars(v7fake.StorageRW, it.base+"/missing.jpg", nil),
				PreConfig: func() {
					items, err := it.v7.ListItems(context.Background(), v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Paths: []string{"/" + it.base}})
					if err != nil || len(items) != 1 || items[0].ProcessingStatus != "error" {
						t.Fatalf("want the one item in processing error, got %+v (err %v)", items, err)
					}
				},
				PlanOnly: true, ExpectNonEmptyPlan: true, // tainted: the plan replaces it
			},
		},
	})
}

// checkTagClassesCreatedLikeDarwinPy proves that each tag got its class the way darwin-py makes
// one (GET /api/annotation_types, then POST /api/annotation_classes) and that V7 now lists it
// as a tag class of the team.
func checkTagClassesCreatedLikeDarwinPy(t *testing.T, tags ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		types, posts := false, 0
		for _, r := range acctest.Sandbox(t).Faults().Requests("v7") {
			switch {
			case r.Method == "GET" && r.Path == "/api/annotation_types" && r.Status == 200:
				types = true
			case r.Method == "POST" && r.Path == "/api/annotation_classes" && r.Status == 200:
				posts++
			}
		}
		if !types || posts < len(tags) {
			return fmt.Errorf("tag classes: annotation types read %v, %d classes created; want the types read and %d created", types, posts, len(tags))
		}
		c := v7.NewClient(acctest.Sandbox(t).Endpoints["v7"]+"/api", v7fake.APIKey, transport.New(transport.Config{Platform: v7.PlatformName}))
		classes, err := c.TagClasses(context.Background(), v7fake.TeamSlug)
		if err != nil {
			return err
		}
		for _, tag := range tags {
			if _, ok := classes[tag]; !ok {
				return fmt.Errorf("V7 lists no tag class %q: %v", tag, classes)
			}
		}
		return nil
	}
}

// deleteInV7 deletes an item as V7's own UI would, outside Terraform.
func (it *itemTest) deleteInV7(id string) {
	it.t.Helper()
	n, err := it.v7.DeleteItems(context.Background(), v7fake.TeamSlug, v7.Filters{DatasetIDs: []int64{v7fake.DatasetID}, ItemIDs: []string{id}})
	if err != nil || n != 1 {
		it.t.Fatalf("deleting item %s in V7: %d, %v", id, n, err)
	}
}

// itemsAt lists the items named scan-1 at the test's path.
func (it *itemTest) itemsAt() ([]v7.Item, error) {
	return it.v7.ListItems(context.Background(), v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Names: []string{"scan-1"}, Paths: []string{"/" + it.base}})
}

func (it *itemTest) checkItemsAt(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		items, err := it.itemsAt()
		if err != nil || len(items) != want {
			return fmt.Errorf("%d V7 items named scan-1 at /%s (%w), want %d", len(items), it.base, err, want)
		}
		return nil
	}
}

// A registration whose answer is lost after V7 acted is found and adopted: one item, in state,
// with a warning; one lost before V7 acted fails saying nothing was registered, and the next
// apply registers it once. Neither leaves an orphan or a duplicate.
func TestAccV7Item_lostRegistrationAnswerIsAdoptedNotDuplicated(t *testing.T) {
	it := newItemTest(t, "lost")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageRW, source, nil)
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(it.checkDestroyed, it.checkItemsAt(0)),
		Steps: []resource.TestStep{
			{ // lost before V7 acted: a clear failure, nothing registered
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"v7","lose":"request","count":1,"method":"POST","path_contains":"register_existing"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars,
				ExpectError: regexp.MustCompile(`(?s)the answer was lost.*V7 holds no item at that name and path, so nothing was\s+registered`),
			},
			{ // lost after V7 acted: adopted
				PreConfig: func() {
					if err := it.checkItemsAt(0)(nil); err != nil {
						t.Fatal(err)
					}
					acctest.AddFault(t, `{"platform":"v7","lose":"response","count":1,"method":"POST","path_contains":"register_existing"}`)
					warnings.Reset()
				},
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(it.capture, it.checkItemsAt(1), it.checkOwned(v7fake.DerivedPerSlot),
					resource.TestCheckResourceAttr(itemAddr, "processing_status", "complete"),
					warnings.Check("ApplyResourceChange", regexp.MustCompile(`answer to registering V7 item "scan-1".*was lost; the item it registered is adopted`))),
			},
			{ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true},
		},
	})
}

// V7 refusing a registration as ALREADY_EXISTS names the item that holds the name and path,
// with the import id, and the import then manages it.
func TestAccV7Item_alreadyExistsNamesTheItemToImport(t *testing.T) {
	it := newItemTest(t, "exists")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageRW, source, nil)
	var existing string
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketPlain, source)
			existing = it.register(v7fake.StorageRW, "/"+it.base, source)
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             it.checkItemsAt(0),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				ExpectError: regexp.MustCompile(`(?s)V7 already holds an item named "scan-1".*item [0-9a-f-]+ .*import id ` + v7fake.TeamSlug + `/[0-9a-f-]+.*terraform\s+import`),
			},
			{
				ConfigFile: cfg, ConfigVariables: vars, ResourceName: itemAddr, ImportState: true,
				ImportStateIdFunc:  func(*terraform.State) (string, error) { return v7fake.TeamSlug + "/" + existing, nil },
				ImportStatePersist: true,
			},
			{ConfigFile: cfg, ConfigVariables: vars, Check: it.checkItemsAt(1)},
		},
	})
}
