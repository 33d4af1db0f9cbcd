package codeocean_test

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

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/codeocean"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/codeoceanfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

const assetAddr = "dataplatforms_codeocean_data_asset.test"

func accClient(t *testing.T) *codeocean.Client {
	return unitClient(t, acctest.Sandbox(t).Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token)
}

// assetTest remembers the asset's id for checks after destroy.
type assetTest struct {
	t          *testing.T
	id         string
	neighbours []*acctest.Neighbours
}

func (a *assetTest) capture(s *terraform.State) error {
	rs, ok := s.RootModule().Resources[assetAddr]
	if !ok {
		return fmt.Errorf("%s not in state", assetAddr)
	}
	a.id = rs.Primary.ID
	return nil
}

func (a *assetTest) plant(bucket string, keys ...string) {
	a.neighbours = append(a.neighbours, acctest.PlantNeighbours(a.t, acctest.S3(a.t), bucket, keys...))
}

// gone proves the asset is deleted and every planted object is byte-identical.
func (a *assetTest) gone(*terraform.State) error {
	if _, err := accClient(a.t).Get(context.Background(), a.id); !transport.IsNotFound(err) {
		return fmt.Errorf("data asset %s still readable after destroy (err %w)", a.id, err)
	}
	for _, n := range a.neighbours {
		if err := n.Intact(context.Background()); err != nil {
			return err
		}
	}
	return nil
}

func awsVars(name, prefix string, extra config.Variables) config.Variables {
	v := config.Variables{"name": config.StringVariable(name), "bucket": config.StringVariable(sandbox.BucketPlain), "prefix": config.StringVariable(prefix)}
	for k, val := range extra {
		v[k] = val
	}
	return v
}

func TestAccCodeOceanDataAsset_copiedFromS3InPlaceChangesImportDrift(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	base := acctest.Unique("co-copy")
	name := "scans " + base
	cfg := config.StaticFile("testdata/asset_aws.tf")
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			// The source data: never owned, it must survive the destroy.
			a.plant(sandbox.BucketPlain, base+"/raw/a.nwb", base+"/raw/b.nwb")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             a.gone,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: awsVars(name, base+"/raw", nil),
				Check: resource.ComposeAggregateTestCheckFunc(
					a.capture,
					resource.TestCheckResourceAttr(assetAddr, "state", "ready"),
					resource.TestCheckResourceAttr(assetAddr, "type", "dataset"),
					resource.TestCheckResourceAttr(assetAddr, "files", "2"),
					resource.TestCheckResourceAttrWith(assetAddr, "size", func(v string) error {
						if v == "0" || v == "" {
							return fmt.Errorf("size %q: Code Ocean sends the bytes of both files, as a string", v)
						}
						return nil
					}),
					resource.TestCheckResourceAttr(assetAddr, "source_bucket.origin", "aws"),
					resource.TestCheckResourceAttr(assetAddr, "source_bucket.external", "false"),
					resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.prefixes.#", "0"),
					resource.TestCheckResourceAttr("data.dataplatforms_codeocean_data_assets.by_name", "assets.#", "1"),
					resource.TestCheckResourceAttrPair("data.dataplatforms_codeocean_data_assets.by_name", "assets.0.id", assetAddr, "id"),
				),
			},
			{
				ConfigFile: cfg, ConfigVariables: awsVars(name, base+"/raw", nil),
				ResourceName: assetAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"source", "target", "storage_cleanup", "timeouts", "cleanup_scope", "permissions"},
			},
			{ // an import block with a generated configuration plans with no changes
				ConfigFile: cfg, ConfigVariables: awsVars(name, base+"/raw", nil),
				ResourceName: assetAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
			},
			{ // metadata, archive and permissions change in place (PUT sends the full set)
				ConfigFile: cfg,
				ConfigVariables: awsVars(name, base+"/raw", config.Variables{
					"description": config.StringVariable("two sessions"), "tags": config.ListVariable(config.StringVariable("raw"), config.StringVariable("mouse")),
					"archived": config.BoolVariable(true), "everyone": config.StringVariable("viewer"), "experiment": config.StringVariable("e-42"),
				}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assetAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(assetAddr, "id", &a.id),
					resource.TestCheckResourceAttr(assetAddr, "archived", "true"),
					resource.TestCheckResourceAttr(assetAddr, "custom_metadata.acquired", "2024-05-01"),
					resource.TestCheckResourceAttr("data.dataplatforms_codeocean_data_assets.by_name", "assets.#", "1"),
					resource.TestCheckResourceAttr("data.dataplatforms_codeocean_data_assets.by_numbers.0", "assets.#", "1"),
					resource.TestCheckResourceAttrPair("data.dataplatforms_codeocean_data_assets.by_numbers.0", "assets.0.id", assetAddr, "id"),
					func(*terraform.State) error {
						c := accClient(t)
						got, err := c.Get(context.Background(), a.id)
						if err != nil {
							return err
						}
						if got.Description != "two sessions" || len(got.Tags) != 2 || got.CustomMetadata["subject_count"] != 12.0 {
							return fmt.Errorf("Code Ocean holds %+v after the update", got)
						}
						p, err := c.GetPermissions(context.Background(), a.id)
						if err != nil || p.Everyone != "viewer" {
							return fmt.Errorf("permissions %+v, %w", p, err)
						}
						return nil
					},
				),
			},
			{ // custom_metadata and the description removed from the configuration: cleared, and the plan is empty after
				ConfigFile:      cfg,
				ConfigVariables: awsVars(name, base+"/raw", config.Variables{"archived": config.BoolVariable(true), "everyone": config.StringVariable("viewer")}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assetAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(assetAddr, "custom_metadata.%"),
					func(*terraform.State) error {
						got, err := accClient(t).Get(context.Background(), a.id)
						if err != nil {
							return err
						}
						if len(got.CustomMetadata) != 0 || got.Description != "" || len(got.Tags) != 1 {
							return fmt.Errorf("Code Ocean still holds %+v after the metadata was removed", got)
						}
						return nil
					},
				),
			},
			{ // deleted outside Terraform: drift
				PreConfig: func() {
					if err := accClient(t).Delete(context.Background(), a.id); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile:      cfg,
				ConfigVariables: awsVars(name, base+"/raw", config.Variables{"archived": config.BoolVariable(true)}),
				PlanOnly:        true, ExpectNonEmptyPlan: true,
			},
		},
	})
}

