package foundry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

var (
	_ resource.ResourceWithConfigure      = &fileSetResource{}
	_ resource.ResourceWithModifyPlan     = &fileSetResource{}
	_ resource.ResourceWithValidateConfig = &fileSetResource{}
)

// NewFileSetResource is dataplatforms_foundry_dataset_file_set.
func NewFileSetResource() resource.Resource {
	return &fileSetResource{typeName: providerdata.ProviderTypeName + "_foundry_dataset_file_set"}
}

type fileSetResource struct {
	data     *providerdata.Data
	typeName string
}

type fileSetModel struct {
	ID                 types.String   `tfsdk:"id"`
	DatasetRID         types.String   `tfsdk:"dataset_rid"`
	Branch             types.String   `tfsdk:"branch"`
	Files              types.Map      `tfsdk:"files"`
	FileSHA256         types.Map      `tfsdk:"file_sha256"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	TransactionRID     types.String   `tfsdk:"transaction_rid"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

type fileSetEntry struct {
	Source  types.String `tfsdk:"source"`
	Content types.String `tfsdk:"content"`
}

var fileSetEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{"source": types.StringType, "content": types.StringType}}

// entries reads files; known is false while the map (or a key) is not known yet.
func entries(ctx context.Context, files types.Map) (map[string]fileSetEntry, bool, diag.Diagnostics) {
	if files.IsNull() || files.IsUnknown() {
		return nil, false, nil
	}
	out := map[string]fileSetEntry{}
	diags := files.ElementsAs(ctx, &out, false)
	return out, !diags.HasError(), diags
}

func filesValue(ctx context.Context, files map[string]fileSetEntry) (types.Map, diag.Diagnostics) {
	return types.MapValueFrom(ctx, fileSetEntryType, files)
}

func (r *fileSetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_foundry_dataset_file_set"
	resp.TypeName = r.typeName
}

func (r *fileSetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *fileSetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Many files of one Foundry dataset branch managed as one unit, so that they appear and disappear " +
			"together. Create writes them all in one `UPDATE` transaction; an update writes the new and changed files in one " +
			"`UPDATE` transaction and removes dropped files in one `DELETE` transaction; destroy opens one `DELETE` transaction, " +
			"deletes every file in it and commits. On any failure the transaction is aborted, so nothing is half written or half " +
			"deleted, and the error names the file that failed.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<dataset_rid>:<branch>:<rid of the creating transaction>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"dataset_rid": schema.StringAttribute{Required: true, MarkdownDescription: "Dataset RID, `ri.foundry.main.dataset.<uuid>`.",
				Validators: datasetRIDValidators(), PlanModifiers: replace},
			"branch": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("master"),
				MarkdownDescription: "Branch name. Default `master`.", Validators: branchValidators(), PlanModifiers: replace},
			"files": schema.MapNestedAttribute{Required: true,
				MarkdownDescription: "The files by path (such as `raw/2024/a.csv`), each with exactly one of `source` (a local file) and `content`.",
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(filePathValidator)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"source":  schema.StringAttribute{Optional: true, MarkdownDescription: "Local file to upload."},
					"content": schema.StringAttribute{Optional: true, MarkdownDescription: "Content to upload, as UTF-8 text."},
				}}},
			"file_sha256": schema.MapAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "SHA-256 of each file's bytes, read at plan: a changed source file plans an update."},
			"deletion_protection": teardown.DeletionProtection(),
			"transaction_rid":     schema.StringAttribute{Computed: true, MarkdownDescription: "The last transaction this resource committed."},
			"timeouts":            timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

func (r *fileSetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var raw types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("files"), &raw)...)
	files, _, diags := entries(ctx, raw)
	resp.Diagnostics.Append(diags...)
	for p, e := range files {
		if e.Source.IsUnknown() || e.Content.IsUnknown() {
			continue
		}
		if e.Source.IsNull() == e.Content.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("files").AtMapKey(p), "Invalid file of the set",
				fmt.Sprintf("File %q needs exactly one of source and content.", p))
		}
	}
}

