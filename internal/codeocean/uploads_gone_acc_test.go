package codeocean_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// An asset whose owned prefix holds an object and two incomplete multipart uploads (the key
// itself and one under it; a neighbour folder holds one more):
//   - the destroy deletes the asset and the object, and fails because S3 refuses
//     AbortMultipartUpload (a missing permission): only the uploads are left;
//   - a refresh keeps the asset in state (platform_deleted = true) and names the uploads,
//     instead of forgetting it and orphaning them;
//   - with the permission back, the next destroy aborts both uploads; the neighbour's upload
//     and objects stay.
func TestAccCodeOceanDataAsset_leftUploadsKeepItInState(t *testing.T) {
	acctest.PreCheck(t)
	a := &assetTest{t: t}
	base := acctest.Unique("co-uploads")
	owned := base + "/data-1"
	cfg := config.StaticFile("testdata/asset_aws.tf")
	vars := awsVars("uploads "+base, owned, config.Variables{
		"keep_on_external_storage": config.BoolVariable(true), "cleanup_prefixes": config.ListVariable(config.StringVariable(owned))})
	neighbourUpload := base + "/data-10/big.bin"
	warnings, factories := acctest.RecordingFactories()
	uploads := func() ([]string, error) {
		out, err := acctest.S3(t).ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(sandbox.BucketPlain), Prefix: aws.String(base + "/")})
		if err != nil {
			return nil, err
		}
		var keys []string
		for _, u := range out.Uploads {
			keys = append(keys, aws.ToString(u.Key))
		}
		slices.Sort(keys)
		return keys, nil
	}
	onlyUploads := func(want ...string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got, err := uploads()
			if err != nil {
				return err
			}
			if slices.Sort(want); !slices.Equal(got, want) {
				return fmt.Errorf("incomplete uploads under %s/: %q, want %q", base, got, want)
			}
			return nil
		}
	}
	destroyed := resource.ComposeAggregateTestCheckFunc(a.gone, onlyUploads(neighbourUpload),
		func(*terraform.State) error {
			return acctest.CheckScopeEmpty(acctest.S3(t), sandbox.BucketPlain, owned)(nil)
		})
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			acctest.PlantNeighbours(t, acctest.S3(t), sandbox.BucketPlain, owned+"/a.csv") // owned: to be removed
			a.plant(sandbox.BucketPlain, base+"/data-10/a.csv", base+"/data-1.csv")
		},
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             destroyed,
		Steps: []resource.TestStep{
			{
				ConfigFile: cfg, ConfigVariables: vars,
				Check: resource.ComposeAggregateTestCheckFunc(a.capture,
					resource.TestCheckResourceAttr(assetAddr, "cleanup_scope.prefixes.0", owned)),
			},
			{ // S3 refuses AbortMultipartUpload (DELETE ?uploadId=): the asset and the object go, the uploads stay
				PreConfig: func() {
					for _, k := range []string{owned, owned + "/big.bin", neighbourUpload} {
						if err := s3store.StartUpload(context.Background(), acctest.S3(t), sandbox.BucketPlain, k); err != nil {
							t.Fatal(err)
						}
					}
					acctest.AddFault(t, `{"platform":"s3","status":403,"method":"DELETE","path_contains":"uploadId="}`)
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)Storage cleanup of Code Ocean data asset .* is incomplete.*s3:AbortMultipartUpload`),
			},
			{ // nothing but the uploads is left: the refresh keeps the asset and names them
				PreConfig: func() {
					warnings.Reset()
					if _, err := accClient(t).Get(context.Background(), a.id); !transport.IsNotFound(err) {
						t.Errorf("the asset survived the failed destroy (err %v); the platform delete comes first", err)
					}
					keys, err := acctest.ListKeys(context.Background(), acctest.S3(t), storage.Scope{Bucket: sandbox.BucketPlain, Prefixes: []string{owned}})
					if err != nil || len(keys) != 0 {
						t.Errorf("the owned prefix holds %q (%v) after the failed destroy, want no objects: only uploads", keys, err)
					}
				},
				RefreshState: true, ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(assetAddr, "platform_deleted", "true"),
					onlyUploads(owned, owned+"/big.bin", neighbourUpload),
					warnings.Check("ReadResource", regexp.MustCompile(`is deleted, but storage it owns is left.*s3://`+
						sandbox.BucketPlain+`/`+regexp.QuoteMeta(owned)+`/?: 0 objects \(0 B\), 2 incomplete multipart uploads`)),
				),
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(assetAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{ // a plan keeps it too, still refused
				ConfigFile: cfg, ConfigVariables: vars, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			// Checked here: CheckDestroy does not run once a step emptied the state.
			{
				PreConfig:  func() { acctest.ClearFaults(t) },
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true, Check: destroyed,
			},
		},
	})
}
