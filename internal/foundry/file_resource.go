package foundry

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

const (
	defaultWriteTimeout  = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

var (
	_ resource.ResourceWithConfigure   = &fileResource{}
	_ resource.ResourceWithModifyPlan  = &fileResource{}
	_ resource.ResourceWithImportState = &fileResource{}
)

// NewFileResource is dataplatforms_foundry_dataset_file.
func NewFileResource() resource.Resource {
	return &fileResource{typeName: providerdata.ProviderTypeName + "_foundry_dataset_file"}
}

type fileResource struct {
	data     *providerdata.Data
	typeName string
}

type fileModel struct {
	ID                 types.String   `tfsdk:"id"`
	DatasetRID         types.String   `tfsdk:"dataset_rid"`
	Branch             types.String   `tfsdk:"branch"`
	Path               types.String   `tfsdk:"path"`
	Source             types.String   `tfsdk:"source"`
	Content            types.String   `tfsdk:"content"`
	SourceSHA256       types.String   `tfsdk:"source_sha256"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	TransactionRID     types.String   `tfsdk:"transaction_rid"`
	SizeBytes          types.Int64    `tfsdk:"size_bytes"`
	UpdatedTime        types.String   `tfsdk:"updated_time"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *fileResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_foundry_dataset_file"
	resp.TypeName = r.typeName
}

func (r *fileResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *fileResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A file in a Foundry dataset branch. Create and update upload it on the branch (Foundry opens and commits an " +
			"`UPDATE` transaction); destroy deletes it in a `DELETE` transaction, so it disappears from the branch and stays in the " +
			"dataset's history. While another transaction is open on the branch (a running build), writes and the destroy wait " +
			"for it within their timeout.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<dataset_rid>:<branch>:<path>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"dataset_rid": schema.StringAttribute{Required: true, MarkdownDescription: "Dataset RID, `ri.foundry.main.dataset.<uuid>`.",
				Validators: datasetRIDValidators(), PlanModifiers: replace},
			"branch": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("master"),
				MarkdownDescription: "Branch name. Default `master`.", Validators: branchValidators(), PlanModifiers: replace},
			"path": schema.StringAttribute{Required: true, MarkdownDescription: "File path in the dataset, such as `raw/2024/a.csv`.",
				Validators: []validator.String{filePathValidator}, PlanModifiers: replace},
			"source": schema.StringAttribute{Optional: true, MarkdownDescription: "Local file to upload. Exactly one of `source` and `content`.",
				Validators: []validator.String{stringvalidator.ExactlyOneOf(path.MatchRoot("content")), stringvalidator.LengthAtLeast(1)}},
			"content": schema.StringAttribute{Optional: true, MarkdownDescription: "Content to upload, as UTF-8 text."},
			"source_sha256": schema.StringAttribute{Computed: true,
				MarkdownDescription: "SHA-256 of the bytes uploaded (of `source` or `content`). Read from `source` at plan, so a changed file plans an update; " +
					"a change made in Foundry outside Terraform shows here too."},
			"deletion_protection": teardown.DeletionProtection(),
			"transaction_rid":     schema.StringAttribute{Computed: true, MarkdownDescription: "The transaction that wrote the version on the branch."},
			"size_bytes":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Size in bytes."},
			"updated_time":        schema.StringAttribute{Computed: true, MarkdownDescription: "When the version on the branch was written (RFC 3339)."},
			"timeouts":            timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// ModifyPlan hashes the source at plan (a changed file plans an update), and refuses a
// protected destroy at plan.
func (r *fileResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if _, diags := r.data.Require(providerdata.Foundry, r.typeName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if req.Plan.Raw.IsNull() {
		var state fileModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		resp.Diagnostics.Append(teardown.Guard(fileObject(state), state.DeletionProtection.ValueBool())...)
		return
	}
	var plan fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sum, known, diags := plannedSHA256(plan.Source, plan.Content)
	resp.Diagnostics.Append(diags...)
	if !known || diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_sha256"), sum)...)
	if !req.State.Raw.IsNull() {
		var state fileModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if state.SourceSHA256.ValueString() == sum {
			// Same bytes: what Foundry reports stays.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("transaction_rid"), state.TransactionRID)...)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_time"), state.UpdatedTime)...)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("size_bytes"), state.SizeBytes)...)
		} else {
			// New bytes (also when only the file behind source changed): a new version.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("transaction_rid"), types.StringUnknown())...)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_time"), types.StringUnknown())...)
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("size_bytes"), types.Int64Unknown())...)
		}
	}
}

// plannedSHA256 hashes what will be uploaded; known is false while a value is unknown.
func plannedSHA256(source, content types.String) (sum string, known bool, diags diag.Diagnostics) {
	switch {
	case source.IsUnknown() || content.IsUnknown():
		return "", false, nil
	case !content.IsNull():
		return sha256Hex([]byte(content.ValueString())), true, nil
	case !source.IsNull():
		b, err := readSource(source.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("source"), "Cannot read the source file", err.Error())
			return "", false, diags
		}
		return sha256Hex(b), true, nil
	}
	return "", false, nil
}

func fileObject(m fileModel) string {
	return fmt.Sprintf("Foundry file %q on branch %q of %s", m.Path.ValueString(), m.Branch.ValueString(), m.DatasetRID.ValueString())
}

// bytesOf is what the model uploads; it must hash to the planned source_sha256.
func bytesOf(m fileModel) ([]byte, error) {
	b := []byte(m.Content.ValueString())
	if !m.Source.IsNull() {
		var err error
		if b, err = readSource(m.Source.ValueString()); err != nil {
			return nil, err
		}
	}
	if want := m.SourceSHA256.ValueString(); want != "" && sha256Hex(b) != want {
		return nil, fmt.Errorf("source %q changed between plan and apply (SHA-256 %s, planned %s); plan again", m.Source.ValueString(), sha256Hex(b), want)
	}
	return b, nil
}

