package dandi_test

import (
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
)

func TestReadManifest(t *testing.T) {
	manifest := `[
 {"path": "a/b.nwb", "contentSize": 12, "dateModified": "2024-01-01T00:00:00Z", "identifier": "id-1",
  "contentUrl": ["https://api/assets/id-1/download/", "https://dandiarchive.s3.amazonaws.com/blobs/abc/def/abcdef-blob"], "digest": {"x": "y"}},
 {"path": "a/c.zarr", "contentSize": "3400", "contentUrl": ["https://dandiarchive.s3.amazonaws.com/zarr/zarr-77/"], "identifier": "id-2"},
 {"path": "ab/d.nwb", "contentSize": 1, "identifier": "id-3", "contentUrl": ["https://elsewhere/x"]}
]`
	got, err := dandi.ReadManifest(strings.NewReader(manifest), func(p string) bool { return dandi.UnderPrefix(p, "a/") })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ContentID != "abcdef-blob" || got[0].ContentSize != 12 || got[1].ContentSize != 3400 || got[1].ContentID != "zarr-77" {
		t.Fatalf("got %+v", got)
	}
	all, err := dandi.ReadManifest(strings.NewReader(manifest), nil)
	if err != nil || len(all) != 3 || all[2].ContentID != "id-3" {
		t.Fatalf("without a filter: %+v %v", all, err)
	}
	for _, bad := range []string{`{"not": "an array"}`, `[{"path": "x", "contentSize": "12kB"}]`, `[{"path": "x"}`, ``} {
		if _, err := dandi.ReadManifest(strings.NewReader(bad), nil); err == nil {
			t.Errorf("%q must be refused", bad)
		}
	}
}

func FuzzUnderPrefix(f *testing.F) {
	for _, s := range [][2]string{{"a/b", "a"}, {"a", "a"}, {"ab/c", "a"}, {"A/b", "a"}, {"a/b", "a/"}, {"x", ""}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, prefix string) {
		p := strings.Trim(prefix, "/")
		if dandi.UnderPrefix(path, prefix) && p != "" && path != p && !strings.HasPrefix(path, p+"/") {
			t.Fatalf("%q taken by prefix %q across a folder boundary", path, prefix)
		}
		if dandi.InFolder(path, prefix) && (p == "" || !strings.HasPrefix(path, p+"/")) {
			t.Fatalf("%q taken as inside folder %q", path, prefix)
		}
	})
}
