package dandi

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
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

// derivativeIdentityOf is the identity of a derivative version in state.
func derivativeIdentityOf(m derivativeModel) derivativeIdentity {
	return derivativeIdentity{DandisetID: m.DandisetID, Version: m.Version, DandisetDirectory: m.DandisetDirectory}
}

// derivativeImportID is the import id: the one given, or the one an import block's identity
// stands for.
func derivativeImportID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	var ident derivativeIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if !byIdentity || diags.HasError() {
		return req.ID, diags
	}
	if missing := identity.Missing(map[string]types.String{"dandiset_id": ident.DandisetID, "version": ident.Version,
		"dandiset_directory": ident.DandisetDirectory}); len(missing) > 0 {
		diags.Append(identity.InvalidImport("DANDI derivative version", identity.MissingProblem(missing),
			`{ dandiset_id = "001697", version = "v1.0.0", dandiset_directory = "/data/001697" }`))
		return "", diags
	}
	// Each part on its own: the id joins them with ':', which only the directory may hold.
	if !dandisetIDRE.MatchString(ident.DandisetID.ValueString()) || CheckVersion(ident.Version.ValueString()) != nil {
		diags.Append(identity.InvalidImport("DANDI derivative version", fmt.Sprintf("dandiset_id %q or version %q is not a six-digit "+
			"dandiset id and a pipeline version", ident.DandisetID.ValueString(), ident.Version.ValueString()),
			`{ dandiset_id = "001697", version = "v1.0.0", dandiset_directory = "/data/001697" }`))
		return "", diags
	}
	return strings.Join([]string{ident.DandisetID.ValueString(), ident.Version.ValueString(), ident.DandisetDirectory.ValueString()}, ":"), diags
}
