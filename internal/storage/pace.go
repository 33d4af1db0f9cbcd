package storage

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

// keyPacer spaces one teardown's deletes by the keys they carry, once S3 has asked for it.
// S3 takes "at least 3,500 … DELETE requests per second per partitioned prefix", each key of a
// DeleteObjects counting as one, and answers 503 SlowDown above that; it also raises a busy
// prefix's share over time, so no fixed figure is right. The pacer therefore costs nothing
// until the first SlowDown. Then it paces at the published 3,500 keys a second, or at backOff
// of what S3 had been accepting over the last deliveryWindow when that is more, and climbs back
// along CUBIC's curve (RFC 9438, as the transport's platform pacer does): concave up to the rate
// that met the SlowDown (W_max: the pace, or what S3 accepted when unpaced), reached within
// cubicReturn seconds from a back-off, then probing beyond it ever faster, so that a prefix S3 has split is used
// again. Each SlowDown of a request sent after the last back-off backs off by backOff from the
// pace and restarts the curve. After a back-off the next request waits a whole batch's
// interval, which lets the prefix refill.
//
// Every attempt of a request, retries included, waits for the pacer and reports its answer:
// the pacer sits inside the SDK's retry loop (see option).
type keyPacer struct {
	mu        sync.Mutex
	lim       *rate.Limiter
	paced     bool
	started   time.Time // the first attempt
	backedOff time.Time
	// The curve: W(t) = c·(t − k)³ + wMax, t the time since backedOff.
	wMax, c, k float64
	accepted   []acceptance // keys answered within the last deliveryWindow
	now        func() time.Time
}

type acceptance struct {
	at   time.Time
	keys int
}

const (
	deliveryWindow = 2 * time.Second
	backOff        = 0.9
	// cubicReturn is how long the curve takes back to W_max after a back-off of backOff: CUBIC's
	// C is (1 − backOff)·W_max / cubicReturn³ keys a second per second cubed, scaled to the rate
	// (S3's prefixes take from 3,500 keys a second to many times that), so that a prefix near its
	// limit meets a SlowDown every few seconds, whatever its rate.
	cubicReturn = 4.0
	// minKeyRate is the slowest pace: one full batch every ten seconds.
	minKeyRate = maxBatch / 10
	// publishedPrefixRate is S3's published figure for deletes a second per prefix.
	publishedPrefixRate = 3500
)

func newKeyPacer() *keyPacer {
	return &keyPacer{lim: rate.NewLimiter(rate.Inf, maxBatch), now: time.Now}
}

// option adds the pacer to one request of keys keys, inside the retry loop.
func (p *keyPacer) option(keys int) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(slices.Clip(o.APIOptions), func(st *middleware.Stack) error {
			return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("dataplatforms.KeyPacing",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					if err := p.wait(ctx, keys); err != nil {
						return middleware.FinalizeOutput{}, middleware.Metadata{}, err
					}
					sent := p.now()
					out, md, err := next.HandleFinalize(ctx, in)
					p.observe(keys, sent, err)
					return out, md, err
				}), "Retry", middleware.After)
		})
	}
}

func (p *keyPacer) wait(ctx context.Context, keys int) error {
	p.mu.Lock()
	if p.started.IsZero() {
		p.started = p.now()
	}
	p.mu.Unlock()
	return p.lim.WaitN(ctx, min(keys, maxBatch))
}

// observe adapts the pace to one attempt's answer.
func (p *keyPacer) observe(keys int, sent time.Time, err error) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	cut := 0
	for cut < len(p.accepted) && now.Sub(p.accepted[cut].at) > deliveryWindow {
		cut++
	}
	p.accepted = p.accepted[cut:]
	if !slowDown(err) {
		if err == nil {
			p.accepted = append(p.accepted, acceptance{now, keys})
		}
		if p.paced {
			t := now.Sub(p.backedOff).Seconds() - p.k
			p.set(now, p.c*t*t*t+p.wMax)
		}
		return
	}
	if p.paced && sent.Before(p.backedOff) {
		return // sent before the last back-off: that back-off answered it
	}
	// W_max is the rate that met the SlowDown: the pace, or when unpaced what S3 accepted
	// over the window (the burst, within the first window).
	delivered := 0
	for _, a := range p.accepted {
		delivered += a.keys
	}
	// Over a second at least: a burst's few requests in a few milliseconds say nothing of a rate.
	window := max(min(now.Sub(p.started), deliveryWindow), time.Second).Seconds()
	measured := float64(delivered) / window
	wMax := float64(p.lim.Limit())
	r := wMax * backOff
	if !p.paced {
		wMax = max(measured, publishedPrefixRate)
		r = publishedPrefixRate
		if now.Sub(p.started) >= deliveryWindow {
			r = max(r, backOff*measured)
		}
	}
	r = max(r, minKeyRate)
	p.paced, p.backedOff = true, now
	p.wMax, p.c = wMax, (1-backOff)*wMax/(cubicReturn*cubicReturn*cubicReturn)
	p.k = math.Cbrt(max(wMax-r, 0) / p.c)
	p.set(now, r)
	// Spend what the bucket holds: the next request waits a batch's interval.
	if tokens := int(p.lim.TokensAt(now)); tokens > 0 {
		p.lim.ReserveN(now, tokens)
	}
}

func (p *keyPacer) set(now time.Time, perSecond float64) {
	p.lim.SetLimitAt(now, rate.Limit(max(perSecond, minKeyRate)))
}

// Rate is the current pace in keys a second, 0 when unpaced.
func (p *keyPacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.paced {
		return 0
	}
	return float64(p.lim.Limit())
}

func slowDown(err error) bool {
	switch apiCode(err) {
	case "SlowDown", "ServiceUnavailable", "TooManyRequests", "RequestLimitExceeded":
		return true
	}
	return false
}
