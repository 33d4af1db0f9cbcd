package transport

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces one platform's requests so that Terraform's parallel resources stay under the
// platform's rate limit instead of each one backing off on its own. It holds token buckets
// (golang.org/x/time/rate) shared by every client of a provider instance: the platform's, and
// optional stricter classes for some routes (V7's registration). A class is one of two kinds:
//
//   - A ceiling (a published limit, or the user's rate_limit): paced at that rate from the
//     start. A 429 met by a request sent after the last back-off halves it (never below a tenth
//     of the ceiling): the 429s of requests that were in flight together are one back-off's,
//     not one each. Every second without one raises it again by a tenth, up to the ceiling.
//   - Adaptive (no limit known): unpaced, and so free, until the platform throttles. At the
//     first 429 the class starts pacing at β = 0.9 of the rate the platform answered over the
//     last second; it backs off so again (from its pace, or from what the platform answered
//     when that is less) at each 429 met by a request sent after the last back-off, and climbs
//     back along a cubic curve (CUBIC, RFC 9438: concave up to the rate that met the 429, then
//     probing beyond without bound), as the AWS SDK's adaptive retry mode does. It stays paced
//     for the rest of the provider's run: the curve soon leaves a pace that does not bind, and
//     going unpaced again would meet the limit with every parallel request at once.
//
// A request draws from the platform's class and from its route's, and both count its answers,
// except a 429 answered on a route's request: that is the route's (its stricter limit is what
// the request met), so it backs off the route alone and leaves the platform's class as it was,
// at its pace, or unpaced when adaptive and not yet throttled.
type Pacer struct {
	classify func(*http.Request) string
	mu       sync.Mutex
	classes  map[string]*paced
	now      func() time.Time
}

type paced struct {
	lim *rate.Limiter
	// configured is the ceiling; 0 makes the class adaptive.
	configured rate.Limit
	changed    time.Time
	// backedOff is when the class last backed off, of either kind: a 429 of a request sent
	// before then is that back-off's.
	backedOff time.Time

	// Adaptive state: whether the class paces, the rate that met the last 429 (CUBIC's W_max),
	// where the curve starts, and the answers of the last second (other than 429).
	throttled bool
	wMax      float64
	epoch     time.Time
	answered  []time.Time
}

// CUBIC's constants (RFC 9438): the back-off factor and the growth constant. β is above
// CUBIC's 0.7 because the rate that met a 429 is measured (what the platform answered), not
// guessed: backing off to 0.9 of it already leaves the platform's bucket room to refill.
const (
	cubicBeta = 0.9
	cubicC    = 0.4
)

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

// NewPacer paces at most at perSecond (≤ 0: adaptive, unpaced until the platform throttles)
// and each route at its own rate on top.
func NewPacer(perSecond float64, routes ...Route) *Pacer {
	p := &Pacer{classes: map[string]*paced{}, now: time.Now}
	p.classes[""] = newPaced(perSecond) // ≤ 0: adaptive
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
	if perSecond <= 0 {
		return &paced{lim: rate.NewLimiter(rate.Inf, 0)}
	}
	return &paced{lim: rate.NewLimiter(rate.Limit(perSecond), burstOf(perSecond)), configured: rate.Limit(perSecond)}
}

// burstOf is a tenth of a second's worth (at least one), which keeps the rate even: a server
// that counts per second never sees more than it allows.
func burstOf(perSecond float64) int { return max(1, int(perSecond/10)) }

// classesOf are the buckets a request draws from: the platform's, and its route's.
func (p *Pacer) classesOf(req *http.Request) []*paced {
	var out []*paced
	if c := p.classes[""]; c != nil {
		out = append(out, c)
	}
	if route := p.routeOf(req); route != nil {
		out = append(out, route)
	}
	return out
}

// routeOf is the class of a request's route, nil for a request of no route.
func (p *Pacer) routeOf(req *http.Request) *paced {
	if name := p.classify(req); name != "" {
		return p.classes[name]
	}
	return nil
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

// Observe adapts the rates to the answer of a request sent at sent: down at a 429 (the
// route's alone when the request has one), back up over quiet time.
func (p *Pacer) Observe(req *http.Request, status int, sent time.Time) {
	if p == nil {
		return
	}
	now := p.now()
	throttled := status == http.StatusTooManyRequests
	p.mu.Lock()
	defer p.mu.Unlock()
	route := p.routeOf(req)
	for _, c := range p.classesOf(req) {
		if throttled && route != nil && c != route {
			continue // a route's 429 is the route's, not the platform's
		}
		if c.configured == 0 {
			c.adapt(now, throttled, sent)
			continue
		}
		cur := c.lim.Limit()
		switch {
		case throttled && sent.Before(c.backedOff):
			// Sent before the last back-off: that back-off answered it already.
		case throttled:
			c.lim.SetLimitAt(now, max(cur/2, c.configured/10))
			c.changed, c.backedOff = now, now
		case cur < c.configured && now.Sub(c.changed) >= time.Second:
			c.lim.SetLimitAt(now, min(cur+c.configured/10, c.configured))
			c.changed = now
		}
	}
}

// adapt is an adaptive class's answer to one answer.
func (c *paced) adapt(now time.Time, throttled bool, sent time.Time) {
	if !throttled {
		c.answered = append(c.answered, now)
		cut := 0
		for cut < len(c.answered) && now.Sub(c.answered[cut]) > time.Second {
			cut++
		}
		c.answered = c.answered[cut:]
		if c.throttled {
			c.climb(now)
		}
		return
	}
	switch {
	case !c.throttled:
		// The first 429: back off from what the platform answered over the last second.
		c.throttled, c.wMax, c.backedOff, c.epoch = true, max(float64(len(c.answered)), 1), now, now
		c.set(now, c.wMax*cubicBeta)
		return
	case sent.Before(c.backedOff):
		return // sent before the last back-off: that back-off answered it already
	default:
		// The rate that met the 429: the pace, or what the platform answered over the last
		// second when that is less (a pace probing past the limit overshoots it).
		c.wMax = min(float64(c.lim.Limit()), max(float64(len(c.answered)), 1))
	}
	c.backedOff, c.epoch = now, now
	c.set(now, c.wMax*cubicBeta)
}

// cubicK is when the curve from a back-off at wMax reaches wMax again: K = ∛(W_max·(1−β)/C).
func cubicK(wMax float64) float64 { return math.Cbrt(wMax * (1 - cubicBeta) / cubicC) }

// climb follows CUBIC's curve since the last back-off: W(t) = C·(t−K)³ + W_max, where
// K = ∛(W_max·(1−β)/C) is when it reaches W_max again.
func (c *paced) climb(now time.Time) {
	t := now.Sub(c.epoch).Seconds()
	c.set(now, cubicC*math.Pow(t-cubicK(c.wMax), 3)+c.wMax)
}

func (c *paced) set(now time.Time, perSecond float64) {
	perSecond = max(perSecond, 0.1)
	c.lim.SetBurstAt(now, burstOf(perSecond))
	c.lim.SetLimitAt(now, rate.Limit(perSecond))
}

// Rate is the current rate of the platform's class and of the named route ("" for the
// platform), 0 when it is not paced.
func (p *Pacer) Rate(route string) float64 {
	if p == nil || p.classes[route] == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.classes[route].lim.Limit(); l != rate.Inf {
		return float64(l)
	}
	return 0
}
