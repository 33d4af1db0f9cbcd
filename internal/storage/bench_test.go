package storage_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

const benchObjects = 10000

// countingDoer counts the HTTP requests an S3 client sends.
type countingDoer struct {
	n    atomic.Int64
	next *http.Client
}

func (c *countingDoer) Do(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.Do(r)
}

// teardown is one way to empty a prefix.
type teardown func(ctx context.Context, c *s3.Client, bucket, prefix string) error

// The baselines list with encoding-type=url like the engine, as any teardown that must handle
// every key has to, so that the comparison measures the deletion strategy alone.
func listInput(bucket, prefix string) *s3.ListObjectsV2Input {
	return &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), EncodingType: types.EncodingTypeUrl}
}

func listedKey(page *s3.ListObjectsV2Output, o types.Object) (string, error) {
	if page.EncodingType == types.EncodingTypeUrl {
		return url.QueryUnescape(aws.ToString(o.Key))
	}
	return aws.ToString(o.Key), nil
}

// perKey is what the one-off scripts do: list a page, then one DeleteObject per key.
func perKey(ctx context.Context, c *s3.Client, bucket, prefix string) error {
	pager := s3.NewListObjectsV2Paginator(c, listInput(bucket, prefix))
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, o := range page.Contents {
			key, err := listedKey(page, o)
			if err != nil {
				return err
			}
			if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageSequential lists one page, deletes it with one DeleteObjects, and lists the next.
func pageSequential(ctx context.Context, c *s3.Client, bucket, prefix string) error {
	pager := s3.NewListObjectsV2Paginator(c, listInput(bucket, prefix))
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		if len(page.Contents) == 0 {
			continue
		}
		ids := make([]types.ObjectIdentifier, len(page.Contents))
		for i, o := range page.Contents {
			key, err := listedKey(page, o)
			if err != nil {
				return err
			}
			ids[i] = types.ObjectIdentifier{Key: aws.String(key)}
		}
		if _, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)}}); err != nil {
			return err
		}
	}
	return nil
}

func engine(ctx context.Context, c *s3.Client, bucket, prefix string) error {
	scope, err := storage.NewScope(bucket, prefix)
	if err != nil {
		return err
	}
	_, err = storage.New(c, storage.Options{}).Delete(ctx, scope)
	return err
}

// BenchmarkTeardown10k empties 10,000 objects with each strategy on each server of the run.
// requests/op counts HTTP requests per teardown.
func BenchmarkTeardown10k(b *testing.B) {
	keys := make([]string, benchObjects)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench/item/%05d/meta.json", i)
	}
	strategies := []struct {
		name string
		run  teardown
	}{{"engine", engine}, {"page-sequential", pageSequential}, {"per-key", perKey}}
	for _, srv := range servers {
		for _, st := range strategies {
			b.Run(srv.Kind+"/"+st.name, func(b *testing.B) { benchTeardown(b, srv, keys, st.run) })
		}
	}
}

func benchTeardown(b *testing.B, srv *s3store.Server, keys []string, run teardown) {
	counter := &countingDoer{next: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	c := srv.Client(func(o *s3.Options) { o.HTTPClient = counter })
	seed := srv.Client()
	var requests int64
	for range b.N {
		b.StopTimer()
		bucket := newBucket(b, srv, false, false)
		put(b, seed, bucket, keys...)
		before := counter.n.Load()
		b.StartTimer()
		if err := run(context.Background(), c, bucket, "bench/item"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		requests += counter.n.Load() - before
		if left := keys2(b, seed, bucket); left != 0 {
			b.Fatalf("%d objects left", left)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

func keys2(b *testing.B, c *s3.Client, bucket string) int { return len(keys(b, c, bucket)) }
