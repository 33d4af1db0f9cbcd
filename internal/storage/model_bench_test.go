package storage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// BenchmarkTeardownS3Model measures the engine against S3's own limits, on the sandbox's model
// of S3 (sandbox.AWSS3Model: 100 ms a request, 1/3,500 s a deleted key, 3,500 keys a second
// per prefix answered 503 SlowDown above it; the figures' source is named there), in front of
// the embedded store:
//
//   - latency: one scope of 20,000 objects with latency and per-key cost only. The engine's time
//     against the sequential loop's (list a page, DeleteObjects it, list the next) on the same
//     model: latency-loop-ratio, target ≤ 0.35.
//   - limit: one scope of 20,000 and of 200,000 objects under the per-prefix limit. The engine's
//     time against the floor the limit imposes, N / 3,500 s: s3-floor-ratio, target ≤ 1.15,
//     with 0 errors and 0 reruns (one Delete call empties the scope, or the benchmark fails).
//     The teardown's peak heap is reported for both sizes and its ratio at the larger one
//     (target: independent of N; the in-process store's own request buffers are in it too).
//
// The store itself (in memory) adds little to the model's costs; versitygw's serial deletes
// are measured by BenchmarkTeardownScale.
func BenchmarkTeardownS3Model(b *testing.B) {
	ctx := context.Background()
	// The sandbox runs in a child process, so that the peak heap measured here is the
	// teardown's own and not the store's.
	srv, admin := startChildSandbox(b)
	through := srv.Client(func(o *s3.Options) {
		o.Retryer = storage.NewRetryer(5)
		o.HTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	})
	setModel := func(b *testing.B, m sandbox.S3Model) {
		b.Helper()
		body, _ := json.Marshal(m)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, admin+"/s3model", bytes.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("setting the S3 model: %v %v", resp, err)
		}
		_ = resp.Body.Close()
	}
	s3Log := func(b *testing.B) []sandbox.RequestRecord {
		b.Helper()
		resp, err := http.Get(admin + "/requests?platform=s3")
		if err != nil {
			b.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var log []sandbox.RequestRecord
		if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
			b.Fatal(err)
		}
		return log
	}
	slowDowns := func(b *testing.B) int {
		b.Helper()
		n := 0
		for _, r := range s3Log(b) {
			if r.Status == http.StatusServiceUnavailable {
				n++
			}
		}
		return n
	}
	clearLog := func(b *testing.B) {
		b.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, admin+"/requests", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	model := sandbox.AWSS3Model()

	// seed fills a fresh bucket with n objects of one scope, around the model.
	seed := func(b *testing.B, n int) string {
		b.Helper()
		setModel(b, sandbox.S3Model{})
		bucket := newBucket(b, srv, false, false)
		put(b, srv.Client(), bucket, benchKeys(n)...)
		return bucket
	}
	run := func(b *testing.B, m sandbox.S3Model, bucket string, f teardown) time.Duration {
		b.Helper()
		setModel(b, m)
		clearLog(b)
		start := time.Now()
		if err := f(ctx, through, bucket, "bench/scale"); err != nil {
			b.Fatalf("the teardown failed (a rerun would be needed): %v", err)
		}
		took := time.Since(start)
		setModel(b, sandbox.S3Model{})
		if left := keys2(b, srv.Client(), bucket); left != 0 {
			b.Fatalf("%d objects left: a rerun would be needed", left)
		}
		return took
	}

	b.Run("latency/20000", func(b *testing.B) {
		const n = 20000
		latencyOnly := model
		latencyOnly.KeysPerSecond = 0
		var engineTime, loopTime time.Duration
		for range b.N {
			b.StopTimer()
			bucket := seed(b, n)
			b.StartTimer()
			engineTime += run(b, latencyOnly, bucket, engine)
			b.StopTimer()
			bucket = seed(b, n)
			loopTime += run(b, latencyOnly, bucket, pageSequential)
			b.StartTimer()
		}
		b.ReportMetric(engineTime.Seconds()/float64(b.N), "engine-s")
		b.ReportMetric(loopTime.Seconds()/float64(b.N), "loop-s")
		b.ReportMetric(engineTime.Seconds()/loopTime.Seconds(), "latency-loop-ratio(≤0.35)")
	})

	// spread: a V7 item set's scope over many source folders (20,000 items, 5 a folder over
	// 4,000 folders, 3 objects each: 60,000 objects, beside the folders' 20,000 source images), on
	// the whole model. Its preview (capped as a destroy's) and teardown against the floor: the
	// limit's objects / 3,500 s, or the sequential listing pages' round trips when more:
	// spread-floor-ratio (the acceptance budget allows 3× for terraform's own work; the storage
	// part should be near 1×), and the teardown's own, teardown-floor-ratio. Requests against the
	// dense budget, 3·⌈objects/1000⌉ + 20.
	b.Run("spread/20000-items-4000-folders", func(b *testing.B) {
		const folders, perFolder = 4000, 5
		var took, previewTook time.Duration
		var peak float64
		requests, previewRequests := 0, 0
		var prefixes, owned, sources []string
		for f := range folders {
			for i := range perFolder {
				p := fmt.Sprintf("spread/scans/p%04d/data/img-%d.jpg", f, i)
				prefixes = append(prefixes, p)
				owned = append(owned, p+"/uploads/u/thumbnails/000000000.jpg", p+"/sections/000000000.png", p+"/sections/000000001.png")
				sources = append(sources, fmt.Sprintf("spread/scans/p%04d/img-%d.jpg", f, i))
			}
		}
		for range b.N {
			b.StopTimer()
			setModel(b, sandbox.S3Model{})
			bucket := newBucket(b, srv, false, false)
			put(b, srv.Client(), bucket, append(owned, sources...)...)
			scope, err := storage.NewScope(bucket, prefixes...)
			if err != nil {
				b.Fatal(err)
			}
			setModel(b, model)
			clearLog(b)
			b.StartTimer()
			start := time.Now()
			peak = max(peak, heapPeak(func() {
				e := storage.New(through, storage.Options{})
				// A destroy's preview counts up to 10,000 objects a scope (teardown.PreviewLimit).
				if p, err := e.Count(ctx, scope, 10000); err != nil || !p.Capped {
					b.Fatalf("preview %+v, %v", p, err)
				}
				previewRequests += len(s3Log(b))
				previewTook += time.Since(start)
				if _, err := e.Delete(ctx, scope); err != nil {
					b.Fatalf("the teardown failed (a rerun would be needed): %v", err)
				}
			}))
			took += time.Since(start)
			b.StopTimer()
			requests += len(s3Log(b))
			setModel(b, sandbox.S3Model{})
			if left := keys2(b, srv.Client(), bucket); left != len(sources) {
				b.Fatalf("%d keys left, want the %d sources", left, len(sources))
			}
			b.StartTimer()
		}
		listed := len(owned) + len(sources)
		floor := max(float64(len(owned))/model.KeysPerSecond, float64((listed+999)/1000+1)*model.Latency.Seconds())
		b.ReportMetric(took.Seconds()/float64(b.N), "s")
		b.ReportMetric(previewTook.Seconds()/float64(b.N), "preview-s")
		b.ReportMetric(floor, "floor-s")
		b.ReportMetric(took.Seconds()/float64(b.N)/floor, "spread-floor-ratio")
		b.ReportMetric((took-previewTook).Seconds()/float64(b.N)/floor, "teardown-floor-ratio")
		b.ReportMetric(float64(requests)/float64(b.N), "requests")
		b.ReportMetric(float64(previewRequests)/float64(b.N), "preview-requests")
		b.ReportMetric(float64(3*((len(owned)+999)/1000)+20), "budget-requests")
		b.ReportMetric(peak, "peak-heap-MiB")
	})

	heaps := map[int]float64{}
	for _, n := range []int{20000, 200000} {
		b.Run(fmt.Sprintf("limit/%d", n), func(b *testing.B) {
			var took time.Duration
			var peak float64
			refused := 0
			for range b.N {
				b.StopTimer()
				bucket := seed(b, n)
				b.StartTimer()
				peak = max(peak, heapPeak(func() { took += run(b, model, bucket, engine) }))
				b.StopTimer()
				refused += slowDowns(b)
				b.StartTimer()
			}
			floor := float64(n) / model.KeysPerSecond
			b.ReportMetric(took.Seconds()/float64(b.N), "s")
			b.ReportMetric(floor, "floor-s")
			b.ReportMetric(took.Seconds()/float64(b.N)/floor, "s3-floor-ratio(≤1.15)")
			b.ReportMetric(float64(refused)/float64(b.N), "SlowDown/op")
			b.ReportMetric(peak, "peak-heap-MiB")
			heaps[n] = peak
			if small := heaps[20000]; n > 20000 && small > 0 {
				b.ReportMetric(peak/small, "heap-ratio-vs-20000")
			}
		})
	}
}

