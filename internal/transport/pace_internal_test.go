package transport

import (
	"context"
	"errors"
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

	p.Observe(plain, http.StatusTooManyRequests)
	if got := p.Rate(""); got != 10 {
		t.Fatalf("after a 429: %g/s, want 10", got)
	}
	for range 5 {
		p.Observe(plain, http.StatusTooManyRequests)
	}
	if got := p.Rate(""); got != 2 {
		t.Fatalf("after many 429s: %g/s, want the floor of 2", got)
	}
	p.Observe(plain, http.StatusOK) // within the same second: no change
	if got := p.Rate(""); got != 2 {
		t.Fatalf("right after the 429: %g/s", got)
	}
	for i := range 20 {
		now = now.Add(time.Second)
		p.Observe(plain, http.StatusOK)
		if want := min(2+2*float64(i+1), 20); p.Rate("") != want {
			t.Fatalf("after %d quiet seconds: %g/s, want %g", i+1, p.Rate(""), want)
		}
	}
	// A registration draws from both classes and slows both.
	p.Observe(reg, http.StatusTooManyRequests)
	if p.Rate("registration") != 2*RouteMargin/2 || p.Rate("") != 10 {
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
