package v7

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

func TestGlobsSelectRelativeKeys(t *testing.T) {
	t.Parallel()
	cases := []struct {
		include, exclude []string
		take, leave      []string
	}{
		{nil, nil, []string{"a.jpg", "x/y/z.png"}, nil},
		{[]string{"*.jpg"}, nil, []string{"a.jpg"}, []string{"x/a.jpg", "a.jpeg", "a.jpg.bak"}},
		{[]string{"**/*.jpg"}, []string{"tmp/**"}, []string{"a.jpg", "x/y/a.jpg", "tmpx/a.jpg"}, []string{"tmp/a.jpg", "tmp/x/a.jpg", "a.png"}},
		{[]string{"scan-?.jpg"}, nil, []string{"scan-1.jpg"}, []string{"scan-10.jpg", "scan-/.jpg"}},
		{[]string{"a+b(1).jpg"}, nil, []string{"a+b(1).jpg"}, []string{"aab(1).jpg"}},
	}
	for _, tc := range cases {
		m, err := newMatcher(tc.include, tc.exclude)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range tc.take {
			if !m.takes(k) {
				t.Errorf("include %q exclude %q leaves %q", tc.include, tc.exclude, k)
			}
		}
		for _, k := range tc.leave {
			if m.takes(k) {
				t.Errorf("include %q exclude %q takes %q", tc.include, tc.exclude, k)
			}
		}
	}
}

func TestSetFolderRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		folder, set string
		in          bool
	}{{"/a", "/a", true}, {"/a/b", "/a", true}, {"/a-b", "/a", false}, {"/ab", "/a", false}, {"/a/", "/a", true}, {"/b/a", "/a", false}} {
		if got := inFolder(tc.folder, tc.set); got != tc.in {
			t.Errorf("inFolder(%q, %q) = %v", tc.folder, tc.set, got)
		}
	}
	if err := ownedFolder("/"); err == nil {
		t.Error("a set may not own the dataset's root")
	}
	if got := folderOfBatch([]SetMember{{Item: RegisterItem{Path: "/s/a/x"}}, {Item: RegisterItem{Path: "/s/a"}}, {Item: RegisterItem{Path: "/s/b"}}}); got != "/s" {
		t.Errorf("folderOfBatch = %q, want /s", got)
	}
	got := setFolders("v7/darwin", []string{"v7/darwin/src/data/a.jpg", "v7/darwin/data/b.jpg", "v7/darwin/src/datax/c.jpg", "other/src/data/d.jpg"})
	want := map[string]NameFolder{
		"v7/darwin/src/data/a.jpg": {Prefix: "v7/darwin/src/data/a.jpg", SourceFolder: "src", Name: "a.jpg"},
		"v7/darwin/data/b.jpg":     {Prefix: "v7/darwin/data/b.jpg", SourceFolder: "", Name: "b.jpg"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("setFolders = %v, want %v", got, want)
	}
}

// Names go in batches whose query stays under the bound, each name once, in order.
func TestNameBatchesKeepURLsShort(t *testing.T) {
	t.Parallel()
	var names []string
	for i := range 2005 {
		names = append(names, fmt.Sprintf("img-%04d.jpg", i))
	}
	names = append(names, strings.Repeat("é", 300))
	batches := nameBatches(names)
	var all []string
	for _, b := range batches {
		q := url.Values{"item_names[]": b}.Encode()
		if len(q) > namesQueryBytes {
			t.Errorf("a batch of %d names encodes to %d bytes", len(b), len(q))
		}
		all = append(all, b...)
	}
	if !slices.Equal(all, names) || len(batches) > 10 {
		t.Errorf("%d batches holding %d names", len(batches), len(all))
	}
}

// The scan takes a key for a data/<name>/ folder only when exactly one of its parts is data with
// a name and more after it, under the prefix, and in the source folder asked for; a lone key
// data/<name> is no folder; a folder is V7's by its layout only when every key lies in a folder
// V7 writes.
func TestOrphanScanTakesOnlyUnambiguousFolders(t *testing.T) {
	t.Parallel()
	src := "s/scans"
	s := newOrphanScan("v7", &src)
	for _, k := range []string{
		"v7/s/scans/data/a/uploads/u/x.png", "v7/s/scans/data/a/sections/y.png", // folder a, 2 objects, V7's layout
		"v7/s/scans/data/m/uploads/u/x.png", "v7/s/scans/data/m/labels.csv", // folder m, not only V7's layout
		"v7/s/scans/data/n/uploads",      // folder n: a file named uploads is no V7 folder
		"v7/s/scans/data/b",              // a lone key named like a folder: nobody's
		"v7/s/scans/data/c/data/d/x.png", // c or d: neither
		"v7/s/scans/Data/e/x.png",        // not a data/ parent
		"v7/s/scans/data",                // no name
		"v7/s/other/data/f/x.png",        // another source folder
		"other/s/scans/data/g/x.png",     // outside the prefix
		"v7x/s/scans/data/h/x.png",       // a longer prefix
	} {
		s.add(storage.Object{Key: k, Size: 1})
	}
	var got []string
	for p, f := range s.candidates() {
		got = append(got, fmt.Sprintf("%s=%d/%v", p, f.Objects, f.onlyV7))
	}
	slices.Sort(got)
	if want := "[v7/s/scans/data/a=2/true v7/s/scans/data/m=2/false v7/s/scans/data/n=1/false]"; fmt.Sprint(got) != want {
		t.Errorf("folders %v, want %s", got, want)
	}
}
