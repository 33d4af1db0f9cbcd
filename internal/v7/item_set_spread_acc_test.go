package v7_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
)

// A spread dataset: 2,000 items over 400 source folders (5 a folder), V7's metadata under each
// source folder's own data/ folder (4,000 objects), with neighbours in every folder: the source
// images, a longer name beside an owned folder, and the same name under a sibling source
// folder. terraform destroy, its plan included, sends at most 3·⌈objects/1000⌉ + 20 S3
// requests (the old engine sent 5 a folder: over 10,000), leaves nothing owned and every
// neighbour byte-identical. Then a smaller spread set, killed in the middle of its destroy: one
// more destroy finishes it.
func TestAccV7ItemSet_spreadDatasetDestroyAtS3Floor(t *testing.T) {
	const folders, perFolder = 400, 5
	st := newSetTest(t, "setspread")
	var sources, planted []string
	var all []string // every item's metadata folder
	for f := range folders {
		for i := range perFolder {
			key := fmt.Sprintf("%s/scans/p%03d/img-%d.jpg", st.base, f, i)
			sources = append(sources, key)
			all = append(all, v7fake.MetadataFolder("v7/darwin", key, fmt.Sprintf("img-%d.jpg", i)))
		}
		planted = append(planted,
			fmt.Sprintf("v7/darwin/%s/scans/p%03d/data/img-0.jpg-x/a.png", st.base, f), // a longer name beside an owned folder
			fmt.Sprintf("v7/darwin/%s/other/p%03d/data/img-0.jpg/a.png", st.base, f))   // the same name, a sibling source folder
	}
	st.put(sources...)
	neighbours := acctest.PlantNeighbours(t, st.s3, sandbox.BucketPlain, planted...)
	source := acctest.RememberUnder(t, st.s3, sandbox.BucketPlain, st.base+"/scans/")
	w := acctest.NewWorkdir(t, fmt.Sprintf(killSetTF, v7fake.StorageRW, st.folder, st.base+"/scans"))
	owned := func() int {
		n := 0
		for _, f := range all {
			n += st.objectsUnder(f)
		}
		return n
	}
	check := func(when string) {
		t.Helper()
		if n := owned(); n != 0 {
			t.Fatalf("%s: %d owned objects left", when, n)
		}
		if err := st.checkItems(0)(nil); err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if out := w.MustRun("state", "list"); strings.TrimSpace(out) != "" {
			t.Fatalf("%s: state still holds %q", when, out)
		}
		for _, n := range []*acctest.Neighbours{neighbours, source} {
			if err := n.Intact(context.Background()); err != nil {
				t.Fatalf("%s: %v", when, err)
			}
		}
	}

	w.MustRun("apply", "-auto-approve")
	readable(t, st, w, folders*perFolder, func(i int) string {
		return fmt.Sprintf("%s/scans/p%03d/img-%d.jpg", st.base, folders+i/perFolder, i%perFolder)
	}, sources[:5])
	objects := owned()
	if objects != folders*perFolder*v7fake.DerivedPerSlot {
		t.Fatalf("V7 wrote %d objects, want %d", objects, folders*perFolder*v7fake.DerivedPerSlot)
	}
	acctest.Sandbox(t).Faults().ClearRequests()
	w.MustRun("destroy", "-auto-approve")
	var lists, deletes, other int
	for _, r := range acctest.Sandbox(t).Faults().Requests("s3") {
		switch {
		case r.Method == http.MethodPost:
			deletes++
		case r.Method == http.MethodGet && !strings.Contains(r.Query, "versioning"):
			lists++
		default:
			other++
		}
	}
	budget := 3*ceil(objects, 1000) + 20
	t.Logf("terraform destroy of %d items in %d folders, %d objects: %d S3 requests (%d listings, %d DeleteObjects, %d other); budget %d",
		folders*perFolder, folders, objects, lists+deletes+other, lists, deletes, other, budget)
	if lists+deletes+other > budget {
		t.Errorf("terraform destroy sent %d S3 requests, budget 3·⌈objects/1000⌉ + 20 = %d", lists+deletes+other, budget)
	}
	check("after the destroy")

	// A smaller spread set (100 items over 20 folders), its destroy killed while S3's deletes
	// are slowed, once V7's items are gone: one more destroy finishes it.
	killed := newSetTest(t, "setspreadkill")
	var keys, kfolders []string
	for f := range 20 {
		for i := range perFolder {
			key := fmt.Sprintf("%s/scans/p%03d/img-%d.jpg", killed.base, f, i)
			keys = append(keys, key)
			kfolders = append(kfolders, v7fake.MetadataFolder("v7/darwin", key, fmt.Sprintf("img-%d.jpg", i)))
		}
	}
	killed.put(keys...)
	kw := acctest.NewWorkdir(t, fmt.Sprintf(killSetTF, v7fake.StorageRW, killed.folder, killed.base+"/scans"))
	kw.MustRun("apply", "-auto-approve")
	kowned := func() int {
		n := 0
		for _, f := range kfolders {
			n += killed.objectsUnder(f)
		}
		return n
	}
	acctest.AddFault(t, `{"platform":"s3","latency_ms":3000,"method":"POST"}`)
	killMid(t, kw, func() bool { items, err := killed.items(); return err == nil && len(items) == 0 }, "destroy")
	left := kowned()
	t.Logf("killed the destroy with %d of %d owned objects left", left, len(keys)*v7fake.DerivedPerSlot)
	if left == 0 {
		t.Fatal("the destroy had finished before the kill: the test proves nothing")
	}
	kw.MustRun("destroy", "-auto-approve")
	if n := kowned(); n != 0 {
		t.Fatalf("%d owned objects left after the destroy that finished the killed one", n)
	}
	if out := kw.MustRun("state", "list"); strings.TrimSpace(out) != "" {
		t.Fatalf("state still holds %q", out)
	}
	if err := neighbours.Intact(context.Background()); err != nil {
		t.Fatal(err)
	}
}
