package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// The policy of a grouped scope (20 folders of one parent: the engine lists the parent once)
// authorizes every teardown of that resource, with only the policy enforced: a count and a
// delete of 3 of the 20 (an item set's incremental removal), of 15 of 16 (a destroy that keeps
// a folder another object uses: no longer grouped), a count of one folder (a refresh), and the
// rest. The old policy allowed listing only the parent, and each partial teardown was refused.
// Nothing outside the scope is touched.
func TestTeardownPolicyAuthorizesPartialTeardowns(t *testing.T) {
	srv := servers[0]
	admin := srv.Client()
	restricted := restrictedClient(srv)
	ctx := context.Background()
	for _, versioned := range []bool{false, true} {
		bucket := newBucket(t, srv, versioned, false)
		var prefixes []string
		for i := range 20 {
			p := fmt.Sprintf("v7/scans/data/img-%02d.jpg", i)
			prefixes = append(prefixes, p)
			put(t, admin, bucket, p+"/uploads/u/thumbnails/0.jpg", p+"/sections/0.png")
		}
		put(t, admin, bucket, "v7/scans/data/img-00.jpg.bak", "v7/scans/data/img-000.jpg/a.png", "v7/scans/img-00.jpg")
		full, _ := storage.NewScope(bucket, prefixes...)
		if err := srv.Rules.SetPolicy(storage.TeardownPolicy([]storage.Scope{full}, false).JSON()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Rules.SetPolicy("") })
		engine := storage.New(restricted, storage.Options{Buckets: &storage.Buckets{}})
		for _, part := range [][]string{prefixes[:3], prefixes[3:4], prefixes[4:19], prefixes[19:]} {
			scope, _ := storage.NewScope(bucket, part...)
			if p, err := engine.Count(ctx, scope, 1000); err != nil || p.Objects+p.Versions != int64(2*len(part)) {
				t.Fatalf("versioned %v: counting %d of the 20 with only the policy: %+v, %v", versioned, len(part), p, err)
			}
			if held, err := engine.Holds(ctx, bucket, part[0]); err != nil || !held {
				t.Fatalf("versioned %v: a refresh of %s with only the policy: %v, %v", versioned, part[0], held, err)
			}
			if _, err := engine.Delete(ctx, scope); err != nil {
				t.Fatalf("versioned %v: deleting %d of the 20 with only the policy: %v", versioned, len(part), err)
			}
		}
		var left []string
		for _, k := range keys(t, admin, bucket) {
			if !strings.HasSuffix(k, ".bak") && !strings.Contains(k, "img-000.jpg") && k != "v7/scans/img-00.jpg" {
				left = append(left, k)
			}
		}
		if len(left) > 0 || len(keys(t, admin, bucket)) != 3 {
			t.Fatalf("versioned %v: left %v of the scope; all keys %v", versioned, left, keys(t, admin, bucket))
		}
	}
}

// A prefix holding IAM's wildcard characters is written so that its ARN matches only itself:
// "scan-*" must not grant deletes on "scan-1" beside it. The sandbox enforces the policy as
// IAM reads it (the special-character variables ${*}, ${?} and ${$}).
func TestTeardownPolicyEscapesIAMWildcards(t *testing.T) {
	srv := servers[0]
	admin := srv.Client()
	restricted := restrictedClient(srv)
	ctx := context.Background()
	bucket := newBucket(t, srv, false, false)
	put(t, admin, bucket, "scan-*/a.jpg", "scan-?", "scan-$x/b.jpg", "scan-1/a.jpg", "scan-a", "scan-$x2/b.jpg")
	scope, _ := storage.NewScope(bucket, "scan-*", "scan-?", "scan-$x")
	doc := storage.TeardownPolicy([]storage.Scope{scope}, false)
	if j := doc.JSON(); !strings.Contains(j, `scan-${*}/*`) || !strings.Contains(j, `scan-${?}`) || !strings.Contains(j, `scan-${$}x`) {
		t.Fatalf("the policy does not spell the characters literally:\n%s", j)
	}
	if err := srv.Rules.SetPolicy(doc.JSON()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Rules.SetPolicy("") })
	// The neighbours' deletes, sent with only the policy, are refused.
	for _, k := range []string{"scan-1/a.jpg", "scan-a", "scan-$x2/b.jpg"} {
		if _, err := restricted.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err == nil {
			t.Errorf("the policy allowed deleting the neighbour %s", k)
		}
	}
	if _, err := storage.New(restricted, storage.Options{Buckets: &storage.Buckets{}}).Delete(ctx, scope); err != nil {
		t.Fatalf("the teardown with only its policy: %v", err)
	}
	got := keys(t, admin, bucket)
	if want := []string{"scan-$x2/b.jpg", "scan-1/a.jpg", "scan-a"}; !slices.Equal(got, want) {
		t.Fatalf("left %v, want %v", got, want)
	}
}
