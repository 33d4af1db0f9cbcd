package v7

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// benchSet starts a sandbox with the V7 fake and returns a set's environment on its read-only
// connection (V7 writes nothing there, so the figures are V7's alone), paced at perMinute
// registrations as the provider paces them, with the fake refusing more (0: neither).
func benchSet(b *testing.B, perMinute float64) (setEnv, *sandbox.Sandbox) {
	b.Helper()
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Fakes: []sandbox.Fake{v7fake.New()}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sb.Close)
	var pacer *transport.Pacer
	if perMinute > 0 {
		pacer = transport.NewPacer(0, transport.Route{Name: "registration", PerSecond: perMinute / 60,
			Match: func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/items/register_existing") }})
		body := fmt.Sprintf(`{"platform":"v7","rate_per_second":%g,"path_contains":"register_existing"}`, perMinute/60)
		req, _ := http.NewRequest(http.MethodPost, sb.Endpoints["admin"]+"/faults", strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusCreated {
			b.Fatalf("adding the rate limit: %v %v", resp, err)
		}
		_ = resp.Body.Close()
	}
	c := NewClient(sb.Endpoints["v7"]+"/api", v7fake.APIKey, transport.New(transport.Config{Platform: PlatformName, Pacer: pacer}))
	ds, conn, err := resolve(ctx, c, v7fake.TeamSlug, v7fake.DatasetSlug, v7fake.StorageRO)
	if err != nil {
		b.Fatal(err)
	}
	return setEnv{c: c, team: v7fake.TeamSlug, ds: ds, conn: conn}, sb
}

// peakHeap samples the heap every 20 ms until the returned function stops it and gives the
// peak in MiB (the whole process: the sandbox's fakes and store share it).
func peakHeap() func() float64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		return float64(peak.Load()) / (1 << 20)
	}
}

func benchMembers(folder string, n int) []SetMember {
	out := make([]SetMember, n)
	for i := range out {
		name := fmt.Sprintf("img-%06d.jpg", i)
		out[i] = SetMember{Place: place(folder, name), Item: RegisterItem{Name: name, Path: folder,
			Slots: []RegisterSlot{{SlotName: "0", FileName: name, StorageKey: "bench/" + name}}}}
	}
	return out
}

// registrations counts the registrations V7 took, and those it refused as too many.
func registrations(sb *sandbox.Sandbox) (taken, throttled int) {
	for _, r := range sb.Faults().Requests("v7") {
		switch {
		case !strings.Contains(r.Path, "register_existing"):
		case r.Status == http.StatusOK:
			taken++
		case r.Status == http.StatusTooManyRequests:
			throttled++
		}
	}
	return taken, throttled
}

// 10,000 items under V7's documented 100 registration requests a minute, imposed by the
// sandbox: 100 requests, so the limit alone takes 99/(100/60) = 59.4 s. Beside it, 200 items
// registered one a request, as 200 dataplatforms_v7_item would be, extrapolated to 10,000.
func BenchmarkItemSetRegister10kAt100PerMinute(b *testing.B) {
	n, singles := 10000, 200
	if testing.Short() {
		n, singles = 1000, 20
	}
	limitAlone := float64(n/100-1) / (100.0 / 60) // seconds: the first request is free
	for i := range b.N {
		e, sb := benchSet(b, 100)
		folder := fmt.Sprintf("/bench-%d", i)
		start := time.Now()
		reg, err := register(context.Background(), e, map[string]Item{}, benchMembers(folder, n))
		elapsed := time.Since(start).Seconds()
		if err != nil || len(reg.items) != n {
			b.Fatalf("registered %d of %d: %v", len(reg.items), n, err)
		}
		requests, throttled := registrations(sb)
		start = time.Now()
		for _, mb := range benchMembers(folder+"-single", singles) {
			if _, err := register(context.Background(), e, map[string]Item{}, []SetMember{mb}); err != nil {
				b.Fatal(err)
			}
		}
		single := time.Since(start).Seconds() / float64(singles) * float64(n)
		b.ReportMetric(elapsed, "set-s")
		b.ReportMetric(elapsed/limitAlone, "x-limit")
		b.ReportMetric(float64(requests), "requests")
		b.ReportMetric(float64(throttled), "429s")
		b.ReportMetric(single, "single-items-s")
		b.ReportMetric(single/elapsed, "x-faster")
	}
}