func (r *fileResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, defaultWriteTimeout)
	resp.Diagnostics.Append(diags...)
	r.write(ctx, timeout, &m, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		m.ID = types.StringValue(m.DatasetRID.ValueString() + ":" + m.Branch.ValueString() + ":" + m.Path.ValueString())
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileIdentityOf(m))...)
	}
}

func (r *fileResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, state fileModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.SourceSHA256.ValueString() != state.SourceSHA256.ValueString() {
		timeout, diags := m.Timeouts.Update(ctx, defaultWriteTimeout)
		resp.Diagnostics.Append(diags...)
		r.write(ctx, timeout, &m, &resp.Diagnostics)
	} else {
		// The same bytes (such as after an import, or source and content swapped): nothing to upload.
		m.TransactionRID, m.SizeBytes, m.UpdatedTime = state.TransactionRID, state.SizeBytes, state.UpdatedTime
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileIdentityOf(m))...)
	}
}

// write uploads the file on its branch, waiting while another transaction is open there.
func (r *fileResource) write(ctx context.Context, timeout time.Duration, m *fileModel, diags *diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, d := connect(r.data, r.typeName)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	body, err := bytesOf(*m)
	if err != nil {
		diags.AddAttributeError(path.Root("source"), "Cannot upload "+fileObject(*m), err.Error())
		return
	}
	var f File
	err = whileBranchBusy(ctx, c, m.DatasetRID.ValueString(), m.Branch.ValueString(), func(ctx context.Context) error {
		var err error
		f, err = c.Upload(ctx, m.DatasetRID.ValueString(), m.Path.ValueString(), Target{Branch: m.Branch.ValueString()}, body)
		return err
	})
	if err != nil {
		diags.Append(diagnostics.Error("Uploading "+fileObject(*m)+" failed", err, ""))
		return
	}
	m.SourceSHA256 = types.StringValue(sha256Hex(body))
	setFile(m, f)
}

func setFile(m *fileModel, f File) {
	m.TransactionRID = types.StringValue(f.TransactionRID)
	m.SizeBytes = types.Int64Value(f.Size())
	m.UpdatedTime = types.StringValue(f.UpdatedTime.UTC().Format(time.RFC3339Nano))
}

func (r *fileResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Recorded before anything else: a read that finds the file gone removes it from state.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileIdentityOf(m))...)
	c, diags := connect(r.data, r.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	rid, branch, p := m.DatasetRID.ValueString(), m.Branch.ValueString(), m.Path.ValueString()
	f, err := c.GetFile(ctx, rid, branch, p)
	if ErrorName(err) == ErrFileNotFoundOnBranch || transport.IsNotFound(err) {
		tflog.Info(ctx, "Foundry file gone from the branch; removing it from state", map[string]any{"dataset_rid": rid, "branch": branch, "path": p})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading "+fileObject(m)+" failed", err, ""))
		return
	}
	if f.TransactionRID != m.TransactionRID.ValueString() {
		// A new version since the last apply (or an import): hash what is there, so that a
		// change made outside Terraform plans an update.
		body, err := c.GetContent(ctx, rid, branch, p)
		if err != nil {
			resp.Diagnostics.Append(diagnostics.Error("Reading the content of "+fileObject(m)+" failed", err, ""))
			return
		}
		m.SourceSHA256 = types.StringValue(sha256Hex(body))
		switch {
		case !m.Content.IsNull():
			m.Content = types.StringValue(string(body))
		case m.Source.IsNull() && len(body) <= importContentLimit && utf8.Valid(body):
			// Imported: the content is what a generated configuration writes, so that it plans clean.
			m.Content = types.StringValue(string(body))
		case m.Source.IsNull():
			resp.Diagnostics.AddWarning("The imported "+fileObject(m)+" is not written into state",
				fmt.Sprintf("It holds %d bytes that are not UTF-8 text of at most %d bytes, so neither state nor a generated "+
					"configuration carries it. Set source to a local copy of the file (its SHA-256 is %s): the next plan compares them.",
					len(body), importContentLimit, sha256Hex(body)))
		}
	}
	setFile(&m, f)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// importContentLimit is the largest file an import writes into content: text a configuration
// can carry.
const importContentLimit = 1 << 20

func (r *fileResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m fileModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if diags := teardown.Guard(fileObject(m), m.DeletionProtection.ValueBool()); diags.HasError() {
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
	rid, branch := m.DatasetRID.ValueString(), m.Branch.ValueString()
	err := whileBranchBusy(ctx, c, rid, branch, func(ctx context.Context) error {
		return c.DeleteFile(ctx, rid, m.Path.ValueString(), Target{Branch: branch})
	})
	if err != nil && !isFileGone(err) {
		resp.Diagnostics.Append(diagnostics.Error("Deleting "+fileObject(m)+" failed", err,
			"Nothing was deleted; the file stays in state. Run terraform destroy again once the cause is fixed."))
	}
}

// ImportState takes the file from `terraform import` and an import block's id,
// <dataset_rid>:<branch>:<path>, or from an import block's identity.
func (r *fileResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	t, diags := fileImportTarget(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for attr, v := range map[string]any{"id": t.id(), "dataset_rid": t.rid, "branch": t.branch, "path": t.path, "deletion_protection": false} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, fileIdentity{
		DatasetRID: types.StringValue(t.rid), Branch: types.StringValue(t.branch), Path: types.StringValue(t.path)})...)
}
