package younite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/younitefake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/younite"
)

const (
	pacedRate   = 20.0 // requests per second: the platform's limit and the provider's pace
	parallelism = 10   // terraform's default -parallelism
)

// BenchmarkPacing100Resources creates 100 YOUnite DRs the way an apply does (10 at a time, one
// provider instance, one shared pacer) against a sandbox that allows 20 requests a second and
// answers the excess with 429 and Retry-After. It reports the rate achieved (target: ≥ 90% of
// 20/s), the resources that failed (target 0) and the share of requests answered 429 (target
// ≤ 5%). "adaptive" is the default for a platform that publishes no limit (unpaced until the
// first 429); "ceiling" is rate_limit = 20; "unpaced" has no pacer at all, for comparison.
//
// An unpaced start has a floor of 429s: when the sandbox's burst runs out, each of the 10
// workers has a request in flight, and all of them are answered 429 before the first answer
// can slow anything down. That is 10 of some 110 requests at 100 resources (9%), and a
// smaller share the more requests follow: adaptive/300 shows the default past that start.
func BenchmarkPacing100Resources(b *testing.B) {
	b.Run("adaptive/100", func(b *testing.B) { benchPacing(b, 100, func() *transport.Pacer { return transport.NewPacer(0) }) })
	b.Run("adaptive/300", func(b *testing.B) { benchPacing(b, 300, func() *transport.Pacer { return transport.NewPacer(0) }) })
	b.Run("ceiling/100", func(b *testing.B) {
		benchPacing(b, 100, func() *transport.Pacer { return transport.NewPacer(pacedRate) })
	})
	b.Run("unpaced/100", func(b *testing.B) { benchPacing(b, 100, nil) })
}

func benchPacing(b *testing.B, resources int, newPacer func() *transport.Pacer) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Fakes: []sandbox.Fake{younitefake.New()}})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	acctest.AddFaultTo(b, sb, fmt.Sprintf(`{"platform":"younite","rate_per_second":%g}`, pacedRate))
	var rates, failed, throttled []float64
	for i := range b.N {
		sb.Faults().ClearRequests()
		var pacer *transport.Pacer
		if newPacer != nil {
			pacer = newPacer() // a new provider instance per run
		}
		hc := transport.New(transport.Config{Platform: younite.PlatformName, Pacer: pacer})
		c := younite.NewClient(sb.Endpoints["younite"]+"/api", younitefake.Token, hc)
		var fails atomic.Int64
		work := make(chan int)
		var wg sync.WaitGroup
		start := time.Now()
		for range parallelism {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range work {
					record := json.RawMessage(fmt.Sprintf(`{"name": "paced-%d-%d-%d"}`, i, n, start.UnixNano()))
					if _, err := c.CreateDR(ctx, younitefake.ZoneMain, younitefake.DomainStates, 0, record); err != nil {
						fails.Add(1)
					}
				}
			}()
		}
		for n := range resources {
			work <- n
		}
		close(work)
		wg.Wait()
		elapsed := time.Since(start)
		served, limited := 0, 0
		for _, r := range sb.Faults().Requests("younite") {
			if r.Injected {
				limited++
			} else if strings.HasPrefix(r.Path, "/api/drs") {
				served++
			}
		}
		rates = append(rates, float64(served)/elapsed.Seconds())
		failed = append(failed, float64(fails.Load()))
		throttled = append(throttled, float64(limited)/float64(served+limited))
	}
	b.ReportMetric(avg(rates), "req/s(≥18)")
	b.ReportMetric(avg(rates)/pacedRate*100, "%-of-limit(≥90)")
	b.ReportMetric(avg(failed), "failed(0)")
	b.ReportMetric(avg(throttled)*100, "%-429(≤5)")
}

func avg(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
