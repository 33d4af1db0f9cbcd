package transport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"golang.org/x/time/rate"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// recorder is an injected Sleep that records the waits instead of waiting.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits = append(r.waits, d)
	return ctx.Err()
}

func (r *recorder) get() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// scripted answers the i-th request with statuses[i] (the last one repeats) and counts hits.
func scripted(t *testing.T, header http.Header, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		i := int(hits.Add(1)) - 1
		status := statuses[min(i, len(statuses)-1)]
		if status != http.StatusOK {
			for k, v := range header {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"message":"answer"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func newClient(rec *recorder, mutate ...func(*transport.Config)) *http.Client {
	cfg := transport.Config{Platform: "Test", MaxAttempts: 4, Sleep: rec.sleep, UserAgent: transport.UserAgent("1.2.3")}
	for _, m := range mutate {
		m(&cfg)
	}
	return transport.New(cfg)
}

func do(t *testing.T, c *http.Client, method, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func TestRetryAfterSeconds(t *testing.T) {
	t.Parallel()
	srv, hits := scripted(t, http.Header{"Retry-After": {"7"}}, 429, 503, 200)
	rec := &recorder{}
	resp, err := do(t, newClient(rec), http.MethodGet, srv.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v; want 200", resp, err)
	}
	if hits.Load() != 3 {
		t.Errorf("hits = %d, want 3", hits.Load())
	}
	if got := rec.get(); len(got) != 2 || got[0] != 7*time.Second || got[1] != 7*time.Second {
		t.Errorf("waits = %v, want [7s 7s]", got)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	srv, hits := scripted(t, http.Header{"Retry-After": {at}}, 429, 200)
	rec := &recorder{}
	resp, err := do(t, newClient(rec), http.MethodGet, srv.URL, "")
	if err != nil || resp.StatusCode != 200 || hits.Load() != 2 {
		t.Fatalf("got %v, %v after %d hits; want 200 after 2", resp, err, hits.Load())
	}
	got := rec.get()
	if len(got) != 1 || got[0] < 18*time.Second || got[0] > 20*time.Second {
		t.Errorf("waits = %v, want one wait of about 20s", got)
	}
}

func TestBackoffWithoutRetryAfterGrowsWithJitter(t *testing.T) {
	t.Parallel()
	srv, _ := scripted(t, nil, 502, 502, 502, 200)
	rec := &recorder{}
	c := newClient(rec, func(c *transport.Config) { c.BaseDelay = time.Second; c.MaxDelay = 3 * time.Second })
	if resp, err := do(t, c, http.MethodGet, srv.URL, ""); err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v, %v", resp, err)
	}
	got := rec.get()
	bounds := [][2]time.Duration{{500 * time.Millisecond, time.Second}, {time.Second, 2 * time.Second}, {1500 * time.Millisecond, 3 * time.Second}}
	if len(got) != len(bounds) {
		t.Fatalf("waits = %v, want %d", got, len(bounds))
	}
	for i, b := range bounds {
		if got[i] < b[0] || got[i] > b[1] {
			t.Errorf("wait %d = %v, want within %v", i, got[i], b)
		}
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	srv, hits := scripted(t, nil, 503)
	rec := &recorder{}
	resp, err := do(t, newClient(rec), http.MethodDelete, srv.URL, "")
	if err != nil {
		t.Fatalf("err = %v; want the last answer returned", err)
	}
	if resp.StatusCode != 503 || hits.Load() != 4 || len(rec.get()) != 3 {
		t.Errorf("status %d after %d hits and %d waits; want 503 after 4 hits and 3 waits", resp.StatusCode, hits.Load(), len(rec.get()))
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "answer") {
		t.Errorf("body of the last answer lost: %q", body)
	}
}

func TestStopsWhenWaitBudgetIsSpent(t *testing.T) {
	t.Parallel()
	srv, hits := scripted(t, http.Header{"Retry-After": {"40"}}, 429, 200)
	rec := &recorder{}
	c := newClient(rec, func(c *transport.Config) { c.MaxWait = 30 * time.Second })
	resp, err := do(t, c, http.MethodGet, srv.URL, "")
	if err != nil || resp.StatusCode != 429 || hits.Load() != 1 || len(rec.get()) != 0 {
		t.Errorf("got %v, %v after %d hits, waits %v; want the 429 at once", resp, err, hits.Load(), rec.get())
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 500} {
		srv, hits := scripted(t, nil, status, 200)
		resp, err := do(t, newClient(&recorder{}), http.MethodGet, srv.URL, "")
		if err != nil || resp.StatusCode != status || hits.Load() != 1 {
			t.Errorf("status %d: got %v, %v after %d hits; want no retry", status, resp, err, hits.Load())
		}
	}
}

func TestPostRetriedOnlyWhenServerProvablyDidNotAct(t *testing.T) {
	t.Parallel()
	t.Run("503 is not retried", func(t *testing.T) {
		t.Parallel()
		srv, hits := scripted(t, nil, 503, 200)
		resp, err := do(t, newClient(&recorder{}), http.MethodPost, srv.URL, "{}")
		if err != nil || resp.StatusCode != 503 || hits.Load() != 1 {
			t.Errorf("got %v, %v after %d hits; want the 503 after 1", resp, err, hits.Load())
		}
	})
	t.Run("429 is retried with the same body", func(t *testing.T) {
		t.Parallel()
		var bodies []string
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, string(b))
			n := len(bodies)
			mu.Unlock()
			if n == 1 {
				w.WriteHeader(429)
			}
		}))
		t.Cleanup(srv.Close)
		resp, err := do(t, newClient(&recorder{}), http.MethodPost, srv.URL, `{"name":"x"}`)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v, %v", resp, err)
		}
		if len(bodies) != 2 || bodies[0] != `{"name":"x"}` || bodies[1] != bodies[0] {
			t.Errorf("bodies = %q, want the same body twice", bodies)
		}
	})
	t.Run("connection refused is retried", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		rec := &recorder{}
		_, err = do(t, newClient(rec), http.MethodPost, "http://"+addr, "{}")
		if err == nil || len(rec.get()) != 3 {
			t.Errorf("err = %v, waits = %d; want an error after 3 retries", err, len(rec.get()))
		}
	})
	t.Run("connection reset is retried for GET only", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if hits.Add(1)%2 == 1 {
				conn, _, _ := w.(http.Hijacker).Hijack()
				_ = conn.(*net.TCPConn).SetLinger(0)
				_ = conn.Close()
			}
		}))
		t.Cleanup(srv.Close)
		resp, err := do(t, newClient(&recorder{}), http.MethodGet, srv.URL, "")
		if err != nil || resp.StatusCode != 200 || hits.Load() != 2 {
			t.Errorf("GET: got %v, %v after %d hits; want 200 after 2", resp, err, hits.Load())
		}
		hits.Store(0)
		_, err = do(t, newClient(&recorder{}), http.MethodPost, srv.URL, "{}")
		if err == nil || hits.Load() != 1 {
			t.Errorf("POST: err = %v after %d hits; want an error after 1", err, hits.Load())
		}
		if !transport.MayHaveActed(err) {
			t.Errorf("a reset after the request was sent must count as maybe acted: %v", err)
		}
	})
}

