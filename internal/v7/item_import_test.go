package v7

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// After an import, slots that mean the same (a type left to V7's guess, a thumbnail the answer
// does not report) are recorded in place; other files, keys or types replace the item.
func TestSameImportedSlots(t *testing.T) {
	ctx := context.Background()
	slot := func(name, key, typ, thumb string) slotModel {
		s := slotModel{SlotName: types.StringValue(name), FileName: types.StringValue("a.jpg"), StorageKey: types.StringValue(key),
			Type: types.StringNull(), StorageThumbnailKey: types.StringNull(), Width: types.Int64Null(), Height: types.Int64Null()}
		if typ != "" {
			s.Type = types.StringValue(typ)
		}
		if thumb != "" {
			s.StorageThumbnailKey = types.StringValue(thumb)
		}
		return s
	}
	var sch resource.SchemaResponse
	(&itemResource{}).Schema(ctx, resource.SchemaRequest{}, &sch)
	slotsType := sch.Schema.Attributes["slots"].GetType().(types.ListType)
	list := func(slots ...slotModel) types.List {
		v, d := types.ListValueFrom(ctx, slotsType.ElemType, slots)
		if d.HasError() {
			t.Fatal(d)
		}
		return v
	}
	imported := list(slot("0", "scans/a.jpg", "image", ""))
	for name, tc := range map[string]struct {
		plan types.List
		same bool
	}{
		"identical":               {list(slot("0", "scans/a.jpg", "image", "")), true},
		"type left to V7's guess": {list(slot("0", "scans/a.jpg", "", "")), true},
		"a thumbnail added":       {list(slot("0", "scans/a.jpg", "", "thumbs/a.jpg")), true},
		"another key":             {list(slot("0", "scans/b.jpg", "image", "")), false},
		"another type":            {list(slot("0", "scans/a.jpg", "video", "")), false},
		"another slot name":       {list(slot("1", "scans/a.jpg", "image", "")), false},
		"a second slot":           {list(slot("0", "scans/a.jpg", "image", ""), slot("1", "scans/b.jpg", "", "")), false},
	} {
		if got := sameImportedSlots(ctx, imported, tc.plan); got != tc.same {
			t.Errorf("%s: same = %v, want %v", name, got, tc.same)
		}
	}
}

func TestNamesOneConnection(t *testing.T) {
	record := []byte(`["Sandbox Read-Only","sandbox-ro"]`)
	for _, tc := range []struct {
		record []byte
		a, b   string
		same   bool
	}{
		{record, "sandbox-ro", "Sandbox Read-Only", true},
		{record, "Sandbox Read-Only", "Sandbox Read-Only", true},
		{record, "sandbox-ro", "sandbox-rw", false},
		{nil, "sandbox-ro", "Sandbox Read-Only", false},
	} {
		if got := namesOneConnection(tc.record, tc.a, tc.b); got != tc.same {
			t.Errorf("%s %q %q: same = %v, want %v", tc.record, tc.a, tc.b, got, tc.same)
		}
	}
}
