package codeocean

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/modifiers"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

type assetModel struct {
	ID                    types.String      `tfsdk:"id"`
	Name                  types.String      `tfsdk:"name"`
	Description           types.String      `tfsdk:"description"`
	Mount                 types.String      `tfsdk:"mount"`
	Tags                  types.Set         `tfsdk:"tags"`
	CustomMetadata        types.Map         `tfsdk:"custom_metadata"`
	Source                *sourceModel      `tfsdk:"source"`
	Target                *targetModel      `tfsdk:"target"`
	Archived              types.Bool        `tfsdk:"archived"`
	Permissions           *permissionsModel `tfsdk:"permissions"`
	StorageCleanup        *cleanupModel     `tfsdk:"storage_cleanup"`
	DeletionProtection    types.Bool        `tfsdk:"deletion_protection"`
	State                 types.String      `tfsdk:"state"`
	Type                  types.String      `tfsdk:"type"`
	Size                  types.Int64       `tfsdk:"size"`
	Files                 types.Int64       `tfsdk:"files"`
	Created               types.Int64       `tfsdk:"created"`
	SourceBucket          types.Object      `tfsdk:"source_bucket"`
	CleanupScope          types.Object      `tfsdk:"cleanup_scope"`
	PlatformDeleted       types.Bool        `tfsdk:"platform_deleted"`
	Bypass                types.Bool        `tfsdk:"bypass_governance_retention"`
	CleanupIAMPolicy      types.String      `tfsdk:"cleanup_iam_policy"`
	CleanupIAMPolicyExact types.Bool        `tfsdk:"cleanup_iam_policy_exact"`
	Timeouts              timeouts.Value    `tfsdk:"timeouts"`
}

type sourceModel struct {
	AWS         *awsModel         `tfsdk:"aws"`
	GCP         *gcpModel         `tfsdk:"gcp"`
	Computation *computationModel `tfsdk:"computation"`
}

type awsModel struct {
	Bucket                types.String `tfsdk:"bucket"`
	Prefix                types.String `tfsdk:"prefix"`
	KeepOnExternalStorage types.Bool   `tfsdk:"keep_on_external_storage"`
	Public                types.Bool   `tfsdk:"public"`
	EndpointName          types.String `tfsdk:"endpoint_name"`
}

