package v7

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var (
	_ datasource.DataSourceWithConfigure = &orphansDataSource{}
	_ resource.ResourceWithConfigure     = &orphanCleanupResource{}
	_ resource.ResourceWithModifyPlan    = &orphanCleanupResource{}
)

// orphanSearch is what both types search with.
type orphanSearch struct {
	data     *providerdata.Data
	typeName string
}

// find resolves the connection and finds its orphaned folders.
func (s orphanSearch) find(ctx context.Context, team, storageSlug, sourceFolder types.String) (string, StorageConnection, Orphans, diag.Diagnostics) {
	c, slug, diags := connect(ctx, s.data, s.typeName, team)
	if diags.HasError() {
		return "", StorageConnection{}, Orphans{}, diags
	}
	conn, err := c.Storage(ctx, slug, storageSlug.ValueString())
	if err != nil {
		diags.Append(diagnostics.Error("Reading V7 storage connection "+storageSlug.ValueString()+" failed", err, ""))
		return slug, conn, Orphans{}, diags
	}
	engine, d := s.data.Engine(ctx, storage.Options{})
	if diags.Append(d...); engine == nil {
		return slug, conn, Orphans{}, diags
	}
	var only *string
	if !sourceFolder.IsNull() {
		v := sourceFolder.ValueString()
		only = &v
	}
	orphans, err := FindOrphans(ctx, engine, c, slug, conn, only)
	if err != nil {
		diags.Append(diagnostics.Error("Finding the orphaned metadata of storage connection "+storageSlug.ValueString()+" failed", err,
			"Nothing is reported as orphaned while a lookup fails: an unanswered question is never read as \"no item\"."))
	}
	return slug, conn, orphans, diags
}

func sourceFolderValidators() []validator.String {
	return []validator.String{validate.String("a folder of the bucket, relative to the connection's prefix", validate.RelativePath)}
}

// --- dataplatforms_v7_orphaned_metadata -----------------------------------------------------

// NewOrphanedMetadataDataSource is dataplatforms_v7_orphaned_metadata.
func NewOrphanedMetadataDataSource() datasource.DataSource {
	return &orphansDataSource{orphanSearch{typeName: providerdata.ProviderTypeName + "_v7_orphaned_metadata"}}
}

type orphansDataSource struct{ orphanSearch }

type orphansModel struct {
	TeamSlug         types.String  `tfsdk:"team_slug"`
	StorageSlug      types.String  `tfsdk:"storage_slug"`
	SourceFolder     types.String  `tfsdk:"source_folder"`
	Bucket           types.String  `tfsdk:"bucket"`
	Folders          []orphanModel `tfsdk:"folders"`
	FolderCount      types.Int64   `tfsdk:"folder_count"`
	ObjectCount      types.Int64   `tfsdk:"object_count"`
	Bytes            types.Int64   `tfsdk:"bytes"`
	Unconfirmed      []orphanModel `tfsdk:"unconfirmed"`
	UnconfirmedCount types.Int64   `tfsdk:"unconfirmed_count"`
}

type orphanModel struct {
	Prefix       types.String `tfsdk:"prefix"`
	SourceFolder types.String `tfsdk:"source_folder"`
	Name         types.String `tfsdk:"name"`
	Objects      types.Int64  `tfsdk:"objects"`
	Bytes        types.Int64  `tfsdk:"bytes"`
	LastModified types.String `tfsdk:"last_modified"`
	Evidence     types.String `tfsdk:"evidence"`
	SampleKeys   []string     `tfsdk:"sample_keys"`
}

func orphanModels(list []Orphan) []orphanModel {
	out := make([]orphanModel, 0, len(list))
	for _, o := range list {
		out = append(out, orphanModel{Prefix: types.StringValue(o.Prefix), SourceFolder: types.StringValue(o.SourceFolder),
			Name: types.StringValue(o.Name), Objects: types.Int64Value(o.Objects), Bytes: types.Int64Value(o.Bytes),
			LastModified: types.StringValue(o.LastModified.UTC().Format(time.RFC3339)), Evidence: types.StringValue(o.Evidence),
			SampleKeys: append([]string{}, o.Sample...)})
	}
	return out
}

