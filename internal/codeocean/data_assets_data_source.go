package codeocean

import (
	"context"
	"fmt"
	"slices"

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
	Query     types.String      `tfsdk:"query"`
	Archived  types.Bool        `tfsdk:"archived"`
	Type      types.String      `tfsdk:"type"`
	Origin    types.String      `tfsdk:"origin"`
	Ownership types.String      `tfsdk:"ownership"`
	Favorite  types.Bool        `tfsdk:"favorite"`
	Filters   []filterModel     `tfsdk:"filters"`
	Assets    []assetEntryModel `tfsdk:"assets"`
}

type filterModel struct {
	Key     types.String `tfsdk:"key"`
	Value   types.String `tfsdk:"value"`
	Values  []string     `tfsdk:"values"`
	Range   *rangeModel  `tfsdk:"range"`
	Exclude types.Bool   `tfsdk:"exclude"`
}

type rangeModel struct {
	Min types.Float64 `tfsdk:"min"`
	Max types.Float64 `tfsdk:"max"`
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
			"ownership": schema.StringAttribute{Optional: true, MarkdownDescription: "`private`, `shared` or `created`. Default: every asset the token may see.",
				Validators: []validator.String{stringvalidator.OneOf("private", "shared", "created")}},
			"favorite": schema.BoolAttribute{Optional: true, MarkdownDescription: "`true` searches only the token user's favorite assets."},
			"filters": schema.ListNestedAttribute{Optional: true,
				MarkdownDescription: "Filters on `name`, `description`, `tags` or a custom metadata key. Values of a number or date field " +
					"(dates as YYYY-MM-DD or epoch seconds) are sent as numbers, as the deployment's fields define them; `range` filters such a field.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":    schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
					"value":  schema.StringAttribute{Optional: true, MarkdownDescription: "One value to match."},
					"values": schema.ListAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Values any of which matches."},
					"range": schema.SingleNestedAttribute{Optional: true,
						MarkdownDescription: "A numeric range of a number or date custom field, ends included; set `min`, `max` or both.",
						Attributes: map[string]schema.Attribute{
							"min": schema.Float64Attribute{Optional: true}, "max": schema.Float64Attribute{Optional: true},
						}},
					"exclude": schema.BoolAttribute{Optional: true, MarkdownDescription: "`true` excludes what the filter matches."},
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
	c := NewClient(conn.Endpoint, conn.Secret, conn.HTTP)
	p := SearchParams{Query: m.Query.ValueString(), Archived: m.Archived.ValueBool(), Type: m.Type.ValueString(), Origin: m.Origin.ValueString(),
		Ownership: m.Ownership.ValueString(), Favorite: m.Favorite.ValueBool()}
	filters, err := searchFilters(ctx, c, m.Filters)
	if err != nil {
		resp.Diagnostics.AddError("Invalid filters", err.Error())
		return
	}
	p.Filters = filters
	assets, err := c.Search(ctx, p)
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
			Type: types.StringValue(a.Type), Mount: types.StringValue(a.Mount), Size: types.Int64Value(int64(a.Size)), Files: types.Int64Value(int64(a.Files)),
			Created: types.Int64Value(int64(a.Created)), Tags: tags, Origin: types.StringValue(a.SourceBucket.Origin), External: types.BoolValue(a.SourceBucket.External)}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// builtinKeys are the filter keys that are not custom metadata fields: their values are text.
var builtinKeys = []string{"name", "description", "tags"}

// searchFilters turns the configured filters into the API's: values of a custom number or
// date field become numbers (the deployment's fields are read once, only when a custom key is
// used), and a range needs such a field and at least one end.
func searchFilters(ctx context.Context, c *Client, in []filterModel) ([]Filter, error) {
	var fields []Field
	out := make([]Filter, 0, len(in))
	for i, f := range in {
		key := f.Key.ValueString()
		flt := Filter{Key: key, Exclude: f.Exclude.ValueBool()}
		typed := func(v string) (any, error) { return v, nil }
		if !slices.Contains(builtinKeys, key) {
			if fields == nil {
				var err error
				if fields, err = c.CustomFields(ctx); err != nil {
					return nil, fmt.Errorf("reading the custom metadata fields: %w", err)
				}
			}
			typed = func(v string) (any, error) {
				m, err := MetadataValues(fields, map[string]string{key: v})
				return m[key], err
			}
		}
		if !f.Value.IsNull() {
			v, err := typed(f.Value.ValueString())
			if err != nil {
				return nil, fmt.Errorf("filters[%d]: %w", i, err)
			}
			flt.Value = v
		}
		for _, s := range f.Values {
			v, err := typed(s)
			if err != nil {
				return nil, fmt.Errorf("filters[%d]: %w", i, err)
			}
			flt.Values = append(flt.Values, v)
		}
		if f.Range != nil {
			if f.Range.Min.IsNull() && f.Range.Max.IsNull() {
				return nil, fmt.Errorf("filters[%d].range needs min, max or both", i)
			}
			j := slices.IndexFunc(fields, func(fd Field) bool { return fd.Name == key })
			if j < 0 || (fields[j].Type != "number" && fields[j].Type != "date") {
				return nil, fmt.Errorf("filters[%d].range filters a number or date custom field; %q is not one", i, key)
			}
			flt.Range = &Range{Min: f.Range.Min.ValueFloat64Pointer(), Max: f.Range.Max.ValueFloat64Pointer()}
		}
		out = append(out, flt)
	}
	return out, nil
}