// An external asset whose source prefix the user declares owned: destroy removes exactly it,
// never data-10 or data-1.csv beside it. A 5xx storm on reads is retried on the way.
func TestAccCodeOceanDataAsset_ownedSourceIsRemovedExactly(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	base := acctest.Unique("co-owned")
	owned := base + "/data-1"
	cfg := config.StaticFile("testdata/asset_aws.tf")
	vars := awsVars("owned "+base, owned, config.Variables{
		"keep_on_external_storage": config.BoolVariable(true), "cleanup_prefixes": config.ListVariable(config.StringVariable(owned))})
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			c := acctest.S3(t)
			acctest.PlantNeighbours(t, c, sandbox.BucketPlain, owned+"/a.csv", owned+"/b/c.csv") // owned: to be removed
			a.plant(sandbox.BucketPlain, base+"/data-10/a.csv", base+"/data-1.csv")
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(a.gone,
			func(*terraform.State) error {
				return acctest.CheckScopeEmpty(acctest.S3(t), sandbox.BucketPlain, owned)(nil)
			}),
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(a.capture,
					resource.TestCheckResourceAttr(assetAddr, "source_bucket.external", "true"),
					resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.bucket", sandbox.BucketPlain),
					resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.prefixes.0", owned)),
			},
			{
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"codeocean","status":503,"count":3,"method":"GET","retry_after":"0"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true,
			},
			{ // deleted in Code Ocean's UI: the refresh keeps the asset (platform_deleted = true)
				// while its owned prefix holds objects, names them, and the plan replaces it;
				// the test's destroy then removes exactly the owned prefix
				PreConfig: func() {
					acctest.ClearFaults(t)
					if err := accClient(t).Delete(context.Background(), a.id); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(assetAddr, "platform_deleted", "true"),
					func(*terraform.State) error {
						keys, err := acctest.ListKeys(context.Background(), acctest.S3(t), storage.Scope{Bucket: sandbox.BucketPlain, Prefixes: []string{owned}})
						if err != nil || len(keys) != 2 {
							return fmt.Errorf("the owned prefix holds %q (%w) after the refresh, want its 2 objects untouched", keys, err)
						}
						return nil
					},
					warnings.Check("ReadResource", regexp.MustCompile(`is deleted, but storage it owns is left.*s3://`+
						sandbox.BucketPlain+`/`+regexp.QuoteMeta(owned)+`/?: 2 objects`)),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assetAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}

// An asset whose owned prefix is in a directory bucket (S3 Express One Zone, named --x-s3):
// destroyed exactly, listed with ListObjectsV2 by / prefixes, and no version call made to
// that bucket (the sandbox's request log shows every S3 request).
func TestAccCodeOceanDataAsset_ownedPrefixInADirectoryBucket(t *testing.T) {
	acctest.PreCheck(t)
	if kind := acctest.Sandbox(t).Store().Kind; kind != s3store.Embedded {
		// versitygw has no directory buckets: it refuses the SDK's s3express signing of a
		// --x-s3 bucket. The embedded store is taught their rules (s3store.Rules).
		t.Skipf("directory buckets are modelled by the embedded store only, not by %s", kind)
	}
	a := &assetTest{t: t}
	base := acctest.Unique("co-dir")
	bucket := "codir" + base[len(base)-8:] + "--use1-az4--x-s3"
	owned := base + "/derived"
	vars := awsVars("dir "+base, base+"/raw", config.Variables{"keep_on_external_storage": config.BoolVariable(true),
		"cleanup_bucket": config.StringVariable(bucket), "cleanup_prefixes": config.ListVariable(config.StringVariable(owned))})
	// The SDK signs a directory bucket's requests with an S3 Express session; the sandbox, as
	// any S3-compatible store, signs them as any other (the provider does the same with an
	// endpoint set).
	dir := s3.New(s3.Options{BaseEndpoint: aws.String(acctest.Sandbox(t).Endpoints["s3"]), Region: acctest.Sandbox(t).Store().Region, UsePathStyle: true,
		DisableS3ExpressSessionAuth: aws.Bool(true),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			st := acctest.Sandbox(t).Store()
			return aws.Credentials{AccessKeyID: st.AccessKey, SecretAccessKey: st.SecretKey}, nil
		})})
	var neighbours *acctest.Neighbours
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			if _, err := dir.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
				t.Fatal(err)
			}
			a.plant(sandbox.BucketPlain, base+"/raw/a.nwb")
			acctest.PlantNeighbours(t, dir, bucket, owned, owned+"/a.bin", owned+"/b/c.bin") // owned: to be removed
			neighbours = acctest.PlantNeighbours(t, dir, bucket, base+"/derived-10/x.bin", base+"/derived.jpg")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(a.gone,
			func(*terraform.State) error {
				out, err := dir.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(base + "/")})
				if err != nil {
					return err
				}
				var left []string
				for _, o := range out.Contents {
					left = append(left, aws.ToString(o.Key))
				}
				slices.Sort(left)
				if want := []string{base + "/derived-10/x.bin", base + "/derived.jpg"}; !slices.Equal(left, want) {
					return fmt.Errorf("left %q in the directory bucket, want %q", left, want)
				}
				for _, r := range acctest.Sandbox(t).Faults().Requests("s3") {
					if strings.HasPrefix(r.Path, "/"+bucket) && (strings.Contains(r.Query, "versions") || strings.Contains(r.Query, "versioning")) {
						return fmt.Errorf("a version call went to the directory bucket: %s %s?%s", r.Method, r.Path, r.Query)
					}
				}
				return neighbours.Intact(context.Background())
			}),
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile("testdata/asset_aws.tf"), ConfigVariables: vars,
			Check: resource.ComposeAggregateTestCheckFunc(a.capture,
				resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.bucket", bucket),
				resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.prefixes.0", owned)),
		}},
	})
}

