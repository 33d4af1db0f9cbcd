// Package provider is the dataplatforms provider: its configuration schema, Configure (one
// connection per configured platform, the S3 engine) and the registry of resource and data
// source types.
package provider

import (
	"context"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/codeocean"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/dandi"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/foundry"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/younite"
)

// TypeName is the provider's type name, the first word of every resource and data source.
const TypeName = providerdata.ProviderTypeName

// Environment variables of the retry block.
const (
	EnvRetryMaxAttempts = "DATAPLATFORMS_RETRY_MAX_ATTEMPTS"
	EnvRetryMaxWait     = "DATAPLATFORMS_RETRY_MAX_WAIT"
)

var _ provider.Provider = &dataplatformsProvider{}

type dataplatformsProvider struct {
	version string
}

// New returns the provider factory for a version (set by ldflags in release builds).
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &dataplatformsProvider{version: version} }
}

type providerModel struct {
	V7        types.Object `tfsdk:"v7"`
	CodeOcean types.Object `tfsdk:"codeocean"`
	DANDI     types.Object `tfsdk:"dandi"`
	YOUnite   types.Object `tfsdk:"younite"`
	Foundry   types.Object `tfsdk:"foundry"`
	S3        *s3Model     `tfsdk:"s3"`
	Retry     *retryModel  `tfsdk:"retry"`
	RateLimit types.Object `tfsdk:"rate_limit"`
}

func (m providerModel) block(p providerdata.Platform) types.Object {
	switch p {
	case providerdata.V7:
		return m.V7
	case providerdata.CodeOcean:
		return m.CodeOcean
	case providerdata.DANDI:
		return m.DANDI
	case providerdata.YOUnite:
		return m.YOUnite
	case providerdata.Foundry:
		return m.Foundry
	}
	return types.ObjectNull(nil)
}

type retryModel struct {
	MaxAttempts types.Int64  `tfsdk:"max_attempts"`
	MaxWait     types.String `tfsdk:"max_wait"`
}

func (p *dataplatformsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *dataplatformsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	blocks := map[string]schema.Block{
		"s3":         s3Block(),
		"retry":      retryBlock(),
		"rate_limit": rateLimitBlock(),
	}
	for _, spec := range platformSpecs {
		blocks[string(spec.platform)] = spec.block()
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages data assets on Code Ocean, V7 Darwin, DANDI Archive, YOUnite and Palantir Foundry, " +
			"and tears them down completely: `terraform destroy` removes the platform object and exactly the objects it " +
			"owns in the customer's storage. Every block is optional; a platform whose block is absent can also be " +
			"configured from its environment variables.",
		Blocks: blocks,
	}
}

func (s platformSpec) block() schema.SingleNestedBlock {
	attrs := map[string]schema.Attribute{}
	for _, f := range s.fields {
		attrs[f.attr] = schema.StringAttribute{
			MarkdownDescription: f.description + " Environment variable: `" + s.env(f) + "`.",
			Optional:            true,
			Sensitive:           f.secret,
			Validators:          []validator.String{validate.String(f.description, f.check)},
		}
	}
	return schema.SingleNestedBlock{MarkdownDescription: s.description, Attributes: attrs}
}

func retryBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "How platform API requests are retried (429, 502, 503, 504 and connection failures, " +
			"with exponential backoff and jitter, honouring `Retry-After`). A request that creates something is " +
			"retried only when the platform provably did not act on it.",
		Attributes: map[string]schema.Attribute{
			"max_attempts": schema.Int64Attribute{
				MarkdownDescription: "Attempts per request, the first included (1–20). Default 5. Environment variable: `" + EnvRetryMaxAttempts + "`.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 20)},
			},
			"max_wait": schema.StringAttribute{
				MarkdownDescription: "Most time one request may spend waiting between attempts, as a duration such as `\"2m\"` (0s–1h). Default `\"2m\"`. Environment variable: `" + EnvRetryMaxWait + "`.",
				Optional:            true,
				Validators:          []validator.String{validate.String("a duration from 0s to 1h", validate.Duration(0, time.Hour))},
			},
		},
	}
}

