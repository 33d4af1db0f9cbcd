package dandi

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ resource.ResourceWithIdentity = &derivativeResource{}

// derivativeIdentity is a derivative version's resource identity: what its import id names.
// Each part replaces the resource when it changes, so the identity never does.
type derivativeIdentity struct {
	DandisetID        types.String `tfsdk:"dandiset_id"`
	Version           types.String `tfsdk:"version"`
	DandisetDirectory types.String `tfsdk:"dandiset_directory"`
}

func (r *derivativeResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"dandiset_id":        identityschema.StringAttribute{RequiredForImport: true, Description: "Six-digit dandiset id, such as `001697`."},
		"version":            identityschema.StringAttribute{RequiredForImport: true, Description: "Pipeline version, such as `v1.0.0`."},
		"dandiset_directory": identityschema.StringAttribute{RequiredForImport: true, Description: "The local clone's root."},
	}}
}

// writeDerivativeIdentity writes m's identity into a response that carries one (a client that
// predates identities hands none).
func writeDerivativeIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, m derivativeModel) diag.Diagnostics {
	if id == nil {
		return nil
	}
	return id.Set(ctx, derivativeIdentity{DandisetID: m.DandisetID, Version: m.Version, DandisetDirectory: m.DandisetDirectory})
}

// derivativeImportID is the import id: the one given, or the one an identity stands for.
func derivativeImportID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	if req.ID != "" || req.Identity == nil {
		return req.ID, nil
	}
	var ident derivativeIdentity
	diags := req.Identity.Get(ctx, &ident)
	return strings.Join([]string{ident.DandisetID.ValueString(), ident.Version.ValueString(), ident.DandisetDirectory.ValueString()}, ":"), diags
}
