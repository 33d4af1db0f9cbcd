package sandbox

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// S3Model gives the sandbox's S3 endpoint the costs of real S3, so that a teardown's speed is
// measured against S3's limits rather than against a local store's. Its figures come from
// AWS's "Best practices design patterns: optimizing Amazon S3 performance"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html):
//
//   - "consistent small object latencies … of roughly 100–200 milliseconds": Latency, added
//     to every request;
//   - "at least 3,500 PUT/COPY/POST/DELETE … requests per second per partitioned Amazon S3
//     prefix": KeysPerSecond. Each key of a DeleteObjects is a delete against that figure; a
//     DeleteObjects whose keys the prefix cannot take now is answered 503 SlowDown (without
//     Retry-After, as S3 sends none), and refused requests cost nothing;
//   - AWS publishes no time per key of a DeleteObjects: PerKey models a partition that works
//     through a request's keys one after another at its published rate, 1/3,500 s a key.
//
// The zero value models nothing. A partition here is the bucket and the first segment of the
// request's first key (every key of one teardown scope shares it).
type S3Model struct {
	Latency       time.Duration `json:"latency"`
	PerKey        time.Duration `json:"per_key"`
	KeysPerSecond float64       `json:"keys_per_second"`
}

// MarshalJSON writes the durations as Go duration strings ("100ms").
func (m S3Model) MarshalJSON() ([]byte, error) {
	return json.Marshal(s3ModelJSON{Latency: m.Latency.String(), PerKey: m.PerKey.String(), KeysPerSecond: m.KeysPerSecond})
}

// UnmarshalJSON reads durations as Go duration strings ("100ms", "286µs").
func (m *S3Model) UnmarshalJSON(b []byte) error {
	var j s3ModelJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	out := S3Model{KeysPerSecond: j.KeysPerSecond}
	for _, d := range []struct {
		name, in string
		out      *time.Duration
	}{{"latency", j.Latency, &out.Latency}, {"per_key", j.PerKey, &out.PerKey}} {
		if d.in == "" {
			continue
		}
		v, err := time.ParseDuration(d.in)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		*d.out = v
	}
	*m = out
	return nil
}

type s3ModelJSON struct {
	Latency       string  `json:"latency,omitempty"`
	PerKey        string  `json:"per_key,omitempty"`
	KeysPerSecond float64 `json:"keys_per_second,omitempty"`
}

func (m S3Model) validate() error {
	switch {
	case m.Latency < 0 || m.Latency > time.Minute:
		return errors.New("latency must be within 0 and 1m")
	case m.PerKey < 0 || m.PerKey > time.Second:
		return errors.New("per_key must be within 0 and 1s")
	case m.KeysPerSecond < 0 || m.KeysPerSecond > 1e6:
		return errors.New("keys_per_second must be within 0 and 1000000")
	}
	return nil
}

// AWSS3Model is the model with AWS's published figures (the lower latency).
func AWSS3Model() S3Model {
	return S3Model{Latency: 100 * time.Millisecond, PerKey: time.Second / 3500, KeysPerSecond: 3500}
}

type s3Model struct {
	mu         sync.Mutex
	model      S3Model
	partitions map[string]*rate.Limiter
}

// SetS3Model sets the model of the S3 endpoint (the zero value turns it off). Partitions start
// with a full second's worth of keys.
func (sb *Sandbox) SetS3Model(m S3Model) {
	sb.model.mu.Lock()
	defer sb.model.mu.Unlock()
	sb.model.model = m
	sb.model.partitions = map[string]*rate.Limiter{}
}

func (m *s3Model) current() S3Model {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.model
}

// admit takes keys from the partition's second's worth, or says it cannot.
func (m *s3Model) admit(partition string, keys int, perSecond float64) bool {
	m.mu.Lock()
	lim := m.partitions[partition]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(perSecond), max(int(perSecond), 1000))
		m.partitions[partition] = lim
	}
	m.mu.Unlock()
	return lim.AllowN(time.Now(), keys)
}

// wrap applies the model before the store sees a request.
func (m *s3Model) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		model := m.current()
		if model == (S3Model{}) {
			next.ServeHTTP(w, r)
			return
		}
		keys, first := 0, ""
		if r.Method == http.MethodPost && r.URL.Query().Has("delete") {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			keys, first = deleteKeys(body)
		}
		time.Sleep(model.Latency)
		if keys > 0 && model.KeysPerSecond > 0 {
			bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
			segment, _, _ := strings.Cut(first, "/")
			if !m.admit(bucket+"/"+segment, keys, model.KeysPerSecond) {
				contentType, body := s3ErrorBody(http.StatusServiceUnavailable, "Please reduce your request rate.")
				w.Header().Set("Content-Type", contentType)
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write(body)
				return
			}
		}
		time.Sleep(time.Duration(keys) * model.PerKey)
		next.ServeHTTP(w, r)
	})
}

// deleteKeys counts the keys of a DeleteObjects body and returns the first.
func deleteKeys(body []byte) (int, string) {
	var del struct {
		Objects []struct {
			Key string `xml:"Key"`
		} `xml:"Object"`
	}
	if xml.Unmarshal(body, &del) != nil || len(del.Objects) == 0 {
		return 0, ""
	}
	return len(del.Objects), del.Objects[0].Key
}
