package v7

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

type itemSetModel struct {
	ID                    types.String    `tfsdk:"id"`
	TeamSlug              types.String    `tfsdk:"team_slug"`
	DatasetSlug           types.String    `tfsdk:"dataset_slug"`
	StorageSlug           types.String    `tfsdk:"storage_slug"`
	Path                  types.String    `tfsdk:"path"`
	Source                *setSourceModel `tfsdk:"source"`
	Items                 types.Map       `tfsdk:"items"`
	MetadataLayout        types.String    `tfsdk:"metadata_layout"`
	AdoptExisting         types.Bool      `tfsdk:"adopt_existing"`
	DeletionProtection    types.Bool      `tfsdk:"deletion_protection"`
	DatasetID             types.Int64     `tfsdk:"dataset_id"`
	ItemCount             types.Int64     `tfsdk:"item_count"`
	StoragePrefix         types.String    `tfsdk:"storage_prefix"`
	MetadataScope         types.Object    `tfsdk:"metadata_scope"`
	PlatformDeleted       types.Bool      `tfsdk:"platform_deleted"`
	Bypass                types.Bool      `tfsdk:"bypass_governance_retention"`
	CleanupIAMPolicy      types.String    `tfsdk:"cleanup_iam_policy"`
	CleanupIAMPolicyExact types.Bool      `tfsdk:"cleanup_iam_policy_exact"`
	LegacyRecord          types.String    `tfsdk:"legacy_record"`
	Timeouts              timeouts.Value  `tfsdk:"timeouts"`

	// Registered (each item's id by <folder>/<name>) and Owned (the bucket and the folders
	// destroy removes) live in private state (item_set_private.go), never in a plan.
	Registered map[string]string `tfsdk:"-"`
	Owned      storage.Scope     `tfsdk:"-"`
	// Recorded says private state held the record (a set of an earlier build has none).
	Recorded bool `tfsdk:"-"`
}

type setSourceModel struct {
	Prefix  types.String `tfsdk:"prefix"`
	Include types.List   `tfsdk:"include"`
	Exclude types.List   `tfsdk:"exclude"`
}

type setItemModel struct {
	Path  types.String `tfsdk:"path"`
	Slots []slotModel  `tfsdk:"slots"`
}

// layoutGuessedByImport says the layout an import wrote was a guess: any configured one wins.
func layoutGuessedByImport(context.Context, planmodifier.StringRequest) bool { return true }

// ownedFolder checks a set's folder: a dataset folder, not the dataset's root (a set owns its
// folder, and owning / would own every item of the dataset).
func ownedFolder(p string) error {
	if err := validFolder(p); err != nil {
		return err
	}
	if p == "/" {
		return errors.New(`"/" is the dataset's root: a set owns its folder and every item in it, so it needs a folder of its own, such as /scans`)
	}
	return nil
}

func (r *itemSetResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("source"), path.MatchRoot("items"))}
}

