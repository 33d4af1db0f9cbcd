package v7

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var _ datasource.DataSourceWithConfigure = &itemsDataSource{}

// NewItemsDataSource is dataplatforms_v7_items.
func NewItemsDataSource() datasource.DataSource {
	return &itemsDataSource{typeName: providerdata.ProviderTypeName + "_v7_items"}
}

type itemsDataSource struct {
	data     *providerdata.Data
	typeName string
}

type itemsModel struct {
	TeamSlug    types.String     `tfsdk:"team_slug"`
	DatasetSlug types.String     `tfsdk:"dataset_slug"`
	Names       []string         `tfsdk:"names"`
	Paths       []string         `tfsdk:"paths"`
	Statuses    []string         `tfsdk:"statuses"`
	DatasetID   types.Int64      `tfsdk:"dataset_id"`
	Items       []itemEntryModel `tfsdk:"items"`
}

type itemEntryModel struct {
	ID               types.String `tfsdk:"id"`
	Name             types.String `tfsdk:"name"`
	Path             types.String `tfsdk:"path"`
	Status           types.String `tfsdk:"status"`
	ProcessingStatus types.String `tfsdk:"processing_status"`
	Archived         types.Bool   `tfsdk:"archived"`
	Tags             []string     `tfsdk:"tags"`
	SlotNames        []string     `tfsdk:"slot_names"`
}

func (d *itemsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	d.typeName = req.ProviderTypeName + "_v7_items"
	resp.TypeName = d.typeName
}

func (d *itemsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *itemsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The items of a V7 dataset, all pages, optionally filtered by exact name, folder path and status.",
		Attributes: map[string]schema.Attribute{
			"team_slug": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Team slug. Default: the provider's `v7.team_slug`, else the team the API key selects.",
				Validators:          []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug")}},
			"dataset_slug": schema.StringAttribute{Required: true, MarkdownDescription: "Slug of the dataset.",
				Validators: []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug")}},
			"names": schema.ListAttribute{Optional: true, ElementType: types.StringType, Validators: nonEmpty,
				MarkdownDescription: "Only items with one of these exact names."},
			"paths": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Only items in one of these folders (exact, such as `/scans/2024`).",
				Validators:          []validator.List{listvalidator.ValueStringsAre(validate.String("a dataset folder path", validFolder))}},
			"statuses": schema.ListAttribute{Optional: true, ElementType: types.StringType, Validators: nonEmpty,
				MarkdownDescription: "Only items with one of these statuses (`new`, `annotate`, `review`, `complete`, `archived`, `error`, `processing`, …)."},
			"dataset_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Numeric id of the dataset."},
			"items": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The matching items, in V7's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                schema.StringAttribute{Computed: true, MarkdownDescription: "Item UUID."},
					"name":              schema.StringAttribute{Computed: true},
					"path":              schema.StringAttribute{Computed: true},
					"status":            schema.StringAttribute{Computed: true},
					"processing_status": schema.StringAttribute{Computed: true},
					"archived":          schema.BoolAttribute{Computed: true},
					"tags":              schema.ListAttribute{Computed: true, ElementType: types.StringType},
					"slot_names":        schema.ListAttribute{Computed: true, ElementType: types.StringType},
				}}},
		},
	}
}

func (d *itemsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m itemsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, team, diags := connect(ctx, d.data, d.typeName, m.TeamSlug)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ds, err := c.DatasetBySlug(ctx, m.DatasetSlug.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Finding V7 dataset %q failed", m.DatasetSlug.ValueString()), err, ""))
		return
	}
	items, err := c.ListItems(ctx, team, ListQuery{DatasetID: ds.ID, Names: m.Names, Paths: m.Paths, Statuses: m.Statuses})
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Listing the items of V7 dataset %q failed", ds.Slug), err, ""))
		return
	}
	m.TeamSlug, m.DatasetID = types.StringValue(team), types.Int64Value(ds.ID)
	m.Items = make([]itemEntryModel, len(items))
	for i, it := range items {
		e := itemEntryModel{
			ID: types.StringValue(it.ID), Name: types.StringValue(it.Name), Path: types.StringValue(it.Path),
			Status: types.StringValue(it.Status), ProcessingStatus: types.StringValue(it.ProcessingStatus),
			Archived: types.BoolValue(it.Archived), Tags: it.Tags, SlotNames: []string{},
		}
		if e.Tags == nil {
			e.Tags = []string{}
		}
		for _, s := range it.Slots {
			e.SlotNames = append(e.SlotNames, s.SlotName)
		}
		m.Items[i] = e
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