func orphanAttributes(what string) dsschema.NestedAttributeObject {
	return dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
		"prefix":        dsschema.StringAttribute{Computed: true, MarkdownDescription: "The folder, relative to the bucket."},
		"source_folder": dsschema.StringAttribute{Computed: true, MarkdownDescription: "The source folder it belongs to (`\"\"` for the bucket's root)."},
		"name":          dsschema.StringAttribute{Computed: true, MarkdownDescription: "The item name it is keyed by."},
		"objects":       dsschema.Int64Attribute{Computed: true, MarkdownDescription: "Objects in it."},
		"bytes":         dsschema.Int64Attribute{Computed: true, MarkdownDescription: "Their size."},
		"last_modified": dsschema.StringAttribute{Computed: true, MarkdownDescription: "The newest object's modification time (RFC 3339)."},
		"evidence":      dsschema.StringAttribute{Computed: true, MarkdownDescription: what},
		"sample_keys": dsschema.ListAttribute{Computed: true, ElementType: types.StringType,
			MarkdownDescription: fmt.Sprintf("Up to %d of its keys, for a person to judge.", orphanSample)},
	}}
}

func (d *orphansDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	d.typeName = req.ProviderTypeName + "_v7_orphaned_metadata"
	resp.TypeName = d.typeName
}

func (d *orphansDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerdata.FromDataSource(req, resp)
}

func (d *orphansDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = dsschema.Schema{
		MarkdownDescription: orphanDescription,
		Attributes: map[string]dsschema.Attribute{
			"team_slug": dsschema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Team slug. Default: the provider's `v7.team_slug`, else the team the API key selects."},
			"storage_slug": dsschema.StringAttribute{Required: true,
				MarkdownDescription: "The team's read-write storage connection, by name or slug."},
			"source_folder": dsschema.StringAttribute{Optional: true, Validators: sourceFolderValidators(),
				MarkdownDescription: "A folder of the bucket, relative to the connection's prefix, whose `data/` folder is searched. Default: every folder under the prefix."},
			"bucket": dsschema.StringAttribute{Computed: true, MarkdownDescription: "The connection's bucket."},
			"folders": dsschema.ListNestedAttribute{Computed: true, MarkdownDescription: "The confirmed orphaned folders, by prefix: what the cleanup adopts.",
				NestedObject: orphanAttributes("What shows that V7 wrote it: its source key is still in the bucket, or every key lies in a folder V7 writes.")},
			"folder_count": dsschema.Int64Attribute{Computed: true, MarkdownDescription: "How many folders are orphaned (confirmed)."},
			"object_count": dsschema.Int64Attribute{Computed: true, MarkdownDescription: "Objects in them."},
			"bytes":        dsschema.Int64Attribute{Computed: true, MarkdownDescription: "Their size."},
			"unconfirmed": dsschema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "Folders that look like V7's but carry no evidence that V7 wrote them (no source key in the bucket, and keys " +
					"outside the folders V7 writes): perhaps the customer's own. Listed with a few keys each for a person to judge; the cleanup " +
					"takes them only with `include_unconfirmed = true`.",
				NestedObject: orphanAttributes("Empty: there is none.")},
			"unconfirmed_count": dsschema.Int64Attribute{Computed: true, MarkdownDescription: "How many folders are unconfirmed."},
		},
	}
}

