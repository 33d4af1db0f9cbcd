package diagnostics_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

func TestErrorRendersTheAPIAnswer(t *testing.T) {
	t.Parallel()
	apiErr := &transport.APIError{
		Platform: "Palantir Foundry", Method: "DELETE", URL: "https://f/api/v1/datasets/ri.x/files/a", StatusCode: 409,
		Code: "OpenTransactionAlreadyExists", Message: "A transaction is open", RequestID: "e-1",
		Parameters: map[string]string{"datasetRid": "ri.x", "branchId": "master"},
	}
	d := diagnostics.Error(`Deleting Foundry file "a" failed`, fmt.Errorf("deleting file: %w", apiErr), "")
	if d.Summary() != `Deleting Foundry file "a" failed` {
		t.Errorf("summary %q", d.Summary())
	}
	for _, want := range []string{"answered 409 Conflict (OpenTransactionAlreadyExists)", "DELETE https://f/api/v1/datasets/ri.x/files/a",
		"A transaction is open", "branchId: master", "datasetRid: ri.x", "Request id: e-1", "wait and run the command again"} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
	if strings.Index(d.Detail(), "branchId") > strings.Index(d.Detail(), "datasetRid") {
		t.Error("parameters are not sorted")
	}
	if !strings.HasPrefix(d.Detail(), "deleting file: …\n\n") {
		t.Errorf("the wrapping context must lead the detail:\n%s", d.Detail())
	}
	if bare := diagnostics.Error("x", apiErr, ""); strings.Contains(bare.Detail(), "…") {
		t.Errorf("a bare API error needs no context line:\n%s", bare.Detail())
	}
}

func TestErrorAdviceFollowsStatusUnlessGiven(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{401: "Check the credentials", 403: "lack permission", 429: "rate limiting", 503: "run the command again later"} {
		d := diagnostics.Error("x", &transport.APIError{Platform: "V7", StatusCode: status}, "")
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("%d: %s", status, d.Detail())
		}
	}
	d := diagnostics.Error("x", &transport.APIError{Platform: "V7", StatusCode: 503}, "Set deletion_protection = false first.")
	if !strings.HasSuffix(d.Detail(), "Set deletion_protection = false first.") || strings.Contains(d.Detail(), "later") {
		t.Errorf("explicit advice not used: %s", d.Detail())
	}
}

func TestErrorOfOtherErrors(t *testing.T) {
	t.Parallel()
	d := diagnostics.Warning("Cleanup incomplete", errors.New("3 keys could not be deleted"), "Run terraform destroy again.")
	if d.Detail() != "3 keys could not be deleted\n\nRun terraform destroy again." {
		t.Errorf("detail %q", d.Detail())
	}
}
