package transport

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// A ceiling class backs off once for the 429s of requests that were in flight together: a 429
// of a request sent before the last back-off is that back-off's, as for an adaptive class. A
// 429 of a request sent after it backs off again.
func TestCeilingPacerIgnoresA429SentBeforeItsLastBackOff(t *testing.T) {
	start := time.Unix(1000, 0)
	now := start
	p := NewPacer(20)
	p.now = func() time.Time { return now }
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/items", nil)

	now = start.Add(100 * time.Millisecond)
	for i := range 4 { // four requests sent together, all answered 429
		p.Observe(req, http.StatusTooManyRequests, start.Add(time.Duration(i)*time.Millisecond))
		if got := p.Rate(""); got != 10 {
			t.Fatalf("after the 429 of request %d sent before the back-off: %g/s, want 10 (one halving)", i+1, got)
		}
	}
	sent := now.Add(10 * time.Millisecond)
	now = now.Add(50 * time.Millisecond)
	p.Observe(req, http.StatusTooManyRequests, sent)
	if got := p.Rate(""); got != 5 {
		t.Fatalf("after a 429 of a request sent after the back-off: %g/s, want 5", got)
	}
}

// A 429 answered on a route's request (V7's registration) is that route's: it backs the
// route off and leaves the platform's class as it was, adaptive (unpaced) or at its ceiling.
func TestRoute429DoesNotThrottleThePlatform(t *testing.T) {
	registration := Route{Name: "registration", PerSecond: 2, Match: func(r *http.Request) bool { return r.URL.Path == "/items/register_existing" }}
	plain, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://x/items", nil)
	reg, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://x/items/register_existing", nil)

	for _, platform := range []float64{0, 20} {
		now := time.Unix(1000, 0)
		p := NewPacer(platform, registration)
		p.now = func() time.Time { return now }
		for range 30 {
			p.Observe(plain, http.StatusOK, now)
			now = now.Add(10 * time.Millisecond)
		}
		sent := now
		now = now.Add(10 * time.Millisecond)
		p.Observe(reg, http.StatusTooManyRequests, sent)
		if got := p.Rate(""); got != platform {
			t.Errorf("platform at %g/s: after a registration 429 the platform paces at %g/s, want %g", platform, got, platform)
		}
		if got, want := p.Rate("registration"), 2*RouteMargin/2; got != want {
			t.Errorf("platform at %g/s: registration at %g/s after its 429, want %g", platform, got, want)
		}
		if platform == 0 && p.classes[""].throttled {
			t.Errorf("a registration 429 switched the adaptive platform class into pacing")
		}
		// The platform's own 429 still backs the platform off.
		sent = now
		now = now.Add(10 * time.Millisecond)
		p.Observe(plain, http.StatusTooManyRequests, sent)
		if got := p.Rate(""); got == 0 || (platform > 0 && got != platform/2) {
			t.Errorf("platform at %g/s: after its own 429: %g/s", platform, got)
		}
	}
}
