package foundry

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity/identitytest"
)

const testRID = "ri.foundry.main.dataset.3c8e2f4a-1b2c-4d5e-8f90-a1b2c3d4e5f6"

func TestFileIdentity(t *testing.T) {
	r := NewFileResource()
	of := func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m fileModel
		diags := s.Get(ctx, &m)
		return fileIdentityOf(m), diags
	}
	identitytest.RoundTrip(t, r, testRID+":master:raw/a.csv", map[string]string{"dataset_rid": testRID, "branch": "master", "path": "raw/a.csv"}, of)
	// A path may hold colons: the identity keeps each part whole.
	identitytest.RoundTrip(t, r, testRID+":dev:raw/12:00.csv", map[string]string{"dataset_rid": testRID, "branch": "dev", "path": "raw/12:00.csv"}, of)

	identitytest.Refused(t, r, map[string]string{"dataset_rid": testRID}, "branch and path are not set")
	identitytest.Refused(t, r, map[string]string{"dataset_rid": testRID, "branch": "master", "path": ""}, "path is not set")
	identitytest.Refused(t, r, map[string]string{"dataset_rid": "ri.foundry.main.dataset.x", "branch": "master", "path": "a.csv"}, `dataset_rid "ri.foundry.main.dataset.x" is not a dataset RID`)
	identitytest.Refused(t, r, map[string]string{"dataset_rid": testRID, "branch": "master", "path": "/a.csv"}, `path "/a.csv" is not a relative file path`)
}

func TestFileSetIdentity(t *testing.T) {
	r := NewFileSetResource()
	of := func(ctx context.Context, s tfsdk.State) (any, diag.Diagnostics) {
		var m fileSetModel
		diags := s.Get(ctx, &m)
		return fileSetIdentityOf(m), diags
	}
	// The identity imports every file of the branch, as the id without a selection does.
	identitytest.RoundTrip(t, r, testRID+":master", map[string]string{"dataset_rid": testRID, "branch": "master"}, of)

	identitytest.Refused(t, r, map[string]string{"branch": "master"}, "dataset_rid is not set")
	identitytest.Refused(t, r, map[string]string{}, "branch and dataset_rid are not set")
	identitytest.Refused(t, r, map[string]string{"dataset_rid": "ri.foundry.main.transaction.x", "branch": "master"}, "is not a dataset RID")
}

// The id forms still parse as before the identity.
func TestFileSetImportID(t *testing.T) {
	r := NewFileSetResource()
	for _, id := range []string{testRID + ":master", testRID + ":master:raw/2024/", testRID + ":master:ri.foundry.main.transaction.0a1b"} {
		if res := identitytest.Import(t, r, id, nil); res.Diagnostics.HasError() {
			t.Errorf("%s: %v", id, res.Diagnostics)
		}
	}
	for _, id := range []string{testRID, testRID + ":", testRID + ":master:", testRID + ":master:raw", testRID + ":master:../x/", "x:master"} {
		if res := identitytest.Import(t, r, id, nil); !res.Diagnostics.HasError() {
			t.Errorf("%s: no error", id)
		}
	}
}
