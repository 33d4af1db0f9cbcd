package acctest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// A key that sorts between p and p/ (p.jpg) with more versions than a listing page holds must
// not hide what is left under p/: before, ListKeys stopped at the first page that held no
// owned key, and CheckScopeEmpty called the scope empty.
func TestCheckScopeEmptySeesPastAPageOfNeighbours(t *testing.T) {
	t.Parallel()
	srv, err := s3store.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ctx, c, bucket := context.Background(), srv.Client(), "versioned"
	if err := srv.CreateBucket(ctx, bucket, true, false); err != nil {
		t.Fatal(err)
	}
	put := func(key string) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 1001 {
		put("base/scan-1.jpg")
	}
	put("base/scan-1/owned")
	put("base/scan-1")

	err = acctest.CheckScopeEmpty(c, bucket, "base/scan-1")(nil)
	if err == nil || !strings.Contains(err.Error(), "2 objects left") {
		t.Fatalf("CheckScopeEmpty = %v, want the 2 owned keys reported", err)
	}
	scope, _ := storage.NewScope(bucket, "base/scan-1")
	keys, err := acctest.ListKeys(ctx, c, scope)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(keysOnly(keys)); got != "[base/scan-1 base/scan-1/owned]" {
		t.Fatalf("ListKeys = %v", keys)
	}
	// The engine, which the check stands beside, counts the same.
	p, err := storage.New(c, storage.Options{}).Count(ctx, scope, 10)
	if err != nil || p.Objects != 2 {
		t.Fatalf("engine count %+v, %v", p, err)
	}
}

func keysOnly(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _, _ = strings.Cut(id, "@")
	}
	slices.Sort(out)
	return out
}
