package younite

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

func TestDataRecordIdentity(t *testing.T) {
	const zone, dr = "6f1c2a9e-3d4b-4c5d-8e7f-9a0b1c2d3e4f", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	r := NewDataRecordResource()
	of := func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m dataRecordModel
		diags := s.Get(ctx, &m)
		return drIdentityOf(m), diags
	}
	identitytest.RoundTrip(t, r, zone+"/"+dr, map[string]string{"zone_uuid": zone, "id": dr}, of)
	identitytest.RoundTrip(t, r, dr, map[string]string{"id": dr}, of)

	identitytest.Refused(t, r, map[string]string{"zone_uuid": zone}, "id is not set")
	identitytest.Refused(t, r, map[string]string{"id": "x"}, `the DR "x" is not a UUID`)
	identitytest.Refused(t, r, map[string]string{"zone_uuid": "main", "id": dr}, `the zone "main" is not a UUID`)

	// A created DR without a zone (the token's only one) holds "": no zone, as an import names none.
	if got := drIdentityOf(dataRecordModel{ID: types.StringValue(dr), ZoneUUID: types.StringValue("")}); !got.ZoneUUID.IsNull() {
		t.Errorf("zone_uuid %v, want null", got.ZoneUUID)
	}
}
