package dandi_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

const (
	benchAssets     = 100000
	keptPrefix      = "derivatives/dandiset-000409/sub-00042"
	manifestContext = "https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/context.json"
)

// writeManifest writes an assets.jsonld of n entries shaped like the archive's (full
// metadata per asset), with contentSize alternating between an int and a digit string.
func writeManifest(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "assets.jsonld")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, _ = w.WriteString("[")
	for i := range n {
		if i > 0 {
			_, _ = w.WriteString(",")
		}
		size := fmt.Sprint(1000 + i)
		if i%2 == 1 {
			size = `"` + size + `"`
		}
		id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
		_, _ = fmt.Fprintf(w, `{"@context":%q,"id":"dandiasset:%s","identifier":%q,"schemaKey":"Asset","schemaVersion":"0.6.4",`+
			`"path":"derivatives/dandiset-000409/sub-%05d/pipeline-aind+ephys/version-v1.0.0/attempt-1/out-%d.nwb","contentSize":%s,`+
			`"encodingFormat":"application/x-nwb","dateModified":"2024-05-01T12:00:%02dZ","blobDateModified":"2024-05-01T11:00:00Z",`+
			`"contentUrl":["https://api.dandiarchive.org/api/assets/%s/download/","https://dandiarchive.s3.amazonaws.com/blobs/%s/%s/%s-blob"],`+
			`"digest":{"dandi:dandi-etag":"%032x-1","dandi:sha2-256":"%064x"},"access":[{"schemaKey":"AccessRequirements","status":"dandi:OpenAccess"}],`+
			`"wasGeneratedBy":[{"schemaKey":"Activity","name":"Metadata generation","startDate":"2024-05-01T11:59:00Z","wasAssociatedWith":[{"schemaKey":"Software","name":"dandi-cli","version":"0.62.0"}]}]}`,
			manifestContext, id, id, i/10, i, size, i%60, id, id[0:3], id[3:6], id, i, i)
	}
	_, _ = w.WriteString("]")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// run times a command and returns its output.
func run(b *testing.B, cmd *exec.Cmd) (time.Duration, string) {
	b.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return elapsed, string(out)
}

// peakMiB reads the VmHWM line a process printed from its /proc/self/status: its own peak
// resident memory since exec.
func peakMiB(b *testing.B, out string) float64 {
	b.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	b.Skip("no VmHWM in /proc/self/status: peak memory is measured on Linux only")
	return 0
}

// BenchmarkManifest100k streams a generated 100,000-asset manifest, keeping 10 assets, in a
// process of its own (cmd/manifestread, built first) and runs `python3 -c 'import json;
// json.load(open(F))'` on the same file, in pairs, in the same run. It reports the medians of
// both times, the median of the paired ratios, both peak memories and their ratio, against the
// targets: ≥ 10× faster and ≤ 1/15 of python's peak memory.
func BenchmarkManifest100k(b *testing.B) {
	path := writeManifest(b, benchAssets)
	info, _ := os.Stat(path)
	python, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 is not installed: no baseline to compare with")
	}
	reader := filepath.Join(b.TempDir(), "manifestread")
	if out, err := exec.Command("go", "build", "-o", reader, "./cmd/manifestread").CombinedOutput(); err != nil { //nolint:gosec // fixed arguments
		b.Fatalf("building cmd/manifestread: %v\n%s", err, out)
	}
	var goTimes, pyTimes, ratios []float64
	var goPeak, pyPeak float64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(reader, path, keptPrefix) //nolint:gosec // the benchmark's own program and file
		t, out := run(b, cmd)
		if kept, _, _ := strings.Cut(out, "\n"); kept != "10" {
			b.Fatalf("manifestread kept %q assets, want 10", kept)
		}
		goTimes, goPeak = append(goTimes, t.Seconds()), max(goPeak, peakMiB(b, out))
		script := "import json; json.load(open(" + fmt.Sprintf("%q", path) + ")); print(open('/proc/self/status').read())"
		t, out = run(b, exec.Command(python, "-c", script)) //nolint:gosec // fixed program
		pyTimes, pyPeak = append(pyTimes, t.Seconds()), max(pyPeak, peakMiB(b, out))
		ratios = append(ratios, pyTimes[len(pyTimes)-1]/goTimes[len(goTimes)-1])
	}
	b.ReportMetric(float64(info.Size())/(1<<20), "file-MiB")
	b.ReportMetric(acctest.Median(goTimes)*1000, "go-ms")
	b.ReportMetric(acctest.Median(pyTimes)*1000, "python-ms")
	b.ReportMetric(acctest.Median(ratios), "time-ratio-py/go(≥10)")
	b.ReportMetric(goPeak, "go-peak-MiB")
	b.ReportMetric(pyPeak, "python-peak-MiB")
	b.ReportMetric(pyPeak/goPeak, "memory-ratio-py/go(≥15)")
}

// BenchmarkReadManifest100k is the streaming reader alone, in process, with its allocations
// and its throughput (target ≥ 400 MiB/s).
func BenchmarkReadManifest100k(b *testing.B) {
	path := writeManifest(b, benchAssets)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(path) //nolint:gosec // the benchmark's own file
		if err != nil {
			b.Fatal(err)
		}
		kept, err := dandi.ReadManifest(bufio.NewReaderSize(f, 1<<16), func(p string) bool { return dandi.UnderPrefix(p, keptPrefix) })
		_ = f.Close()
		if err != nil || len(kept) != 10 {
			b.Fatalf("kept %d: %v", len(kept), err)
		}
	}
}
