package v7

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

func TestItemIdentity(t *testing.T) {
	const id = "0190d4f6-3f2c-7a51-9a0e-5c4f1b2d8e11"
	r := NewItemResource()
	identitytest.RoundTrip(t, r, "acme/"+id, map[string]string{"team_slug": "acme", "id": id}, func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m itemModel
		diags := s.Get(ctx, &m)
		return itemIdentityOf(m), diags
	})
	// The storage connection the id may name is no part of the identity: the same item.
	withStorage := identitytest.Import(t, r, "acme/"+id+"/sandbox-rw", nil)
	if want := map[string]string{"team_slug": "acme", "id": id}; withStorage.Diagnostics.HasError() || len(withStorage.Identity) != 2 ||
		withStorage.Identity["team_slug"] != want["team_slug"] || withStorage.Identity["id"] != want["id"] {
		t.Errorf("import naming the connection: identity %v, %v; want %v", withStorage.Identity, withStorage.Diagnostics, want)
	}

	identitytest.Refused(t, r, map[string]string{"id": id}, "team_slug is not set")
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme"}, "id is not set")
	identitytest.Refused(t, r, map[string]string{}, "id and team_slug are not set")
	identitytest.Refused(t, r, map[string]string{"team_slug": "Acme Corp", "id": id}, `team_slug "Acme Corp" is not a V7 slug`)
}

// The id forms still parse as before the identity (the bare id needs the provider's team, which
// a unit test has not: it is checked by the acceptance tests).
func TestItemImportID(t *testing.T) {
	r := NewItemResource()
	for _, id := range []string{"acme/x", "acme/x/Sandbox Storage"} {
		if res := identitytest.Import(t, r, id, nil); res.Diagnostics.HasError() {
			t.Errorf("%s: %v", id, res.Diagnostics)
		}
	}
	for _, id := range []string{"/x", "acme/", "acme/x/", "Acme/x", "acme/x/ spaced", "acme//s"} {
		res := identitytest.Import(t, r, id, nil)
		if len(res.Diagnostics.Errors()) == 0 || res.Diagnostics.Errors()[0].Summary() != "Invalid import id" {
			t.Errorf("%q: %v; want an invalid import id", id, res.Diagnostics)
		}
	}
}
