package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// uploadListingCounter counts ListMultipartUploads requests and the uploads they carried.
type uploadListingCounter struct {
	storage.API
	calls, listed atomic.Int64
}

func (u *uploadListingCounter) ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, opts ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	u.calls.Add(1)
	out, err := u.API.ListMultipartUploads(ctx, in, opts...)
	if out != nil {
		u.listed.Add(int64(len(out.Uploads)))
	}
	return out, err
}

// In a directory bucket, whose listings take only prefixes that end in /, an exact key's
// incomplete uploads are looked for among its parent folder's own uploads, not the parent's
// whole subtree (nor the whole bucket for a top-level key): a delimited listing folds the
// subfolders into common prefixes. With 1,100 uploads of a neighbour deep in the same parent,
// each exact key costs one request instead of two pages, and its listing carries the parent's
// direct uploads only, not the neighbour's 1,100. The exact-scope rule holds: data/scan-10
// and data/scan-1.jpg are neighbours of data/scan-1, topper of top.
func TestDirectoryBucketExactKeyUploadsListTheParentsOwnUploadsOnly(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client(func(o *s3.Options) { o.DisableS3ExpressSessionAuth = aws.Bool(true) })
	ctx := context.Background()
	bucket := fmt.Sprintf("uploads%d--use1-az4--x-s3", bucketSeq.Add(1))
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	const deep = 1100 // more than one page of 1,000
	owned := []string{"data/scan-1", "data/scan-2/big.bin", "top", "top/part.bin"}
	neighbours := []string{"data/scan-10", "data/scan-1.jpg", "data/scan-3x/big.bin", "topper"}
	all := slices.Concat(owned, neighbours)
	for i := range deep {
		all = append(all, fmt.Sprintf("data/other/sub/u-%04d", i))
	}
	var g errgroup.Group
	g.SetLimit(16)
	for _, k := range all {
		g.Go(func() error { return s3store.StartUpload(ctx, c, bucket, k) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	scope, err := storage.NewScope(bucket, "data/scan-1", "data/scan-2", "data/scan-3", "top")
	if err != nil {
		t.Fatal(err)
	}

	counted := &uploadListingCounter{API: c}
	preview, err := storage.New(counted, storage.Options{}).Count(ctx, scope, 100000)
	if err != nil || preview.Uploads != int64(len(owned)) || preview.Capped {
		t.Fatalf("count %+v, %v; want %d uploads", preview, err, len(owned))
	}
	// One request per unit: the exact key (its parent's own uploads, one page) and the folder
	// of each of the 4 prefixes.
	t.Logf("count: %d upload listings carrying %d uploads", counted.calls.Load(), counted.listed.Load())
	if calls, listed := counted.calls.Load(), counted.listed.Load(); calls != 8 || listed > 2*int64(len(all)-deep) {
		t.Errorf("count: %d upload listings carrying %d uploads; want 8 listings (one per unit) carrying "+
			"no more than the parents' own uploads and the folders', not the %d deep ones", calls, listed, deep)
	}

	counted = &uploadListingCounter{API: c}
	res, err := storage.New(counted, storage.Options{}).Delete(ctx, scope)
	if err != nil || res.Uploads != int64(len(owned)) {
		t.Fatalf("delete %+v, %v; want %d uploads aborted", res, err, len(owned))
	}
	if calls := counted.calls.Load(); calls != 8 {
		t.Errorf("delete: %d upload listings, want 8", calls)
	}
	left := map[string]bool{}
	for _, prefix := range []string{"", "data/", "data/other/sub/"} { // a directory bucket lists by folder
		p := s3.NewListMultipartUploadsPaginator(c, &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range out.Uploads {
				left[aws.ToString(u.Key)] = true
			}
		}
	}
	for _, k := range owned {
		if left[k] {
			t.Errorf("owned upload %s left", k)
		}
	}
	for _, k := range neighbours {
		if !left[k] {
			t.Errorf("neighbour upload %s aborted", k)
		}
	}
	if n := len(left); n != len(neighbours)+deep {
		t.Errorf("%d uploads left, want the %d neighbours'", n, len(neighbours)+deep)
	}
	if t.Failed() {
		var owned []string
		for k := range left {
			if !strings.HasPrefix(k, "data/other/") {
				owned = append(owned, k)
			}
		}
		slices.Sort(owned)
		t.Logf("left (besides data/other/): %q", owned)
	}
}
