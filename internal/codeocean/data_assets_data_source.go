package codeocean

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

var _ datasource.DataSourceWithConfigure = &assetsDataSource{}

// NewDataAssetsDataSource is dataplatforms_codeocean_data_assets.
func NewDataAssetsDataSource() datasource.DataSource {
	return &assetsDataSource{typeName: providerdata.ProviderTypeName + "_codeocean_data_assets"}
}

type assetsDataSource struct {
	data     *providerdata.Data
	typeName string
}

type assetsModel struct {
	Query    types.String      `tfsdk:"query"`
	Archived types.Bool        `tfsdk:"archived"`
	Type     types.String      `tfsdk:"type"`
	Origin   types.String      `tfsdk:"origin"`
	Filters  []filterModel     `tfsdk:"filters"`
	Assets   []assetEntryModel `tfsdk:"assets"`
}

type filterModel struct {
	Key     types.String `tfsdk:"key"`
	Value   types.String `tfsdk:"value"`
	Values  []string     `tfsdk:"values"`
	Exclude types.Bool   `tfsdk:"exclude"`
}

type assetEntryModel struct {
	ID       types.String `tfsdk:"id"`
	Name     types.String `tfsdk:"name"`
	State    types.String `tfsdk:"state"`
	Type     types.String `tfsdk:"type"`
	Mount    types.String `tfsdk:"mount"`
	Size     types.Int64  `tfsdk:"size"`
	Files    types.Int64  `tfsdk:"files"`
	Created  types.Int64  `tfsdk:"created"`
	Tags     []string     `tfsdk:"tags"`
	Origin   types.String `tfsdk:"origin"`
	External types.Bool   `tfsdk:"external"`
}

func (d *assetsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	d.typeName = req.ProviderTypeName + "_codeocean_data_assets"
	resp.TypeName = d.typeName
}

func (d *assetsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *assetsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Searches Code Ocean data assets, all pages (stopping with an error on a server that repeats its page token).",
		Attributes: map[string]schema.Attribute{
			"query": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Free text or `field:value` terms (`name:`, `tag:`, …): the same field twice is OR, different fields AND; quotes for a phrase."},
			"archived": schema.BoolAttribute{Optional: true, MarkdownDescription: "`true` searches only archived assets. Default `false`."},
			"type": schema.StringAttribute{Optional: true, MarkdownDescription: "`dataset`, `result`, `combined` or `model`.",
				Validators: []validator.String{stringvalidator.OneOf("dataset", "result", "combined", "model")}},
			"origin": schema.StringAttribute{Optional: true, MarkdownDescription: "`internal` or `external`.",
				Validators: []validator.String{stringvalidator.OneOf("internal", "external")}},
			"filters": schema.ListNestedAttribute{Optional: true, MarkdownDescription: "Filters on `name`, `description`, `tags` or a custom metadata key.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":     schema.StringAttribute{Required: true},
					"value":   schema.StringAttribute{Optional: true},
					"values":  schema.ListAttribute{Optional: true, ElementType: types.StringType},
					"exclude": schema.BoolAttribute{Optional: true},
				}}},
			"assets": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The matching assets, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": schema.StringAttribute{Computed: true}, "name": schema.StringAttribute{Computed: true},
					"state": schema.StringAttribute{Computed: true}, "type": schema.StringAttribute{Computed: true},
					"mount": schema.StringAttribute{Computed: true}, "size": schema.Int64Attribute{Computed: true},
					"files": schema.Int64Attribute{Computed: true}, "created": schema.Int64Attribute{Computed: true},
					"tags":   schema.ListAttribute{Computed: true, ElementType: types.StringType},
					"origin": schema.StringAttribute{Computed: true}, "external": schema.BoolAttribute{Computed: true},
				}}},
		},
	}
}

func (d *assetsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m assetsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	conn, diags := d.data.Require(providerdata.CodeOcean, d.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := SearchParams{Query: m.Query.ValueString(), Archived: m.Archived.ValueBool(), Type: m.Type.ValueString(), Origin: m.Origin.ValueString()}
	for _, f := range m.Filters {
		p.Filters = append(p.Filters, Filter{Key: f.Key.ValueString(), Value: f.Value.ValueString(), Values: f.Values, Exclude: f.Exclude.ValueBool()})
	}
	assets, err := NewClient(conn.Endpoint, conn.Secret, conn.HTTP).Search(ctx, p)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Searching Code Ocean data assets failed", err, ""))
		return
	}
	m.Assets = make([]assetEntryModel, len(assets))
	for i, a := range assets {
		tags := a.Tags
		if tags == nil {
			tags = []string{}
		}
		m.Assets[i] = assetEntryModel{ID: types.StringValue(a.ID), Name: types.StringValue(a.Name), State: types.StringValue(NormalState(a.State)),
			Type: types.StringValue(a.Type), Mount: types.StringValue(a.Mount), Size: types.Int64Value(a.Size), Files: types.Int64Value(a.Files),
			Created: types.Int64Value(a.Created), Tags: tags, Origin: types.StringValue(a.SourceBucket.Origin), External: types.BoolValue(a.SourceBucket.External)}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
