package v7

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// mapPrivate is private state as the framework keeps it: bytes by key.
type mapPrivate map[string][]byte

func (m mapPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}
func (m mapPrivate) SetKey(_ context.Context, key string, v []byte) diag.Diagnostics {
	m[key] = v
	return nil
}

// BenchmarkItemSetState measures what a set of 500, 10,000 and 100,000 items (5 a source folder) puts in the
// state file, through the code that writes it: the private record as saveRecord writes it and
// the framework encodes it (a JSON object of base64 values, base64 again in the state file), the
// cleanup_iam_policy as SetPolicy writes it (a JSON string), and the other attributes as a
// 300-item set's state file shows them (1,500 bytes). Goal: set-state-bytes-per-item ≤ 200.
// The acceptance tests read the real state file at 300 and 2,000 items.
func BenchmarkItemSetState(b *testing.B) {
	for _, n := range []int{500, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchSetState(b, n) })
	}
}

// benchSetState is one size of BenchmarkItemSetState; its time is what every refresh and apply
// of the set pays to write and read its record.
func benchSetState(b *testing.B, n int) {
	m := itemSetModel{Registered: map[string]string{}}
	var prefixes []string
	for i := range n {
		name := fmt.Sprintf("img-%d.jpg", i%5)
		m.Registered[fmt.Sprintf("/scans/p%05d/%s", i/5, name)] = sandbox.NewUUID()
		prefixes = append(prefixes, fmt.Sprintf("v7/darwin/customer-data/scans/p%05d/data/%s", i/5, name))
	}
	scope, _ := storage.NewScope("customer-bucket", prefixes...)
	m.Owned = scope
	var perItem, policyChars float64
	b.ResetTimer()
	for range b.N {
		p := mapPrivate{}
		if d := saveRecord(context.Background(), p, &m); d.HasError() {
			b.Fatal(d)
		}
		private, _ := json.Marshal(map[string][]byte(p))
		doc, _ := storage.FittingPolicy([]storage.Scope{m.Owned}, false, storage.IAMManagedPolicyMaxChars)
		policy, _ := json.Marshal(doc.JSON())
		total := base64.StdEncoding.EncodedLen(len(private)) + len(policy) + 1500
		perItem, policyChars = float64(total)/float64(n), float64(storage.IAMSize(doc.JSON()))
		var back itemSetModel
		if d := loadRecord(context.Background(), p, &back); d.HasError() || len(back.Registered) != n || len(back.Owned.Prefixes) != n {
			b.Fatalf("the record read back holds %d items and %d prefixes: %v", len(back.Registered), len(back.Owned.Prefixes), d)
		}
	}
	b.ReportMetric(perItem, "set-state-bytes-per-item(≤200)")
	b.ReportMetric(policyChars, "policy-chars(≤6144)")
}
