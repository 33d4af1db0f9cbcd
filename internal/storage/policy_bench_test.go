package storage_test

import (
	"fmt"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// BenchmarkTeardownPolicy builds a V7 item set's cleanup_iam_policy from its scope (one
// name-keyed folder per item), as every refresh of the set does: NewScope, the policy that fits
// IAM (FittingPolicy) and its JSON, and the policy's size. Target: linear in N, so ns/prefix is about the same at 10,000 and 100,000 prefixes (it
// was quadratic: 0.37 s at 10,000, 42 s at 100,000).
func BenchmarkTeardownPolicy(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			prefixes := make([]string, n)
			for i := range prefixes {
				prefixes[i] = fmt.Sprintf("v7/darwin/scans/data/scan-%06d.jpg", n-i) // unsorted, as a map's order
			}
			size := 0
			b.ResetTimer()
			for range b.N {
				s, err := storage.NewScope("customer-bucket", prefixes...)
				if err != nil {
					b.Fatal(err)
				}
				doc, _ := storage.FittingPolicy([]storage.Scope{s}, false, storage.IAMManagedPolicyMaxChars)
				if size = storage.IAMSize(doc.JSON()); size == 0 {
					b.Fatal("no policy")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/prefix")
			b.ReportMetric(float64(size), "policy-chars(≤6144)")
		})
	}
}
