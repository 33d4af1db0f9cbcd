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
	Exact  types.Bool   `tfsdk:"cleanup_iam_policy_exact"`
}

// The policy written fits IAM (6,144 characters) at any number of folders in a layout that
// compacts (one data/ folder here): exact while that fits, compact beyond, and the attribute
// says which. Only a scope that no form fits (one prefix in each of 2,000 first-level folders)
// warns, once: not again while the policy stays the same.
func TestSetPolicyFitsIAMAndWarnsOnceWhenNothingFits(t *testing.T) {
	ctx := context.Background()
	sch := schema.Schema{Attributes: map[string]schema.Attribute{
		"metadata_scope":              schema.ObjectAttribute{Computed: true, AttributeTypes: teardown.ScopeAttrTypes},
		"bypass_governance_retention": teardown.BypassAttribute(),
		"cleanup_iam_policy":          teardown.PolicyAttribute(),
		"cleanup_iam_policy_exact":    teardown.PolicyExactAttribute(),
	}}
	for _, tc := range []struct {
		folders      int
		scattered    bool
		exact, warns bool
	}{{10, false, true, false}, {30, false, true, false}, {60, false, false, false}, {10000, false, false, false}, {2000, true, false, true}} {
		var prefixes []string
		for i := range tc.folders {
			if tc.scattered {
				prefixes = append(prefixes, fmt.Sprintf("top-%05d/scan.jpg", i))
			} else {
				prefixes = append(prefixes, fmt.Sprintf("v7/darwin/scans/data/scan-%05d.jpg", i))
			}
		}
		state := tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(ctx), nil)}
		if d := state.Set(ctx, policyModel{Scope: teardown.ScopeValue(ctx, "customer-bucket", prefixes), Bypass: types.BoolNull(),
			Policy: types.StringNull(), Exact: types.BoolNull()}); d.HasError() {
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
		if diags.HasError() || m.Policy.ValueString() == "" || (size > storage.IAMManagedPolicyMaxChars) != tc.warns || m.Exact.ValueBool() != tc.exact {
			t.Fatalf("%d folders: %v, policy %d characters (%d without whitespace), exact %v", tc.folders, diags, len(m.Policy.ValueString()), size, m.Exact)
		}
		if got := diags.WarningsCount(); (got == 1) != tc.warns || got > 1 {
			t.Errorf("%d folders (%d characters): %d warnings, want a warning: %v", tc.folders, size, got, tc.warns)
		}
		if tc.warns && !strings.Contains(diags.Warnings()[0].Detail(), fmt.Sprintf("of %d owned prefixes is %d characters", tc.folders, size)) {
			t.Errorf("the warning should name the prefixes and the size: %s", diags.Warnings()[0].Detail())
		}
		if again := teardown.SetPolicy(ctx, nil, "metadata_scope", &state); again.WarningsCount() != 0 {
			t.Errorf("%d folders: the same policy again warned: %v", tc.folders, again)
		}
	}
}
