package v7

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// 100,000 metadata folders in one source folder, 20% of them orphaned (the other 80,000 names
// registered as items): FindOrphans' time, its V7 and S3 requests (goals: V7 ≤ ⌈team items/500⌉ + 10,
// S3 ≤ ⌈keys/1000⌉ + 10) and the process's peak heap (the fake's 80,000 items included).
func BenchmarkOrphans100k(b *testing.B) {
	n := 100000
	if testing.Short() {
		n = 10000
	}
	live := n * 4 / 5
	for range b.N {
		e, sb := benchSet(b, 0)
		ctx := context.Background()
		src := "orphans-bench"
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(16)
		store := sb.Store().Client()
		for i := range n {
			g.Go(func() error {
				_, err := store.PutObject(gctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain),
					Key: aws.String(fmt.Sprintf("v7/darwin/%s/data/img-%06d.jpg/uploads/u/thumbnails/000000000.jpg", src, i)), Body: strings.NewReader("t")})
				return err
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		members := benchMembers("/"+src, live)
		for i := range members {
			members[i].Item.Slots[0].StorageKey = fmt.Sprintf("%s/img-%06d.jpg", src, i)
		}
		if _, err := register(ctx, e, map[string]Item{}, members); err != nil {
			b.Fatal(err)
		}
		rw, err := e.c.Storage(ctx, e.team, v7fake.StorageRW)
		if err != nil {
			b.Fatal(err)
		}
		counted := countedS3(sb)
		sb.Faults().ClearRequests()
		stop := peakHeap()
		start := time.Now()
		orphans, err := FindOrphans(ctx, storage.New(counted, storage.Options{}), e.c, e.team, rw, &src)
		elapsed := time.Since(start)
		peak := stop()
		if err != nil || len(orphans.Confirmed) != n-live || len(orphans.Unconfirmed) != 0 {
			b.Fatalf("found %d orphans of %d (%d unconfirmed): %v", len(orphans.Confirmed), n-live, len(orphans.Unconfirmed), err)
		}
		v7Requests, s3Requests := len(sb.Faults().Requests("v7")), len(sb.Faults().Requests("s3"))
		if v7Requests > (live+499)/500+10 || s3Requests > (n+999)/1000+10 {
			b.Errorf("%d V7 and %d S3 requests; goals %d and %d", v7Requests, s3Requests, (live+499)/500+10, (n+999)/1000+10)
		}
		b.ReportMetric(elapsed.Seconds(), "find-s")
		b.ReportMetric(float64(v7Requests), "v7-requests")
		b.ReportMetric(float64(s3Requests), "s3-requests")
		b.ReportMetric(peak, "peak-heap-MiB")
	}
}
