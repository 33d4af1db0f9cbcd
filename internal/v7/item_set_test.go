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

// The scan takes a key for a data/<name> folder only when exactly one of its parts is data with
// a name after it, under the prefix, and in the source folder asked for.
func TestOrphanScanTakesOnlyUnambiguousFolders(t *testing.T) {
	t.Parallel()
	src := "s/scans"
	s := orphanScan{prefix: "v7", only: &src, folders: map[string]*Orphan{}, unsafe: map[string]bool{}}
	for _, k := range []string{
		"v7/s/scans/data/a/uploads/x.png", "v7/s/scans/data/a/uploads/y.png", // folder a, 2 objects
		"v7/s/scans/data/b",              // the key equal to folder b
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
	for p, f := range s.folders {
		if !s.unsafe[p] {
			got = append(got, fmt.Sprintf("%s=%d", p, f.Objects))
		}
	}
	slices.Sort(got)
	if want := "[v7/s/scans/data/a=2 v7/s/scans/data/b=1]"; fmt.Sprint(got) != want {
		t.Errorf("folders %v, want %s", got, want)
	}
}
