package dandi_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

const (
	benchAssets     = 100000
	helperEnv       = "DANDI_MANIFEST_HELPER"
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

// TestManifestHelper is not a test: run by the benchmark as a child process, it streams the
// manifest named by DANDI_MANIFEST_HELPER, so that its peak memory can be measured as the
// Python baseline's is.
func TestManifestHelper(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("only run by BenchmarkManifest100k")
	}
	f, err := os.Open(path) //nolint:gosec // the benchmark's own file
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	kept, err := dandi.ReadManifest(bufio.NewReaderSize(f, 1<<16), func(p string) bool { return dandi.UnderPrefix(p, keptPrefix) })
	if err != nil || len(kept) != 10 {
		t.Fatalf("kept %d assets, want 10: %v", len(kept), err)
	}
}

// run times a command and reads its peak resident memory.
func run(b *testing.B, cmd *exec.Cmd) (time.Duration, float64) {
	b.Helper()
	start := time.Now()
	out, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		return elapsed, 0
	}
	return elapsed, float64(ru.Maxrss) / 1024 // KiB → MiB on Linux
}

// BenchmarkManifest100k streams a generated 100,000-asset manifest, keeping 10 assets, in a
// child process, and runs `python3 -c 'import json; json.load(open(F))'` on the same file in
// the same run: it reports both times, both peak memories and their ratios.
func BenchmarkManifest100k(b *testing.B) {
	path := writeManifest(b, benchAssets)
	info, _ := os.Stat(path)
	python, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 is not installed: no baseline to compare with")
	}
	var goTime, pyTime time.Duration
	var goPeak, pyPeak float64
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^TestManifestHelper$", "-test.count=1") //nolint:gosec // the test binary itself
		cmd.Env = append(os.Environ(), helperEnv+"="+path)
		t, m := run(b, cmd)
		goTime, goPeak = goTime+t, max(goPeak, m)
		t, m = run(b, exec.Command(python, "-c", "import json; json.load(open("+fmt.Sprintf("%q", path)+"))")) //nolint:gosec // fixed program
		pyTime, pyPeak = pyTime+t, max(pyPeak, m)
	}
	n := float64(b.N)
	b.ReportMetric(float64(info.Size())/(1<<20), "file-MiB")
	b.ReportMetric(goTime.Seconds()*1000/n, "go-ms")
	b.ReportMetric(pyTime.Seconds()*1000/n, "python-ms")
	b.ReportMetric(goPeak, "go-peak-MiB")
	b.ReportMetric(pyPeak, "python-peak-MiB")
	b.ReportMetric(pyTime.Seconds()/goTime.Seconds(), "time-ratio-py/go")
	b.ReportMetric(pyPeak/goPeak, "memory-ratio-py/go")
}

// BenchmarkReadManifest100k is the streaming reader alone, in process, with its allocations.
func BenchmarkReadManifest100k(b *testing.B) {
	path := writeManifest(b, benchAssets)
	b.ReportAllocs()
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