func (d *orphansDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m orphansModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	team, conn, orphans, diags := d.find(ctx, m.TeamSlug, m.StorageSlug, m.SourceFolder)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	m.TeamSlug, m.Bucket = types.StringValue(team), types.StringValue(conn.Bucket)
	m.Folders, m.Unconfirmed = orphanModels(orphans.Confirmed), orphanModels(orphans.Unconfirmed)
	objects, size := summary(orphans.Confirmed)
	m.FolderCount, m.ObjectCount, m.Bytes = types.Int64Value(int64(len(orphans.Confirmed))), types.Int64Value(objects), types.Int64Value(size)
	m.UnconfirmedCount = types.Int64Value(int64(len(orphans.Unconfirmed)))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// --- dataplatforms_v7_orphaned_metadata_cleanup ---------------------------------------------

// NewOrphanedMetadataCleanupResource is dataplatforms_v7_orphaned_metadata_cleanup.
func NewOrphanedMetadataCleanupResource() resource.Resource {
	return &orphanCleanupResource{orphanSearch{typeName: providerdata.ProviderTypeName + "_v7_orphaned_metadata_cleanup"}}
}

type orphanCleanupResource struct{ orphanSearch }

type orphanCleanupModel struct {
	ID                    types.String   `tfsdk:"id"`
	TeamSlug              types.String   `tfsdk:"team_slug"`
	StorageSlug           types.String   `tfsdk:"storage_slug"`
	SourceFolder          types.String   `tfsdk:"source_folder"`
	OlderThan             types.String   `tfsdk:"older_than"`
	IncludeUnconfirmed    types.Bool     `tfsdk:"include_unconfirmed"`
	DeletionProtection    types.Bool     `tfsdk:"deletion_protection"`
	StoragePrefix         types.String   `tfsdk:"storage_prefix"`
	MetadataScope         types.Object   `tfsdk:"metadata_scope"`
	FolderCount           types.Int64    `tfsdk:"folder_count"`
	ObjectCount           types.Int64    `tfsdk:"object_count"`
	Bytes                 types.Int64    `tfsdk:"bytes"`
	PlatformDeleted       types.Bool     `tfsdk:"platform_deleted"`
	Bypass                types.Bool     `tfsdk:"bypass_governance_retention"`
	CleanupIAMPolicy      types.String   `tfsdk:"cleanup_iam_policy"`
	CleanupIAMPolicyExact types.Bool     `tfsdk:"cleanup_iam_policy_exact"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

func (r *orphanCleanupResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_v7_orphaned_metadata_cleanup"
	resp.TypeName = r.typeName
}

func (r *orphanCleanupResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *orphanCleanupResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Takes the orphaned metadata folders of a storage connection (see `dataplatforms_v7_orphaned_metadata`) under " +
			"management, so that `terraform destroy` removes exactly them. Creating it deletes nothing: it records the folders found, and the " +
			"plan and the apply say how many folders, objects and bytes. The flow is three commands: `terraform apply` (adopt), " +
			"`terraform plan -destroy` (see exactly what goes), `terraform destroy` (remove it). The destroy checks every folder again: one " +
			"whose name an item registered since then uses is kept, and the warning names the item. A destroy that fails half way is " +
			"finished by the next one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<team_slug>/<storage_slug>[/<source_folder>]`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"team_slug": teamSlugAttribute(),
			"storage_slug": schema.StringAttribute{Required: true, MarkdownDescription: "The team's read-write storage connection, by name or slug.",
				Validators: []validator.String{stringvalidator.RegexMatches(storageRE, "must be a storage connection's name or slug")}, PlanModifiers: replace},
			"source_folder": schema.StringAttribute{Optional: true, Validators: sourceFolderValidators(), PlanModifiers: replace,
				MarkdownDescription: "A folder of the bucket, relative to the connection's prefix, whose `data/` folder is searched. Default: every folder under the prefix."},
			"older_than": schema.StringAttribute{Optional: true, PlanModifiers: replace,
				Validators:          []validator.String{validate.String("a duration such as 720h", validate.Duration(0, 100*365*24*time.Hour))},
				MarkdownDescription: "Adopt only folders whose newest object is older than this, such as `720h`. Default: every orphaned folder."},
			"include_unconfirmed": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				// A cleanup adopted before the attribute existed (null in state) means false: no replacement.
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = req.StateValue.ValueBool() != req.PlanValue.ValueBool()
				}, "Adopting other folders is a new cleanup.", "Adopting other folders is a new cleanup.")},
				MarkdownDescription: "Adopt the unconfirmed folders too (see `dataplatforms_v7_orphaned_metadata`'s `unconfirmed`): folders that look " +
					"like V7's but carry no evidence that V7 wrote them, and may be the customer's own. Default `false`: only confirmed ones."},
			"deletion_protection":         teardown.DeletionProtection(),
			"bypass_governance_retention": teardown.BypassAttribute(),
			"cleanup_iam_policy":          teardown.PolicyAttribute(),
			"cleanup_iam_policy_exact":    teardown.PolicyExactAttribute(),
			"storage_prefix": schema.StringAttribute{Computed: true, MarkdownDescription: "The connection's prefix at create.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"metadata_scope": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "The adopted folders: what destroy removes.",
				Attributes: map[string]schema.Attribute{
					"bucket":   schema.StringAttribute{Computed: true, MarkdownDescription: "Bucket of the storage connection."},
					"prefixes": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "The folders."},
				}},
			"folder_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Folders adopted."},
			"object_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Objects in them at create."},
			"bytes":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Their size at create."},
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Set by a destroy that did not finish; the next destroy finishes it."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Delete: true}),
		},
	}
}

