package acctest

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	dpprovider "github.com/dataplatforms/terraform-provider-dataplatforms/internal/provider"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// ProbeFactories serve the provider plus two test-only types, never part of the provider
// binary: the data source dataplatforms_acctest_probe asks the provider for one platform's
// connection exactly as a resource does at plan, and the resource
// dataplatforms_acctest_owned_objects keeps the teardown contract on the sandbox's S3. They let
// the harness test provider configuration and the teardown through terraform before any
// platform type exists, and show platform resources the pattern to follow.
var ProbeFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(&probeProvider{Provider: dpprovider.New("acctest")()}),
}

type probeProvider struct{ provider.Provider }

func (p *probeProvider) Resources(ctx context.Context) []func() resource.Resource {
	return append(p.Provider.Resources(ctx), func() resource.Resource { return &ownedObjectsResource{} })
}

func (p *probeProvider) DataSources(ctx context.Context) []func() datasource.DataSource {
	return append(p.Provider.DataSources(ctx), func() datasource.DataSource { return &probeDataSource{} })
}

type probeDataSource struct{ data *providerdata.Data }

type probeModel struct {
	Platform types.String `tfsdk:"platform"`
	Endpoint types.String `tfsdk:"endpoint"`
}

func (d *probeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_acctest_probe"
}

func (d *probeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"platform": schema.StringAttribute{Required: true},
		"endpoint": schema.StringAttribute{Computed: true},
	}}
}

func (d *probeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *probeDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m probeModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.data == nil {
		return
	}
	conn, diags := d.data.Require(providerdata.Platform(m.Platform.ValueString()), "dataplatforms_acctest_probe")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Endpoint = types.StringValue(conn.Endpoint)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
