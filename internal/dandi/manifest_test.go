package dandi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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

// A malformed or truncated manifest fails with the index of the entry it stopped at.
func TestReadManifestErrorsNameTheEntry(t *testing.T) {
	entry := `{"path": "a/%d", "contentSize": %d, "digest": {"x": [1, 2, {"y": null}]}}`
	two := "[" + fmt.Sprintf(entry, 0, 1) + "," + fmt.Sprintf(entry, 1, 2) + ","
	for bad, want := range map[string]string{
		two + `{"path": "a/2", "conte`:           "manifest entry 2",
		two + `{"path": "a/2", "contentSize": }`: "manifest entry 2",
		two:                                      "manifest entry 2",
		two + `{"path": "a/2", "contentSize": "1 kB"}]`: "manifest entry 2 (a/2): contentSize",
		two + `{"contentSize": 3}]`:                     "manifest entry 2: the entry has no path",
		two + `7]`:                                      "manifest entry 2: an entry must be an object",
		`{"not": "an array"}`:                           "not a JSON array",
		``:                                              "reading the manifest",
	} {
		_, err := dandi.ReadManifest(strings.NewReader(bad), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", bad, err, want)
		}
	}
}

// reference decodes a manifest with encoding/json, keys matched exactly (JSON-LD keys are
// case-sensitive): what the streaming reader must agree with.
func reference(data []byte) ([]dandi.ManifestAsset, bool) {
	var entries []map[string]json.RawMessage
	if json.Unmarshal(data, &entries) != nil || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("[")) {
		return nil, false
	}
	isString := func(raw json.RawMessage) bool { return bytes.HasPrefix(bytes.TrimSpace(raw), []byte(`"`)) }
	out := []dandi.ManifestAsset{}
	for _, e := range entries {
		var a dandi.ManifestAsset
		if e == nil || !isString(e["path"]) || json.Unmarshal(e["path"], &a.Path) != nil {
			return nil, false
		}
		if raw, ok := e["dateModified"]; ok && (!isString(raw) || json.Unmarshal(raw, &a.DateModified) != nil) {
			return nil, false
		}
		if raw, ok := e["identifier"]; ok && !isString(raw) {
			return nil, false
		}
		if raw := e["contentSize"]; len(raw) > 0 && string(raw) != "null" {
			var s string
			switch {
			case json.Unmarshal(raw, &a.ContentSize) == nil && a.ContentSize >= 0 && !bytes.ContainsAny(raw, ".eE"):
			case json.Unmarshal(raw, &s) == nil:
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n < 0 {
					return nil, false
				}
				a.ContentSize = n
			default:
				return nil, false
			}
		}
		out = append(out, a)
	}
	return out, true
}

// FuzzReadManifest: on every manifest encoding/json reads cleanly, the token-level reader keeps
// the same paths, sizes and dates; on anything else it fails or agrees, and never panics.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`[{"path":"a/b","contentSize":12,"dateModified":"2024-01-01T00:00:00Z","digest":{"x":[1,{"y":null}]}}]`))
	f.Add([]byte(`[{"path":"a\u002fc","contentSize":"34","contentUrl":["https://x/zarr/z-1/"],"identifier":"id"}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`[{"path":"x"},{"path":"y","contentSize":null}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := dandi.ReadManifest(bytes.NewReader(data), nil)
		want, ok := reference(data)
		if !ok || !utf8.Valid(data) {
			return
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q, the reader fails: %v", data, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d assets, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i].Path != want[i].Path || got[i].ContentSize != want[i].ContentSize || got[i].DateModified != want[i].DateModified {
				t.Fatalf("entry %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}
