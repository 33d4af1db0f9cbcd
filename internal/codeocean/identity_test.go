package codeocean

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

func TestAssetIdentity(t *testing.T) {
	const id = "3f8a1c2e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
	r := NewDataAssetResource()
	identitytest.RoundTrip(t, r, id, map[string]string{"id": id}, func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m assetModel
		diags := s.Get(ctx, &m)
		return identityOf(m), diags
	})
	identitytest.Refused(t, r, map[string]string{}, "id is not set")
	identitytest.Refused(t, r, map[string]string{"id": ""}, "id is not set")
}
