package v7_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

// A set of 601 items (600 in the set's folder, one in a folder under it) imported from a
// second configuration:
//   - `terraform import` by <dataset>:<path> (the provider's team) records what the create recorded (the same
//     items, folders and policy), within ⌈N/500⌉ + 4 V7 requests and 2 S3 listings of one key a
//     writable connection plus ⌈keys/1000⌉;
//   - an import block with -generate-config-out writes the source form (every item is what one
//     source folder's listing registers), and the generated configuration plans no changes;
//   - once the source folder holds a key the set does not (a notes.txt its globs leave out),
//     the generated configuration is the explicit items form, and plans no changes either;
//   - a folder with no item, a first item whose V7 folder no connection holds, and a named
//     connection whose bucket does not hold the files are refused with what to do; the id that
//     names the right connection then imports the set;
//   - under OpenTofu, an import block by identity {team_slug, dataset_slug, path} generates the
//     same source form.
func TestAccV7ItemSet_importGeneratesConfigThatPlansNoChanges(t *testing.T) {
	const n = 600
	st := newSetTest(t, "setimport")
	st.putSources(n)
	sub := st.base + "/scans/2024/img-9999.jpg"
	st.put(sub)
	cfg := config.StaticFile("testdata/item_set.tf")
	importID := func(*terraform.State) (string, error) {
		return fmt.Sprintf("%s/%s:%s", v7fake.TeamSlug, v7fake.DatasetSlug, st.folder), nil
	}
	generated := "dataplatforms_v7_item_set.generated"
	clearLog := func() { acctest.Sandbox(t).Faults().ClearRequests() }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             st.checkItems(0),
		Steps: slices.Concat(append([]resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n+1)),
					st.checkItems(n+1),
				),
			},
			{ // terraform import <dataset>:<path> (the provider's team): the state the create wrote, but for the globs the import cannot know
				PreConfig:  clearLog,
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true, ImportStateVerify: true,
				ImportStateId:           fmt.Sprintf("%s:%s", v7fake.DatasetSlug, st.folder),
				ImportStateVerifyIgnore: []string{"source.include", "source.exclude"},
				ImportStateCheck: func([]*terraform.InstanceState) error {
					var v7Reqs, s3Reqs int
					var lines []string
					for _, r := range acctest.Sandbox(t).Faults().Requests("v7") {
						v7Reqs++
						lines = append(lines, r.Method+" "+r.Path+"?"+r.Query)
					}
					for _, r := range acctest.Sandbox(t).Faults().Requests("s3") {
						s3Reqs++
						lines = append(lines, "S3 "+r.Method+" "+r.Path+"?"+r.Query)
					}
					t.Logf("import of %d items: %d V7 and %d S3 requests", n+1, v7Reqs, s3Reqs)
					if budget := ceil(n+1, 500) + 4; v7Reqs > budget {
						return fmt.Errorf("the import made %d V7 requests, budget ⌈N/500⌉ + 4 = %d:\n%s", v7Reqs, budget, strings.Join(lines, "\n"))
					}
					// The connection: at most two listings of one key (the folder, then the
					// key) per writable connection of the team; then the source folder's
					// ⌈keys/1000⌉.
					conns, err := st.v7.StorageConnections(context.Background(), v7fake.TeamSlug)
					if err != nil {
						return err
					}
					writable := 0
					for _, c := range conns {
						if !c.Readonly {
							writable++
						}
					}
					if budget := 2*writable + ceil(n+2, 1000); s3Reqs > budget {
						return fmt.Errorf("the import made %d S3 requests, budget 2·writable connections + ⌈keys/1000⌉ = %d:\n%s", s3Reqs, budget, strings.Join(lines, "\n"))
					}
					return nil
				},
			},
			{ // -generate-config-out: the source form, which plans no changes
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
				ImportStateIdFunc: importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("source").AtMapKey("prefix"), knownvalue.StringExact(st.base+"/scans/")),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("items"), knownvalue.Null()),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("item_count"), knownvalue.Int64Exact(n+1)),
				}},
			},
		}, acctest.IdentitySteps(t, resource.TestStep{ // import { identity = { team_slug, dataset_slug, path } }, generated as above
			ConfigFile: cfg, ConfigVariables: st.vars(nil),
			ResourceName: setAddr, GenerateConfig: true,
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(generated, tfjsonpath.New("source").AtMapKey("prefix"), knownvalue.StringExact(st.base+"/scans/")),
			}},
		}, map[string]knownvalue.Check{
			"team_slug": knownvalue.StringExact(v7fake.TeamSlug), "dataset_slug": knownvalue.StringExact(v7fake.DatasetSlug),
			"path": knownvalue.StringExact(st.folder),
		})...), []resource.TestStep{
			{ // a key the set does not hold under the source folder: the explicit form
				PreConfig: func() { st.put(st.base + "/scans/notes.txt") },
				// OpenTofu writes a generated map's keys unquoted, so that img-0000.jpg reads as
				// a reference (opentofu/opentofu#3978, open); Terraform quotes them.
				SkipFunc: func() (bool, error) {
					tofu, err := acctest.UnderOpenTofu()
					if tofu {
						t.Log("SKIP step: OpenTofu's -generate-config-out writes the items map's keys (img-0000.jpg) unquoted, which " +
							"it then reads as references (opentofu/opentofu#3978); the source form above is generated under both engines")
					}
					return tofu, err
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
				ImportStateIdFunc: importID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("source"), knownvalue.Null()),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("items"), knownvalue.MapSizeExact(n+1)),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("items").AtMapKey("img-9999.jpg").AtMapKey("path"),
						knownvalue.StringExact(st.folder+"/2024")),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("items").AtMapKey("img-0000.jpg").AtMapKey("path"), knownvalue.Null()),
					plancheck.ExpectKnownValue(generated, tfjsonpath.New("items").AtMapKey("img-0000.jpg").AtMapKey("slots").AtSliceIndex(0).AtMapKey("storage_key"),
						knownvalue.StringExact(st.key(0))),
				}},
			},
			{ // a folder with no item: nothing to import, said so
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true,
				ImportStateId: fmt.Sprintf("%s/%s:%s-empty", v7fake.TeamSlug, v7fake.DatasetSlug, st.folder),
				ExpectError:   regexp.MustCompile(`(?s)Nothing to import.*holds no item in\s+` + regexp.QuoteMeta(st.folder+"-empty")),
			},
			{ // no connection holds V7's files for the first item: the import asks for it by name
				PreConfig: func() {
					folder := v7fake.MetadataFolder("v7/darwin", sub, "img-9999.jpg")
					removeUnder(t, st, folder)
				},
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true, ImportStateIdFunc: importID,
				ExpectError: regexp.MustCompile(`(?s)Cannot tell the storage connection.*Name\s+it\s+in\s+the\s+import\s+id:\s+` +
					regexp.QuoteMeta(v7fake.TeamSlug+"/"+v7fake.DatasetSlug+"/<storage") + `\s+` + regexp.QuoteMeta("connection>:"+st.folder)),
			},
			{ // a connection named that does not hold the files: refused, no folder of its bucket recorded
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true,
				ImportStateId: fmt.Sprintf("%s/%s/%s:%s", v7fake.TeamSlug, v7fake.DatasetSlug, v7fake.StorageVersioned, st.folder),
				ExpectError: regexp.MustCompile(`(?s)its files are not in the connection's bucket.*` + fmt.Sprint(n+1) +
					`\s+files\s+of\s+its\s+items\s+are\s+not\s+in\s+s3://` + sandbox.BucketVersioned),
			},
			{ // ... and <team>/<dataset>/<storage>:<path> imports it
				ConfigFile: cfg, ConfigVariables: st.vars(nil),
				ResourceName: setAddr, ImportState: true, ImportStateVerify: true,
				ImportStateId:           fmt.Sprintf("%s/%s/%s:%s", v7fake.TeamSlug, v7fake.DatasetSlug, v7fake.StorageRW, st.folder),
				ImportStateVerifyIgnore: []string{"source", "items"},
			},
		}),
	})
}