// An external result written into the customer's bucket, its target declared owned; S3
// refusing the deletes fails the destroy after the asset is gone, and the next destroy finishes.
func TestAccCodeOceanDataAsset_externalResultTargetOwnedAndResumable(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	base := acctest.Unique("co-result")
	target := base + "/results"
	cfg := config.StaticFile("testdata/asset_result.tf")
	vars := config.Variables{"name": config.StringVariable("result " + base), "computation_id": config.StringVariable(codeoceanfake.Computation),
		"bucket": config.StringVariable(sandbox.BucketVersioned), "prefix": config.StringVariable(target)}
	destroyed := resource.ComposeAggregateTestCheckFunc(a.gone,
		func(*terraform.State) error {
			return acctest.CheckScopeEmpty(acctest.S3(t), sandbox.BucketVersioned, target)(nil)
		})
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			a.plant(sandbox.BucketVersioned, base+"/results-old/x", base+"/results.txt")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             destroyed,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(a.capture,
					resource.TestCheckResourceAttr(assetAddr, "type", "result"),
					resource.TestCheckResourceAttr(assetAddr, "files", "3"),
					resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.prefixes.0", target)),
			},
			{ // an import block with a generated configuration (computation and target) plans with no changes
				ConfigFile: cfg, ConfigVariables: vars,
				ResourceName: assetAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, GenerateConfig: true,
			},
			{
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"s3","status":403,"method":"POST","path_contains":"/`+sandbox.BucketVersioned+`"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Storage cleanup of Code Ocean data asset .* is incomplete`),
			},
			{
				PreConfig: func() {
					acctest.ClearFaults(t)
					if _, err := accClient(t).Get(context.Background(), a.id); !transport.IsNotFound(err) {
						t.Errorf("the asset survived the failed destroy (err %v); the platform delete comes first", err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			// Checked here: CheckDestroy does not run once a step emptied the state.
			{ConfigFile: cfg, ConfigVariables: vars, Destroy: true, Check: destroyed},
		},
	})
}

func TestAccCodeOceanDataAsset_failedCreationLeavesNothing(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.Unique("co-failed")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			ConfigFile: config.StaticFile("testdata/asset_aws.tf"),
			ConfigVariables: config.Variables{"name": config.StringVariable(name), "bucket": config.StringVariable(codeoceanfake.BadBucket),
				"prefix": config.StringVariable("x")},
			ExpectError: regexp.MustCompile(`(?s)Code Ocean could not create.*AccessDenied.*failed draft was\s+deleted`),
		}},
	})
	// After the test, not in CheckDestroy: that does not run when the steps leave nothing in state.
	found, err := accClient(t).Search(context.Background(), codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "name", Value: name}}})
	if err != nil || len(found) != 0 {
		t.Errorf("a failed creation left %d assets (err %v)", len(found), err)
	}
}

func TestAccCodeOceanDataAsset_gcpSecretIsWriteOnly(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             a.gone,
		Steps: []resource.TestStep{{
			ConfigFile:      config.StaticFile("testdata/asset_gcp.tf"),
			ConfigVariables: config.Variables{"name": config.StringVariable(acctest.Unique("co-gcp")), "client_secret": config.StringVariable("never-in-state")},
			Check: resource.ComposeAggregateTestCheckFunc(a.capture,
				resource.TestCheckResourceAttr(assetAddr, "source.gcp.client_id", "sandbox-client"),
				resource.TestCheckNoResourceAttr(assetAddr, "source.gcp.client_secret"),
				resource.TestCheckResourceAttr(assetAddr, "source_bucket.origin", "gcp")),
		}},
	})
}

// assetsNamed counts the assets (archived or not) with this exact name.
func assetsNamed(t *testing.T, name string) int {
	t.Helper()
	n := 0
	for _, archived := range []bool{false, true} {
		got, err := accClient(t).Search(context.Background(), codeocean.SearchParams{Archived: archived, Filters: []codeocean.Filter{{Key: "name", Value: name}}})
		if err != nil {
			t.Fatal(err)
		}
		n += len(got)
	}
	return n
}

// A create whose answer is lost after Code Ocean acted is found by its marker tag and adopted:
// one asset, the marker gone from it and never in state. One lost before Code Ocean acted
// fails saying nothing was created, and the next apply creates one.
func TestAccCodeOceanDataAsset_lostCreateAnswerIsAdoptedNotDuplicated(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	base := acctest.Unique("co-lost")
	name := "lost " + base
	cfg := config.StaticFile("testdata/asset_result.tf")
	vars := config.Variables{"name": config.StringVariable(name), "computation_id": config.StringVariable(codeoceanfake.Computation),
		"bucket": config.StringVariable(sandbox.BucketPlain), "prefix": config.StringVariable(base + "/results")}
	count := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if n := assetsNamed(t, name); n != want {
				return fmt.Errorf("%d assets named %q, want %d", n, name, want)
			}
			return nil
		}
	}
	warnings, factories := acctest.RecordingFactories()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(a.gone, count(0)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					acctest.AddFault(t, `{"platform":"codeocean","lose":"request","count":1,"method":"POST","path_regexp":"/data_assets$"}`)
				},
				ConfigFile: cfg, ConfigVariables: vars,
				ExpectError: regexp.MustCompile(`(?s)the answer was lost.*No Code Ocean asset carries this create's marker tag, so nothing\s+was\s+created`),
			},
			{
				PreConfig: func() {
					if n := assetsNamed(t, name); n != 0 {
						t.Fatalf("%d assets after a lost request", n)
					}
					acctest.AddFault(t, `{"platform":"codeocean","lose":"response","count":1,"method":"POST","path_regexp":"/data_assets$"}`)
					warnings.Reset()
				},
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(a.capture, count(1),
					resource.TestCheckResourceAttr(assetAddr, "state", "ready"),
					resource.TestCheckNoResourceAttr(assetAddr, "tags.#"),
					func(*terraform.State) error {
						got, err := accClient(t).Get(context.Background(), a.id)
						if err != nil || len(got.Tags) != 0 {
							return fmt.Errorf("the adopted asset holds tags %q (%w), want the marker removed", got.Tags, err)
						}
						return nil
					},
					warnings.Check("ApplyResourceChange", regexp.MustCompile(`answer to creating .* was lost; the asset it created is adopted`))),
			},
			{ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true},
		},
	})
}

