package acctest_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

const ownedAddr = "dataplatforms_acctest_owned_objects.test"

func ownedVars(base string, protected bool) config.Variables {
	return config.Variables{
		"bucket":              config.StringVariable(sandbox.BucketLocked),
		"prefixes":            config.ListVariable(config.StringVariable(base+"/item-1"), config.StringVariable(base+"/item-2")),
		"deletion_protection": config.BoolVariable(protected),
	}
}

// captureID stores the resource id for checks outside terraform.
func captureID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[ownedAddr]
		if !ok {
			return fmt.Errorf("%s not in state", ownedAddr)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// checkObjects counts the objects under each prefix; c is read when the check runs, after PreCheck.
func checkObjects(c **s3.Client, want int, prefixes ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, p := range prefixes {
			out, err := (*c).ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(sandbox.BucketLocked), Prefix: aws.String(p + "/")})
			if err != nil {
				return err
			}
			if len(out.Contents) != want {
				return fmt.Errorf("%d objects under %s/, want %d", len(out.Contents), p, want)
			}
		}
		return nil
	}
}

// blocker makes deleting one key fail with AccessDenied, the way the store in use can: the
// embedded store through a sandbox fault, versitygw through governance-mode retention.
type blocker struct {
	t   *testing.T
	sb  *sandbox.Sandbox
	c   *s3.Client
	key string
}

func (b blocker) block() {
	b.t.Helper()
	if b.sb.Store().Kind == s3store.Embedded {
		body := fmt.Sprintf(`{"platform":"s3","deny_delete_prefix":%q}`, b.key)
		resp, err := http.Post(b.sb.Endpoints["admin"]+"/faults", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.t.Fatalf("adding the deny fault: %v %v", resp, err)
		}
		_ = resp.Body.Close()
		return
	}
	_, err := b.c.PutObjectRetention(context.Background(), &s3.PutObjectRetentionInput{
		Bucket: aws.String(sandbox.BucketLocked), Key: aws.String(b.key),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(time.Hour))},
	})
	if err != nil {
		b.t.Fatalf("locking %s: %v", b.key, err)
	}
}

func (b blocker) unblock() {
	b.t.Helper()
	if b.sb.Store().Kind == s3store.Embedded {
		req, _ := http.NewRequest(http.MethodDelete, b.sb.Endpoints["admin"]+"/faults", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			b.t.Fatalf("clearing faults: %v %v", resp, err)
		}
		_ = resp.Body.Close()
		return
	}
	_, err := b.c.PutObjectRetention(context.Background(), &s3.PutObjectRetentionInput{
		Bucket: aws.String(sandbox.BucketLocked), Key: aws.String(b.key), BypassGovernanceRetention: aws.Bool(true),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(time.Second))},
	})
	if err != nil {
		b.t.Fatalf("unlocking %s: %v", b.key, err)
	}
	// Wait until the store itself says the shortened retention has lapsed: a delete of the
	// object's version is refused while it holds.
	lapsed := func() error {
		out, err := b.c.GetObjectRetention(context.Background(), &s3.GetObjectRetentionInput{Bucket: aws.String(sandbox.BucketLocked), Key: aws.String(b.key)})
		if err != nil {
			return err
		}
		if until := aws.ToTime(out.Retention.RetainUntilDate); time.Now().Before(until) {
			return fmt.Errorf("%s is retained until %s", b.key, until)
		}
		return nil
	}
	if err := acctest.Eventually(10*time.Second, lapsed); err != nil {
		b.t.Fatal(err)
	}
}

func TestAccTeardown_protectedThenPartialFailureThenResume(t *testing.T) {
	var (
		id         string
		c          *s3.Client
		neighbours *acctest.Neighbours
		block      blocker
	)
	base := unique("teardown")
	destroyed := resource.ComposeAggregateTestCheckFunc(
		func(*terraform.State) error {
			return acctest.CheckScopeEmpty(c, sandbox.BucketLocked, base+"/item-1", base+"/item-2")(nil)
		},
		func(*terraform.State) error { return neighbours.CheckIntact()(nil) },
		func(*terraform.State) error {
			if acctest.ProbePlatform.Has(id) {
				return fmt.Errorf("platform object %s still exists", id)
			}
			return nil
		},
	)
	resource.Test(t, resource.TestCase{
		PreCheck: func() {
			acctest.PreCheck(t)
			c = acctest.S3(t)
			neighbours = acctest.PlantNeighbours(t, c, sandbox.BucketLocked, base+"/item-10/n", base+"/item-1.jpg", base+"/item-2x/n")
			block = blocker{t: t, sb: acctest.Sandbox(t), c: c, key: base + "/item-2/derived-0.bin"}
		},
		ProtoV6ProviderFactories: acctest.ProbeFactories,
		CheckDestroy:             destroyed,
		Steps: []resource.TestStep{
			{
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, true),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(&id),
					resource.TestCheckResourceAttr(ownedAddr, "platform_deleted", "false"),
					checkObjects(&c, 3, base+"/item-1", base+"/item-2"),
				),
			},
			{ // deletion_protection refuses the destroy and touches nothing
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, true),
				Destroy:         true,
				ExpectError:     regexp.MustCompile(`is protected from deletion`),
			},
			{
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ownedAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkObjects(&c, 3, base+"/item-1", base+"/item-2"),
					func(*terraform.State) error { return neighbours.Intact(context.Background()) },
				),
			},
			{ // one owned key cannot be deleted: the platform delete stands, the error names the key
				PreConfig:       func() { block.block() },
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, false),
				Destroy:         true,
				ExpectError:     regexp.MustCompile(`(?s)Storage cleanup of test object .* is incomplete.*item-2/derived-0\.bin.*run\s+terraform\s+destroy\s+again`),
			},
			{ // the resource stays in state with its progress and the next plan shows it
				PreConfig: func() {
					if acctest.ProbePlatform.Has(id) {
						t.Errorf("platform object %s survived the failed destroy; the platform delete comes first", id)
					}
				},
				ConfigFile:         config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables:    ownedVars(base, false),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{ // the next destroy finishes the job (checked here: CheckDestroy does not run once a step emptied the state)
				PreConfig:       func() { block.unblock() },
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, false),
				Destroy:         true,
				Check:           destroyed,
			},
		},
	})
}

func TestAccTeardown_deletedOutOfBandIsDrift(t *testing.T) {
	var id string
	base := unique("drift")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProbeFactories,
		Steps: []resource.TestStep{
			{
				ConfigFile:      config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables: ownedVars(base, false),
				Check:           captureID(&id),
			},
			{
				PreConfig:          func() { acctest.ProbePlatform.Delete(id) },
				ConfigFile:         config.StaticFile("testdata/owned_objects.tf"),
				ConfigVariables:    ownedVars(base, false),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}
