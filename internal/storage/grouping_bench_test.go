package storage

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

// countingLister counts listing requests.
type countingLister struct {
	API
	lists atomic.Int64
}

func (c *countingLister) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	c.lists.Add(1)
	return c.API.ListObjectsV2(ctx, in, opts...)
}

func (c *countingLister) ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, opts ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error) {
	c.lists.Add(1)
	return c.API.ListObjectVersions(ctx, in, opts...)
}

// The other side of listing a parent once: GroupMin owned folders (2 objects each) in a parent
// that also holds other folders. Listing the parent costs its pages, ⌈(owned + others)/1000⌉;
// listing each folder costs 2 requests a folder, whatever the parent holds. Both are counted.
func BenchmarkGroupedParentListings(b *testing.B) {
	for _, others := range []int{500, 5000, 20000, 50000} {
		b.Run(fmt.Sprintf("others=%d", others), func(b *testing.B) {
			srv, err := s3store.StartEmbedded()
			if err != nil {
				b.Fatal(err)
			}
			defer func() { _ = srv.Close() }()
			ctx := context.Background()
			if err := srv.CreateBucket(ctx, "bench", false, false); err != nil {
				b.Fatal(err)
			}
			var keys, prefixes []string
			for i := range GroupMin {
				p := fmt.Sprintf("src/data/owned-%02d", i)
				prefixes = append(prefixes, p)
				keys = append(keys, p+"/a.png", p+"/b.png")
			}
			for i := range others {
				keys = append(keys, fmt.Sprintf("src/data/other-%06d/a.png", i))
			}
			client := srv.Client()
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(16)
			for _, k := range keys {
				g.Go(func() error {
					_, err := client.PutObject(gctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(k), Body: strings.NewReader("x")})
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			scope, err := NewScope("bench", prefixes...)
			if err != nil {
				b.Fatal(err)
			}
			for range b.N {
				for _, grouped := range []bool{true, false} {
					groupMin = GroupMin
					if !grouped {
						groupMin = len(prefixes) + 1
					}
					c := &countingLister{API: client}
					p, err := New(c, Options{}).Count(ctx, scope, 1<<30)
					if err != nil || p.Objects != int64(2*GroupMin) {
						b.Fatalf("counted %+v: %v", p, err)
					}
					name := "grouped-lists"
					if !grouped {
						name = "separate-lists"
					}
					b.ReportMetric(float64(c.lists.Load()), name)
				}
				groupMin = GroupMin
			}
		})
	}
}
