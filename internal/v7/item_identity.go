package v7

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

var _ resource.ResourceWithIdentity = &itemResource{}

// itemIdentity is an item's resource identity: its team and its id, which V7 assigns at
// registration. A create and an import always record the team (the configured one, the
// provider's, or the API key's), and a change of team replaces the item.
//
// storage_slug is not part of it, not even optional for import. It does not identify the item:
// it names the connection that holds the files, which the import finds when V7's answer does not
// say. And it is not stable: after an import, a configuration that names the same connection by
// its name instead of its slug is recorded in place. An import by identity finds the connection
// as <team_slug>/<item_id> does; where that cannot tell, the id form
// <team_slug>/<item_id>/<storage connection> names it.
type itemIdentity struct {
	TeamSlug types.String `tfsdk:"team_slug"`
	ID       types.String `tfsdk:"id"`
}

func (r *itemResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"team_slug": identityschema.StringAttribute{RequiredForImport: true, Description: "Team slug, as `team_slug`."},
		"id":        identityschema.StringAttribute{RequiredForImport: true, Description: "The item's UUID, as `id`."},
	}}
}

func itemIdentityOf(m itemModel) itemIdentity { return itemIdentity{TeamSlug: m.TeamSlug, ID: m.ID} }

// itemTarget is the item an import names: its team ("" for the provider's or the API key's),
// its id, and the storage connection that holds its files ("" to find it).
type itemTarget struct{ team, id, storage string }

// problem says what is wrong with the target, "" when nothing.
func (t itemTarget) problem() string {
	switch {
	case t.id == "":
		return "the item id is empty"
	case t.team != "" && !slugRE.MatchString(t.team):
		return fmt.Sprintf("team_slug %q is not a V7 slug (lower case letters, digits, - and _)", t.team)
	case t.storage != "" && !storageRE.MatchString(t.storage):
		return fmt.Sprintf("the storage connection %q has leading or trailing spaces", t.storage)
	}
	return ""
}

// itemImportTarget reads the item an import names, from the import id or from the import
// block's identity.
func itemImportTarget(ctx context.Context, req resource.ImportStateRequest) (itemTarget, diag.Diagnostics) {
	var ident itemIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if diags.HasError() {
		return itemTarget{}, diags
	}
	if !byIdentity {
		t, ok := parseItemImportID(req.ID)
		if !ok || t.problem() != "" {
			diags.AddError("Invalid import id", fmt.Sprintf("Import a V7 item as <item_id> (with the provider's team), "+
				"<team_slug>/<item_id>, or <team_slug>/<item_id>/<storage connection> when the team has several, not %q.", req.ID))
		}
		return t, diags
	}
	const want = `{ team_slug = "<team_slug>", id = "<item UUID>" } (name a storage connection with the id form <team_slug>/<item_id>/<storage connection>)`
	t := itemTarget{team: ident.TeamSlug.ValueString(), id: ident.ID.ValueString()}
	if missing := identity.Missing(map[string]types.String{"team_slug": ident.TeamSlug, "id": ident.ID}); len(missing) > 0 {
		diags.Append(identity.InvalidImport("V7 item", identity.MissingProblem(missing), want))
	} else if p := t.problem(); p != "" {
		diags.Append(identity.InvalidImport("V7 item", p, want))
	}
	return t, diags
}

// parseItemImportID splits <item_id>, <team_slug>/<item_id> or
// <team_slug>/<item_id>/<storage connection>; ok is false when a part it names is empty.
func parseItemImportID(id string) (t itemTarget, ok bool) {
	parts := strings.SplitN(id, "/", 3)
	t.id = parts[0]
	if len(parts) > 1 {
		t.team, t.id = parts[0], parts[1]
	}
	if len(parts) > 2 {
		t.storage = parts[2]
	}
	return t, (len(parts) < 2 || t.team != "") && (len(parts) < 3 || t.storage != "")
}