// childSandboxEnv makes the test binary serve a sandbox instead of running tests (see TestMain).
const childSandboxEnv = "STORAGE_TEST_SERVE_SANDBOX"

// startChildSandbox runs this test binary again as a sandbox with the embedded store, and
// returns its S3 endpoint as a server and its admin endpoint. The child ends with the benchmark.
func startChildSandbox(b *testing.B) (*s3store.Server, string) {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childSandboxEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = stdin.Close(); _ = cmd.Wait() })
	var ready childSandbox
	if err := json.NewDecoder(stdout).Decode(&ready); err != nil {
		b.Fatalf("the child sandbox did not start: %v", err)
	}
	return &s3store.Server{Kind: s3store.Embedded, Endpoint: ready.S3, Region: ready.Region, AccessKey: ready.AccessKey, SecretKey: ready.SecretKey}, ready.Admin
}

type childSandbox struct {
	S3, Admin, Region, AccessKey, SecretKey string
}

// serveChildSandbox is the child: it prints its endpoints as one JSON line and serves until its
// standard input closes.
func serveChildSandbox() int {
	store, err := s3store.StartEmbedded()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = store.Close() }()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{S3: store})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer sb.Close()
	_ = json.NewEncoder(os.Stdout).Encode(childSandbox{S3: sb.Endpoints["s3"], Admin: sb.Endpoints["admin"],
		Region: store.Region, AccessKey: store.AccessKey, SecretKey: store.SecretKey})
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}
