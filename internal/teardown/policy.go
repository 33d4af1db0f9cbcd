package teardown

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// Object lock and the least permissions, for every resource that owns storage: the
// bypass_governance_retention setting (the resource's value wins over the provider's s3 block)
// and the cleanup_iam_policy its destroy needs.

// BypassAttribute is bypass_governance_retention.
func BypassAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{Optional: true,
		MarkdownDescription: "Delete object versions under governance-mode object lock, sending `x-amz-bypass-governance-retention` " +
			"(the caller needs `s3:BypassGovernanceRetention`), to buckets with object lock only. Compliance mode and legal holds cannot be " +
			"bypassed: the destroy fails naming the key, the version, the mode and the retain-until date, and a destroy after that date " +
			"finishes. Default: the provider's `s3.bypass_governance_retention`, else `false`. A destroy reads this value from state: set it " +
			"and apply before destroying (the provider's setting is read from the configuration at the destroy itself)."}
}

// PolicyAttribute is cleanup_iam_policy.
func PolicyAttribute() schema.StringAttribute {
	return schema.StringAttribute{Computed: true,
		MarkdownDescription: "The least IAM policy (JSON) this resource's destroy needs for its storage cleanup: listing within the folder " +
			"that holds its owned prefixes, reading the bucket's versioning (and object lock, with the bypass), deleting objects and versions " +
			"and aborting incomplete uploads under exactly its prefixes, and `s3:BypassGovernanceRetention` when the bypass is on. Empty when " +
			"it owns no storage. It names each owned prefix while that fits in IAM's 6,144 characters (a managed policy; " +
			"`cleanup_iam_policy_exact` is then `true`); beyond that it names the folders that hold them, or their common layout " +
			"(`<ancestor>/*/data/*` for V7's name-keyed folders), which also allows deleting other keys there. See the guide \"Permissions " +
			"for teardown\"."}
}

// PolicyExactAttribute is cleanup_iam_policy_exact.
func PolicyExactAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true,
		MarkdownDescription: "Whether `cleanup_iam_policy` names exactly the owned prefixes (`true`), or, being too large for IAM that way, " +
			"the folders that hold them or their common layout (`false`): a compact form that also allows deleting keys beside the owned " +
			"ones in those folders (a customer's own file in a source folder's `data/` folder, say). Listings are the same in both forms."}
}

// Bypass resolves bypass_governance_retention: the resource's value, else the provider's.
func Bypass(data *providerdata.Data, v types.Bool) bool {
	if !v.IsNull() && !v.IsUnknown() {
		return v.ValueBool()
	}
	return data != nil && data.BypassGovernanceRetention()
}

// StorageOptions are the engine's options for a resource's teardown.
func StorageOptions(data *providerdata.Data, bypass types.Bool) storage.Options {
	return storage.Options{BypassGovernanceRetention: Bypass(data, bypass)}
}

// attributes is the part of a plan or state SetPolicy reads and writes.
type attributes interface {
	GetAttribute(ctx context.Context, p path.Path, target any) diag.Diagnostics
	SetAttribute(ctx context.Context, p path.Path, val any) diag.Diagnostics
}

// PlanPolicy plans cleanup_iam_policy from the planned scope, at the end of a resource's
// ModifyPlan (deferred): a plan that changes the owned prefixes without a configuration change
// (new source keys, say) plans a new policy, unknown while the prefixes are.
func PlanPolicy(ctx context.Context, data *providerdata.Data, scopeAttr string, resp *resource.ModifyPlanResponse) {
	if resp.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(SetPolicy(ctx, data, scopeAttr, &resp.Plan)...)
}

// SetPolicy writes cleanup_iam_policy and cleanup_iam_policy_exact into a state (or plan) from
// its owned-storage attribute scopeAttr and its bypass_governance_retention: the exact policy
// while it fits in a managed policy, else the first compact form that does. A new value that
// even the widest form cannot fit is written with a warning: once, in the plan or the apply (or
// import) that changes it.
func SetPolicy(ctx context.Context, data *providerdata.Data, scopeAttr string, s attributes) diag.Diagnostics {
	var scope types.Object
	var bypass types.Bool
	diags := s.GetAttribute(ctx, path.Root(scopeAttr), &scope)
	diags.Append(s.GetAttribute(ctx, path.Root("bypass_governance_retention"), &bypass)...)
	if diags.HasError() {
		return diags
	}
	var scopes []storage.Scope
	if !scope.IsUnknown() {
		var err error
		if scopes, err = ScopesFrom(ctx, scopeAttr, scope); err != nil {
			diags.AddError("Invalid "+scopeAttr, err.Error())
			return diags
		}
	}
	return append(diags, SetPolicyOf(ctx, data, scopes, !scope.IsUnknown(), bypass, s)...)
}

// SetPolicyOf is SetPolicy for a resource that keeps its scopes elsewhere than in an attribute
// (a V7 item set, in private state): known says the scopes are, bypass is the resource's
// bypass_governance_retention.
func SetPolicyOf(ctx context.Context, data *providerdata.Data, scopes []storage.Scope, known bool, bypass types.Bool, s attributes) diag.Diagnostics {
	var diags diag.Diagnostics
	value, exact := types.StringUnknown(), types.BoolUnknown()
	prefixes := 0
	if known {
		for _, sc := range scopes {
			prefixes += len(sc.Prefixes)
		}
		doc, isExact := storage.FittingPolicy(scopes, Bypass(data, bypass), storage.IAMManagedPolicyMaxChars)
		value, exact = types.StringValue(doc.JSON()), types.BoolValue(isExact)
	}
	// A write walks the whole object: skip it when the value is already there (every refresh
	// and plan of an unchanged resource).
	var current types.String
	var currentExact types.Bool
	d := s.GetAttribute(ctx, path.Root("cleanup_iam_policy"), &current)
	d.Append(s.GetAttribute(ctx, path.Root("cleanup_iam_policy_exact"), &currentExact)...)
	if !d.HasError() && current.Equal(value) && currentExact.Equal(exact) {
		return diags
	}
	if size := storage.IAMSize(value.ValueString()); size > storage.IAMManagedPolicyMaxChars && !current.Equal(value) {
		diags.AddAttributeWarning(path.Root("cleanup_iam_policy"), "cleanup_iam_policy is larger than IAM takes",
			fmt.Sprintf("The policy for this teardown of %d owned prefixes is %d characters without whitespace even in its most compact "+
				"form (one pattern per first-level folder); IAM takes at most %d in a managed policy and %d in all of a role's inline "+
				"policies together. Attach a policy on a prefix that holds them all instead, as the guide \"Permissions for teardown\" "+
				"shows for a whole connection prefix.", prefixes, size, storage.IAMManagedPolicyMaxChars, storage.IAMRoleInlineMaxChars))
	}
	diags.Append(s.SetAttribute(ctx, path.Root("cleanup_iam_policy"), value)...)
	return append(diags, s.SetAttribute(ctx, path.Root("cleanup_iam_policy_exact"), exact)...)
}
