package storage

import (
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// MinS3Attempts is the fewest attempts an S3 request gets, whatever the platforms' retry
// setting: S3 answers a prefix that takes more deletes a second than it allows with 503
// SlowDown (without Retry-After), and a teardown of many batches must outlast that.
const MinS3Attempts = 10

// Backoff of a retried S3 request: a random wait in [d/2, d], d = min(s3MaxBackoff,
// s3BaseBackoff·2^attempt). It starts low because SlowDown asks for a lower rate, not a pause:
// the SDK's default (up to 2 s after the first throttle) leaves a throttled prefix idle.
const (
	s3BaseBackoff = 50 * time.Millisecond
	s3MaxBackoff  = 20 * time.Second
)

// NewRetryer is the one S3 retry policy, the AWS SDK's own standard retryer (its retryable
// errors and throttle codes, SlowDown among them) with at least MinS3Attempts attempts, a
// backoff that starts at tens of milliseconds, and no retry quota, so that a long SlowDown
// storm is waited out instead of failing the destroy.
func NewRetryer(maxAttempts int) aws.Retryer {
	return retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts = max(maxAttempts, MinS3Attempts)
		so.MaxBackoff = s3MaxBackoff
		so.Backoff = backoff{}
		so.RateLimiter = ratelimit.None
	})
}

type backoff struct{}

// BackoffDelay implements retry.BackoffDelayer.
func (backoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	d := s3BaseBackoff
	for i := 0; i < attempt && d < s3MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, s3MaxBackoff)
	return d/2 + rand.N(d/2+1), nil //nolint:gosec // jitter needs no cryptographic randomness
}