// 100,000 items without a limit: registration (1,000 requests), a refresh (the folder, 500 a
// page) and the V7 half of a destroy (500 ids a request), with the provider's peak heap.
func BenchmarkItemSet100k(b *testing.B) {
	const n = 100000
	for i := range b.N {
		e, _ := benchSet(b, 0)
		folder := fmt.Sprintf("/bench-%d", i)
		members := benchMembers(folder, n)
		stop := peakHeap()
		ctx := context.Background()
		start := time.Now()
		reg, err := register(ctx, e, map[string]Item{}, members)
		if err != nil || len(reg.items) != n {
			b.Fatalf("registered %d of %d: %v", len(reg.items), n, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "apply-s")
		start = time.Now()
		items, err := listOwned(ctx, e.c, e.team, e.ds.ID, folder)
		if err != nil || len(items) != n {
			b.Fatalf("listed %d of %d: %v", len(items), n, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "refresh-s")
		ids := make([]string, 0, n)
		for _, it := range reg.items {
			ids = append(ids, it.ID)
		}
		start = time.Now()
		if got, err := deleteItems(ctx, e.c, e.team, e.ds.ID, ids); err != nil || got != n {
			b.Fatalf("deleted %d of %d: %v", got, n, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "destroy-s")
		b.ReportMetric(stop(), "peak-heap-MiB")
	}
}

// What a refresh and a plan of a set cost beside what they save: the plan lists the source
// folder (⌈N/1000⌉ S3 requests) and the refresh the set's folder (⌈N/500⌉ + 1 V7 requests), at
// N = 500 and more. Times are of the provider's calls, without terraform.
func BenchmarkItemSetRefreshAndPlan(b *testing.B) {
	for _, n := range []int{500, 2000, 10000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			e, sb := benchSet(b, 0)
			ctx := context.Background()
			folder := "/plan"
			members := benchMembers(folder, n)
			store := sb.Store().Client()
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(16)
			for i := range members {
				key := "plan-src/" + members[i].Item.Name
				members[i].Item.Slots[0].StorageKey = key
				g.Go(func() error {
					_, err := store.PutObject(gctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(key), Body: strings.NewReader("s")})
					return err
				})
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
			if _, err := register(ctx, e, map[string]Item{}, members); err != nil {
				b.Fatal(err)
			}
			engine := storage.New(countedS3(sb), storage.Options{})
			for range b.N {
				sb.Faults().ClearRequests()
				start := time.Now()
				want, _, err := SourceMembers(ctx, engine, StorageConnection{Bucket: sandbox.BucketPlain, Readonly: true}, folder, SetSource{Prefix: "plan-src"})
				if err != nil || len(want) != n {
					b.Fatalf("source: %d of %d: %v", len(want), n, err)
				}
				plan := time.Since(start)
				start = time.Now()
				items, err := listOwned(ctx, e.c, e.team, e.ds.ID, folder)
				if err != nil || len(items) != n {
					b.Fatalf("folder: %d of %d: %v", len(items), n, err)
				}
				b.ReportMetric(plan.Seconds()*1000, "plan-listing-ms")
				b.ReportMetric(time.Since(start).Seconds()*1000, "refresh-ms")
				b.ReportMetric(float64(len(sb.Faults().Requests("s3"))), "s3-requests")
				b.ReportMetric(float64(len(sb.Faults().Requests("v7"))), "v7-requests")
			}
		})
	}
}

// countedS3 is an S3 client through the sandbox's endpoint, so that its requests are logged.
func countedS3(sb *sandbox.Sandbox) *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String(sb.Endpoints["s3"]), Region: sb.Store().Region, UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sb.Store().AccessKey, SecretAccessKey: sb.Store().SecretKey}, nil
		})})
}
