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

func (r *fileSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.SplitN(req.ID, ":", 3)
	sel := ""
	if len(parts) == 3 {
		sel = parts[2]
	}
	valid := len(parts) >= 2 && datasetRIDRE.MatchString(parts[0]) && parts[1] != ""
	switch {
	case !valid:
	case strings.HasPrefix(sel, "ri.foundry.main.transaction."):
	case strings.HasSuffix(sel, "/"):
		valid = validate.RelativePath(strings.TrimSuffix(sel, "/")) == nil
	default:
		valid = sel == "" && len(parts) == 2
	}
	if !valid {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Import a Foundry file set as <dataset_rid>:<branch> (every file of the branch), "+
			"<dataset_rid>:<branch>:<folder>/ (the files under a folder) or <dataset_rid>:<branch>:<transaction_rid> (the files that "+
			"transaction wrote last), not %q.", req.ID))
		return
	}
	for attr, v := range map[string]any{"dataset_rid": parts[0], "branch": parts[1], "deletion_protection": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importSelectionKey, []byte(fmt.Sprintf("%q", sel)))...)
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