type gcpModel struct {
	Bucket       types.String `tfsdk:"bucket"`
	Prefix       types.String `tfsdk:"prefix"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

type computationModel struct {
	ID   types.String `tfsdk:"id"`
	Path types.String `tfsdk:"path"`
}

type targetModel struct {
	AWS *targetAWSModel `tfsdk:"aws"`
}

type targetAWSModel struct {
	Bucket types.String `tfsdk:"bucket"`
	Prefix types.String `tfsdk:"prefix"`
}

type permissionsModel struct {
	Users    []userModel  `tfsdk:"users"`
	Groups   []groupModel `tfsdk:"groups"`
	Everyone types.String `tfsdk:"everyone"`
}

type userModel struct {
	Email types.String `tfsdk:"email"`
	Role  types.String `tfsdk:"role"`
}

type groupModel struct {
	Group types.String `tfsdk:"group"`
	Role  types.String `tfsdk:"role"`
}

type cleanupModel struct {
	Bucket     types.String `tfsdk:"bucket"`
	Prefixes   []string     `tfsdk:"prefixes"`
	OwnsTarget types.Bool   `tfsdk:"owns_target"`
}

var (
	sourceBucketAttrTypes = map[string]attr.Type{"origin": types.StringType, "bucket": types.StringType, "prefix": types.StringType, "external": types.BoolType}
	bucketRE              = regexp.MustCompile(`^[a-z0-9][a-z0-9.\-_]{1,253}[a-z0-9]$`)
)

func bucketValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(bucketRE, "must be a bucket name")}
}

func (r *assetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// A new source or target replaces the asset. After an import, which reads them from Code
	// Ocean's answer (importSource), a configuration that means the same bucket, prefix or
	// computation records its spelling in place; one the answer could not fill is recorded too.
	replaceSource := []planmodifier.Object{modifiers.ObjectReplaceUnlessImported("asset", sameImportedSource)}
	replaceTarget := []planmodifier.Object{modifiers.ObjectReplaceUnlessImported("asset", sameImportedTarget)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Code Ocean data asset made from S3, Google Cloud Storage or a computation's results. Create waits until " +
			"the asset is `ready` (a `failed` one is deleted and reported with its `failure_reason`). Metadata, `archived` and " +
			"`permissions` change in place; a new source replaces the asset. `terraform destroy` deletes the asset and then exactly " +
			"the storage it was declared to own in `storage_cleanup` — by default nothing: the data you pointed Code Ocean at is " +
			"never deleted unless you say so.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The asset's UUID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"name":        schema.StringAttribute{Required: true, MarkdownDescription: "Name.", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
			"description": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""), MarkdownDescription: "Description."},
			"mount": schema.StringAttribute{Required: true, MarkdownDescription: "Folder under a capsule's `/data` the asset mounts at.",
				Validators: []validator.String{validate.String("a relative folder", validate.RelativeFolder)}},
			"tags": schema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: "Tags."},
			"custom_metadata": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Values of the deployment's custom metadata fields by key, as strings: numbers as `\"12\"`, dates as `\"2024-05-01\"` " +
					"or epoch seconds. Keys the deployment does not define are refused at plan."},
			"source": schema.SingleNestedAttribute{Required: true, PlanModifiers: replaceSource,
				MarkdownDescription: "Where the data comes from: exactly one of `aws`, `gcp` and `computation`. A change replaces the asset.",
				Attributes: map[string]schema.Attribute{
					"aws": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "An S3 bucket and prefix.",
						Validators: []validator.Object{objectvalidator.ExactlyOneOf(path.MatchRelative().AtParent().AtName("gcp"), path.MatchRelative().AtParent().AtName("computation"))},
						Attributes: map[string]schema.Attribute{
							"bucket": schema.StringAttribute{Required: true, Validators: bucketValidators()},
							"prefix": schema.StringAttribute{Optional: true},
							"keep_on_external_storage": schema.BoolAttribute{Optional: true,
								MarkdownDescription: "Link the files instead of copying them (an external asset)."},
							"public":        schema.BoolAttribute{Optional: true, MarkdownDescription: "The bucket is readable without credentials."},
							"endpoint_name": schema.StringAttribute{Optional: true, MarkdownDescription: "A named custom S3 endpoint of the deployment."},
						}},
					"gcp": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "A Google Cloud Storage bucket and prefix.",
						Attributes: map[string]schema.Attribute{
							"bucket":    schema.StringAttribute{Required: true, Validators: bucketValidators()},
							"prefix":    schema.StringAttribute{Optional: true},
							"client_id": schema.StringAttribute{Optional: true},
							"client_secret": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
								MarkdownDescription: "Write-only: sent at create and never stored in state."},
						}},
					"computation": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "A computation's results.",
						Attributes: map[string]schema.Attribute{
							"id": schema.StringAttribute{Required: true, MarkdownDescription: "The computation's UUID.",
								Validators: []validator.String{validate.String("a computation id", validate.UUID)}},
							"path": schema.StringAttribute{Optional: true, MarkdownDescription: "A folder of the results; all of them when unset."},
						}},
				}},
			"target": schema.SingleNestedAttribute{Optional: true, PlanModifiers: replaceTarget,
				MarkdownDescription: "Where an external result is written (only with a `computation` source).",
				Validators:          []validator.Object{objectvalidator.AlsoRequires(path.MatchRoot("source").AtName("computation"))},
				Attributes: map[string]schema.Attribute{
					"aws": schema.SingleNestedAttribute{Required: true, Attributes: map[string]schema.Attribute{
						"bucket": schema.StringAttribute{Required: true, Validators: bucketValidators()},
						"prefix": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`[^/]`), "must name a folder")}},
					}},
				}},
			"archived": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Archive the asset (hidden from default searches). Changes in place. Default `false`."},
			"permissions": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: "Who may use the asset; replaced whole, in place.",
				Attributes: map[string]schema.Attribute{
					"users": schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"email": schema.StringAttribute{Required: true},
						"role":  schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.OneOf("owner", "editor", "viewer")}},
					}}},
					"groups": schema.ListNestedAttribute{Optional: true, NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"group": schema.StringAttribute{Required: true},
						"role":  schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.OneOf("owner", "editor", "viewer", "discoverable")}},
					}}},
					"everyone": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.OneOf("viewer", "discoverable", "none")}},
				}},
			"storage_cleanup": schema.SingleNestedAttribute{Optional: true,
				MarkdownDescription: "The customer storage this asset owns, removed after the asset at destroy. Default: nothing. " +
					"Each prefix owns the key itself and keys under `<prefix>/`, never a longer name.",
				Attributes: map[string]schema.Attribute{
					"bucket": schema.StringAttribute{Optional: true, Validators: bucketValidators(),
						MarkdownDescription: "Bucket of the owned prefixes. Default: the target's bucket with `owns_target`, else the S3 source's."},
					"prefixes": schema.ListAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Owned prefixes: each a key or folder of its own, relative, with no `.`, `..` or wildcard parts.",
						Validators:          []validator.List{listvalidator.ValueStringsAre(validate.String("an owned prefix", validate.OwnedPrefix))}},
					"owns_target": schema.BoolAttribute{Optional: true, MarkdownDescription: "The external result's target prefix is owned."},
				}},
			"deletion_protection":         teardown.DeletionProtection(),
			"bypass_governance_retention": teardown.BypassAttribute(),
			"cleanup_iam_policy":          teardown.PolicyAttribute(),
			"cleanup_iam_policy_exact":    teardown.PolicyExactAttribute(),
			"state":                       schema.StringAttribute{Computed: true, MarkdownDescription: "`draft`, `ready` or `failed`."},
			"type":                        schema.StringAttribute{Computed: true, MarkdownDescription: "`dataset`, `result`, `combined` or `model`."},
			"size":                        schema.Int64Attribute{Computed: true, MarkdownDescription: "Size in bytes."},
			"files":                       schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of files."},
			"created":                     schema.Int64Attribute{Computed: true, MarkdownDescription: "Creation time, epoch seconds.", PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"source_bucket": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Where Code Ocean says the files are.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"origin": schema.StringAttribute{Computed: true}, "bucket": schema.StringAttribute{Computed: true},
					"prefix": schema.StringAttribute{Computed: true}, "external": schema.BoolAttribute{Computed: true},
				}},
			"cleanup_scope": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "What destroy removes from storage, resolved from `storage_cleanup` at plan: a bucket and exact prefixes.",
				Attributes: map[string]schema.Attribute{
					"bucket":   schema.StringAttribute{Computed: true},
					"prefixes": schema.ListAttribute{Computed: true, ElementType: types.StringType},
				}},
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` when the asset is gone (deleted by a destroy that did not finish, or outside Terraform) while its cleanup scope still holds objects. The refresh keeps the resource in state so that nothing it owns is forgotten: the next `terraform destroy` removes what is left, and an apply replaces the asset."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}
