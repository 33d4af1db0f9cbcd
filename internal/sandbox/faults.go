package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Fault is one injected misbehaviour, as posted to <admin>/faults.
type Fault struct {
	ID       int    `json:"id"`
	Platform string `json:"platform"`
	// Status answers matching requests with this status in the platform's error envelope;
	// 0 lets them through (after the latency).
	Status int `json:"status,omitempty"`
	// Probability that a matching request is hit (default 1).
	Probability *float64 `json:"probability,omitempty"`
	// Count is how many requests to hit before the fault retires (0: until cleared).
	Count int `json:"count,omitempty"`
	// RetryAfter is sent as the Retry-After header with the status.
	RetryAfter   string `json:"retry_after,omitempty"`
	LatencyMS    int    `json:"latency_ms,omitempty"`
	PathContains string `json:"path_contains,omitempty"`
	// PathRegexp, when set, must match the request's escaped path (without the query), e.g.
	// `/data_assets$` for a create and not the search beside it.
	PathRegexp string `json:"path_regexp,omitempty"`
	Method     string `json:"method,omitempty"`
	Message    string `json:"message,omitempty"`
	// DenyDeletePrefix (platform "s3", embedded store) refuses deletes of keys with this
	// prefix with a per-key AccessDenied, as a bucket policy or object lock does.
	DenyDeletePrefix string `json:"deny_delete_prefix,omitempty"`
	// RatePerSecond makes the fault a rate limit: matching requests pass at up to this rate (a
	// token bucket holding one second's worth) and the excess is answered with Status (429 by
	// default; S3's 503 SlowDown for platform "s3") and RetryAfter ("1" by default; none for
	// S3, which sends none).
	RatePerSecond float64 `json:"rate_per_second,omitempty"`
	// Lose makes the fault a lost answer: the connection is reset (TCP RST) with no response,
	// either after the platform (or S3) has acted on the request ("response": the change is
	// made and the client never hears of it) or before it ("request": nothing happens).
	Lose     string `json:"lose,omitempty"`
	Injected int    `json:"injected"`
	limiter  *rate.Limiter
	pathRE   *regexp.Regexp
}

func (f *Fault) validate(known func(string) bool) error {
	if f.PathRegexp != "" {
		re, err := regexp.Compile(f.PathRegexp)
		if err != nil {
			return fmt.Errorf("path_regexp: %w", err)
		}
		f.pathRE = re
	}
	switch {
	case !known(f.Platform):
		return fmt.Errorf("platform %q is not served by this sandbox", f.Platform)
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d is not an error status (400-599)", f.Status)
	case f.Probability != nil && (*f.Probability < 0 || *f.Probability > 1):
		return errors.New("probability must be within 0 and 1")
	case f.Count < 0 || f.LatencyMS < 0 || f.LatencyMS > 60000:
		return errors.New("count must be ≥ 0 and latency_ms within 0 and 60000")
	case f.DenyDeletePrefix != "" && f.Platform != "s3":
		return errors.New("deny_delete_prefix applies to platform \"s3\" only")
	case f.RatePerSecond < 0 || f.RatePerSecond > 100000:
		return errors.New("rate_per_second must be within 0 and 100000")
	case f.Lose != "" && f.Lose != LoseResponse && f.Lose != LoseRequest:
		return fmt.Errorf("lose must be %q or %q", LoseResponse, LoseRequest)
	case f.Lose != "" && (f.Status != 0 || f.RatePerSecond != 0):
		return errors.New("lose answers no status: it resets the connection")
	case f.Status == 0 && f.LatencyMS == 0 && f.DenyDeletePrefix == "" && f.RatePerSecond == 0 && f.Lose == "":
		return errors.New("a fault needs a status, a latency, a rate_per_second, a lose or a deny_delete_prefix")
	}
	return nil
}

// The ways a fault loses an answer.
const (
	LoseResponse = "response" // act, then reset the connection
	LoseRequest  = "request"  // reset the connection before acting
)

// asRateLimit fills in a rate fault's defaults and its bucket.
func (f *Fault) asRateLimit() {
	if f.RatePerSecond == 0 {
		return
	}
	if f.Status == 0 {
		f.Status = http.StatusTooManyRequests
		if f.Platform == "s3" {
			f.Status = http.StatusServiceUnavailable
		}
	}
	if f.RetryAfter == "" && f.Platform != "s3" {
		f.RetryAfter = "1"
	}
	if f.Message == "" {
		f.Message = fmt.Sprintf("rate limit of %g requests per second exceeded", f.RatePerSecond)
		if f.Platform == "s3" {
			f.Message = "Please reduce your request rate."
		}
	}
	f.limiter = rate.NewLimiter(rate.Limit(f.RatePerSecond), max(1, int(f.RatePerSecond)))
}

// RequestRecord is one request a sandbox endpoint served.
type RequestRecord struct {
	Platform string `json:"platform"`
	Method   string `json:"method"`
	Path     string `json:"path"` // as sent: escaped (%2F stays %2F)
	Query    string `json:"query,omitempty"`
	Status   int    `json:"status"`
	Injected bool   `json:"injected,omitempty"`
}

const maxRecords = 20000

// Faults holds the active faults and the request log.
type Faults struct {
	mu       sync.Mutex
	rnd      *rand.Rand
	nextID   int
	active   []*Fault
	requests []RequestRecord
	inFlight map[string]int
	onDeny   func(prefixes []string) error
}

func newFaults(seed uint64) *Faults {
	return &Faults{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} //nolint:gosec // repeatable test faults
}

