package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// startUpload leaves an incomplete multipart upload of key (one part written).
func startUpload(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	if err := s3store.StartUpload(context.Background(), c, bucket, key); err != nil {
		t.Fatal(err)
	}
}

func uploadKeys(t *testing.T, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
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

// Incomplete uploads inside the scope (the key itself and under its folder) are counted and
// aborted after the objects; a neighbour's (p10/, p.jpg) stay.
func TestDeleteAbortsExactlyTheScopesIncompleteUploads(t *testing.T) {
	t.Parallel()
	eachServer(t, true, func(t *testing.T, srv *s3store.Server, bucket string) {
		c := srv.Client()
		put(t, c, bucket, "scan-1/thumb.jpg", "scan-10/x.jpg")
		for _, k := range []string{"scan-1", "scan-1/big.bin", "scan-1/a/b.bin", "scan-10/big.bin", "scan-1.jpg"} {
			startUpload(t, c, bucket, k)
		}
		scope, _ := storage.NewScope(bucket, "scan-1")
		counted := &requestCounter{API: c}
		buckets := &storage.Buckets{}
		e := storage.New(counted, storage.Options{Buckets: buckets})
		preview, err := e.Count(context.Background(), scope, 100)
		if err != nil || preview.Uploads != 3 || preview.Objects != 1 {
			t.Fatalf("preview %+v, %v; want 3 uploads and 1 object", preview, err)
		}
		res, err := storage.New(counted, storage.Options{Buckets: buckets}).Delete(context.Background(), scope)
		if err != nil || res.Uploads != 3 {
			t.Fatalf("delete %+v, %v; want 3 uploads aborted", res, err)
		}
		// The budget: one upload listing per owned prefix for the preview and one for the
		// destroy, an abort per upload, and one versioning call per bucket for both engines.
		if got := counted.counts(); got["ListMultipartUploads"] != 2 || got["AbortMultipartUpload"] != 3 || got["GetBucketVersioning"] != 1 {
			t.Errorf("requests %v; want 2 upload listings, 3 aborts, 1 versioning call", got)
		}
		if got := uploadKeys(t, c, bucket); !slices.Equal(got, []string{"scan-1.jpg", "scan-10/big.bin"}) {
			t.Errorf("uploads left %q, want the neighbours' only", got)
		}
	})
}

// lock writes a version of key under object lock (a legal hold when mode is empty).
func lock(t *testing.T, c *s3.Client, bucket, key string, mode types.ObjectLockRetentionMode, until time.Time) string {
	t.Helper()
	v, err := s3store.PutLocked(context.Background(), c, bucket, key, mode, until)
	if err != nil {
		t.Fatalf("locking %s: %v", key, err)
	}
	return v
}

// bypassCounter records whether any delete carried the governance bypass.
type bypassCounter struct {
	storage.API
	sent atomic.Int32
}

func (b *bypassCounter) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	if aws.ToBool(in.BypassGovernanceRetention) {
		b.sent.Add(1)
	}
	return b.API.DeleteObjects(ctx, in, opts...)
}

