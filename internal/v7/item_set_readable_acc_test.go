package v7_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
)

// readable checks what a person reads of an applied set of n items, through the real binary:
// the state file holds at most 200 bytes an item (attributes, private state and the policy);
// a plan that adds 10 items (keys from added) and removes 5 (the keys removed) prints at most
// 5·15 + 60 lines, a destroy plan at most 120, and no line longer than 2,000 characters. The
// source is as it was afterwards.
func readable(t *testing.T, st *setTest, w *acctest.Workdir, n int, added func(i int) string, removed []string) {
	t.Helper()
	state := w.MustRun("state", "pull")
	t.Logf("%d items: the state file is %d bytes, %d an item", n, len(state), len(state)/n)
	if len(state)/n > 200 {
		t.Errorf("%d items: the state file holds %d bytes an item, goal ≤ 200", n, len(state)/n)
	}
	var keys []string
	for i := range 10 {
		keys = append(keys, added(i))
	}
	st.put(keys...)
	for _, k := range removed {
		if _, err := st.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	lines := func(what, out string, most int) {
		t.Helper()
		all := strings.Split(strings.TrimRight(out, "\n"), "\n")
		longest := 0
		for _, l := range all {
			longest = max(longest, len(l))
		}
		t.Logf("%d items: %s: %d lines, the longest %d characters", n, what, len(all), longest)
		if os.Getenv("DATAPLATFORMS_SHOW_PLANS") != "" {
			t.Log(out)
		}
		if len(all) > most || longest > 2000 {
			t.Errorf("%d items: %s printed %d lines (goal ≤ %d), the longest %d characters (goal ≤ 2,000):\n%s", n, what, len(all), most, longest, out)
		}
		if !strings.Contains(out, "dataplatforms_v7_item_set.test") {
			t.Errorf("%d items: %s does not show the set:\n%s", n, what, out)
		}
	}
	lines("a plan of +10 and −5", w.MustRun("plan", "-no-color"), 5*15+60)
	for _, k := range keys {
		if _, err := st.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
	st.put(removed...)
	lines("the destroy plan", w.MustRun("plan", "-destroy", "-no-color"), 120)
}

// A set of 300 items: its state, a plan of 10 added and 5 removed, and its destroy plan grow
// with the change, not with the set (before: 1,318 lines for the change). The 2,000-item case is
// TestAccV7ItemSet_spreadDatasetDestroyAtS3Floor's.
//
// DATAPLATFORMS_READABLE_N sets another size, to measure at 10,000 by hand (`make test` keeps 300).
func TestAccV7ItemSet_plansAndStateGrowWithTheChange(t *testing.T) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("DATAPLATFORMS_READABLE_N")); err == nil && v > 15 {
		n = v
	}
	st := newSetTest(t, "setreadable")
	st.putSources(n)
	w := acctest.NewWorkdir(t, fmt.Sprintf(killSetTF, v7fake.StorageRW, st.folder, st.base+"/scans"))
	w.MustRun("apply", "-auto-approve")
	var removed []string
	for i := range 5 {
		removed = append(removed, st.key(10+i))
	}
	readable(t, st, w, n, func(i int) string { return st.key(n + i) }, removed)
	w.MustRun("destroy", "-auto-approve")
	if err := st.checkItems(0)(nil); err != nil {
		t.Fatal(err)
	}
}
