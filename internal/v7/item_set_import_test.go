package v7

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

// An import id names the team (or the provider's), the dataset, the connection when it must,
// and the set's folder; anything else is refused with the forms it takes.
func TestParseSetImport(t *testing.T) {
	t.Parallel()
	ok := map[string]setImport{
		"acme/scans:/2024":                 {Team: "acme", Dataset: "scans", Path: "/2024"},
		"acme/scans:/2024/ct":              {Team: "acme", Dataset: "scans", Path: "/2024/ct"},
		"scans:/a":                         {Dataset: "scans", Path: "/a"},
		"acme/scans/My S3 bucket:/a":       {Team: "acme", Dataset: "scans", Storage: "My S3 bucket", Path: "/a"},
		"acme/scans/conn/with/slashes:/a":  {Team: "acme", Dataset: "scans", Storage: "conn/with/slashes", Path: "/a"},
		"acme/scans:/folder:with:colons/b": {Team: "acme", Dataset: "scans", Path: "/folder:with:colons/b"},
	}
	for id, want := range ok {
		got, err := parseSetImport(id)
		if err != nil || got != want {
			t.Errorf("parseSetImport(%q) = %+v, %v; want %+v", id, got, err, want)
		}
	}
	for _, id := range []string{
		"", "acme/scans", "acme/scans:2024", "acme/scans:/", "Acme/scans:/a", "acme/:/a", "/scans:/a",
		"acme/scans/ bad :/a", "acme/scans:/a/../b", "acme/scans:/a/",
	} {
		_, err := parseSetImport(id)
		if err == nil {
			t.Errorf("parseSetImport(%q) accepted", id)
			continue
		}
		if !strings.Contains(err.Error(), "<team_slug>/<dataset_slug>:<path>") || !strings.Contains(err.Error(), "Not "+`"`+id+`"`) {
			t.Errorf("parseSetImport(%q): %v does not give the forms and the id", id, err)
		}
	}
}

// An import by identity is the import by <team>/<dataset>:<path>; the identity a read builds
// from the imported state is the one given; a missing or invalid part is refused.
func TestSetIdentity(t *testing.T) {
	r := NewItemSetResource()
	values := map[string]string{"team_slug": "acme", "dataset_slug": "scans", "path": "/2024/ct"}
	identitytest.RoundTrip(t, r, "acme/scans:/2024/ct", values, func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m itemSetModel
		diags := s.Get(ctx, &m)
		return setIdentityOf(m), diags
	})
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme", "path": "/a"}, "dataset_slug is not set")
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme", "dataset_slug": "scans", "path": "/"}, `path "/"`)
	identitytest.Refused(t, r, map[string]string{"team_slug": "Acme", "dataset_slug": "scans", "path": "/a"}, `team_slug "Acme"`)
	// Never joined into an id and parsed again: a ":/" or a "/" in a slug is refused, not read
	// as a folder or a connection.
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme", "dataset_slug": "scans:/x", "path": "/a"}, `dataset_slug "scans:/x"`)
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme", "dataset_slug": "scans/My conn", "path": "/a"}, `dataset_slug "scans/My conn"`)
	identitytest.Refused(t, r, map[string]string{"team_slug": "acme", "dataset_slug": "scans", "path": "a"}, `path "a"`)
}