// Governance retention fails the destroy with the key, the mode and the way out, unless the
// bypass is on; the bypass header goes to buckets with object lock only. A legal hold fails
// it whatever the setting, and says so.
func TestDeleteGovernanceLockAndLegalHold(t *testing.T) {
	t.Parallel()
	for _, srv := range servers {
		t.Run(srv.Kind, func(t *testing.T) {
			c := srv.Client()
			ctx := context.Background()
			bucket := newBucket(t, srv, true, true)
			// Far ahead: the compliance test moves the embedded store's clock by a day.
			lock(t, c, bucket, "scan-1/thumb.jpg", types.ObjectLockRetentionModeGovernance, time.Now().Add(365*24*time.Hour))
			scope, _ := storage.NewScope(bucket, "scan-1")
			_, err := storage.New(c, storage.Options{}).Delete(ctx, scope)
			if err == nil || !strings.Contains(err.Error(), "scan-1/thumb.jpg") || !strings.Contains(err.Error(), "governance-mode retention until") ||
				!strings.Contains(err.Error(), "bypass_governance_retention = true") {
				t.Fatalf("without the bypass: %v; want the key, the mode and the setting named", err)
			}
			counter := &bypassCounter{API: c}
			res, err := storage.New(counter, storage.Options{BypassGovernanceRetention: true}).Delete(ctx, scope)
			if err != nil || res.Total() != 1 || counter.sent.Load() == 0 {
				t.Fatalf("with the bypass: %+v, %v, bypass sent %d times", res, err, counter.sent.Load())
			}

			// A legal hold: no bypass helps.
			v := lock(t, c, bucket, "scan-2/thumb.jpg", "", time.Time{})
			scope2, _ := storage.NewScope(bucket, "scan-2")
			_, err = storage.New(c, storage.Options{BypassGovernanceRetention: true}).Delete(ctx, scope2)
			if err == nil || !strings.Contains(err.Error(), "legal hold") {
				t.Fatalf("legal hold: %v", err)
			}
			if err := s3store.SetLegalHold(ctx, c, bucket, "scan-2/thumb.jpg", v, false); err != nil {
				t.Fatal(err)
			}
			if _, err := storage.New(c, storage.Options{}).Delete(ctx, scope2); err != nil {
				t.Fatalf("after the hold is lifted: %v", err)
			}

			// The bypass is not sent to a bucket without object lock.
			plain := newBucket(t, srv, true, false)
			put(t, c, plain, "scan-1/a")
			scope3, _ := storage.NewScope(plain, "scan-1")
			counter = &bypassCounter{API: c}
			if _, err := storage.New(counter, storage.Options{BypassGovernanceRetention: true}).Delete(ctx, scope3); err != nil || counter.sent.Load() != 0 {
				t.Fatalf("plain bucket: %v, bypass sent %d times", err, counter.sent.Load())
			}
		})
	}
}

// Compliance retention cannot be bypassed: the destroy fails with the retain-until date, and a
// destroy after that date (the store's clock moved) finishes. The embedded store's clock moves;
// versitygw's does not.
func TestDeleteComplianceLockUntilItsDate(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	if srv.Rules == nil {
		t.Fatal("the embedded store comes first")
	}
	c := srv.Client()
	ctx := context.Background()
	bucket := newBucket(t, srv, true, true)
	until := srv.Rules.Now().Add(24 * time.Hour).Truncate(time.Second)
	lock(t, c, bucket, "scan-1/thumb.jpg", types.ObjectLockRetentionModeCompliance, until)
	scope, _ := storage.NewScope(bucket, "scan-1")
	_, err := storage.New(c, storage.Options{BypassGovernanceRetention: true}).Delete(ctx, scope)
	if err == nil || !strings.Contains(err.Error(), "compliance-mode retention until "+until.UTC().Format("2006-01-02T15:04:05Z")) {
		t.Fatalf("before the date: %v; want the date named", err)
	}
	srv.Rules.Advance(25 * time.Hour)
	if res, err := storage.New(c, storage.Options{}).Delete(ctx, scope); err != nil || res.Total() != 1 {
		t.Fatalf("after the date: %+v, %v", res, err)
	}
}

// A directory bucket (S3 Express One Zone) is listed with ListObjectsV2 only, by prefixes that
// end in /, and its exact key looked up; no version call is made, and the scope goes exactly.
func TestDeleteInADirectoryBucket(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	// The SDK signs a directory bucket's requests with a CreateSession token from S3 Express's
	// own endpoint; the sandbox has none, so the test signs as for any bucket.
	c := srv.Client(func(o *s3.Options) { o.DisableS3ExpressSessionAuth = aws.Bool(true) })
	ctx := context.Background()
	bucket := "scans--use1-az4--x-s3"
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	put(t, c, bucket, "data/scan-1", "data/scan-1/a.jpg", "data/scan-1/b/c.jpg", "data/scan-10/x.jpg", "data/scan-1.jpg")
	startUpload(t, c, bucket, "data/scan-1/big.bin")
	counter := &versionCalls{API: c}
	scope, _ := storage.NewScope(bucket, "data/scan-1")
	res, err := storage.New(counter, storage.Options{}).Delete(ctx, scope)
	if err != nil || res.Objects != 3 || res.Uploads != 1 {
		t.Fatalf("delete %+v, %v; want 3 objects and 1 upload", res, err)
	}
	if n := counter.calls.Load(); n != 0 {
		t.Errorf("%d version calls to a directory bucket", n)
	}
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("data/")})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, o := range out.Contents {
		left = append(left, aws.ToString(o.Key))
	}
	slices.Sort(left)
	if !slices.Equal(left, []string{"data/scan-1.jpg", "data/scan-10/x.jpg"}) {
		t.Errorf("left %q, want the neighbours", left)
	}
}