func fileSetObject(rid, branch string, n int) string {
	return fmt.Sprintf("Foundry file set of %d files on branch %q of %s", n, branch, rid)
}

func (r *fileSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if _, diags := r.data.Require(providerdata.Foundry, r.typeName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.Plan.Raw.IsNull() {
		var state fileSetModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		resp.Diagnostics.Append(teardown.Guard(fileSetObject(state.DatasetRID.ValueString(), state.Branch.ValueString(), len(state.Files.Elements())),
			state.DeletionProtection.ValueBool())...)
		return
	}
	var plan fileSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	files, known, diags := entries(ctx, plan.Files)
	resp.Diagnostics.Append(diags...)
	if !known {
		return
	}
	sums := map[string]string{}
	for p, e := range files {
		sum, known, diags := plannedSHA256(e.Source, e.Content)
		resp.Diagnostics.Append(diags...)
		if !known {
			return
		}
		sums[p] = sum
	}
	v, diags := types.MapValueFrom(ctx, types.StringType, sums)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("file_sha256"), v)...)
	if !req.State.Raw.IsNull() {
		var state fileSetModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if took, _ := req.Private.GetKey(ctx, importTookKey); len(took) > 0 {
			var dropped []string
			for p := range state.Files.Elements() {
				if _, ok := files[p]; !ok {
					dropped = append(dropped, p)
				}
			}
			if len(dropped) > 0 {
				slices.Sort(dropped)
				resp.Diagnostics.AddError(fmt.Sprintf("The import took %d files of branch %q that the configuration does not hold", len(dropped), state.Branch.ValueString()),
					fmt.Sprintf("The import selected them (an import by identity takes every file of the branch), and applying this plan "+
						"would delete them from %s: %s. Nothing was changed. Add them to the configuration (plan -generate-config-out "+
						"writes one that holds them all), or import the set by the id form that selects its folder or transaction. To "+
						"delete some, apply the import with them first, then remove them from the configuration.",
						state.DatasetRID.ValueString(), teardown.Sample(dropped, 10)))
				return
			}
		}
		tx := state.TransactionRID
		if !state.FileSHA256.Equal(v) {
			tx = types.StringUnknown() // new, changed or dropped files: a new transaction
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("transaction_rid"), tx)...)
	}
}

// contentOf reads what one file of the set uploads and checks it against the planned hash.
func contentOf(p string, e fileSetEntry, planned map[string]string) ([]byte, error) {
	b := []byte(e.Content.ValueString())
	if !e.Source.IsNull() {
		var err error
		if b, err = readSource(e.Source.ValueString()); err != nil {
			return nil, err
		}
	}
	if want := planned[p]; want != "" && sha256Hex(b) != want {
		return nil, fmt.Errorf("%s changed between plan and apply; plan again", p)
	}
	return b, nil
}

func (r *fileSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m fileSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, diags := connect(r.data, r.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	files, _, diags := entries(ctx, m.Files)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	tx, err := r.upload(ctx, c, m, files, slices.Sorted(maps.Keys(files)))
	var open *OpenTransactionError
	if errors.As(err, &open) {
		// The transaction holds the branch, and whether it committed is unknown (a commit whose
		// answer was lost may have gone through): keep the set in state, tainted, owning no
		// commit yet, with the transaction recorded. The next run aborts it, or finds it
		// committed and takes its files as the set's; otherwise its destroy deletes no file.
		m.ID = types.StringValue(m.DatasetRID.ValueString() + ":" + m.Branch.ValueString() + ":" + open.RID)
		m.TransactionRID = types.StringNull()
		resp.Diagnostics.Append(recordUnclosed(ctx, nil, resp.Private, err)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentityOf(m))...)
		resp.Diagnostics.Append(diagnostics.Error("Writing the "+fileSetObject(m.DatasetRID.ValueString(), m.Branch.ValueString(), len(files))+" failed", err,
			"The set stays in state, marked tainted, with the transaction recorded. The next plan, apply or destroy aborts it; "+
				"if its commit went through after all (its answer lost), the files it wrote are taken as the set's, and a destroy deletes them."))
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Writing the "+fileSetObject(m.DatasetRID.ValueString(), m.Branch.ValueString(), len(files))+" failed", err,
			"Nothing of the set was written. Fix the cause and apply again."))
		return
	}
	m.ID = types.StringValue(m.DatasetRID.ValueString() + ":" + m.Branch.ValueString() + ":" + tx.RID)
	m.TransactionRID = types.StringValue(tx.RID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentityOf(m))...)
}

