package teardown_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

type policyModel struct {
	Scope  types.Object `tfsdk:"metadata_scope"`
	Bypass types.Bool   `tfsdk:"bypass_governance_retention"`
	Policy types.String `tfsdk:"cleanup_iam_policy"`
}

// A policy IAM cannot take (over 6,144 characters: about 40 name-keyed folders) is written with
// a warning, once: not again while it stays the same.
func TestSetPolicyWarnsOnceWhenIAMCannotTakeIt(t *testing.T) {
	ctx := context.Background()
	sch := schema.Schema{Attributes: map[string]schema.Attribute{
		"metadata_scope":              schema.ObjectAttribute{Computed: true, AttributeTypes: teardown.ScopeAttrTypes},
		"bypass_governance_retention": teardown.BypassAttribute(),
		"cleanup_iam_policy":          teardown.PolicyAttribute(),
	}}
	for _, tc := range []struct {
		folders int
		warns   bool
	}{{10, false}, {30, false}, {60, true}, {10000, true}} {
		var prefixes []string
		for i := range tc.folders {
			prefixes = append(prefixes, fmt.Sprintf("v7/darwin/scans/data/scan-%05d.jpg", i))
		}
		state := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
		if d := state.Set(ctx, policyModel{Scope: teardown.ScopeValue(ctx, "customer-bucket", prefixes), Bypass: types.BoolNull(),
			Policy: types.StringNull()}); d.HasError() {
			t.Fatal(d)
		}
		diags := teardown.SetPolicy(ctx, nil, "metadata_scope", &state)
		var m policyModel
		state.Get(ctx, &m)
		size := storage.IAMSize(m.Policy.ValueString())
		var compact bytes.Buffer // no key here holds a space: IAM's count is the compact JSON's length
		if err := json.Compact(&compact, []byte(m.Policy.ValueString())); err != nil || size != compact.Len() {
			t.Fatalf("%d folders: IAMSize %d, compact JSON %d bytes (%v)", tc.folders, size, compact.Len(), err)
		}
		if diags.HasError() || m.Policy.ValueString() == "" || (size > storage.IAMManagedPolicyMaxChars) != tc.warns {
			t.Fatalf("%d folders: %v, policy %d characters (%d without whitespace)", tc.folders, diags, len(m.Policy.ValueString()), size)
		}
		if got := diags.WarningsCount(); (got == 1) != tc.warns || got > 1 {
			t.Errorf("%d folders (%d characters): %d warnings, want a warning: %v", tc.folders, size, got, tc.warns)
		}
		if tc.warns && !strings.Contains(diags.Warnings()[0].Detail(), fmt.Sprintf("its %d owned prefixes and is %d characters", tc.folders, size)) {
			t.Errorf("the warning should name the prefixes and the size: %s", diags.Warnings()[0].Detail())
		}
		if again := teardown.SetPolicy(ctx, nil, "metadata_scope", &state); again.WarningsCount() != 0 {
			t.Errorf("%d folders: the same policy again warned: %v", tc.folders, again)
		}
	}
}