func TestMayHaveActed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("post: %w", syscall.ECONNRESET), true},
		{fmt.Errorf("post: %w", io.EOF), true},
		{fmt.Errorf("post: %w", io.ErrUnexpectedEOF), true},
		{fmt.Errorf("post: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("post: %w", context.Canceled), false},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), false},
		{&transport.APIError{Platform: "Test", StatusCode: 504}, true},
		{&transport.APIError{Platform: "Test", StatusCode: 502}, true},
		{&transport.APIError{Platform: "Test", StatusCode: 503}, false},
		{&transport.APIError{Platform: "Test", StatusCode: 409}, false},
		{errors.New("invalid configuration"), false},
	} {
		if got := transport.MayHaveActed(tc.err); got != tc.want {
			t.Errorf("MayHaveActed(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestPlatformCanMarkAnswerFinal(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(429)
		_, _ = io.WriteString(w, `{"errors":{"code":"INSUFFICIENT_REMAINING_STORAGE"}}`)
	}))
	t.Cleanup(srv.Close)
	final := func(_ *http.Response, body []byte) bool {
		return bytes.Contains(body, []byte("INSUFFICIENT_REMAINING_STORAGE"))
	}
	resp, err := do(t, newClient(&recorder{}, func(c *transport.Config) { c.Final = final }), http.MethodPost, srv.URL, "{}")
	if err != nil || resp.StatusCode != 429 || hits.Load() != 1 {
		t.Fatalf("got %v, %v after %d hits; want the 429 at once", resp, err, hits.Load())
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "INSUFFICIENT_REMAINING_STORAGE") {
		t.Errorf("peeked body not restored: %q", body)
	}
}

func TestSleepHonoursCancellation(t *testing.T) {
	t.Parallel()
	srv, hits := scripted(t, http.Header{"Retry-After": {"60"}}, 429)
	c := transport.New(transport.Config{Platform: "Test"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := c.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || hits.Load() != 1 {
		t.Errorf("err = %v after %d hits; want the deadline after 1", err, hits.Load())
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("waited %v despite the cancelled context", time.Since(start))
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.UserAgent() }))
	t.Cleanup(srv.Close)
	if _, err := do(t, newClient(&recorder{}), http.MethodGet, srv.URL, ""); err != nil {
		t.Fatal(err)
	}
	if got != "terraform-provider-dataplatforms/1.2.3" {
		t.Errorf("user agent = %q", got)
	}
}

func TestNoSecretInLogsOrErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-t0ken-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"message":"token `+r.Header.Get("Authorization")+` is not valid"}`)
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	c := transport.New(transport.Config{Platform: "Test", Secrets: []string{secret}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/things?token="+secret+"&x="+secret, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	apiErr := transport.NewAPIError("Test", resp, nil)
	if logs.Len() == 0 || !strings.Contains(logs.String(), `"attempt":1`) || !strings.Contains(logs.String(), `"status":401`) {
		t.Fatalf("expected a request log with attempt and status, got %q", logs.String())
	}
	for what, text := range map[string]string{"logs": logs.String(), "error": apiErr.Error()} {
		if strings.Contains(text, secret) {
			t.Errorf("%s contain the secret: %s", what, text)
		}
	}
	if apiErr.StatusCode != 401 || !strings.Contains(apiErr.Message, "is not valid") {
		t.Errorf("api error = %+v", apiErr)
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		body string
		want transport.ErrorDetails
	}{
		"message":   {`{"message":"no such asset"}`, transport.ErrorDetails{Message: "no such asset"}},
		"foundry":   {`{"errorCode":"NOT_FOUND","errorName":"FileNotFoundOnBranch","errorInstanceId":"abc","parameters":{"path":"a/b"}}`, transport.ErrorDetails{Code: "FileNotFoundOnBranch", RequestID: "abc", Parameters: map[string]string{"path": "a/b"}}},
		"bare json": {`"Cannot delete assets from a published version"`, transport.ErrorDetails{Message: "Cannot delete assets from a published version"}},
		"not json":  {`<html>`, transport.ErrorDetails{}},
		"empty":     {``, transport.ErrorDetails{}},
	}
	for name, tc := range cases {
		got := transport.DecodeGenericError([]byte(tc.body))
		if got.Code != tc.want.Code || got.Message != tc.want.Message || got.RequestID != tc.want.RequestID || len(got.Parameters) != len(tc.want.Parameters) {
			t.Errorf("%s: got %+v, want %+v", name, got, tc.want)
		}
	}
}

func FuzzDecodeGenericError(f *testing.F) {
	for _, seed := range []string{`{"message":"x"}`, `"x"`, `{"parameters":{"a":[1,{"b":null}]}}`, `null`, `[]`, ``} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(_ *testing.T, body []byte) { _ = transport.DecodeGenericError(body) })
}

func TestInt64DecodesANumberOrADigitString(t *testing.T) {
	for body, want := range map[string]int64{`{"n": 5}`: 5, `{"n": "5"}`: 5, `{"n": "1099511627776"}`: 1 << 40, `{"n": null}`: 0, `{}`: 0,
		`{"n": ""}`: 0, `{"n": 3.0}`: 3, `{"n": -2}`: -2} {
		var v struct {
			N transport.Int64 `json:"n"`
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil || int64(v.N) != want {
			t.Errorf("%s: %d, %v; want %d", body, v.N, err, want)
		}
	}
	for _, body := range []string{`{"n": "5 MB"}`, `{"n": 2.5}`, `{"n": true}`, `{"n": [1]}`} {
		var v struct {
			N transport.Int64 `json:"n"`
		}
		if err := json.Unmarshal([]byte(body), &v); err == nil {
			t.Errorf("%s decoded as %d; want an error", body, v.N)
		}
	}
}

// Paced faster than the server allows, the transport meets 429s, slows its pace down and still
// completes every request (the 429s are retried after their Retry-After).
func TestPacerAdaptsToAServerThatAllowsLess(t *testing.T) {
	lim := rate.NewLimiter(10, 1)
	var limited atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if !lim.Allow() {
			limited.Add(1)
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	pacer := transport.NewPacer(40)
	c := transport.New(transport.Config{Platform: "Test", Pacer: pacer, MaxAttempts: 20,
		Sleep: func(ctx context.Context, d time.Duration) error { return nil }})
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				resp, err := c.Get(srv.URL)
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
				}
				if resp != nil {
					_ = resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d requests failed", failed.Load())
	}
	if limited.Load() == 0 || pacer.Rate("") >= 40 {
		t.Errorf("%d 429s, pace now %g/s: a pace above the server's must meet 429s and slow down", limited.Load(), pacer.Rate(""))
	}
}

// A persistent request (a lookup after a lost answer) outlasts a run of resets that exhausts
// the ordinary budget, and repeats even a POST.
func TestPersistentLookupOutlastsTheOrdinaryBudget(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) <= 8 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			_ = conn.(*net.TCPConn).SetLinger(0)
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	c := newClient(&recorder{})
	if _, err := do(t, c, http.MethodGet, srv.URL, ""); err == nil || hits.Load() != 4 {
		t.Fatalf("ordinary GET: %v after %d attempts, want a failure after 4", err, hits.Load())
	}
	hits.Store(0)
	req, _ := http.NewRequestWithContext(transport.WithPersistence(context.Background()), http.MethodPost, srv.URL+"/search", strings.NewReader("{}"))
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 200 || hits.Load() != 9 {
		t.Fatalf("persistent POST: %v, %v after %d attempts, want 200 after 9", resp, err, hits.Load())
	}
	_ = resp.Body.Close()
}
