package v7

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A version 0 state (items and folders in attributes) upgrades with nothing forgotten: the
// record waits in legacy_record, and reading it gives the items and the folders back, which
// saving then moves into private state.
func TestItemSetUpgradeV0KeepsItemsAndFolders(t *testing.T) {
	ctx := context.Background()
	r := &itemSetResource{}
	up := r.UpgradeState(ctx)[0]
	prior := tfsdk.State{Schema: *up.PriorSchema, Raw: tftypes.NewValue(up.PriorSchema.Type().TerraformType(ctx), nil)}
	registered, _ := types.MapValue(types.StringType, map[string]attr.Value{"/s/a.jpg": types.StringValue("id-a"), "/s/b.jpg": types.StringValue("id-b")})
	scope, _ := types.ObjectValue(map[string]attr.Type{"bucket": types.StringType, "prefixes": types.ListType{ElemType: types.StringType}},
		map[string]attr.Value{"bucket": types.StringValue("bkt"), "prefixes": types.ListValueMust(types.StringType,
			[]attr.Value{types.StringValue("v7/s/data/a.jpg"), types.StringValue("v7/s/data/b.jpg")})})
	if d := prior.SetAttribute(ctx, path.Root("registered"), registered); d.HasError() {
		t.Fatal(d)
	}
	if d := prior.SetAttribute(ctx, path.Root("metadata_scope"), scope); d.HasError() {
		t.Fatal(d)
	}
	var current resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &current)
	resp := resource.UpgradeStateResponse{State: tfsdk.State{Schema: current.Schema, Raw: tftypes.NewValue(current.Schema.Type().TerraformType(ctx), nil)}}
	up.StateUpgrader(ctx, resource.UpgradeStateRequest{State: &prior}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var m itemSetModel
	resp.State.Get(ctx, &m)
	if m.LegacyRecord.ValueString() == "" || m.ItemCount.ValueInt64() != 2 {
		t.Fatalf("upgraded: legacy %q, item_count %v", m.LegacyRecord.ValueString(), m.ItemCount)
	}
	p := mapPrivate{}
	if d := loadRecord(ctx, p, &m); d.HasError() || !m.Recorded || m.Registered["/s/b.jpg"] != "id-b" || len(m.Owned.Prefixes) != 2 || m.Owned.Bucket != "bkt" {
		t.Fatalf("read back: %+v %+v %v", m.Registered, m.Owned, d)
	}
	if d := saveRecord(ctx, p, &m); d.HasError() || !m.LegacyRecord.IsNull() || len(p[setRecordKey]) == 0 {
		t.Fatalf("saved: legacy %v, private %d bytes, %v", m.LegacyRecord, len(p[setRecordKey]), d)
	}
}