// Add activates a fault and returns it with its id.
func (fs *Faults) Add(f Fault, known func(string) bool) (*Fault, error) {
	if err := f.validate(known); err != nil {
		return nil, err
	}
	f.asRateLimit()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	f.ID = fs.nextID
	fs.active = append(fs.active, &f)
	if f.DenyDeletePrefix != "" {
		if err := fs.applyDenyLocked(); err != nil {
			fs.active = fs.active[:len(fs.active)-1]
			return nil, err
		}
	}
	return &f, nil
}

// Clear removes every fault.
func (fs *Faults) Clear() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.active = nil
	return fs.applyDenyLocked()
}

func (fs *Faults) applyDenyLocked() error {
	var prefixes []string
	for _, f := range fs.active {
		if f.DenyDeletePrefix != "" {
			prefixes = append(prefixes, f.DenyDeletePrefix)
		}
	}
	if fs.onDeny == nil {
		if len(prefixes) > 0 {
			return errors.New("deny_delete_prefix needs the embedded S3 store; an external store enforces its own policies")
		}
		return nil
	}
	return fs.onDeny(prefixes)
}

// List returns the active faults.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.active))
	for i, f := range fs.active {
		out[i] = *f
	}
	return out
}

// Requests returns the request log, of one platform when platform is not empty.
func (fs *Faults) Requests(platform string) []RequestRecord {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []RequestRecord
	for _, r := range fs.requests {
		if platform == "" || r.Platform == platform {
			out = append(out, r)
		}
	}
	return out
}

// ClearRequests empties the request log.
func (fs *Faults) ClearRequests() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.requests = nil
}

// pick returns the fault that hits this request, if any, and counts it.
func (fs *Faults) pick(platform string, r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.active {
		if f.Platform != platform || (f.Status == 0 && f.LatencyMS == 0 && f.Lose == "") ||
			(f.Method != "" && !strings.EqualFold(f.Method, r.Method)) ||
			(f.PathContains != "" && !strings.Contains(r.URL.RequestURI(), f.PathContains)) ||
			(f.pathRE != nil && !f.pathRE.MatchString(r.URL.EscapedPath())) {
			continue
		}
		if f.Probability != nil && fs.rnd.Float64() >= *f.Probability {
			continue
		}
		if f.limiter != nil && f.limiter.Allow() {
			continue // within the rate
		}
		f.Injected++
		hit := *f
		if f.Count > 0 && f.Injected >= f.Count {
			fs.active = append(fs.active[:i:i], fs.active[i+1:]...)
		}
		return &hit
	}
	return nil
}

func (fs *Faults) record(rec RequestRecord) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if len(fs.requests) >= maxRecords {
		fs.requests = fs.requests[maxRecords/2:]
	}
	fs.requests = append(fs.requests, rec)
}

// InFlight is how many requests a platform's endpoint is still serving (delayed ones
// included): a test waits for 0 rather than sleeping through the delays.
func (fs *Faults) InFlight(platform string) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.inFlight[platform]
}

func (fs *Faults) track(platform string, delta int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.inFlight == nil {
		fs.inFlight = map[string]int{}
	}
	fs.inFlight[platform] += delta
}

// middleware applies faults to a platform's endpoint and logs every request.
func (fs *Faults) middleware(platform string, errorBody func(int, string) (string, []byte), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.track(platform, 1)
		defer fs.track(platform, -1)
		rec := RequestRecord{Platform: platform, Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery}
		f := fs.pick(platform, r)
		if f != nil && f.LatencyMS > 0 {
			// Read the request first, as a server queueing it would: once the body is read,
			// net/http notices a client that goes away, and the delayed request dies with it.
			body, err := io.ReadAll(r.Body)
			if err != nil {
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
		if f != nil && f.Lose != "" {
			rec.Injected = true
			if f.Lose == LoseResponse {
				sw := &discardWriter{header: http.Header{}, status: http.StatusOK}
				next.ServeHTTP(sw, r) // the platform acts; its answer goes nowhere
				rec.Status = sw.status
			}
			fs.record(rec)
			reset(w)
			return
		}
		if f != nil && f.Status != 0 {
			msg := f.Message
			if msg == "" {
				msg = fmt.Sprintf("sandbox fault %d injected", f.ID)
			}
			ct, body := errorBody(f.Status, msg)
			if f.RetryAfter != "" {
				w.Header().Set("Retry-After", f.RetryAfter)
			}
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(f.Status)
			_, _ = w.Write(body)
			rec.Status, rec.Injected = f.Status, true
			fs.record(rec)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		rec.Status = sw.status
		fs.record(rec)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// JSONError is the default error envelope, {"message": …}.
func JSONError(status int, message string) (string, []byte) {
	b, _ := json.Marshal(map[string]any{"message": message, "status": status})
	return "application/json", b
}

// s3ErrorBody is S3's XML error document.
func s3ErrorBody(status int, message string) (string, []byte) {
	code := map[int]string{
		400: "InvalidRequest", 403: "AccessDenied", 404: "NoSuchKey", 409: "OperationAborted",
		429: "SlowDown", 500: "InternalError", 501: "NotImplemented", 503: "SlowDown",
	}[status]
	if code == "" {
		code = "InternalError"
	}
	return "application/xml", fmt.Appendf(nil,
		`<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>sandbox-fault</RequestId></Error>`,
		code, xmlEscape(message))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}

// discardWriter takes a response that is never sent.
type discardWriter struct {
	header http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(status int)      { d.status = status }

// reset drops the client's connection with a TCP RST and no response: a client sees
// "connection reset by peer" (or an EOF), as when a load balancer or the network loses the
// answer.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler) // closes the connection without a response
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
