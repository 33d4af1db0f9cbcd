package codeocean

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
)

var _ resource.ResourceWithIdentity = &assetResource{}

// assetIdentity is a data asset's resource identity: its id, which Code Ocean assigns at create
// and never changes (every other attribute is read or updated).
type assetIdentity struct {
	ID types.String `tfsdk:"id"`
}

func (r *assetResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The data asset's UUID, as `id`."},
	}}
}

func identityOf(m assetModel) assetIdentity { return assetIdentity{ID: m.ID} }

// importID is the asset an import names: the import id, or the id of the import block's
// identity.
func importID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	var ident assetIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	switch {
	case diags.HasError() || !byIdentity:
		return req.ID, diags
	case ident.ID.ValueString() == "":
		diags.Append(identity.InvalidImport("Code Ocean data asset", identity.MissingProblem([]string{"id"}), `{ id = "<data asset UUID>" }`))
	}
	return ident.ID.ValueString(), diags
}
