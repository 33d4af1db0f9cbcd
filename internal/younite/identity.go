package younite

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var _ resource.ResourceWithIdentity = &dataRecordResource{}

// drIdentity is a DR's resource identity: its UUID, and the zone it was created or imported in
// (null when none was named: the provider's younite.zone_uuid, or the token's only zone). The
// domain is not part of it: an import that could not tell it records the configuration's in
// place, so it may change. zone_uuid is replaced when changed, and otherwise changes only when a
// read fills an empty one from the provider's setting: the identity then keeps the zone it
// recorded (recordedIdentity), as it must never change.
type drIdentity struct {
	ZoneUUID types.String `tfsdk:"zone_uuid"`
	ID       types.String `tfsdk:"id"`
}

func (r *dataRecordResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"zone_uuid": identityschema.StringAttribute{OptionalForImport: true,
			Description: "Zone the DR is acted on in, as `zone_uuid`; leave it out for the provider's `younite.zone_uuid` or the token's only zone."},
		"id": identityschema.StringAttribute{RequiredForImport: true, Description: "The DR's UUID, as `id`."},
	}}
}

func drIdentityOf(m dataRecordModel) drIdentity {
	zone := m.ZoneUUID
	if zone.ValueString() == "" {
		zone = types.StringNull()
	}
	return drIdentity{ZoneUUID: zone, ID: m.ID}
}

// recordedIdentity says whether Terraform holds an identity for the DR already (Terraform 1.12
// and later, once a create, import or read recorded one).
func recordedIdentity(id *tfsdk.ResourceIdentity) bool {
	return id != nil && !id.Raw.IsNull() && !id.Raw.IsFullyNull()
}

// drTarget is the DR an import names: its zone (optional), its UUID, and its domain (optional:
// for YOUnite's documented DR answer, which does not name it).
type drTarget struct{ zone, dr, domain string }

// problem says what is wrong with the target, "" when nothing.
func (t drTarget) problem() string {
	switch {
	case validate.UUID(t.dr) != nil:
		return fmt.Sprintf("the DR %q is not a UUID", t.dr)
	case t.zone != "" && validate.UUID(t.zone) != nil:
		return fmt.Sprintf("the zone %q is not a UUID", t.zone)
	case t.domain != "" && (len(t.domain) < 3 || len(t.domain) > 128):
		return fmt.Sprintf("the domain %q is not a domain's name, 3 to 128 characters", t.domain)
	}
	return ""
}

// drImportTarget reads the DR an import names, from the import id or from the import block's
// identity (which names no domain).
func drImportTarget(ctx context.Context, req resource.ImportStateRequest) (drTarget, diag.Diagnostics) {
	var ident drIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if diags.HasError() {
		return drTarget{}, diags
	}
	if !byIdentity {
		zone, dr, domain, err := parseImportID(req.ID)
		if err != nil {
			diags.AddError("Invalid import id", err.Error())
		}
		return drTarget{zone, dr, domain}, diags
	}
	const want = `{ id = "<dr_uuid>" } or { zone_uuid = "<zone_uuid>", id = "<dr_uuid>" }`
	t := drTarget{zone: ident.ZoneUUID.ValueString(), dr: ident.ID.ValueString()}
	if missing := identity.Missing(map[string]types.String{"id": ident.ID}); len(missing) > 0 {
		diags.Append(identity.InvalidImport("YOUnite DR", identity.MissingProblem(missing), want))
	} else if p := t.problem(); p != "" {
		diags.Append(identity.InvalidImport("YOUnite DR", p, want))
	}
	return t, diags
}