// versionCalls counts the calls a directory bucket does not support.
type versionCalls struct {
	storage.API
	calls atomic.Int32
}

func (v *versionCalls) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	v.calls.Add(1)
	return v.API.GetBucketVersioning(ctx, in, opts...)
}

func (v *versionCalls) ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, opts ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	v.calls.Add(1)
	return v.API.ListObjectVersions(ctx, in, opts...)
}

// The teardown policy is enough: a destroy of objects, versions, markers, an incomplete upload
// and a governance-locked version (with the bypass) passes with only that policy enforced. With
// any one statement removed it fails, naming the missing permission.
func TestTeardownPolicyIsEnoughAndEveryStatementIsNeeded(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	admin := srv.Client()
	restricted := restrictedClient(srv)
	ctx := context.Background()
	bucket := newBucket(t, srv, true, true)
	scope, _ := storage.NewScope(bucket, "scan-1", "scan-2")
	plant := func() {
		put(t, admin, bucket, "scan-1/a.jpg", "scan-1/a.jpg", "scan-2", "scan-2/b/c.jpg", "scan-10/neighbour.jpg")
		lock(t, admin, bucket, "scan-1/locked.jpg", types.ObjectLockRetentionModeGovernance, srv.Rules.Now().Add(365*24*time.Hour))
		startUpload(t, admin, bucket, "scan-2/big.bin")
	}
	policy := storage.TeardownPolicy([]storage.Scope{scope}, true)
	t.Cleanup(func() { _ = srv.Rules.SetPolicy("") })

	plant()
	if err := srv.Rules.SetPolicy(policy.JSON()); err != nil {
		t.Fatal(err)
	}
	res, err := storage.New(restricted, storage.Options{BypassGovernanceRetention: true}).Delete(ctx, scope)
	if err != nil || res.Uploads != 1 || res.Total() < 6 {
		t.Fatalf("with the policy: %+v, %v", res, err)
	}
	if got := versions(t, admin, bucket); len(got) != 1 || !strings.HasPrefix(got[0], "scan-10/neighbour.jpg@") {
		t.Fatalf("left %q, want the neighbour only", got)
	}

	wantNamed := map[string]string{"List": "s3:ListBucketVersions", "Uploads": "s3:ListBucketMultipartUploads",
		"BucketSettings": "s3:GetBucketVersioning", "Delete": "s3:DeleteObjectVersion", "Bypass": "s3:BypassGovernanceRetention"}
	for i, st := range policy.Statement {
		less := policy
		less.Statement = slices.Delete(slices.Clone(policy.Statement), i, i+1)
		if err := srv.Rules.SetPolicy(""); err != nil {
			t.Fatal(err)
		}
		plant()
		b, _ := json.Marshal(less)
		if err := srv.Rules.SetPolicy(string(b)); err != nil {
			t.Fatal(err)
		}
		_, err := storage.New(restricted, storage.Options{BypassGovernanceRetention: true, Buckets: &storage.Buckets{}}).Delete(ctx, scope)
		if err == nil || !strings.Contains(err.Error(), wantNamed[st.Sid]) {
			t.Errorf("without statement %s: %v; want an error naming %s", st.Sid, err, wantNamed[st.Sid])
		}
	}
}

// notImplementedVersioning answers GetBucketVersioning as a directory bucket does, whatever the
// bucket's name, and counts version listings.
type notImplementedVersioning struct {
	versionCalls
}

func (n *notImplementedVersioning) GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "NotImplemented", Message: "This bucket does not support the requested operation"}
}