func (p *dataplatformsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Every problem is reported at once, so a user fixes the configuration in one go.
	maxAttempts, maxWait := p.retrySettings(cfg.Retry, resp)
	paced := pacers(cfg.RateLimit, &resp.Diagnostics)

	data := providerdata.New(p.version)
	results := make(map[providerdata.Platform]resolved, len(platformSpecs))
	var secrets []string
	for _, spec := range platformSpecs {
		r := spec.resolve(ctx, cfg.block(spec.platform))
		results[spec.platform] = r
		for _, f := range spec.fields {
			if f.secret && r.values[f.attr] != "" {
				secrets = append(secrets, r.values[f.attr])
			}
		}
	}
	for _, spec := range platformSpecs {
		r := results[spec.platform]
		switch {
		case r.explicit && r.diags.HasError():
			resp.Diagnostics.Append(r.diags...)
		case r.diags.HasError():
			data.SetUnconfigured(spec.platform, reasons(r.diags))
		case r.present || spec.anonymous:
			data.Set(spec.platform, spec.connect(r.values, transport.Config{
				Platform:    providerdata.DisplayName(spec.platform),
				UserAgent:   transport.UserAgent(p.version),
				MaxAttempts: maxAttempts,
				MaxWait:     maxWait,
				Secrets:     secrets,
				Pacer:       paced[spec.platform],
			}))
			tflog.Debug(ctx, "platform configured", map[string]any{"platform": string(spec.platform), "endpoint": r.values["endpoint"]})
		}
	}
	data.SetStorage(newStorage(p.version, cfg.S3, maxAttempts, &resp.Diagnostics))
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
}

func (s platformSpec) connect(values map[string]string, tc transport.Config) *providerdata.Conn {
	tc.Final = s.final
	c := &providerdata.Conn{Endpoint: values["endpoint"], Settings: map[string]string{}, HTTP: transport.New(tc)}
	for _, f := range s.fields {
		switch {
		case f.attr == "endpoint":
		case f.secret:
			c.Secret = values[f.attr]
		default:
			c.Settings[f.attr] = values[f.attr]
		}
	}
	return c
}

func (p *dataplatformsProvider) retrySettings(m *retryModel, resp *provider.ConfigureResponse) (int, time.Duration) {
	attempts, wait := int64(transport.DefaultMaxAttempts), transport.DefaultMaxWait
	if env := os.Getenv(EnvRetryMaxAttempts); env != "" {
		n, err := strconv.ParseInt(env, 10, 64)
		if err != nil || n < 1 || n > 20 {
			resp.Diagnostics.AddError("Invalid "+EnvRetryMaxAttempts, "It must be a whole number from 1 to 20, not "+strconv.Quote(env)+".")
		}
		attempts = n
	}
	if env := os.Getenv(EnvRetryMaxWait); env != "" {
		if err := validate.Duration(0, time.Hour)(env); err != nil {
			resp.Diagnostics.AddError("Invalid "+EnvRetryMaxWait, err.Error())
		}
		wait, _ = time.ParseDuration(env)
	}
	if m != nil {
		if !m.MaxAttempts.IsNull() && !m.MaxAttempts.IsUnknown() {
			attempts = m.MaxAttempts.ValueInt64()
		}
		if !m.MaxWait.IsNull() && !m.MaxWait.IsUnknown() {
			if d, err := time.ParseDuration(m.MaxWait.ValueString()); err == nil {
				wait = d
			} else {
				resp.Diagnostics.AddAttributeError(path.Root("retry").AtName("max_wait"), "Invalid retry.max_wait", err.Error())
			}
		}
	}
	return int(attempts), wait
}

// Resources lists every resource type. Each platform package adds its constructors here.
func (p *dataplatformsProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		v7.NewItemResource,
		v7.NewItemSetResource,
		v7.NewOrphanedMetadataCleanupResource,
		foundry.NewFileResource,
		foundry.NewFileSetResource,
		younite.NewDataRecordResource,
		codeocean.NewDataAssetResource,
		dandi.NewDerivativeVersionResource,
	}
}

// DataSources lists every data source type. Each platform package adds its constructors here.
func (p *dataplatformsProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		v7.NewItemsDataSource,
		v7.NewOrphanedMetadataDataSource,
		foundry.NewFilesDataSource,
		younite.NewDRAdaptorCheckDataSource,
		codeocean.NewDataAssetsDataSource,
		dandi.NewVersionsDataSource,
		dandi.NewVersionDirectoriesDataSource,
		dandi.NewAssetsDataSource,
	}
}
