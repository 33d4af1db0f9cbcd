package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Defaults used when a Config leaves a field zero.
const (
	DefaultMaxAttempts = 5
	DefaultMaxWait     = 2 * time.Minute
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 30 * time.Second
	peekLimit          = 64 << 10
)

// Config describes one platform's HTTP stack.
type Config struct {
	// Platform names the platform in logs and errors ("V7", "Code Ocean", …).
	Platform string
	// UserAgent is sent on every request; see UserAgent.
	UserAgent string
	// MaxAttempts bounds the attempts of one request, the first included.
	MaxAttempts int
	// MaxWait bounds the total time one request may spend waiting between attempts.
	// A Retry-After longer than what is left ends the retries at once.
	MaxWait time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff: attempt n waits a random
	// duration in [d/2, d] with d = min(MaxDelay, BaseDelay·2ⁿ).
	BaseDelay, MaxDelay time.Duration
	// Secrets are masked wherever this stack logs or reports an error.
	Secrets []string
	// Final lets a platform mark a retryable-looking answer as final, such as V7's 429
	// with INSUFFICIENT_REMAINING_STORAGE. body holds at most the first 64 KiB.
	Final func(resp *http.Response, body []byte) bool
	// Base is the transport underneath; a pooled cleanhttp transport when nil.
	Base http.RoundTripper
	// Sleep waits between attempts; it must return early with ctx's error. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Pacer spaces the platform's requests (every attempt); nil sends them at once.
	Pacer *Pacer
}

// UserAgent is the provider's user agent for a version.
func UserAgent(version string) string {
	return "terraform-provider-dataplatforms/" + version
}

// New returns an *http.Client whose transport retries, logs and masks as Config says.
// It sets no overall timeout: every request carries its deadline in its context.
func New(cfg Config) *http.Client {
	return &http.Client{Transport: NewRoundTripper(cfg)}
}

// NewRoundTripper returns the retrying, logging round tripper of New.
func NewRoundTripper(cfg Config) http.RoundTripper {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.Base == nil {
		cfg.Base = cleanhttp.DefaultPooledTransport()
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	cfg.Secrets = nonEmpty(cfg.Secrets)
	attemptClient := &http.Client{
		Transport: &loggingTransport{cfg: &cfg},
		// Redirects are followed by the platform's own rules only; none of the APIs needs one
		// across hosts, and following one could carry the Authorization header elsewhere.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &retryTransport{cfg: &cfg, attemptClient: attemptClient}
}

type retryTransport struct {
	cfg           *Config
	attemptClient *http.Client
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if t.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", t.cfg.UserAgent)
	}
	st := &requestState{cfg: t.cfg, method: req.Method, idempotent: isIdempotent(req)}
	if persistentFrom(req.Context()) {
		st.cfg.MaxAttempts = max(st.cfg.MaxAttempts, PersistentMaxAttempts)
		st.cfg.MaxWait = max(st.cfg.MaxWait, PersistentMaxWait)
	}
	req = req.WithContext(context.WithValue(req.Context(), stateKey{}, st))

	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, fmt.Errorf("preparing %s request: %w", req.Method, err)
	}
	client := &retryablehttp.Client{
		HTTPClient: t.attemptClient,
		RetryMax:   st.cfg.MaxAttempts - 1,
		CheckRetry: st.checkRetry,
		// checkRetry has already waited; the library's own timer must not add to it.
		Backoff:      func(time.Duration, time.Duration, int, *http.Response) time.Duration { return 0 },
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
		Logger:       nil,
	}
	resp, err := client.Do(rreq)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, maskError(unwrapURLError(err), t.cfg.Secrets)
	}
	return resp, nil
}

type stateKey struct{}

// requestState is the memory of one logical request across its attempts.
type requestState struct {
	cfg        *Config
	method     string
	idempotent bool
	attempt    int // attempts sent so far
	waited     time.Duration
}

func stateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	return st
}

// checkRetry decides whether the answer of the attempt just made is worth another attempt,
// and if so waits for it on the request's context.
func (st *requestState) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	retry, retryAfter := st.classify(resp, err)
	if !retry || st.attempt >= st.cfg.MaxAttempts {
		return false, nil
	}
	wait := retryAfter
	if wait < 0 {
		wait = st.backoff()
	}
	if st.waited+wait > st.cfg.MaxWait {
		return false, nil
	}
	st.waited += wait
	if err := st.cfg.Sleep(ctx, wait); err != nil {
		return false, err
	}
	return true, nil
}

// classify says whether an answer is retryable and, when the server said so, after how long
// (negative: no Retry-After, use backoff).
func (st *requestState) classify(resp *http.Response, err error) (retry bool, retryAfter time.Duration) {
	if err != nil {
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return false, -1
		case connectionRefused(err):
			// Nothing reached the server: safe for every method.
			return true, -1
		case transientNetworkError(err):
			// The server may have acted before the connection broke.
			return st.idempotent, -1
		default:
			return false, -1
		}
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// A 429 is a refusal before any work: safe for every method, unless the platform
		// says this refusal is final.
		if st.isFinal(resp) {
			return false, -1
		}
		return true, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if !st.idempotent || st.isFinal(resp) {
			return false, -1
		}
		return true, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return false, -1
}

func (st *requestState) isFinal(resp *http.Response) bool {
	if st.cfg.Final == nil {
		return false
	}
	return st.cfg.Final(resp, peekBody(resp))
}

// backoff is exponential with jitter: a random wait in [d/2, d], d = min(MaxDelay, Base·2^(n-1)).
func (st *requestState) backoff() time.Duration {
	d := st.cfg.BaseDelay
	for i := 1; i < st.attempt && d < st.cfg.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, st.cfg.MaxDelay)
	half := d / 2
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date; -1 when absent or malformed.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0)
	}
	return -1
}

// peekBody reads at most 64 KiB of the body and puts it back so the caller still sees it whole.
func peekBody(resp *http.Response) []byte {
	if resp == nil || resp.Body == nil {
		return nil
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, peekLimit))
	resp.Body = readCloser{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
	return head
}

type readCloser struct {
	io.Reader
	io.Closer
}

func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	// net/http's own convention: a request carrying an idempotency key may be replayed.
	_, hasKey := req.Header["Idempotency-Key"]
	_, hasXKey := req.Header["X-Idempotency-Key"]
	return hasKey || hasXKey || idempotentFrom(req.Context())
}

type idempotentKey struct{}

// WithIdempotent marks the requests made with ctx as safe to repeat even though their method
// is not, such as a search sent as POST.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// The retry budget of a persistent request (WithPersistence).
const (
	PersistentMaxAttempts = 20
	PersistentMaxWait     = 5 * time.Minute
)

type persistentKey struct{}

// WithPersistence gives the requests made with ctx a larger retry budget (at least
// PersistentMaxAttempts attempts and PersistentMaxWait of waiting): the lookups that follow
// a lost answer, which are all that stands between a create that may have acted and an orphan
// or a duplicate. The requests must be safe to repeat.
func WithPersistence(ctx context.Context) context.Context {
	return context.WithValue(WithIdempotent(ctx), persistentKey{}, true)
}

func persistentFrom(ctx context.Context) bool {
	v, _ := ctx.Value(persistentKey{}).(bool)
	return v
}

func idempotentFrom(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
