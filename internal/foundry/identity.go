package foundry

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var (
	_ resource.ResourceWithIdentity = &fileResource{}
	_ resource.ResourceWithIdentity = &fileSetResource{}
)

// fileIdentity is a dataset file's resource identity: where it is, each part of which a change
// replaces.
type fileIdentity struct {
	DatasetRID types.String `tfsdk:"dataset_rid"`
	Branch     types.String `tfsdk:"branch"`
	Path       types.String `tfsdk:"path"`
}

// fileSetIdentity is a file set's resource identity: the branch it lives on, which a change
// replaces. Nothing else about a set is stable: its files change with the configuration, its
// id and transaction_rid with every write, and the selection an import took (a folder or a
// transaction) is kept only until the first read, and a created set has none. An import by
// identity therefore takes every file of the branch, as <dataset_rid>:<branch> does; a set
// beside other files on its branch is imported by the id form that selects its folder or
// transaction.
type fileSetIdentity struct {
	DatasetRID types.String `tfsdk:"dataset_rid"`
	Branch     types.String `tfsdk:"branch"`
}

func datasetRIDIdentity() identityschema.StringAttribute {
	return identityschema.StringAttribute{RequiredForImport: true, Description: "Dataset RID, `ri.foundry.main.dataset.<uuid>`."}
}

func branchIdentity() identityschema.StringAttribute {
	return identityschema.StringAttribute{RequiredForImport: true, Description: "Branch name, such as `master`."}
}

func (r *fileResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"dataset_rid": datasetRIDIdentity(),
		"branch":      branchIdentity(),
		"path":        identityschema.StringAttribute{RequiredForImport: true, Description: "File path in the dataset, such as `raw/2024/a.csv`."},
	}}
}

func (r *fileSetResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"dataset_rid": datasetRIDIdentity(),
		"branch":      branchIdentity(),
	}}
}

func fileIdentityOf(m fileModel) fileIdentity {
	return fileIdentity{DatasetRID: m.DatasetRID, Branch: m.Branch, Path: m.Path}
}

func fileSetIdentityOf(m fileSetModel) fileSetIdentity {
	return fileSetIdentity{DatasetRID: m.DatasetRID, Branch: m.Branch}
}

// fileTarget is the file an import names.
type fileTarget struct{ rid, branch, path string }

func (t fileTarget) id() string { return t.rid + ":" + t.branch + ":" + t.path }

// problem says what is wrong with the target, "" when nothing.
func (t fileTarget) problem() string {
	switch {
	case !datasetRIDRE.MatchString(t.rid):
		return fmt.Sprintf("dataset_rid %q is not a dataset RID", t.rid)
	case t.branch == "":
		return "the branch is empty"
	case validate.RelativePath(t.path) != nil:
		return fmt.Sprintf("path %q is not a relative file path", t.path)
	}
	return ""
}

// fileImportTarget reads the file an import names, from the import id
// (<dataset_rid>:<branch>:<path>) or the import block's identity.
func fileImportTarget(ctx context.Context, req resource.ImportStateRequest) (fileTarget, diag.Diagnostics) {
	var ident fileIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if diags.HasError() {
		return fileTarget{}, diags
	}
	const want = `{ dataset_rid = "ri.foundry.main.dataset.<uuid>", branch = "master", path = "raw/a.csv" }`
	if byIdentity {
		t := fileTarget{ident.DatasetRID.ValueString(), ident.Branch.ValueString(), ident.Path.ValueString()}
		missing := identity.Missing(map[string]types.String{"dataset_rid": ident.DatasetRID, "branch": ident.Branch, "path": ident.Path})
		switch {
		case len(missing) > 0:
			diags.Append(identity.InvalidImport("Foundry dataset file", identity.MissingProblem(missing), want))
		case t.problem() != "":
			diags.Append(identity.InvalidImport("Foundry dataset file", t.problem(), want))
		}
		return t, diags
	}
	t := parseFileImportID(req.ID)
	if t.problem() != "" {
		diags.AddError("Invalid import id",
			fmt.Sprintf("Import a Foundry dataset file as <dataset_rid>:<branch>:<path>, such as ri.foundry.main.dataset.<uuid>:master:raw/a.csv, not %q.", req.ID))
	}
	return t, diags
}

// parseFileImportID splits <dataset_rid>:<branch>:<path>; the path may hold colons.
func parseFileImportID(id string) fileTarget {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 {
		return fileTarget{}
	}
	return fileTarget{parts[0], parts[1], parts[2]}
}