// removeUnder deletes every object under a folder of the sandbox's plain bucket (one page).
func removeUnder(t *testing.T, st *setTest, folder string) {
	t.Helper()
	ctx := context.Background()
	out, err := st.s3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.BucketPlain), Prefix: aws.String(folder + "/")})
	if err != nil || len(out.Contents) == 0 {
		t.Fatalf("listing %s/: %v, %v", folder, out, err)
	}
	for _, o := range out.Contents {
		if _, err := st.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: o.Key}); err != nil {
			t.Fatal(err)
		}
	}
}

// Import meets apply and destroy: 20 items a script registered from the source folder, and one
// it registered into the set's folder from another folder, are adopted by an import block. The
// configuration holds the 20: the plan that would delete the other is refused, and with
// adopt_existing = true the apply deletes it and its V7 folder. 2 keys added later are
// registered by the next apply, and the destroy removes the 22 items and exactly their V7
// folders: the sources and a same-named item's folder of another source folder stay
// byte-identical.
func TestAccV7ItemSet_importedSetUpdatesAndDestroysWhatItOwns(t *testing.T) {
	const n = 20
	st := newSetTest(t, "setimported")
	st.putSources(n)
	regs := st.sourceItems(n)
	foreign := st.base + "/other/x.jpg"
	st.put(foreign)
	regs = append(regs, v7.RegisterItem{Name: "x.jpg", Path: st.folder, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "x.jpg", StorageKey: foreign}}})
	if _, err := st.v7.RegisterItems(context.Background(), v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, regs); err != nil {
		t.Fatal(err)
	}
	foreignFolder := v7fake.MetadataFolder("v7/darwin", foreign, "x.jpg")
	neighbours := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain,
		"v7/darwin/"+st.base+"/other/data/img-0001.jpg/thumb.jpg", // the same name, another source folder
		st.metadata(1)+"0/thumb.jpg")                              // a longer name
	sources := acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, st.base+"/scans/")
	vars := st.vars(config.Variables{"import_id": config.StringVariable(fmt.Sprintf("%s/%s:%s", v7fake.TeamSlug, v7fake.DatasetSlug, st.folder))})
	delete(vars, "storage_slug")
	withAdopt := maps.Clone(vars)
	withAdopt["adopt_existing"] = config.BoolVariable(true)
	cfg := config.StaticFile("testdata/item_set_import.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			st.checkItems(0),
			func(*terraform.State) error {
				indexes := make([]int, n+2)
				for i := range indexes {
					indexes[i] = i
				}
				left, err := st.owned(indexes...)
				if err == nil && left != 0 {
					err = fmt.Errorf("%d objects left in the set's V7 folders", left)
				}
				return err
			},
			neighbours.CheckIntact(),
			sources.CheckIntact(),
		),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				ExpectError: regexp.MustCompile(`(?s)The import took 1 items into the V7 item set.*` + regexp.QuoteMeta(st.folder+"/x.jpg") +
					`.*adopt_existing\s+=\s+true`),
			},
			{
				PreConfig: func() {
					if err := st.checkItems(n + 1)(nil); err != nil {
						t.Errorf("the refused plan deleted an item: %v", err)
					}
				},
				ConfigFile: cfg, ConfigVariables: withAdopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n)),
					resource.TestCheckResourceAttr(setAddr, "metadata_scope.prefix_count", fmt.Sprint(n)),
					st.checkItems(n),
					func(*terraform.State) error {
						if left := st.objectsUnder(foreignFolder); left != 0 {
							return fmt.Errorf("%d objects left in %s, the adopted item's V7 folder", left, foreignFolder)
						}
						return nil
					},
				),
			},
			{
				PreConfig:  func() { st.put(st.key(n), st.key(n+1)) },
				ConfigFile: cfg, ConfigVariables: withAdopt,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n+2)),
					resource.TestCheckResourceAttr(setAddr, "metadata_scope.prefix_count", fmt.Sprint(n+2)),
					st.checkItems(n+2),
				),
			},
		},
	})
}