// adoptable is what the cleanup takes: the confirmed orphans (and the unconfirmed ones when
// asked), filtered by older_than.
func adoptable(found Orphans, includeUnconfirmed types.Bool, olderThan types.String) []Orphan {
	orphans := slices.Clone(found.Confirmed)
	if includeUnconfirmed.ValueBool() {
		orphans = append(orphans, found.Unconfirmed...)
		slices.SortFunc(orphans, func(a, b Orphan) int { return strings.Compare(a.Prefix, b.Prefix) })
	}
	if olderThan.IsNull() || olderThan.ValueString() == "" {
		return orphans
	}
	d, _ := time.ParseDuration(olderThan.ValueString())
	cutoff := time.Now().Add(-d)
	var out []Orphan
	for _, o := range orphans {
		if o.LastModified.Before(cutoff) {
			out = append(out, o)
		}
	}
	return out
}

func summary(orphans []Orphan) (objects, size int64) {
	for _, o := range orphans {
		objects, size = objects+o.Objects, size+o.Bytes
	}
	return objects, size
}

func (r *orphanCleanupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	defer teardown.PlanPolicy(ctx, r.data, "metadata_scope", resp)
	if teardown.ModifyPlan(ctx, r.data, r.teardownOf, req, resp) || !req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var m orphanCleanupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.StorageSlug.IsUnknown() || m.SourceFolder.IsUnknown() || m.OlderThan.IsUnknown() {
		return
	}
	team := m.TeamSlug
	if team.IsUnknown() {
		team = types.StringNull() // the provider's team, or the API key's
	}
	_, _, found, diags := r.find(ctx, team, m.StorageSlug, m.SourceFolder)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	orphans := adoptable(found, m.IncludeUnconfirmed, m.OlderThan)
	objects, size := summary(orphans)
	resp.Diagnostics.AddWarning(fmt.Sprintf("The apply adopts %d orphaned metadata folders (%d objects, %s)", len(orphans), objects, teardown.BytesText(size)),
		"Nothing is deleted by the apply. terraform plan -destroy then lists what goes, and terraform destroy removes it."+unconfirmedNote(found, m.IncludeUnconfirmed))
}

func (r *orphanCleanupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m orphanCleanupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	team, conn, found, diags := r.find(ctx, m.TeamSlug, m.StorageSlug, m.SourceFolder)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	orphans := adoptable(found, m.IncludeUnconfirmed, m.OlderThan)
	prefixes := make([]string, len(orphans))
	for i, o := range orphans {
		prefixes[i] = o.Prefix
	}
	objects, size := summary(orphans)
	id := team + "/" + m.StorageSlug.ValueString()
	if !m.SourceFolder.IsNull() {
		id += "/" + m.SourceFolder.ValueString()
	}
	m.ID, m.TeamSlug, m.StoragePrefix = types.StringValue(id), types.StringValue(team), types.StringValue(conn.Prefix)
	m.MetadataScope = teardown.ScopeValue(ctx, conn.Bucket, prefixes)
	m.FolderCount, m.ObjectCount, m.Bytes = types.Int64Value(int64(len(orphans))), types.Int64Value(objects), types.Int64Value(size)
	resp.Diagnostics.AddWarning(fmt.Sprintf("Adopted %d orphaned metadata folders (%d objects, %s)", len(orphans), objects, teardown.BytesText(size)),
		"Nothing was deleted. terraform plan -destroy lists what goes; terraform destroy removes it."+unconfirmedNote(found, m.IncludeUnconfirmed))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
}