// A bucket whose versioning call answers NotImplemented is handled as a directory bucket,
// whatever its name: no version listing, and the scope goes exactly.
func TestDeleteTakesNotImplementedVersioningForADirectoryBucket(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	bucket := newBucket(t, srv, false, false)
	put(t, c, bucket, "p", "p/a", "p/b/c", "p10/x", "p.jpg")
	api := &notImplementedVersioning{versionCalls{API: c}}
	scope, _ := storage.NewScope(bucket, "p")
	res, err := storage.New(api, storage.Options{}).Delete(context.Background(), scope)
	if err != nil || res.Objects != 3 {
		t.Fatalf("delete %+v, %v; want 3 objects", res, err)
	}
	if n := api.calls.Load(); n != 0 {
		t.Errorf("%d version listings", n)
	}
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	if err != nil || len(out.Contents) != 2 {
		t.Fatalf("left %d keys (%v), want the 2 neighbours", len(out.Contents), err)
	}
}

// requestCounter counts the engine's calls by operation.
type requestCounter struct {
	storage.API
	mu sync.Mutex
	n  map[string]int
}

func (r *requestCounter) add(op string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[op]++
}

func (r *requestCounter) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.n)
}

func (r *requestCounter) ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, opts ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	r.add("ListMultipartUploads")
	return r.API.ListMultipartUploads(ctx, in, opts...)
}

func (r *requestCounter) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	r.add("AbortMultipartUpload")
	return r.API.AbortMultipartUpload(ctx, in, opts...)
}

func (r *requestCounter) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	r.add("GetBucketVersioning")
	return r.API.GetBucketVersioning(ctx, in, opts...)
}

// Holds answers "does the prefix own a current object" exactly: the key itself or a key under
// it, never a neighbour's (scan-10/, scan-1.jpg), in one request when the folder holds something.
func TestHoldsIsExact(t *testing.T) {
	t.Parallel()
	eachServer(t, true, func(t *testing.T, srv *s3store.Server, bucket string) {
		c := srv.Client()
		put(t, c, bucket, "a/scan-1/x.jpg", "b/scan-1", "c/scan-10/x", "c/scan-1.jpg", "c/scan-1-x")
		counted := &listCounter{API: c}
		e := storage.New(counted, storage.Options{})
		for p, want := range map[string]bool{"a/scan-1": true, "b/scan-1": true, "c/scan-1": false, "d/scan-1": false} {
			got, err := e.Holds(context.Background(), bucket, p)
			if err != nil || got != want {
				t.Errorf("Holds(%s) = %v, %v; want %v", p, got, err, want)
			}
		}
		if n := counted.lists.Load(); n != 7 {
			t.Errorf("%d listings, want 1 for the folder that holds something and 2 for each of the others", n)
		}
	})
}

func (r *requestCounter) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	r.add("ListObjectsV2")
	return r.API.ListObjectsV2(ctx, in, opts...)
}

func (r *requestCounter) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	r.add("DeleteObjects")
	return r.API.DeleteObjects(ctx, in, opts...)
}

// The cost of the upload listing at scale, beside the rest of the destroy: 500 owned folders
// in 500 parents cost one upload listing each (measured: 500, beside 1,500 object listings
// and 500 DeleteObjects: 20% more requests); 500 in one parent, listed once, cost one
// (beside 2 listings and 1 DeleteObjects).
func TestUploadListingBudgetAt500Prefixes(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	for _, grouped := range []bool{false, true} {
		bucket := newBucket(t, srv, false, false)
		var prefixes, objects []string
		for i := range 500 {
			p := fmt.Sprintf("p%03d/data/item", i)
			if grouped {
				p = fmt.Sprintf("data/item-%03d", i)
			}
			prefixes = append(prefixes, p)
			objects = append(objects, p+"/thumb.jpg")
		}
		put(t, c, bucket, objects...)
		scope, err := storage.NewScope(bucket, prefixes...)
		if err != nil {
			t.Fatal(err)
		}
		counted := &requestCounter{API: c}
		res, err := storage.New(counted, storage.Options{}).Delete(context.Background(), scope)
		if err != nil || res.Objects != 500 {
			t.Fatalf("grouped=%v: %+v, %v", grouped, res, err)
		}
		got := counted.counts()
		t.Logf("500 prefixes, grouped=%v: %v", grouped, got)
		want := 500
		if grouped {
			want = 1
		}
		if got["ListMultipartUploads"] != want {
			t.Errorf("grouped=%v: %d upload listings, want %d", grouped, got["ListMultipartUploads"], want)
		}
	}
}
