package foundry

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

var _ datasource.DataSourceWithConfigure = &filesDataSource{}

// NewFilesDataSource is dataplatforms_foundry_dataset_files.
func NewFilesDataSource() datasource.DataSource {
	return &filesDataSource{typeName: providerdata.ProviderTypeName + "_foundry_dataset_files"}
}

type filesDataSource struct {
	data     *providerdata.Data
	typeName string
}

type filesModel struct {
	DatasetRID types.String     `tfsdk:"dataset_rid"`
	Branch     types.String     `tfsdk:"branch"`
	PathPrefix types.String     `tfsdk:"path_prefix"`
	Files      []fileEntryModel `tfsdk:"files"`
}

type fileEntryModel struct {
	Path           types.String `tfsdk:"path"`
	TransactionRID types.String `tfsdk:"transaction_rid"`
	SizeBytes      types.Int64  `tfsdk:"size_bytes"`
	UpdatedTime    types.String `tfsdk:"updated_time"`
}

func (d *filesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	d.typeName = req.ProviderTypeName + "_foundry_dataset_files"
	resp.TypeName = d.typeName
}

func (d *filesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *filesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The files on a Foundry dataset branch, all pages, optionally under one folder.",
		Attributes: map[string]schema.Attribute{
			"dataset_rid": schema.StringAttribute{Required: true, MarkdownDescription: "Dataset RID, `ri.foundry.main.dataset.<uuid>`.",
				Validators: datasetRIDValidators()},
			"branch": schema.StringAttribute{Optional: true, MarkdownDescription: "Branch name. Default `master`.", Validators: branchValidators()},
			"path_prefix": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only the file at this path and files under the folder `<path_prefix>/` (`raw` takes `raw/a.csv`, never `raw2/a.csv`).",
				Validators:          []validator.String{filePathValidator}},
			"files": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The files, sorted by path.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"path":            schema.StringAttribute{Computed: true},
					"transaction_rid": schema.StringAttribute{Computed: true, MarkdownDescription: "The transaction that wrote the visible version."},
					"size_bytes":      schema.Int64Attribute{Computed: true},
					"updated_time":    schema.StringAttribute{Computed: true},
				}}},
		},
	}
}

// underFolder applies a folder boundary: prefix p holds the file p and files under p + "/".
func underFolder(path, prefix string) bool {
	prefix = strings.TrimRight(prefix, "/")
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}

func (d *filesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m filesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, diags := connect(d.data, d.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	branch := m.Branch.ValueString()
	if branch == "" {
		branch = "master"
	}
	files, err := c.ListFiles(ctx, m.DatasetRID.ValueString(), branch, 0)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Listing the files of Foundry dataset "+m.DatasetRID.ValueString()+" on "+branch+" failed", err, ""))
		return
	}
	m.Files = []fileEntryModel{}
	for _, f := range files {
		if !underFolder(f.Path, m.PathPrefix.ValueString()) {
			continue
		}
		m.Files = append(m.Files, fileEntryModel{Path: types.StringValue(f.Path), TransactionRID: types.StringValue(f.TransactionRID),
			SizeBytes: types.Int64Value(f.Size()), UpdatedTime: types.StringValue(f.UpdatedTime.UTC().Format(time.RFC3339Nano))})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
