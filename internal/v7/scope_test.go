package v7_test

import (
	"slices"
	"strings"
	"testing"

	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

func TestMetadataPrefixes(t *testing.T) {
	rw := v7.StorageConnection{Bucket: "b", Prefix: "v7/darwin"}
	ro := v7.StorageConnection{Bucket: "b", Prefix: "v7-ro", Readonly: true}
	root := v7.StorageConnection{Bucket: "b"}
	for _, tc := range []struct {
		name string
		in   v7.ScopeInput
		want []string
		err  string
	}{
		{"at the prefix root", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNameFolder, ItemName: "scan-1", StorageKeys: []string{"scan-1.jpg"}},
			[]string{"v7/darwin/data/scan-1"}, ""},
		{"the default layout is the guide's", v7.ScopeInput{Storage: rw, ItemName: "scan-1", StorageKeys: []string{"raw/scan-1.jpg"}},
			[]string{"v7/darwin/raw/data/scan-1"}, ""},
		{"in the source folder, one entry per folder", v7.ScopeInput{Storage: rw, ItemName: "scan-1",
			StorageKeys: []string{"raw/2024/a.jpg", "raw/2024/b.jpg", "other/c.jpg"}},
			[]string{"v7/darwin/other/data/scan-1", "v7/darwin/raw/2024/data/scan-1"}, ""},
		{"connection without prefix", v7.ScopeInput{Storage: root, ItemName: "scan 1", StorageKeys: []string{"a/b.jpg"}}, []string{"a/data/scan 1"}, ""},
		{"read-only: V7 wrote nothing", v7.ScopeInput{Storage: ro, ItemName: "scan-1", StorageKeys: []string{"a.jpg"}}, []string{}, ""},
		{"read-only with the customer's derivatives", v7.ScopeInput{Storage: ro, ItemName: "x", Extra: []string{"v7-ro/thumbs/scan-1/", "v7-ro/thumbs/scan-1/x"}},
			[]string{"v7-ro/thumbs/scan-1"}, ""},
		{"none", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, ItemName: "scan-1", StorageKeys: []string{"a.jpg"}}, []string{}, ""},
		{"before 2023: declared", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"v7/darwin/old/scan-1"}}, []string{"v7/darwin/old/scan-1"}, ""},
		{"an empty extra prefix would own the bucket", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"/"}}, nil, "whole bucket"},
		{"an extra prefix with ..", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"v7/../other"}}, nil, `".." part`},
		{"an extra prefix of .", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"."}}, nil, `"." part`},
		{"an extra prefix that is a pattern", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"v7/*"}}, nil, "pattern"},
		{"no item name", v7.ScopeInput{Storage: root, StorageKeys: []string{"a.jpg"}}, nil, "must not be empty"},
		{"a name of ..", v7.ScopeInput{Storage: rw, ItemName: "..", StorageKeys: []string{"a.jpg"}}, nil, `must not be "." or ".."`},
		{"a source folder with ..", v7.ScopeInput{Storage: rw, ItemName: "x", StorageKeys: []string{"a/../b.jpg"}}, nil, `".." part`},
		{"unknown layout", v7.ScopeInput{Storage: rw, Layout: "item_uuid", ItemName: "x"}, nil, "unknown metadata layout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := v7.MetadataPrefixes(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want an error with %q, got %v (%q)", tc.err, err, got)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// FuzzMetadataPrefixes: whatever the input, a scope never owns the whole bucket, never a key
// outside the connection's prefix or the declared extras, and the scope of scan-1 never owns
// scan-10's folder.
func FuzzMetadataPrefixes(f *testing.F) {
	f.Add("v7/darwin", "scan-1", "raw/scan-1.jpg", "", false, "name_folder")
	f.Add("", "", "", "/", false, "none")
	f.Add("p/", "x/y", "../..", "extra//", true, "none")
	f.Add("p", "scan-1", "scan-1.jpg", "", false, "")
	f.Fuzz(func(t *testing.T, prefix, name, key, extra string, readonly bool, layout string) {
		in := v7.ScopeInput{Storage: v7.StorageConnection{Bucket: "b", Prefix: prefix, Readonly: readonly}, Layout: layout,
			ItemName: name, StorageKeys: []string{key}}
		if extra != "" {
			in.Extra = []string{extra}
		}
		got, err := v7.MetadataPrefixes(in)
		if err != nil {
			return
		}
		for _, p := range got {
			if strings.Trim(p, "/") == "" {
				t.Fatalf("prefix %q owns the whole bucket (input %+v)", p, in)
			}
			inPrefix := strings.Trim(prefix, "/") == "" || strings.HasPrefix(p, strings.Trim(prefix, "/")+"/")
			if !inPrefix && p != strings.Trim(extra, "/") {
				t.Fatalf("prefix %q is neither under the connection prefix %q nor the declared extra %q", p, prefix, extra)
			}
			for _, part := range strings.Split(p, "/") {
				if part == ".." || part == "." {
					t.Fatalf("prefix %q has a %q part", p, part)
				}
			}
		}
		if name == "scan-1" && !readonly && extra == "" {
			for _, p := range got {
				if !strings.HasSuffix(p, "/data/scan-1") && p != "data/scan-1" {
					t.Fatalf("scan-1's scope %q is not a data/scan-1 folder (it must never reach scan-10)", got)
				}
			}
		}
	})
}