// After an import, a configuration that names the connection by its name (the import records
// its slug) and sets the layout the import could only guess is recorded in place: an update,
// never a replacement, which would delete every item. Three items on the read-only connection,
// whose name differs from its slug, are kept with their ids.
func TestAccV7ItemSet_importRecordsConnectionNameAndLayoutInPlace(t *testing.T) {
	const n = 3
	st := newSetTest(t, "setimportname")
	st.putSources(n)
	regs := st.sourceItems(n)
	if _, err := st.v7.RegisterItems(context.Background(), v7fake.TeamSlug, true, v7fake.DatasetSlug, v7fake.StorageROName, regs); err != nil {
		t.Fatal(err)
	}
	before, err := st.items()
	if err != nil || len(before) != n {
		t.Fatalf("%d items registered (%v)", len(before), err)
	}
	vars := config.Variables{"path": config.StringVariable(st.folder), "prefix": config.StringVariable(st.base + "/scans/"),
		"storage_slug": config.StringVariable(v7fake.StorageROName), "metadata_layout": config.StringVariable(v7.LayoutNone),
		"import_id": config.StringVariable(fmt.Sprintf("%s/%s/%s:%s", v7fake.TeamSlug, v7fake.DatasetSlug, v7fake.StorageROName, st.folder))}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             st.checkItems(0),
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile("testdata/item_set_import.tf"), ConfigVariables: vars,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(setAddr, plancheck.ResourceActionUpdate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(setAddr, "storage_slug", v7fake.StorageROName),
				resource.TestCheckResourceAttr(setAddr, "metadata_layout", v7.LayoutNone),
				resource.TestCheckResourceAttr(setAddr, "item_count", fmt.Sprint(n)),
				resource.TestCheckResourceAttr(setAddr, "metadata_scope.prefix_count", "0"),
				func(*terraform.State) error {
					after, err := st.items()
					if err != nil {
						return err
					}
					ids := func(items []v7.Item) []string {
						var out []string
						for _, it := range items {
							out = append(out, it.ID)
						}
						slices.Sort(out)
						return out
					}
					if !slices.Equal(ids(before), ids(after)) {
						return fmt.Errorf("the items were replaced: %v before, %v after", ids(before), ids(after))
					}
					return nil
				},
			),
		}},
	})
}

// sourceItems are the registrations of the source keys 0 to n-1 into the set's folder, as a
// script before Terraform would send them.
func (st *setTest) sourceItems(n int) []v7.RegisterItem {
	regs := make([]v7.RegisterItem, n)
	for i := range regs {
		name := fmt.Sprintf("img-%04d.jpg", i)
		regs[i] = v7.RegisterItem{Name: name, Path: st.folder, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: name, StorageKey: st.key(i)}}}
	}
	return regs
}
