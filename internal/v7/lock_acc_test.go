package v7_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
)

// An item whose metadata folder, in a bucket with object lock, holds a governance-locked
// version, a compliance-locked one and one under a legal hold, plus three incomplete multipart
// uploads (and one in the neighbour folder scan-10/):
//   - the destroy fails naming each locked key with its mode, its date or its hold;
//   - with the bypass on and the hold lifted, it fails on the compliance version alone, naming
//     its retain-until date;
//   - once that date has passed, one more destroy finishes: every object and the three
//     uploads are gone, the neighbour's upload and objects stay.
func TestAccV7Item_objectLockAndIncompleteUploads(t *testing.T) {
	it := newItemTest(t, "lock")
	source := it.base + "/scan-1.jpg"
	cfg := config.StaticFile("testdata/item.tf")
	vars := it.vars(v7fake.StorageLocked, source, nil)
	folder := "v7-locked/" + it.base + "/data/scan-1"
	// The compliance version's date, known when the steps are built (their regexps name it):
	// far enough for the first three steps, near enough to wait for.
	compliance := time.Now().Add(15 * time.Second).Truncate(time.Second)
	var hold lockedKey
	uploads := func() []string {
		out, err := it.s3.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(sandbox.BucketLocked), Prefix: aws.String("v7-locked/" + it.base + "/")})
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, u := range out.Uploads {
			keys = append(keys, aws.ToString(u.Key))
		}
		slices.Sort(keys)
		return keys
	}
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			it.preCheck()
			it.plant(sandbox.BucketLocked, source, "v7-locked/"+it.base+"/data/scan-10/thumb.jpg")
		},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             it.checkDestroyed,
		Steps: []resource.TestStep{
			{ConfigFile: cfg, ConfigVariables: vars, Check: resource.ComposeAggregateTestCheckFunc(it.capture,
				resource.TestCheckResourceAttrWith(itemAddr, "cleanup_iam_policy", func(v string) error {
					for _, want := range []string{`"s3:DeleteObjectVersion"`, `"arn:aws:s3:::` + sandbox.BucketLocked + `/` + folder + `/*"`, `"s3:ListBucketMultipartUploads"`} {
						if !strings.Contains(v, want) {
							return fmt.Errorf("cleanup_iam_policy lacks %s:\n%s", want, v)
						}
					}
					if strings.Contains(v, "s3:BypassGovernanceRetention") {
						return fmt.Errorf("the policy allows the bypass, which is off")
					}
					return nil
				}))},
			{
				PreConfig: func() {
					lockKey(t, it.s3, folder+"/gov.jpg", types.ObjectLockRetentionModeGovernance, time.Now().Add(365*24*time.Hour))
					lockKey(t, it.s3, folder+"/comp.jpg", types.ObjectLockRetentionModeCompliance, compliance)
					hold = lockKey(t, it.s3, folder+"/hold.jpg", "", time.Time{})
					for _, k := range []string{folder, folder + "/big.bin", folder + "/sections/big.bin", "v7-locked/" + it.base + "/data/scan-10/big.bin"} {
						startUpload(t, it.s3, sandbox.BucketLocked, k)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				// The keys fail in the order they were listed (terraform wraps the lines).
				ExpectError: regexp.MustCompile(`(?s)3 keys could not be deleted.*comp\.jpg.*compliance-mode\s+retention\s+until.*` +
					`gov\.jpg.*governance-mode\s+retention\s+until.*bypass_governance_retention\s+=\s+true.*hold\.jpg.*legal\s+hold`),
			},
			{
				PreConfig: func() {
					t.Setenv("DATAPLATFORMS_S3_BYPASS_GOVERNANCE_RETENTION", "true")
					hold.release(t, it.s3)
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				ExpectError: regexp.MustCompile(`(?s)1 keys could not be deleted.*comp\.jpg.*compliance-mode\s+retention\s+until\s+` + regexp.QuoteMeta(compliance.UTC().Format("2006-01-02T15:04:05Z"))),
			},
			{
				PreConfig: func() {
					if err := acctest.Eventually(30*time.Second, func() error {
						if time.Now().Before(compliance.Add(time.Second)) {
							return fmt.Errorf("retained until %s", compliance)
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				},
				ConfigFile: cfg, ConfigVariables: vars, Destroy: true,
				Check: func(*terraform.State) error {
					if got := uploads(); !slices.Equal(got, []string{"v7-locked/" + it.base + "/data/scan-10/big.bin"}) {
						return fmt.Errorf("incomplete uploads left %q, want the neighbour's only", got)
					}
					return it.checkDestroyed(nil)
				},
			},
		},
	})
}

type lockedKey struct{ key, version string }

// lockKey writes a version of key into the locked bucket under a retention mode (until), or
// under a legal hold when mode is empty.
func lockKey(t *testing.T, c *s3.Client, key string, mode types.ObjectLockRetentionMode, until time.Time) lockedKey {
	t.Helper()
	v, err := s3store.PutLocked(context.Background(), c, sandbox.BucketLocked, key, mode, until)
	if err != nil {
		t.Fatalf("locking %s: %v", key, err)
	}
	return lockedKey{key, v}
}

func (k lockedKey) release(t *testing.T, c *s3.Client) {
	t.Helper()
	if err := s3store.SetLegalHold(context.Background(), c, sandbox.BucketLocked, k.key, k.version, false); err != nil {
		t.Fatal(err)
	}
}

// startUpload leaves an incomplete multipart upload of key (one part written).
func startUpload(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	if err := s3store.StartUpload(context.Background(), c, bucket, key); err != nil {
		t.Fatal(err)
	}
}
