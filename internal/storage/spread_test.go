package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// requests counts every S3 request an engine sends, by operation.
type requests struct {
	storage.API
	mu sync.Mutex
	by map[string]int
}

func countRequests(api storage.API) *requests { return &requests{API: api, by: map[string]int{}} }

func (r *requests) add(op string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.by[op]++
}

func (r *requests) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.by {
		n += c
	}
	return n
}

func (r *requests) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprint(r.by)
}

func (r *requests) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	r.add("ListObjectsV2")
	return r.API.ListObjectsV2(ctx, in, opts...)
}

func (r *requests) ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, opts ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	r.add("ListObjectVersions")
	return r.API.ListObjectVersions(ctx, in, opts...)
}

func (r *requests) DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	r.add("DeleteObjects")
	return r.API.DeleteObjects(ctx, in, opts...)
}

func (r *requests) DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	r.add("DeleteObject")
	return r.API.DeleteObject(ctx, in, opts...)
}

func (r *requests) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	r.add("GetBucketVersioning")
	return r.API.GetBucketVersioning(ctx, in, opts...)
}

func (r *requests) HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	r.add("HeadObject")
	return r.API.HeadObject(ctx, in, opts...)
}

func (r *requests) ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, opts ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	r.add("ListMultipartUploads")
	return r.API.ListMultipartUploads(ctx, in, opts...)
}

func (r *requests) AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	r.add("AbortMultipartUpload")
	return r.API.AbortMultipartUpload(ctx, in, opts...)
}

// A spread dataset: 2,000 item folders over 400 source folders (5 a folder, 3 objects each:
// 6,000 objects), beside each folder's 5 source images, a longer name beside an owned folder
// and the same name under a sibling source folder. A preview and a teardown together stay
// within 3·⌈objects/1000⌉ + 20 requests (the old engine sent 5 a folder: over 10,000), every
// owned object goes and every neighbour is byte-identical.
func TestSpreadScopeWithinTheDenseBudget(t *testing.T) {
	t.Parallel()
	eachServer(t, false, func(t *testing.T, srv *s3store.Server, bucket string) {
		var prefixes, owned, neighbours []string
		for f := range 400 {
			for i := range 5 {
				p := fmt.Sprintf("spread/scans/p%03d/data/img-%d.jpg", f, i)
				prefixes = append(prefixes, p)
				owned = append(owned, p+"/uploads/u/thumbnails/000000000.jpg", p+"/sections/000000000.png", p+"/sections/000000001.png")
				neighbours = append(neighbours, fmt.Sprintf("spread/scans/p%03d/img-%d.jpg", f, i))
			}
			neighbours = append(neighbours, fmt.Sprintf("spread/scans/p%03d/data/img-0.jpg-x/a.png", f),
				fmt.Sprintf("spread/scans/q%03d/data/img-0.jpg/a.png", f))
		}
		c := srv.Client()
		put(t, c, bucket, append(owned, neighbours...)...)
		before := digests(t, c, bucket, neighbours...)
		counted := countRequests(c)
		engine := storage.New(counted, storage.Options{})
		scope := mustScope(t, bucket, prefixes...)
		p, err := engine.Count(context.Background(), scope, 100000)
		if err != nil || p.Objects != int64(len(owned)) || p.Capped {
			t.Fatalf("count %+v (%v), want %d objects", p, err, len(owned))
		}
		previewed := counted.total()
		res, err := engine.Delete(context.Background(), scope)
		if err != nil || res.Objects != int64(len(owned)) {
			t.Fatalf("removed %+v (%v), want %d objects", res, err, len(owned))
		}
		budget := 3*((len(owned)+999)/1000) + 20
		t.Logf("%s: %d folders, %d objects: %d requests (preview %d): %s; budget %d", srv.Kind, len(prefixes), len(owned), counted.total(), previewed, counted, budget)
		if counted.total() > budget {
			t.Errorf("%d requests for a preview and a teardown of %d objects in %d folders, budget %d: %s", counted.total(), len(owned), len(prefixes), budget, counted)
		}
		onlyNeighboursLeft(t, c, bucket, neighbours, before)
	})
}

// Owned folders sparse among the customer's: 200 folders of 2 objects, each 100 customer
// folders apart (20,000 in all), within 2·⌈objects/1000⌉ + 2·folders + 20 requests, and the
// customer's keys byte-identical. With a page size of 50, the pages between owned folders are
// jumped over, and each folder costs a listing in the preview, the teardown and its check. The embedded store only: 40,000 writes to versitygw take minutes, and the
// dense test runs the same walk on both servers.
func TestSparseScopeWithinTheSparseBudget(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	for _, pageSize := range []int{0, 50} {
		t.Run(fmt.Sprintf("page size %d", pageSize), func(t *testing.T) {
			bucket := newBucket(t, srv, false, false)
			var prefixes, owned, neighbours []string
			for i := range 20000 {
				neighbours = append(neighbours, fmt.Sprintf("lake/c%05d/data/x.jpg/a.png", i))
				if i%100 == 50 {
					p := fmt.Sprintf("lake/c%05d/data/own.jpg", i)
					prefixes = append(prefixes, p)
					owned = append(owned, p+"/uploads/u/thumbnails/0.jpg", p+"/sections/0.png")
				}
			}
			c := srv.Client()
			put(t, c, bucket, append(owned, neighbours...)...)
			counted := countRequests(c)
			engine := storage.New(counted, storage.Options{BatchSize: pageSize})
			scope := mustScope(t, bucket, prefixes...)
			p, err := engine.Count(context.Background(), scope, 100000)
			if err != nil || p.Objects != int64(len(owned)) {
				t.Fatalf("count %+v (%v), want %d objects", p, err, len(owned))
			}
			res, err := engine.Delete(context.Background(), scope)
			if err != nil || res.Objects != int64(len(owned)) {
				t.Fatalf("removed %+v (%v), want %d objects", res, err, len(owned))
			}
			budget := 2*((len(owned)+999)/1000) + 2*len(prefixes) + 20
			if pageSize != 0 {
				// Pages of 50 put every owned folder on a page of its own: the preview, the
				// teardown and its check sweep list each once.
				budget = 2*((len(owned)+pageSize-1)/pageSize) + 3*len(prefixes) + 20
			}
			t.Logf("%s, page size %d: %d folders among %d: %d requests: %s; budget %d", srv.Kind, pageSize, len(prefixes), len(neighbours), counted.total(), counted, budget)
			if counted.total() > budget {
				t.Errorf("%d requests, budget %d: %s", counted.total(), budget, counted)
			}
			if got := len(keys(t, c, bucket)); got != len(neighbours) {
				t.Errorf("%d keys left, want the %d neighbours", got, len(neighbours))
			}
		})
	}
}
