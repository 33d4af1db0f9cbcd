package v7

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// A failed removal of items the configuration no longer holds keeps what failed and why, and
// replaces the teardown's destroy advice (platform_deleted, run terraform destroy again) with
// what an apply does next, whether V7 refused the delete or the folders' cleanup failed.
func TestRemovalFailedAdvisesApplyNotDestroy(t *testing.T) {
	t.Parallel()
	m := itemSetModel{Path: types.StringValue("/scans"), DatasetSlug: types.StringValue("ds")}
	scope, err := storage.NewScope("bucket", "v7/scans/data/a.jpg")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		t           teardown.Teardown
		cause, want string
	}{
		"V7 refuses the delete": {
			t:     teardown.Teardown{Object: setObject(m), DeletePlatform: func(context.Context) error { return errors.New("V7 said no") }},
			cause: "V7 said no", want: "run terraform apply again",
		},
		"the folders' cleanup fails": {
			t: teardown.Teardown{Object: setObject(m), DeletePlatform: func(context.Context) error { return nil }, Scopes: []storage.Scope{scope},
				InUse: func(context.Context, []string) (map[string][]string, error) { return nil, errors.New("listing failed") }},
			cause: "listing failed", want: "a later terraform apply does not try again",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			prog, d := teardown.Run(context.Background(), nil, c.t, teardown.Progress{})
			if !d.HasError() || !strings.Contains(d[0].Detail(), "terraform destroy") {
				t.Fatalf("the teardown's own advice is not a destroy's, the test proves nothing: %v", d)
			}
			out := removalFailed(m, 2, prog, d)
			if len(out.Errors()) != 1 {
				t.Fatalf("%d errors, want 1: %v", len(out.Errors()), out)
			}
			e := out.Errors()[0]
			text := e.Summary() + "\n" + e.Detail()
			for _, bad := range []string{"terraform destroy", "platform_deleted", "platform object is deleted"} {
				if strings.Contains(text, bad) {
					t.Errorf("the error says %q:\n%s", bad, text)
				}
			}
			for _, good := range []string{"2 items the configuration no longer holds", c.cause, c.want} {
				if !strings.Contains(text, good) {
					t.Errorf("the error does not say %q:\n%s", good, text)
				}
			}
		})
	}
}
