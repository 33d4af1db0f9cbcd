package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces one platform's requests so that Terraform's parallel resources stay under the
// platform's rate limit instead of each one backing off on its own. It is a token bucket
// (golang.org/x/time/rate) shared by every client of a provider instance, with optional stricter
// classes for some routes (V7's registration), and it adapts: a 429 halves the rate of the class
// that met it (never below a tenth of its configured rate), and every second without one raises
// it again by a tenth of the configured rate.
type Pacer struct {
	classify func(*http.Request) string
	mu       sync.Mutex
	classes  map[string]*paced
	now      func() time.Time
}

type paced struct {
	lim        *rate.Limiter
	configured rate.Limit
	changed    time.Time
}

// Route is a stricter class of requests: Match picks them, PerSecond is the most the platform
// takes (a published limit, such as V7's 100 registrations a minute). The pacer spaces them at
// RouteMargin of it: a server that counts arrivals sees the network's jitter, and a request
// paced exactly at the limit that arrives a little early is refused, which costs a Retry-After
// and a halved pace.
type Route struct {
	Name      string
	PerSecond float64
	Match     func(*http.Request) bool
}

// RouteMargin is the share of a route's limit the pacer uses.
const RouteMargin = 0.95

// NewPacer paces at perSecond (≤ 0: no pacing of the platform as a whole) and each route at
// its own rate on top.
func NewPacer(perSecond float64, routes ...Route) *Pacer {
	p := &Pacer{classes: map[string]*paced{}, now: time.Now}
	if perSecond > 0 {
		p.classes[""] = newPaced(perSecond)
	}
	for _, r := range routes {
		if r.PerSecond > 0 {
			p.classes[r.Name] = newPaced(r.PerSecond * RouteMargin)
		}
	}
	p.classify = func(req *http.Request) string {
		for _, r := range routes {
			if r.PerSecond > 0 && r.Match(req) {
				return r.Name
			}
		}
		return ""
	}
	return p
}

func newPaced(perSecond float64) *paced {
	// A burst of a tenth of a second's worth (at least one) keeps the rate even: a server that
	// counts per second never sees more than it allows.
	burst := max(1, int(perSecond/10))
	return &paced{lim: rate.NewLimiter(rate.Limit(perSecond), burst), configured: rate.Limit(perSecond)}
}

// classesOf are the buckets a request draws from: the platform's, and its route's.
func (p *Pacer) classesOf(req *http.Request) []*paced {
	var out []*paced
	if c := p.classes[""]; c != nil {
		out = append(out, c)
	}
	if name := p.classify(req); name != "" {
		out = append(out, p.classes[name])
	}
	return out
}

// Wait blocks until the request may be sent, or ctx ends.
func (p *Pacer) Wait(ctx context.Context, req *http.Request) error {
	if p == nil {
		return nil
	}
	for _, c := range p.classesOf(req) {
		if err := c.lim.Wait(ctx); err != nil {
			if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				// The limiter refuses a wait that would outlast ctx's deadline before the
				// deadline comes: say so as the deadline it is, so that callers see time run out.
				return fmt.Errorf("%w: waiting for the request rate: %w (%w)", errNotSent, context.DeadlineExceeded, err)
			}
			return err
		}
	}
	return nil
}

// Observe adapts the rates to an answer: down at a 429, back up over quiet seconds.
func (p *Pacer) Observe(req *http.Request, status int) {
	if p == nil {
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.classesOf(req) {
		cur := c.lim.Limit()
		switch {
		case status == http.StatusTooManyRequests:
			c.lim.SetLimitAt(now, max(cur/2, c.configured/10))
			c.changed = now
		case cur < c.configured && now.Sub(c.changed) >= time.Second:
			c.lim.SetLimitAt(now, min(cur+c.configured/10, c.configured))
			c.changed = now
		}
	}
}

// Rate is the current rate of the platform's class and of the named route ("" for the
// platform), 0 when it is not paced.
func (p *Pacer) Rate(route string) float64 {
	if p == nil || p.classes[route] == nil {
		return 0
	}
	return float64(p.classes[route].lim.Limit())
}
