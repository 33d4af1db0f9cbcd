package dandi

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

// An import by identity is the import by <dandiset_id>:<version>:<dandiset_directory>; the
// identity a read builds from the imported state is the one given; a missing part is refused.
func TestDerivativeIdentity(t *testing.T) {
	r := NewDerivativeVersionResource()
	values := map[string]string{"dandiset_id": "001697", "version": "v1.0.0", "dandiset_directory": "/data/001697"}
	identitytest.RoundTrip(t, r, "001697:v1.0.0:/data/001697", values, func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m derivativeModel
		diags := s.Get(ctx, &m)
		return derivativeIdentityOf(m), diags
	})
	identitytest.Refused(t, r, map[string]string{"dandiset_id": "001697", "version": "v1.0.0"}, "dandiset_directory is not set")
	identitytest.Refused(t, r, map[string]string{"dandiset_id": "001697", "version": "v1.0.0:x", "dandiset_directory": "/d"}, `version "v1.0.0:x"`)
}