// Read keeps what was adopted: the folders are the resource's until its destroy, which checks
// each one again.
func (r *orphanCleanupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m orphanCleanupModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if !resp.Diagnostics.HasError() && m.PlatformDeleted.ValueBool() {
		teardown.ReadNotFound(ctx, r.data, r.teardownOf, m, req, resp)
	}
}

func (r *orphanCleanupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m orphanCleanupModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
}

func (r *orphanCleanupResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	teardown.Delete(ctx, r.data, r.teardownOf, req, resp)
}

// teardownOf removes the adopted folders, keeping each one an item uses again (asked at the
// destroy, in batches): there is no platform object to delete first.
func (r *orphanCleanupResource) teardownOf(ctx context.Context, m orphanCleanupModel) (teardown.Teardown, diag.Diagnostics) {
	timeout, diags := m.Timeouts.Delete(ctx, 60*time.Minute)
	scope := scopeOf(ctx, m.MetadataScope)
	connect := func(ctx context.Context) (*Client, string, error) {
		c, team, diags := connect(ctx, r.data, r.typeName, m.TeamSlug)
		return c, team, diagnostics.AsError(diags)
	}
	t := teardown.Teardown{
		Object:          fmt.Sprintf("orphaned V7 metadata of %s (%d folders)", m.StorageSlug.ValueString(), len(scope.Prefixes)),
		Protected:       m.DeletionProtection.ValueBool(),
		PlatformDeleted: m.PlatformDeleted.ValueBool(),
		Timeout:         timeout,
		Storage:         teardown.StorageOptions(r.data, m.Bypass),
		DeletePlatform:  func(context.Context) error { return nil }, // nothing on the platform: the items are long gone
		InUse:           orphanUsers(connect, setFolders(m.StoragePrefix.ValueString(), scope.Prefixes)),
	}
	if len(scope.Prefixes) > 0 {
		t.Scopes = []storage.Scope{scope}
	}
	return t, diags
}

// orphanDescription is the data source's description.
const orphanDescription = "The metadata folders V7 wrote into a read-write bucket, `<prefix>[/<source folder>]/data/<name>/`, whose items no " +
	"longer exist: no live or archived item of the team, in any dataset, has that name and a file in that source folder.\n\n" +
	"Only what carries evidence that V7 wrote it is reported in `folders`: every key of the folder lies in a folder V7 writes " +
	"(`uploads/`, `thumbnails/`, `sections/`), or the folder's would-be source key `<source folder>/<name>` is still in the bucket " +
	"(any version). Never reported: a lone key `data/<name>` (V7 writes folders), a folder that is or holds a file of any live or " +
	"archived item of the team (in any slot or dataset), and a key that could belong to two folders. Folders that look like V7's " +
	"but carry no evidence are reported apart, in `unconfirmed`, with a few of their keys.\n\n" +
	"Cost: the bucket is listed once under the prefix, each source folder whose evidence is needed once more (its own keys only), " +
	"and V7 is asked for the team's items, 500 a request. A failed lookup fails the read: nothing is reported on a partial answer."

// unconfirmedNote says what the cleanup leaves out.
func unconfirmedNote(found Orphans, include types.Bool) string {
	if len(found.Unconfirmed) == 0 || include.ValueBool() {
		return ""
	}
	var names []string
	for _, o := range found.Unconfirmed {
		names = append(names, o.Prefix)
	}
	return fmt.Sprintf(" %d folders that look like V7's but carry no evidence that V7 wrote them are left out (%s); "+
		"dataplatforms_v7_orphaned_metadata lists them with a few keys each, and include_unconfirmed = true takes them.", len(names), sample(names, 10))
}
