package teardown

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// Of builds a resource's Teardown from its state model M alone. It must not reach the
// platform: what a teardown asks of the platform (the delete, InUse) connects when it runs,
// so that a protected resource, or a preview with nothing to ask, never needs a connection.
type Of[M any] func(ctx context.Context, m M) (Teardown, diag.Diagnostics)

// ModifyPlan is the contract's part of ModifyPlan. For a destroy plan it guards and previews.
// For an update of a resource whose platform object is gone (platform_deleted), it plans the
// replacement that finishes the cleanup and creates the object again, and warns. handled says
// it did either, and the caller's own plan checks do not apply; a create plan is the caller's.
// The resource's schema has platform_deleted, as every deleting resource's does.
func ModifyPlan[M any](ctx context.Context, data *providerdata.Data, of Of[M], req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (handled bool) {
	if req.State.Raw.IsNull() {
		return false
	}
	if !req.Plan.Raw.IsNull() {
		// An update: only a platform object found gone matters here. One attribute is far
		// cheaper to read than the whole state, which a plan of thousands of resources pays
		// once per resource.
		var deleted types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("platform_deleted"), &deleted)...)
		if resp.Diagnostics.HasError() || !deleted.ValueBool() {
			return resp.Diagnostics.HasError()
		}
	}
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return true
	}
	t, diags := of(ctx, state)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return true
	}
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.Append(PlanDestroy(ctx, data, t, req.Private)...)
		return true
	}
	if !t.PlatformDeleted {
		return false
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("platform_deleted"))
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s: teardown pending", capitalise(t.Object)),
		"The platform object is gone but storage it owns is left. This apply removes what is left and creates the object again; "+
			"terraform destroy only removes what is left.")
	return true
}

// ReadNotFound is the contract's part of Read once the platform answered that the object in
// state m is gone: the resource leaves state when nothing it owns is left, and otherwise stays,
// marked platform_deleted = true, for the next destroy to finish.
func ReadNotFound[M any](ctx context.Context, data *providerdata.Data, of Of[M], m M, req resource.ReadRequest, resp *resource.ReadResponse) {
	t, diags := of(ctx, m)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	ReadGone(ctx, data, t, req, resp)
}

// Delete is the contract's Delete: the teardown of the state, within its delete timeout,
// resumed from the progress an earlier destroy recorded. On failure it records the new progress
// and platform_deleted, so that the resource stays in state for the next destroy. It returns the
// teardown it ran, for a caller that says more once it succeeded.
func Delete[M any](ctx context.Context, data *providerdata.Data, of Of[M], req resource.DeleteRequest, resp *resource.DeleteResponse) Teardown {
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return Teardown{}
	}
	t, diags := of(ctx, m)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return t
	}
	if t.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.Timeout)
		defer cancel()
	}
	prog, diags := Destroy(ctx, data, t, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform_deleted"), prog.PlatformDeleted)...)
	}
	return t
}
