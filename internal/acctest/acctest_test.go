package acctest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

func TestMain(m *testing.M) { acctest.Main(m) }

// unique returns a prefix no other test run in the shared sandbox uses.
func unique(name string) string { return acctest.Unique(name) }

func TestNeighbourCheckDetectsChangeAndLoss(t *testing.T) {
	c := acctest.S3(t)
	ctx := context.Background()
	nb := unique("nb")
	n := acctest.PlantNeighbours(t, c, sandbox.BucketPlain, nb+"/scan-10/a", nb+"/scan-1.jpg")
	if err := n.CheckIntact()(nil); err != nil {
		t.Fatalf("fresh neighbours reported broken: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(nb + "/scan-1.jpg"), Body: strings.NewReader("other bytes")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(nb + "/scan-10/a")}); err != nil {
		t.Fatal(err)
	}
	err := n.CheckIntact()(nil)
	if err == nil || !strings.Contains(err.Error(), nb+"/scan-1.jpg changed") || !strings.Contains(err.Error(), nb+"/scan-10/a") {
		t.Errorf("err = %v; want both the changed and the lost neighbour named", err)
	}
}

func TestScopeEmptyCheck(t *testing.T) {
	c := acctest.S3(t)
	se := unique("se")
	acctest.PlantNeighbours(t, c, sandbox.BucketVersioned, se+"/item-1/a", se+"/item-1/b", se+"/item-10/a")
	check := acctest.CheckScopeEmpty(c, sandbox.BucketVersioned, se+"/item-1")
	if err := check(nil); err == nil || !strings.Contains(err.Error(), "2 objects left") {
		t.Fatalf("err = %v; want the 2 owned objects reported", err)
	}
	scope, _ := storage.NewScope(sandbox.BucketVersioned, se+"/item-1")
	if _, err := storage.New(c, storage.Options{}).Delete(context.Background(), scope); err != nil {
		t.Fatal(err)
	}
	if err := check(nil); err != nil {
		t.Errorf("after the teardown: %v", err)
	}
	left, err := acctest.ListKeys(context.Background(), c, mustScope(t, sandbox.BucketVersioned, se))
	if err != nil || len(left) != 1 || !strings.HasPrefix(left[0], se+"/item-10/a@") {
		t.Errorf("left %q, %v; want only the neighbour", left, err)
	}
}

func TestRealSelection(t *testing.T) {
	t.Setenv(acctest.RealEnv, "dandi, v7")
	if !acctest.Real("dandi") || !acctest.Real("v7") || acctest.Real("foundry") {
		t.Error("Real does not follow " + acctest.RealEnv)
	}
}

func TestTerraformBinaryIsRequired(t *testing.T) {
	t.Setenv("TF_ACC_TERRAFORM_PATH", "")
	if err := acctest.TerraformBinary(); err == nil || !strings.Contains(err.Error(), "never download") {
		t.Errorf("err = %v", err)
	}
	t.Setenv("TF_ACC_TERRAFORM_PATH", "/nonexistent/terraform")
	if err := acctest.TerraformBinary(); err == nil {
		t.Error("a missing binary passed")
	}
}

func mustScope(t *testing.T, bucket string, prefixes ...string) storage.Scope {
	t.Helper()
	s, err := storage.NewScope(bucket, prefixes...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