// upload writes the named files of m in one UPDATE transaction.
func (r *fileSetResource) upload(ctx context.Context, c *Client, m fileSetModel, files map[string]fileSetEntry, paths []string) (Transaction, error) {
	planned := map[string]string{}
	m.FileSHA256.ElementsAs(ctx, &planned, false)
	rid := m.DatasetRID.ValueString()
	return inTransaction(ctx, c, rid, m.Branch.ValueString(), TypeUpdate, func(ctx context.Context, txRID string) error {
		for _, p := range paths {
			body, err := contentOf(p, files[p], planned)
			if err != nil {
				return err
			}
			if _, err := c.Upload(ctx, rid, p, Target{TransactionRID: txRID}, body); err != nil {
				return fmt.Errorf("uploading %q: %w", p, err)
			}
		}
		return nil
	})
}

// remove deletes the named files in one DELETE transaction; files already gone are skipped.
func remove(ctx context.Context, c *Client, rid, branch string, paths []string) (Transaction, error) {
	return inTransaction(ctx, c, rid, branch, TypeDelete, func(ctx context.Context, txRID string) error {
		for i, p := range paths {
			err := c.DeleteFile(ctx, rid, p, Target{TransactionRID: txRID})
			if isFileGone(err) {
				tflog.Info(ctx, "file already gone from the branch", map[string]any{"path": p})
				continue
			}
			if err != nil {
				return fmt.Errorf("deleting %q (file %d of %d): %w", p, i+1, len(paths), err)
			}
		}
		return nil
	})
}

func (r *fileSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state fileSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, diags := connect(r.data, r.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, diags = abortRecorded(ctx, c, plan.DatasetRID.ValueString(), req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	was, now := map[string]string{}, map[string]string{}
	state.FileSHA256.ElementsAs(ctx, &was, false)
	plan.FileSHA256.ElementsAs(ctx, &now, false)
	var write, drop []string
	for _, p := range slices.Sorted(maps.Keys(now)) {
		if was[p] != now[p] {
			write = append(write, p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(was)) {
		if _, ok := now[p]; !ok {
			drop = append(drop, p)
		}
	}
	planFiles, _, diags := entries(ctx, plan.Files)
	resp.Diagnostics.Append(diags...)
	stateFiles, _, diags := entries(ctx, state.Files)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	object := fileSetObject(plan.DatasetRID.ValueString(), plan.Branch.ValueString(), len(planFiles))
	plan.ID, plan.TransactionRID = state.ID, state.TransactionRID
	if len(write) > 0 {
		tx, err := r.upload(ctx, c, plan, planFiles, write)
		if err != nil {
			resp.Diagnostics.Append(recordUnclosed(ctx, resp.Private, resp.Private, err)...)
			resp.Diagnostics.Append(diagnostics.Error("Updating the "+object+" failed", err, "Nothing of this update was written."))
			return
		}
		plan.TransactionRID = types.StringValue(tx.RID)
	}
	if len(drop) > 0 {
		tx, err := remove(ctx, c, plan.DatasetRID.ValueString(), plan.Branch.ValueString(), drop)
		if err != nil {
			resp.Diagnostics.Append(recordUnclosed(ctx, resp.Private, resp.Private, err)...)
			// The uploads are committed: record them, and keep the files still to drop in state.
			for _, p := range drop {
				planFiles[p] = stateFiles[p]
				now[p] = was[p]
			}
			plan.Files, _ = filesValue(ctx, planFiles)
			plan.FileSHA256, _ = types.MapValueFrom(ctx, types.StringType, now)
			resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Removing %d files from the %s failed", len(drop), object), err,
				"The new and changed files are written; the dropped files are still on the branch and in state. Apply again to remove them."))
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentityOf(plan))...)
			return
		}
		plan.TransactionRID = types.StringValue(tx.RID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentityOf(plan))...)
}

