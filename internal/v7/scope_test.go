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
		{"current layout", v7.ScopeInput{Storage: rw, Layout: v7.LayoutItemUUID, ItemID: "3f2c", ItemName: "scan-1"}, []string{"v7/darwin/3f2c"}, ""},
		{"default layout is current", v7.ScopeInput{Storage: rw, ItemID: "3f2c"}, []string{"v7/darwin/3f2c"}, ""},
		{"legacy at the prefix root", v7.ScopeInput{Storage: rw, Layout: v7.LayoutLegacyName, ItemName: "scan-1", StorageKeys: []string{"scan-1.jpg"}},
			[]string{"v7/darwin/data/scan-1"}, ""},
		{"legacy in the source folder, one entry per folder", v7.ScopeInput{Storage: rw, Layout: v7.LayoutLegacyName, ItemName: "scan-1",
			StorageKeys: []string{"raw/2024/a.jpg", "raw/2024/b.jpg", "other/c.jpg"}},
			[]string{"v7/darwin/other/data/scan-1", "v7/darwin/raw/2024/data/scan-1"}, ""},
		{"connection without prefix", v7.ScopeInput{Storage: root, Layout: v7.LayoutItemUUID, ItemID: "3f2c"}, []string{"3f2c"}, ""},
		{"read-only: V7 wrote nothing", v7.ScopeInput{Storage: ro, Layout: v7.LayoutItemUUID, ItemID: "3f2c"}, []string{}, ""},
		{"read-only with the customer's derivatives", v7.ScopeInput{Storage: ro, ItemID: "3f2c", Extra: []string{"v7-ro/thumbs/scan-1/", "v7-ro/thumbs/scan-1/x"}},
			[]string{"v7-ro/thumbs/scan-1"}, ""},
		{"none", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, ItemID: "3f2c"}, []string{}, ""},
		{"an empty extra prefix would own the bucket", v7.ScopeInput{Storage: rw, Layout: v7.LayoutNone, Extra: []string{"/"}}, nil, "whole bucket"},
		{"no item id", v7.ScopeInput{Storage: root, Layout: v7.LayoutItemUUID}, nil, "cannot name"},
		{"unknown layout", v7.ScopeInput{Storage: rw, Layout: "flat", ItemID: "x"}, nil, "unknown metadata layout"},
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
// outside the connection's prefix or the declared extras, and the legacy scope of scan-1 never
// owns scan-10's folder.
func FuzzMetadataPrefixes(f *testing.F) {
	f.Add("v7/darwin", "3f2c", "scan-1", "raw/scan-1.jpg", "", false, "legacy_name")
	f.Add("", "", "", "", "/", false, "item_uuid")
	f.Add("p/", "a/b", "x/y", "../..", "extra//", true, "none")
	f.Fuzz(func(t *testing.T, prefix, id, name, key, extra string, readonly bool, layout string) {
		in := v7.ScopeInput{Storage: v7.StorageConnection{Bucket: "b", Prefix: prefix, Readonly: readonly}, Layout: layout,
			ItemID: id, ItemName: name, StorageKeys: []string{key}}
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
		}
		if layout == v7.LayoutLegacyName && name == "scan-1" && !readonly {
			for _, p := range got {
				if strings.HasSuffix(p, "/scan-10") || strings.Contains(p, "scan-10/") {
					t.Fatalf("scan-1's scope %q reaches scan-10", got)
				}
			}
		}
	})
}
