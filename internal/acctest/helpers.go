package acctest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

// Unique returns a name no other test run in the shared sandbox uses, for prefixes, folders
// and item names.
func Unique(name string) string { return fmt.Sprintf("%s-%d", name, time.Now().UnixNano()) }

// AddFault injects a fault into the shared sandbox (the JSON of sandbox.Fault).
func AddFault(t testing.TB, fault string) {
	t.Helper()
	AddFaultTo(t, Sandbox(t), fault)
}

// AddFaultTo injects a fault into a sandbox through its admin API.
func AddFaultTo(t testing.TB, sb *sandbox.Sandbox, fault string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, sb.Endpoints["admin"]+"/faults", strings.NewReader(fault))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("adding fault %s: %v", fault, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("adding fault %s: %s", fault, resp.Status)
	}
}

// ClearFaults removes every fault from the shared sandbox.
func ClearFaults(t testing.TB) {
	t.Helper()
	if err := Sandbox(t).Faults().Clear(); err != nil {
		t.Fatalf("clearing faults: %v", err)
	}
}

// AssertNoWrites fails t if the sandbox served any request to the platforms that could change
// something: anything but GET and HEAD, and the searches sent as POST (paths ending in
// /search). It proves that refused input reached nothing. Call it after resource.Test: a
// TestCase's CheckDestroy does not run when the steps leave nothing in state, as refused
// input does.
func AssertNoWrites(t testing.TB, platforms ...string) {
	t.Helper()
	for _, p := range platforms {
		for _, r := range Sandbox(t).Faults().Requests(p) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.Path, "/search") {
				t.Errorf("refused input reached %s: %s %s", p, r.Method, r.Path)
			}
		}
	}
}

// Eventually polls check until it returns nil or timeout passes, and returns its last error:
// what a test waits for is a condition, never a guessed duration.
func Eventually(timeout time.Duration, check func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last error
	err := wait.Until(ctx, 20*time.Millisecond, 500*time.Millisecond, func(context.Context) (bool, error) {
		last = check()
		return last == nil, nil
	})
	if last != nil {
		return fmt.Errorf("after %s: %w", timeout, last)
	}
	return err
}

// Median is the middle of a benchmark's alternated runs (the mean of the middle two for an even
// count): one run slowed by the machine does not move it.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