func (r *fileSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m fileSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Recorded before anything else: a read that finds every file gone removes the set from state.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileSetIdentityOf(m))...)
	c, diags := connect(r.data, r.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The import's own plan (below) is the only one that refuses to drop the files it took.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importTookKey, nil)...)
	if m.Files.IsNull() { // imported: take the selected files
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importTookKey, []byte("true"))...)
		sel, diags := req.Private.GetKey(ctx, importSelectionKey)
		resp.Diagnostics.Append(diags...)
		var selection string
		if err := json.Unmarshal(sel, &selection); err != nil {
			resp.Diagnostics.AddError("Invalid imported file set", "The import's selection could not be read back: "+err.Error())
			return
		}
		resp.Diagnostics.Append(importFiles(ctx, c, &m, selection)...)
		if resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importSelectionKey, nil)...)
	}
	managed, _, diags := entries(ctx, m.Files)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	committed, diags := abortRecorded(ctx, c, m.DatasetRID.ValueString(), req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	if len(committed) > 0 && m.TransactionRID.IsNull() {
		// The create's commit went through, its answer lost: the files it wrote are the set's.
		m.TransactionRID = types.StringValue(committed[len(committed)-1])
	}
	files, err := c.ListFiles(ctx, m.DatasetRID.ValueString(), m.Branch.ValueString(), 0)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Listing the files of the "+fileSetObject(m.DatasetRID.ValueString(), m.Branch.ValueString(), len(managed))+" failed", err, ""))
		return
	}
	present := map[string]bool{}
	for _, f := range files {
		present[f.Path] = true
	}
	sums := map[string]string{}
	m.FileSHA256.ElementsAs(ctx, &sums, false)
	var gone []string
	for p := range managed {
		if !present[p] {
			gone = append(gone, p)
			delete(managed, p)
			delete(sums, p)
		}
	}
	if len(managed) == 0 {
		tflog.Info(ctx, "every file of the set is gone from the branch; removing it from state", map[string]any{"dataset_rid": m.DatasetRID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if len(gone) > 0 {
		slices.Sort(gone)
		tflog.Info(ctx, "files of the set deleted outside Terraform", map[string]any{"paths": strings.Join(gone, ", ")})
		m.FileSHA256, diags = types.MapValueFrom(ctx, types.StringType, sums)
		resp.Diagnostics.Append(diags...)
		m.Files, diags = filesValue(ctx, managed)
		resp.Diagnostics.Append(diags...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *fileSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m fileSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rid, branch := m.DatasetRID.ValueString(), m.Branch.ValueString()
	files, _, diags := entries(ctx, m.Files)
	resp.Diagnostics.Append(diags...)
	object := fileSetObject(rid, branch, len(files))
	if diags := teardown.Guard(object, m.DeletionProtection.ValueBool()); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	timeout, diags := m.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, diags := connect(r.data, r.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	committed, diags := abortRecorded(ctx, c, rid, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	left, diags := loadOpen(ctx, resp.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if len(left) > 0 {
		resp.Diagnostics.AddError("Deleting the "+object+" is blocked by its own open transaction",
			fmt.Sprintf("Transactions %q, which an earlier run opened and could not close, are still open and could not be aborted. "+
				"Nothing was deleted; run terraform destroy again.", left))
		return
	}
	if m.TransactionRID.IsNull() && len(committed) == 0 {
		return // a create that committed nothing: it owns no file
	}
	if _, err := remove(ctx, c, rid, branch, slices.Sorted(maps.Keys(files))); err != nil {
		resp.Diagnostics.Append(recordUnclosed(ctx, resp.Private, resp.Private, err)...)
		resp.Diagnostics.Append(diagnostics.Error("Deleting the "+object+" failed", err,
			"No file of the set was deleted: every one is still on the branch and in state. Fix the cause and run terraform destroy again."))
	}
}
