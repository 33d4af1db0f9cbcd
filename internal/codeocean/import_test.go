package codeocean

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// After an import, a source that means the same (a prefix spelled with slashes, public or an
// endpoint the answer does not tell) is recorded in place; another bucket, prefix, storage
// mode or computation replaces the asset.
func TestSameImportedSource(t *testing.T) {
	ctx := context.Background()
	var sch resource.SchemaResponse
	(&assetResource{}).Schema(ctx, resource.SchemaRequest{}, &sch)
	sourceType := sch.Schema.Attributes["source"].GetType().(types.ObjectType)
	obj := func(s sourceModel) types.Object {
		v, d := types.ObjectValueFrom(ctx, sourceType.AttrTypes, s)
		if d.HasError() {
			t.Fatal(d)
		}
		return v
	}
	aws := func(bucket, prefix string, keep, public *bool) sourceModel {
		m := &awsModel{Bucket: types.StringValue(bucket), Prefix: types.StringValue(prefix), KeepOnExternalStorage: types.BoolPointerValue(keep),
			Public: types.BoolPointerValue(public), EndpointName: types.StringNull()}
		return sourceModel{AWS: m}
	}
	computation := func(id string) sourceModel {
		return sourceModel{Computation: &computationModel{ID: types.StringValue(id), Path: types.StringNull()}}
	}
	yes := true
	imported := obj(aws("data", "raw/2024", &yes, nil))
	for name, tc := range map[string]struct {
		plan types.Object
		same bool
	}{
		"identical":          {obj(aws("data", "raw/2024", &yes, nil)), true},
		"slashes":            {obj(aws("data", "/raw/2024/", &yes, nil)), true},
		"public told":        {obj(aws("data", "raw/2024", &yes, &yes)), true},
		"another bucket":     {obj(aws("other", "raw/2024", &yes, nil)), false},
		"another prefix":     {obj(aws("data", "raw/2025", &yes, nil)), false},
		"copied, not linked": {obj(aws("data", "raw/2024", nil, nil)), false},
		"a computation":      {obj(computation("3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b")), false},
	} {
		if got := sameImportedSource(ctx, imported, tc.plan); got != tc.same {
			t.Errorf("%s: same = %v, want %v", name, got, tc.same)
		}
	}
	result := obj(computation("3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"))
	if !sameImportedSource(ctx, result, obj(computation("3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"))) ||
		sameImportedSource(ctx, result, obj(computation("00000000-5b6d-4e7f-8a9b-0c1d2e3f4a5b"))) {
		t.Error("a result's computation: same only when the id is")
	}
}
