package foundry

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var _ resource.ResourceWithImportState = &fileSetResource{}

// The import of a file set takes the files of a branch that one of three selections names:
//
//	<dataset_rid>:<branch>                    every file of the branch
//	<dataset_rid>:<branch>:<folder>/          the files under a folder (the trailing / says so)
//	<dataset_rid>:<branch>:<transaction_rid>  the files that transaction wrote last
//
// and writes each file's text into content, so that the configuration Terraform generates
// from it (`plan -generate-config-out`) plans with no changes.

// importSelectionKey is the private-state key that holds the selection until the first read.
const importSelectionKey = "import_selection"

// importTookKey marks the state of the read that filled an import, for the plan that follows
// it: that plan refuses to drop a file the import took, which the next read clears.
const importTookKey = "import_took"

// fileSetTarget is the files an import names: a branch, and a selection of its files ("" for
// every one, "<folder>/", or a transaction RID).
type fileSetTarget struct{ rid, branch, sel string }

// valid says whether the target names a dataset, a branch and a selection of the three forms.
func (t fileSetTarget) valid() bool {
	switch {
	case !datasetRIDRE.MatchString(t.rid) || t.branch == "":
		return false
	case strings.HasPrefix(t.sel, "ri.foundry.main.transaction."):
		return true
	case strings.HasSuffix(t.sel, "/"):
		return validate.RelativePath(strings.TrimSuffix(t.sel, "/")) == nil
	}
	return t.sel == ""
}

// fileSetImportTarget reads the files an import names, from the import id or from the import
// block's identity (every file of its branch: the identity holds no selection, see
// fileSetIdentity).
func fileSetImportTarget(ctx context.Context, req resource.ImportStateRequest) (fileSetTarget, diag.Diagnostics) {
	var ident fileSetIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if diags.HasError() {
		return fileSetTarget{}, diags
	}
	if byIdentity {
		const want = `{ dataset_rid = "ri.foundry.main.dataset.<uuid>", branch = "master" }, which takes every file of the branch ` +
			`(import the files under a folder or of a transaction by the id form)`
		t := fileSetTarget{rid: ident.DatasetRID.ValueString(), branch: ident.Branch.ValueString()}
		missing := identity.Missing(map[string]types.String{"dataset_rid": ident.DatasetRID, "branch": ident.Branch})
		switch {
		case len(missing) > 0:
			diags.Append(identity.InvalidImport("Foundry file set", identity.MissingProblem(missing), want))
		case !t.valid():
			diags.Append(identity.InvalidImport("Foundry file set", fmt.Sprintf("dataset_rid %q is not a dataset RID", t.rid), want))
		}
		return t, diags
	}
	parts := strings.SplitN(req.ID, ":", 3)
	t := fileSetTarget{rid: parts[0]}
	if len(parts) > 1 {
		t.branch = parts[1]
	}
	if len(parts) == 3 {
		t.sel = parts[2]
	}
	// <dataset_rid>:<branch>: is no form: the selection, once named, is not empty.
	if !t.valid() || (len(parts) == 3 && t.sel == "") {
		diags.AddError("Invalid import id", fmt.Sprintf("Import a Foundry file set as <dataset_rid>:<branch> (every file of the branch), "+
			"<dataset_rid>:<branch>:<folder>/ (the files under a folder) or <dataset_rid>:<branch>:<transaction_rid> (the files that "+
			"transaction wrote last), not %q.", req.ID))
	}
	return t, diags
}

// ImportState takes the files from `terraform import` and an import block's id, or from an
// import block's identity; the first read lists them.
func (r *fileSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	t, diags := fileSetImportTarget(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]any{"dataset_rid": t.rid, "branch": t.branch, "deletion_protection": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importSelectionKey, []byte(fmt.Sprintf("%q", t.sel)))...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentity{DatasetRID: types.StringValue(t.rid), Branch: types.StringValue(t.branch)})...)
}

// importFiles fills files, file_sha256, transaction_rid and id after an import: one listing,
// and one content read per selected file.
func importFiles(ctx context.Context, c *Client, m *fileSetModel, sel string) diag.Diagnostics {
	var diags diag.Diagnostics
	rid, branch := m.DatasetRID.ValueString(), m.Branch.ValueString()
	all, err := c.ListFiles(ctx, rid, branch, 0)
	if err != nil {
		diags.AddError("Listing the files of branch "+branch+" of "+rid+" failed", err.Error())
		return diags
	}
	files, sums := map[string]fileSetEntry{}, map[string]string{}
	var last File // the file written last: its transaction is the set's
	for _, f := range all {
		switch {
		case strings.HasPrefix(sel, "ri.foundry.main.transaction.") && f.TransactionRID != sel:
			continue
		case strings.HasSuffix(sel, "/") && !strings.HasPrefix(f.Path, sel):
			continue
		}
		body, err := c.GetContent(ctx, rid, branch, f.Path)
		if err != nil {
			diags.AddError("Reading "+f.Path+" of "+rid+" failed", err.Error())
			return diags
		}
		if len(body) > importContentLimit || !utf8.Valid(body) {
			diags.AddError("Cannot import "+f.Path+" into a file set",
				fmt.Sprintf("It holds %d bytes that are not UTF-8 text of at most %d bytes, which only a local source file can carry. "+
					"Import the other files with a narrower selection, and this one as a dataplatforms_foundry_dataset_file with source set.",
					len(body), importContentLimit))
			return diags
		}
		files[f.Path] = fileSetEntry{Source: types.StringNull(), Content: types.StringValue(string(body))}
		sums[f.Path] = sha256Hex(body)
		if f.UpdatedTime.After(last.UpdatedTime) || last.TransactionRID == "" {
			last = f
		}
	}
	if len(files) == 0 {
		diags.AddError("Nothing to import", fmt.Sprintf("No file of branch %q of %s matches %q.", branch, rid, sel))
		return diags
	}
	tx := last.TransactionRID
	if strings.HasPrefix(sel, "ri.foundry.main.transaction.") {
		tx = sel
	}
	m.ID = types.StringValue(rid + ":" + branch + ":" + tx)
	m.TransactionRID = types.StringValue(tx)
	m.Files, diags = filesValue(ctx, files)
	v, d := types.MapValueFrom(ctx, types.StringType, sums)
	diags.Append(d...)
	m.FileSHA256 = v
	return diags
}
