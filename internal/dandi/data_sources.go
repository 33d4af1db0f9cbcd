package dandi

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// connect is where the DANDI client meets the provider. DANDI works without a key for reads.
func connect(data *providerdata.Data, typeName string) (*Client, diag.Diagnostics) {
	conn, diags := data.Require(providerdata.DANDI, typeName)
	if diags.HasError() {
		return nil, diags
	}
	return NewClient(conn.Endpoint, conn.Settings["manifest_endpoint"], conn.Secret, conn.HTTP), diags
}

var (
	dandisetIDRE = regexp.MustCompile(`^\d{6}$`)
	versionIDRE  = regexp.MustCompile(`^(draft|0\.\d{6}\.\d{4})$`)
)

func dandisetValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(dandisetIDRE, "must be a six-digit dandiset id such as 001697")}
}

func versionIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(versionIDRE, "must be draft or a published version such as 0.240920.1434")}
}

// base is what every DANDI data source shares.
type base struct {
	data     *providerdata.Data
	typeName string
	suffix   string
}

func (b *base) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	b.typeName = req.ProviderTypeName + b.suffix
	resp.TypeName = b.typeName
}

func (b *base) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.data = providerdata.FromDataSource(req, resp)
}

// NewVersionsDataSource is dataplatforms_dandi_versions.
func NewVersionsDataSource() datasource.DataSource {
	return &versionsDataSource{base{suffix: "_dandi_versions", typeName: providerdata.ProviderTypeName + "_dandi_versions"}}
}

type versionsDataSource struct{ base }

type versionsModel struct {
	DandisetID types.String   `tfsdk:"dandiset_id"`
	Versions   []versionModel `tfsdk:"versions"`
}

type versionModel struct {
	Version    types.String `tfsdk:"version"`
	Name       types.String `tfsdk:"name"`
	Status     types.String `tfsdk:"status"`
	AssetCount types.Int64  `tfsdk:"asset_count"`
	Size       types.Int64  `tfsdk:"size"`
	Created    types.String `tfsdk:"created"`
	Modified   types.String `tfsdk:"modified"`
}

func (d *versionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A dandiset's versions (the draft and every published one), oldest first, all pages.",
		Attributes: map[string]schema.Attribute{
			"dandiset_id": schema.StringAttribute{Required: true, MarkdownDescription: "Six-digit dandiset id, such as `001697`.", Validators: dandisetValidators()},
			"versions": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"version":     schema.StringAttribute{Computed: true, MarkdownDescription: "`draft` or `0.YYMMDD.HHMM`."},
				"name":        schema.StringAttribute{Computed: true},
				"status":      schema.StringAttribute{Computed: true, MarkdownDescription: "`Pending`, `Validating`, `Valid`, `Invalid`, `Publishing` or `Published`."},
				"asset_count": schema.Int64Attribute{Computed: true},
				"size":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes."},
				"created":     schema.StringAttribute{Computed: true, MarkdownDescription: "RFC 3339."},
				"modified":    schema.StringAttribute{Computed: true, MarkdownDescription: "RFC 3339."},
			}}},
		},
	}
}

func (d *versionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m versionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c, diags := connect(d.data, d.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	vs, err := c.Versions(ctx, m.DandisetID.ValueString(), 0)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Listing the versions of dandiset "+m.DandisetID.ValueString()+" failed", err, ""))
		return
	}
	m.Versions = make([]versionModel, len(vs))
	for i, v := range vs {
		m.Versions[i] = versionModel{Version: types.StringValue(v.Version), Name: types.StringValue(v.Name), Status: types.StringValue(v.Status),
			AssetCount: types.Int64Value(v.AssetCount), Size: types.Int64Value(v.Size),
			Created: types.StringValue(v.Created.Format(time.RFC3339Nano)), Modified: types.StringValue(v.Modified.Format(time.RFC3339Nano))}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// NewVersionDirectoriesDataSource is dataplatforms_dandi_version_directories.
func NewVersionDirectoriesDataSource() datasource.DataSource {
	return &directoriesDataSource{base{suffix: "_dandi_version_directories", typeName: providerdata.ProviderTypeName + "_dandi_version_directories"}}
}

type directoriesDataSource struct{ base }

type directoriesModel struct {
	DandisetDirectory types.String `tfsdk:"dandiset_directory"`
	Version           types.String `tfsdk:"version"`
	Directories       []string     `tfsdk:"directories"`
}

func pipelineVersionValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(versionRE, "must be a pipeline version such as v1.0.0 (letters, digits, . + _ -)")}
}

