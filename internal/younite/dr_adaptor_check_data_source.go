package younite

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

var _ datasource.DataSourceWithConfigure = &checkDataSource{}

// NewDRAdaptorCheckDataSource is dataplatforms_younite_dr_adaptor_check.
func NewDRAdaptorCheckDataSource() datasource.DataSource {
	return &checkDataSource{typeName: providerdata.ProviderTypeName + "_younite_dr_adaptor_check"}
}

type checkDataSource struct {
	data     *providerdata.Data
	typeName string
}

type checkModel struct {
	ID          types.String `tfsdk:"id"`
	DRUUID      types.String `tfsdk:"dr_uuid"`
	AdaptorUUID types.String `tfsdk:"adaptor_uuid"`
	ZoneUUID    types.String `tfsdk:"zone_uuid"`
	Linked      types.Bool   `tfsdk:"linked"`
	Definitive  types.Bool   `tfsdk:"definitive"`
}

func (d *checkDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	d.typeName = req.ProviderTypeName + "_younite_dr_adaptor_check"
	resp.TypeName = d.typeName
}

func (d *checkDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *checkDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether YOUnite holds a link for a DR at an adaptor (`GET /drs/{dr}/adaptor/{adaptor}/check`). " +
			"A link is recorded only after the adaptor sent a data event for the DR, so \"no link\" is **not proof** that the " +
			"adaptor's system lacks the entity: `linked = false` always comes with `definitive = false`.",
		Attributes: map[string]schema.Attribute{
			"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "`<dr_uuid>/<adaptor_uuid>`."},
			"dr_uuid":      schema.StringAttribute{Required: true, MarkdownDescription: "The DR's UUID.", Validators: []validator.String{uuidValidator()}},
			"adaptor_uuid": schema.StringAttribute{Required: true, MarkdownDescription: "The adaptor's UUID.", Validators: []validator.String{uuidValidator()}},
			"zone_uuid": schema.StringAttribute{Optional: true, MarkdownDescription: "Zone to ask in. Default: the provider's `younite.zone_uuid`.",
				Validators: []validator.String{uuidValidator()}},
			"linked": schema.BoolAttribute{Computed: true, MarkdownDescription: "`true` when YOUnite answered 200: it holds a link."},
			"definitive": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "`true` only when the link was confirmed (200). A 404 means YOUnite knows no link, which does not prove absence."},
		},
	}
}

func (d *checkDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m checkModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, zone, diags := connect(d.data, d.typeName, m.ZoneUUID)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	linked, err := c.CheckLink(ctx, zone, m.DRUUID.ValueString(), m.AdaptorUUID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Checking YOUnite DR %s at adaptor %s failed", m.DRUUID.ValueString(), m.AdaptorUUID.ValueString()), err, ""))
		return
	}
	m.ID = types.StringValue(m.DRUUID.ValueString() + "/" + m.AdaptorUUID.ValueString())
	m.Linked, m.Definitive = types.BoolValue(linked), types.BoolValue(linked)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
