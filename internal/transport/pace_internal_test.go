package transport

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"
)

// A 429 halves the pace of the class that met it, never below a tenth of its rate; every
// quiet second raises it by a tenth again, up to the configured rate.
func TestPacerSlowsDownAtA429AndSpeedsUpGradually(t *testing.T) {
	now := time.Unix(0, 0)
	p := NewPacer(20, Route{Name: "registration", PerSecond: 2, Match: func(r *http.Request) bool { return r.URL.Path == "/register" }})
	p.now = func() time.Time { return now }
	plain, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/items", nil)
	reg, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://x/register", nil)

	p.Observe(plain, http.StatusTooManyRequests, now)
	if got := p.Rate(""); got != 10 {
		t.Fatalf("after a 429: %g/s, want 10", got)
	}
	for range 5 {
		p.Observe(plain, http.StatusTooManyRequests, now)
	}
	if got := p.Rate(""); got != 2 {
		t.Fatalf("after many 429s: %g/s, want the floor of 2", got)
	}
	p.Observe(plain, http.StatusOK, now) // within the same second: no change
	if got := p.Rate(""); got != 2 {
		t.Fatalf("right after the 429: %g/s", got)
	}
	for i := range 20 {
		now = now.Add(time.Second)
		p.Observe(plain, http.StatusOK, now)
		if want := min(2+2*float64(i+1), 20); p.Rate("") != want {
			t.Fatalf("after %d quiet seconds: %g/s, want %g", i+1, p.Rate(""), want)
		}
	}
	// A registration draws from both classes, but its 429 is its route's: it slows the route
	// only (see TestRoute429DoesNotThrottleThePlatform).
	p.Observe(reg, http.StatusTooManyRequests, now)
	if p.Rate("registration") != 2*RouteMargin/2 || p.Rate("") != 20 {
		t.Errorf("after a registration 429: %g and %g", p.Rate("registration"), p.Rate(""))
	}
	var none *Pacer
	if err := none.Wait(context.Background(), plain); err != nil || none.Rate("") != 0 {
		t.Error("a nil pacer must not pace")
	}
}

// Wait spaces requests at the rate: 11 requests at 20/s take about half a second.
func TestPacerSpacesRequests(t *testing.T) {
	p := NewPacer(20)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/", nil)
	start := time.Now()
	for range 11 {
		if err := p.Wait(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 450*time.Millisecond {
		t.Errorf("11 requests at 20/s took %s", took)
	}
}

// A wait the limiter refuses because it would outlast the deadline is the deadline, and a
// request that never left cannot have acted.
func TestPacerRefusalIsTheDeadlineAndNotAnAct(t *testing.T) {
	p := NewPacer(1)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://x/", nil)
	if err := p.Wait(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := p.Wait(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("refused wait: %v (ctx %v), want the deadline before ctx ends", err, ctx.Err())
	}
	if MayHaveActed(err) {
		t.Errorf("a request the pacer held back counts as maybe acted: %v", err)
	}
}

// An adaptive pacer (no limit known) does not pace until a 429; it then paces at β = 0.9 of
// what the platform answered over the last second, and climbs back; it backs off (×β) only for
// a 429 met by a request sent after its last back-off, from its pace or from what the platform
// answered when that is less; it climbs back along CUBIC's curve to the rate that met the 429
// in K seconds, and probes beyond it, staying paced.
func TestAdaptivePacerStartsAtTheObservedRate(t *testing.T) {
	now := time.Unix(100, 0)
	p := NewPacer(0)
	p.now = func() time.Time { return now }
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/items", nil)
	for i := range 40 {
		p.Observe(req, http.StatusOK, now)
		now = now.Add(time.Duration(i%2) * time.Millisecond) // 40 answers within the last second
	}
	if got := p.Rate(""); got != 0 {
		t.Fatalf("before any 429: paced at %g/s", got)
	}
	sent := now
	now = now.Add(10 * time.Millisecond)
	p.Observe(req, http.StatusTooManyRequests, sent)
	if got := p.Rate(""); math.Abs(got-36) > 1e-9 {
		t.Fatalf("after the first 429: %g/s, want 0.9 × 40 answers a second", got)
	}
	now = now.Add(500 * time.Millisecond)
	p.Observe(req, http.StatusOK, now)
	if got := p.Rate(""); got <= 36 || got >= 40 {
		t.Fatalf("half a second later: %g/s, want climbing from 36 towards 40", got)
	}
	held := p.Rate("")
	p.Observe(req, http.StatusTooManyRequests, sent) // in flight before the back-off
	if got := p.Rate(""); got != held {
		t.Fatalf("a 429 of a request sent before the back-off: %g/s, want %g still", got, held)
	}
	now = now.Add(100 * time.Millisecond)
	before := p.Rate("")
	p.Observe(req, http.StatusTooManyRequests, now.Add(-time.Millisecond))
	if got := p.Rate(""); math.Abs(got-0.9*before) > 1e-9 {
		t.Fatalf("a 429 of a request sent after it: %g/s, want 0.9 × %g", got, before)
	}
	backOff := now
	k := math.Cbrt(before * 0.1 / 0.4)
	now = backOff.Add(time.Duration(k * float64(time.Second)))
	p.Observe(req, http.StatusOK, now)
	if got := p.Rate(""); math.Abs(got-before) > 0.01 {
		t.Fatalf("K = %.2fs after: %g/s, want back at %g", k, got, before)
	}
	now = backOff.Add(time.Duration((k + 5) * float64(time.Second)))
	p.Observe(req, http.StatusOK, now)
	if got, want := p.Rate(""), before+0.4*125; math.Abs(got-want) > 0.01 {
		t.Fatalf("5 s past the rate that met the 429: paced at %g/s, want %g (probing beyond it, still paced)", got, want)
	}
	// A platform that answered fewer than the pace: the back-off starts from what it answered.
	now = now.Add(2 * time.Second) // the last second holds no answer but the next one
	p.Observe(req, http.StatusOK, now)
	p.Observe(req, http.StatusTooManyRequests, now)
	if got := p.Rate(""); math.Abs(got-0.9) > 1e-9 {
		t.Fatalf("a 429 after one answer in the last second: %g/s, want 0.9 × 1", got)
	}
}