func (d *directoriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The directories of one pipeline version in a local clone of a dandiset: under `derivatives/dandiset-*/`, at any " +
			"depth, named exactly `version-<version>` or starting `version-<version>+` (hash-suffixed builds such as " +
			"`version-v1.0.0+fixes+20abeb6`). `version-v1.0.00`, `version-v1.0.0-rc` and `Version-v1.0.0` are other versions. " +
			"Symbolic links are neither listed nor followed.",
		Attributes: map[string]schema.Attribute{
			"dandiset_directory": schema.StringAttribute{Required: true, MarkdownDescription: "The local clone's root.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"version": schema.StringAttribute{Required: true, MarkdownDescription: "Pipeline version, such as `v1.0.0`.", Validators: pipelineVersionValidators()},
			"directories": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Matching directories relative to `dandiset_directory`, with `/`, sorted."},
		},
	}
}

func (d *directoriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m directoriesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	dirs, err := VersionDirectories(m.DandisetDirectory.ValueString(), m.Version.ValueString())
	if err != nil {
		resp.Diagnostics.AddError("Cannot scan the dandiset clone", err.Error())
		return
	}
	m.Directories = dirs
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// NewAssetsDataSource is dataplatforms_dandi_assets.
func NewAssetsDataSource() datasource.DataSource {
	return &assetsDataSource{base{suffix: "_dandi_assets", typeName: providerdata.ProviderTypeName + "_dandi_assets"}}
}

type assetsDataSource struct{ base }

type assetsModel struct {
	DandisetID types.String      `tfsdk:"dandiset_id"`
	Version    types.String      `tfsdk:"version"`
	PathPrefix types.String      `tfsdk:"path_prefix"`
	Assets     []assetEntryModel `tfsdk:"assets"`
}

type assetEntryModel struct {
	Path         types.String `tfsdk:"path"`
	ContentSize  types.Int64  `tfsdk:"content_size"`
	DateModified types.String `tfsdk:"date_modified"`
	ContentID    types.String `tfsdk:"content_id"`
}

func (d *assetsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The assets of a dandiset version from its published `assets.jsonld` manifest, streamed: memory grows with the " +
			"assets kept, not with the file. The draft's manifest lags the API by up to a minute or so (the archive regenerates it periodically). " +
			"The manifests live in the instance's own bucket: the provider knows it for production and the vendor sandbox, and any other " +
			"`endpoint` needs `dandi.manifest_endpoint` (the plan fails otherwise).",
		Attributes: map[string]schema.Attribute{
			"dandiset_id": schema.StringAttribute{Required: true, MarkdownDescription: "Six-digit dandiset id.", Validators: dandisetValidators()},
			"version":     schema.StringAttribute{Optional: true, MarkdownDescription: "`draft` (default) or a published version.", Validators: versionIDValidators()},
			"path_prefix": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only the asset at this path and assets under the folder `<path_prefix>/` (`sub-01` never takes `sub-010/…`)."},
			"assets": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "In the manifest's order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"path":          schema.StringAttribute{Computed: true},
					"content_size":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Bytes (the manifest holds an integer or a digit string)."},
					"date_modified": schema.StringAttribute{Computed: true},
					"content_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The blob or zarr id: the last segment of the `/blobs/` or `/zarr/` content URL, else the asset identifier."},
				}}},
		},
	}
}

func (d *assetsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m assetsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c, diags := connect(d.data, d.typeName)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if c.manifests == "" {
		resp.Diagnostics.AddError("No manifest endpoint for this DANDI instance",
			fmt.Sprintf("%s reads the published assets.jsonld manifests, which live in the instance's own bucket. The provider knows the "+
				"buckets of the production and sandbox instances only, and dandi.endpoint is %s. Set dandi.manifest_endpoint "+
				"(DANDI_MANIFEST_ENDPOINT) to this instance's manifest base; it is never guessed, so that another instance's manifest "+
				"for the same id is never read.", d.typeName, c.api))
		return
	}
	version := m.Version.ValueString()
	if version == "" {
		version = "draft"
	}
	body, err := c.OpenManifest(ctx, m.DandisetID.ValueString(), version)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading the manifest of dandiset "+m.DandisetID.ValueString()+" "+version+" failed", err, ""))
		return
	}
	defer func() { _ = body.Close() }()
	prefix := m.PathPrefix.ValueString()
	assets, err := ReadManifest(body, func(p string) bool { return UnderPrefix(p, prefix) })
	if err != nil {
		resp.Diagnostics.AddError("Unreadable manifest of dandiset "+m.DandisetID.ValueString()+" "+version, err.Error())
		return
	}
	m.Assets = make([]assetEntryModel, len(assets))
	for i, a := range assets {
		m.Assets[i] = assetEntryModel{Path: types.StringValue(a.Path), ContentSize: types.Int64Value(a.ContentSize),
			DateModified: types.StringValue(a.DateModified), ContentID: types.StringValue(a.ContentID)}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
