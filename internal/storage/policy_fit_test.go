package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// spreadPrefixes are n V7 name-keyed folders, 5 a source folder.
func spreadPrefixes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("v7/darwin/set/scans/p%04d/data/img-%d.jpg", i/5, i%5)
	}
	return out
}

// The policy fits IAM's 6,144 characters at any size: exact while the exact one fits (25 items
// of these 40-character prefixes), compact beyond (40, 400 and 100,000 items, with and without
// the bypass), and each says which it is.
func TestFittingPolicyFitsIAMAtAnySize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n      int
		bypass bool
		exact  bool
	}{{10, false, true}, {25, false, true}, {40, false, false}, {40, true, false}, {400, false, false}, {400, true, false}, {100000, true, false}} {
		scope, _ := storage.NewScope("customer-bucket", spreadPrefixes(tc.n)...)
		doc, exact := storage.FittingPolicy([]storage.Scope{scope}, tc.bypass, storage.IAMManagedPolicyMaxChars)
		size := storage.IAMSize(doc.JSON())
		t.Logf("%d items (bypass %v): %d characters, exact %v", tc.n, tc.bypass, size, exact)
		if size > storage.IAMManagedPolicyMaxChars || exact != tc.exact {
			t.Errorf("%d items: %d characters, exact %v; want ≤ %d, exact %v", tc.n, size, exact, storage.IAMManagedPolicyMaxChars, tc.exact)
		}
		if tc.n == 100000 && !strings.Contains(doc.JSON(), "set/scans/*/data/*") {
			t.Errorf("%d items: the compact form is not V7's layout:\n%s", tc.n, doc.JSON())
		}
	}
}

// With only the compact policy enforced (400 items over 80 source folders), a destroy of part
// of the scope, one that keeps a folder, and the rest pass; what the compact form does not
// cover (another source tree, a longer ancestor) is refused.
func TestCompactPolicyAuthorizesEveryTeardown(t *testing.T) {
	srv := servers[0]
	admin := srv.Client()
	restricted := restrictedClient(srv)
	ctx := context.Background()
	bucket := newBucket(t, srv, true, false)
	prefixes := spreadPrefixes(400)
	for _, p := range prefixes {
		put(t, admin, bucket, p+"/uploads/u/thumbnails/000000000.jpg")
	}
	full, _ := storage.NewScope(bucket, prefixes...)
	doc, exact := storage.FittingPolicy([]storage.Scope{full}, false, storage.IAMManagedPolicyMaxChars)
	if exact {
		t.Fatal("400 items got the exact policy: the test proves nothing")
	}
	if err := srv.Rules.SetPolicy(doc.JSON()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Rules.SetPolicy("") })
	engine := storage.New(restricted, storage.Options{Buckets: &storage.Buckets{}})
	for _, part := range [][]string{prefixes[:3], prefixes[3:4], prefixes[5:], prefixes[4:5]} {
		scope, _ := storage.NewScope(bucket, part...)
		if _, err := engine.Delete(ctx, scope); err != nil {
			t.Fatalf("deleting %d of the 400 with only the compact policy: %v", len(part), err)
		}
	}
	if left := keys(t, admin, bucket); len(left) != 0 {
		t.Fatalf("left %d keys", len(left))
	}
	for _, k := range []string{"v7/darwin/set/other/p0000/data/img-0.jpg/a", "v7/darwin/sets/scans/p0000/data/img-0.jpg/a", "v7/darwin/set/scans/p0000/img-0.jpg"} {
		put(t, admin, bucket, k)
		if _, err := restricted.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err == nil {
			t.Errorf("the compact policy allowed deleting %s", k)
		}
	}
}

// A layout that shares no folder or no tail is never turned into a pattern wider than the
// walk's: folders data and data/sNNN/data gave */* (every key with a / in the bucket).
func TestFittingPolicyNeverWiderThanTheWalk(t *testing.T) {
	t.Parallel()
	prefixes := []string{"data/x1", "data/x2"}
	for i := range 400 {
		prefixes = append(prefixes, fmt.Sprintf("data/s%03d/data/a", i), fmt.Sprintf("data/s%03d/data/b", i))
	}
	scope, _ := storage.NewScope("b", prefixes...)
	doc, _ := storage.FittingPolicy([]storage.Scope{scope}, false, storage.IAMManagedPolicyMaxChars)
	for _, st := range doc.Statement {
		if st.Sid != "Delete" {
			continue
		}
		for _, r := range st.Resource {
			if !strings.HasPrefix(r, "arn:aws:s3:::b/data/") {
				t.Errorf("a delete resource wider than the walk's folder data/: %s", r)
			}
		}
	}
}