// Bad input is refused at terraform validate (plan's first step), before any request that
// could change Code Ocean or S3.
func TestAccCodeOceanDataAsset_badInputIsRefusedBeforeAnyChange(t *testing.T) {
	acctest.PreCheck(t)
	asset := func(mount, computation, cleanup string) string {
		return fmt.Sprintf(`
resource "dataplatforms_codeocean_data_asset" "test" {
  name   = "bad input"
  mount  = %q
  source = { computation = { id = %q } }
  target = { aws = { bucket = %q, prefix = "bad/results" } }
  %s
}`, mount, computation, sandbox.BucketPlain, cleanup)
	}
	ok := codeoceanfake.Computation
	cases := []struct {
		name, config, want string
	}{
		{"mount leaves /data", asset("../../etc", ok, ""), `"../../etc" must not have a ".." part, so that it stays inside its\s+parent`},
		{"mount is absolute", asset("/etc", ok, ""), `"/etc" must be relative`},
		{"computation id is not a UUID", asset("results", "job-42", ""), `"job-42" is not a UUID`},
		{"prefix ..", asset("results", ok, `storage_cleanup = { prefixes = [".."] }`), `prefix ".." would own the whole bucket|must not have a ".." part`},
		{"prefix .", asset("results", ok, `storage_cleanup = { prefixes = ["."] }`), `prefix "." must not have a "." part`},
		{"prefix *", asset("results", ok, `storage_cleanup = { prefixes = ["*"] }`), `prefix "\*" is a pattern`},
		{"prefix with a .. part", asset("results", ok, `storage_cleanup = { prefixes = ["bad/../other"] }`), `must not have a ".." part`},
		{"prefix /", asset("results", ok, `storage_cleanup = { prefixes = ["/"] }`), `prefix "/" would own the whole bucket`},
		{"a bucket and no prefixes", asset("results", ok, `storage_cleanup = { bucket = "`+sandbox.BucketPlain+`" }`), `storage_cleanup owns nothing`},
	}
	steps := make([]resource.TestStep, len(cases))
	for i, tc := range cases {
		steps[i] = resource.TestStep{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)` + tc.want)}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.Sandbox(t).Faults().ClearRequests() },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	acctest.AssertNoWrites(t, "codeocean", "s3")
}