func (r *itemSetResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		// 1: the items and owned folders moved from attributes into private state.
		Version: 1,
		MarkdownDescription: "Many V7 Darwin items registered from the customer's own storage as one resource: every object under a " +
			"folder of the bucket (`source`), or an explicit list (`items`, such as `csvdecode(file(\"items.csv\"))`). The set owns its " +
			"dataset folder `path` (and the folders under it, never a longer name): every item there is the set's, which is how a killed " +
			"or lost apply is recovered. Registration goes 100 items a request; a refresh lists the folder 500 items a page; a key added " +
			"under the source is registered at the next apply, and one removed is deleted with its metadata folder. `terraform destroy` " +
			"deletes the items (by id, 500 a request) and then exactly the folders V7 wrote for them, `<prefix>[/<source folder>]/data/<name>`, " +
			"listing each `data/` folder once; a folder another live item still uses is kept, and the warning names that item.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<team_slug>/<dataset_slug>:<path>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"team_slug":    teamSlugAttribute(),
			"dataset_slug": datasetSlugAttribute("Slug of the dataset the items are registered in."),
			"storage_slug": storageSlugAttribute(modifiers.StringReplaceUnlessImported("set", sameImportedStorage)),
			"path": schema.StringAttribute{Required: true,
				MarkdownDescription: "The dataset folder the set owns, such as `/scans`: its items and those of its subfolders are the set's. Not `/`.",
				Validators:          []validator.String{validate.String("a dataset folder of the set's own", ownedFolder)}, PlanModifiers: replace},
			"source": schema.SingleNestedAttribute{Optional: true,
				MarkdownDescription: "Register every object under a folder of the connection's bucket as one single-slot item: named by the key's " +
					"base name, in `path` plus the key's folder relative to `prefix`.",
				Attributes: map[string]schema.Attribute{
					"prefix": schema.StringAttribute{Required: true, MarkdownDescription: "The folder, relative to the bucket, such as `customer-data/scans/`. Keys under `<prefix>/` only, never a longer name.",
						Validators: []validator.String{validate.String("a folder of the bucket", validate.OwnedPrefix)}},
					"include": schema.ListAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Globs on the key relative to `prefix` (`*.jpg`, `**/*.png`): only matching keys are items. Default: every key.",
						Validators:          []validator.List{listvalidator.ValueStringsAre(validate.String("a glob", ValidGlob))}},
					"exclude": schema.ListAttribute{Optional: true, ElementType: types.StringType,
						MarkdownDescription: "Globs on the key relative to `prefix` (`tmp/**`): matching keys are left out.",
						Validators:          []validator.List{listvalidator.ValueStringsAre(validate.String("a glob", ValidGlob))}},
				}},
			"items": schema.MapNestedAttribute{Optional: true,
				MarkdownDescription: "The explicit form: items by name, for multi-slot items or chosen names, with the slot fields of `dataplatforms_v7_item`.",
				Validators:          []validator.Map{mapvalidator.KeysAre(validate.String("a V7 item name", ValidName)), mapvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"path": schema.StringAttribute{Optional: true, MarkdownDescription: "Dataset folder of the item: `path` (the default) or a folder under it.",
						Validators: []validator.String{validate.String("a dataset folder path", validFolder)}},
					"slots": schema.ListNestedAttribute{Required: true, MarkdownDescription: "The item's files, one per slot.",
						Validators:   []validator.List{listvalidator.SizeAtLeast(1)},
						NestedObject: schema.NestedAttributeObject{Attributes: slotAttributes()}},
				}}},
			"metadata_layout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(LayoutNameFolder),
				MarkdownDescription: "Where V7 wrote each item's derived files in a read-write bucket: `name_folder` (default), " +
					"`<prefix>[/<source folder>]/data/<name>/…`, as for `dataplatforms_v7_item`; `none`: V7 wrote nothing the set owns.",
				Validators: []validator.String{stringvalidator.OneOf(Layouts...)},
				// An import cannot tell the layout and writes the default: the configuration's is
				// recorded in place (the owned folders computed again), never a replacement.
				PlanModifiers: []planmodifier.String{modifiers.StringReplaceUnlessImported("set", layoutGuessedByImport)}},
			"adopt_existing": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "At create, take every item already in `path` into the set (those the configuration does not hold are " +
					"deleted, with their folders, as a removed key would be). Default `false`: such items refuse the create, except those " +
					"that are exactly what the set registers (an earlier apply that was killed or lost its answer)."},
			"deletion_protection":         teardown.DeletionProtection(),
			"bypass_governance_retention": teardown.BypassAttribute(),
			"cleanup_iam_policy":          teardown.PolicyAttribute(),
			"cleanup_iam_policy_exact":    teardown.PolicyExactAttribute(),
			"legacy_record": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Set only by the upgrade of a set's state from an earlier build (its items and folders, packed); the next " +
					"refresh moves it into private state and empties it."},
			"dataset_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Numeric id of the dataset.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"item_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many items the set holds in V7, at the last read or apply.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"storage_prefix": schema.StringAttribute{Computed: true, MarkdownDescription: "The storage connection's prefix at create, under which V7 writes the items' folders.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"metadata_scope": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "What destroy removes from storage: the connection's bucket and how many name-keyed folders of the set's " +
					"items it owns. The folders themselves (and each item's id) are kept in the resource's private state, so that a plan " +
					"prints counts, never a list; `dataplatforms_v7_items` lists the set's items by folder.",
				PlanModifiers: []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"bucket":       schema.StringAttribute{Computed: true, MarkdownDescription: "Bucket of the storage connection."},
					"prefix_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "How many owned prefixes: each covers the key itself and keys under `<prefix>/`."},
				}},
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` when a destroy deleted the items and did not finish their folders; the next destroy finishes it."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}
