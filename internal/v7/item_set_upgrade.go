package v7

import (
	"context"
	"encoding/base64"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithUpgradeState = &itemSetResource{}

// itemSetModelV0 is a set's state before version 1: its items (registered) and owned folders
// (metadata_scope.prefixes) were attributes.
type itemSetModelV0 struct {
	ID                 types.String    `tfsdk:"id"`
	TeamSlug           types.String    `tfsdk:"team_slug"`
	DatasetSlug        types.String    `tfsdk:"dataset_slug"`
	StorageSlug        types.String    `tfsdk:"storage_slug"`
	Path               types.String    `tfsdk:"path"`
	Source             *setSourceModel `tfsdk:"source"`
	Items              types.Map       `tfsdk:"items"`
	MetadataLayout     types.String    `tfsdk:"metadata_layout"`
	AdoptExisting      types.Bool      `tfsdk:"adopt_existing"`
	DeletionProtection types.Bool      `tfsdk:"deletion_protection"`
	DatasetID          types.Int64     `tfsdk:"dataset_id"`
	ItemCount          types.Int64     `tfsdk:"item_count"`
	Registered         types.Map       `tfsdk:"registered"`
	StoragePrefix      types.String    `tfsdk:"storage_prefix"`
	MetadataScope      types.Object    `tfsdk:"metadata_scope"`
	PlatformDeleted    types.Bool      `tfsdk:"platform_deleted"`
	Bypass             types.Bool      `tfsdk:"bypass_governance_retention"`
	CleanupIAMPolicy   types.String    `tfsdk:"cleanup_iam_policy"`
	Timeouts           timeouts.Value  `tfsdk:"timeouts"`
}

// UpgradeState moves a version 0 state's items and folders into legacy_record, which the next
// refresh (or the destroy itself) reads into private state: an upgrade may not write private
// state, and nothing a set owns may be forgotten on the way.
func (r *itemSetResource) UpgradeState(ctx context.Context) map[int64]resource.StateUpgrader {
	var current resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &current)
	attrs := map[string]schema.Attribute{}
	for k, v := range current.Schema.Attributes {
		attrs[k] = v
	}
	delete(attrs, "cleanup_iam_policy_exact")
	delete(attrs, "legacy_record")
	attrs["registered"] = schema.MapAttribute{Computed: true, ElementType: types.StringType}
	attrs["metadata_scope"] = schema.SingleNestedAttribute{Computed: true, Attributes: map[string]schema.Attribute{
		"bucket":   schema.StringAttribute{Computed: true},
		"prefixes": schema.ListAttribute{Computed: true, ElementType: types.StringType},
	}}
	prior := schema.Schema{Attributes: attrs}
	return map[int64]resource.StateUpgrader{0: {PriorSchema: &prior, StateUpgrader: upgradeV0}}
}

func upgradeV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	var old itemSetModelV0
	resp.Diagnostics.Append(req.State.Get(ctx, &old)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rec := setRecord{Registered: map[string]string{}}
	if !old.Registered.IsNull() && !old.Registered.IsUnknown() {
		resp.Diagnostics.Append(old.Registered.ElementsAs(ctx, &rec.Registered, false)...)
	}
	scope := scopeOf(ctx, old.MetadataScope)
	rec.Bucket, rec.Prefixes = scope.Bucket, scope.Prefixes
	packed, err := packRecord(rec)
	if err != nil {
		resp.Diagnostics.AddError("Cannot upgrade the V7 item set's state", err.Error())
		return
	}
	m := itemSetModel{ID: old.ID, TeamSlug: old.TeamSlug, DatasetSlug: old.DatasetSlug, StorageSlug: old.StorageSlug, Path: old.Path,
		Source: old.Source, Items: old.Items, MetadataLayout: old.MetadataLayout, AdoptExisting: old.AdoptExisting,
		DeletionProtection: old.DeletionProtection, DatasetID: old.DatasetID, ItemCount: types.Int64Value(int64(len(rec.Registered))),
		StoragePrefix: old.StoragePrefix, PlatformDeleted: old.PlatformDeleted, Bypass: old.Bypass, CleanupIAMPolicy: old.CleanupIAMPolicy,
		CleanupIAMPolicyExact: types.BoolNull(), Timeouts: old.Timeouts,
		LegacyRecord: types.StringValue(base64.StdEncoding.EncodeToString(packed))}
	m.MetadataScope = scopeSummary(scope)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
