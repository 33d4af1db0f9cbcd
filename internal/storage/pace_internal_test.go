package storage

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

var errSlowDown = &smithy.GenericAPIError{Code: "SlowDown", Message: "Please reduce your request rate."}

// clockedKeyPacer is a pacer on the clock *now, started at it.
func clockedKeyPacer(now *time.Time) *keyPacer {
	p := newKeyPacer()
	p.now = func() time.Time { return *now }
	p.started = *now
	return p
}

func TestKeyPacerIsFreeUntilSlowDownThenBacksOffAndProbes(t *testing.T) {
	now := time.Unix(1000, 0)
	p := clockedKeyPacer(&now)
	// Unpaced while S3 accepts: 5,000 keys a second for three seconds.
	for range 15 {
		now = now.Add(200 * time.Millisecond)
		p.observe(1000, now.Add(-100*time.Millisecond), nil)
	}
	if r := p.Rate(); r != 0 {
		t.Fatalf("paced at %v before any SlowDown", r)
	}
	// Other errors are no reason to slow down.
	p.observe(1000, now, errors.New("connection reset"))
	if r := p.Rate(); r != 0 {
		t.Fatalf("paced at %v after a network error", r)
	}
	// The first SlowDown: backOff of the 5,000 a second accepted over the window, being more
	// than the published 3,500.
	sent := now
	now = now.Add(10 * time.Millisecond)
	p.observe(1000, sent, errSlowDown)
	if r, want := p.Rate(), backOff*5000.0; math.Abs(r-want) > 1 {
		t.Fatalf("after the first SlowDown: %v keys/s, want %v", r, want)
	}
	// A SlowDown of a request sent before that back-off is the same event.
	p.observe(1000, sent.Add(-time.Millisecond), errSlowDown)
	if r, want := p.Rate(), backOff*5000.0; math.Abs(r-want) > 1 {
		t.Fatalf("a request in flight backed off twice: %v, want %v", r, want)
	}
	// One sent after it backs off again.
	now = now.Add(100 * time.Millisecond)
	p.observe(1000, now.Add(-50*time.Millisecond), errSlowDown)
	if r, want := p.Rate(), backOff*backOff*5000.0; math.Abs(r-want) > 1 {
		t.Fatalf("a second back-off: %v, want %v", r, want)
	}
	// Quiet answers climb back along the curve: concave to W_max (the pace that met the
	// SlowDown), reached within about a second, then beyond it.
	wMax := backOff * 5000.0
	backed := now
	now = backed.Add(time.Second)
	p.observe(1000, now, nil)
	if r := p.Rate(); r <= backOff*wMax || r >= wMax {
		t.Fatalf("a second after the back-off: %v keys/s, want between %v and %v", r, backOff*wMax, wMax)
	}
	now = backed.Add(time.Duration(p.k * float64(time.Second)))
	p.observe(1000, now, nil)
	if r := p.Rate(); math.Abs(r-wMax) > 1 || math.Abs(p.k-cubicReturn) > 0.01 {
		t.Fatalf("after K = %.2f s: %v keys/s, want W_max %v after %v s", p.k, r, wMax, cubicReturn)
	}
	now = now.Add(2 * time.Second)
	p.observe(1000, now, nil)
	if r, want := p.Rate(), wMax*(1+(1-backOff)/8); math.Abs(r-want) > 1 {
		t.Fatalf("2 s past K: %v keys/s, want %v (probing beyond)", r, want)
	}
}

// A SlowDown in the first window (S3's burst) starts at the published per-prefix rate: what
// was accepted until then says nothing of the prefix's rate.
func TestKeyPacerStartsAtThePublishedRateWithinTheBurst(t *testing.T) {
	now := time.Unix(1000, 0)
	p := clockedKeyPacer(&now)
	for range 4 {
		now = now.Add(50 * time.Millisecond)
		p.observe(1000, now, nil)
	}
	p.observe(1000, now, errSlowDown)
	if r := p.Rate(); r != publishedPrefixRate {
		t.Fatalf("paced at %v, want %v", r, float64(publishedPrefixRate))
	}
}
