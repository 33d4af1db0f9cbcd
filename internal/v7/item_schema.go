package v7

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
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

type itemModel struct {
	ID                    types.String   `tfsdk:"id"`
	TeamSlug              types.String   `tfsdk:"team_slug"`
	DatasetSlug           types.String   `tfsdk:"dataset_slug"`
	StorageSlug           types.String   `tfsdk:"storage_slug"`
	Name                  types.String   `tfsdk:"name"`
	Path                  types.String   `tfsdk:"path"`
	Slots                 []slotModel    `tfsdk:"slots"`
	Tags                  types.Set      `tfsdk:"tags"`
	MetadataLayout        types.String   `tfsdk:"metadata_layout"`
	ExtraMetadataPrefixes types.List     `tfsdk:"extra_metadata_prefixes"`
	WaitForProcessing     types.Bool     `tfsdk:"wait_for_processing"`
	DeletionProtection    types.Bool     `tfsdk:"deletion_protection"`
	DatasetID             types.Int64    `tfsdk:"dataset_id"`
	ProcessingStatus      types.String   `tfsdk:"processing_status"`
	Status                types.String   `tfsdk:"status"`
	MetadataScope         types.Object   `tfsdk:"metadata_scope"`
	MetadataObjectsFound  types.Map      `tfsdk:"metadata_objects_found"`
	PlatformDeleted       types.Bool     `tfsdk:"platform_deleted"`
	Bypass                types.Bool     `tfsdk:"bypass_governance_retention"`
	CleanupIAMPolicy      types.String   `tfsdk:"cleanup_iam_policy"`
	CleanupIAMPolicyExact types.Bool     `tfsdk:"cleanup_iam_policy_exact"`
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

type slotModel struct {
	SlotName            types.String   `tfsdk:"slot_name"`
	FileName            types.String   `tfsdk:"file_name"`
	StorageKey          types.String   `tfsdk:"storage_key"`
	Type                types.String   `tfsdk:"type"`
	StorageThumbnailKey types.String   `tfsdk:"storage_thumbnail_key"`
	Width               types.Int64    `tfsdk:"width"`
	Height              types.Int64    `tfsdk:"height"`
	Sections            []sectionModel `tfsdk:"sections"`
}

type sectionModel struct {
	SectionIndex types.Int64  `tfsdk:"section_index"`
	Width        types.Int64  `tfsdk:"width"`
	Height       types.Int64  `tfsdk:"height"`
	StorageHQKey types.String `tfsdk:"storage_hq_key"`
	StorageLQKey types.String `tfsdk:"storage_lq_key"`
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	// storageRE is a storage connection's name or slug: V7 shows names such as "Sandbox RW".
	storageRE = regexp.MustCompile(`^\S(.*\S)?$`)
)

// validFolder checks a dataset folder: / or /a/b, without empty, "." or ".." parts.
func validFolder(p string) error {
	if p == "/" {
		return nil
	}
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return fmt.Errorf("%q must be a folder path starting with / without a trailing /", p)
	}
	if validate.RelativePath(p[1:]) != nil {
		return fmt.Errorf("%q must be a folder path without empty, . or .. parts", p)
	}
	return nil
}

// slotAttributes are the fields of a slot, as an item and an item set's items take them.
func slotAttributes() map[string]schema.Attribute {
	keyValidators := []validator.String{validate.String("an object key relative to the bucket", ValidKey)}
	return map[string]schema.Attribute{
		"slot_name": schema.StringAttribute{Required: true, MarkdownDescription: "Slot name, such as `0`.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"file_name":   schema.StringAttribute{Required: true, MarkdownDescription: "File name V7 shows.", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
		"storage_key": schema.StringAttribute{Required: true, MarkdownDescription: "Object key of the file, relative to the bucket (case-sensitive).", Validators: keyValidators},
		"type": schema.StringAttribute{Optional: true, MarkdownDescription: "`image`, `video`, `pdf` or `dicom`; V7 guesses it when unset.",
			Validators: []validator.String{stringvalidator.OneOf("image", "video", "pdf", "dicom")}},
		"storage_thumbnail_key": schema.StringAttribute{Optional: true, Validators: keyValidators,
			MarkdownDescription: "Read-only storage: key of a thumbnail the customer made. Optional: without it V7 shows the original."},
		"width":  schema.Int64Attribute{Optional: true, MarkdownDescription: "Read-only storage: width in pixels (optional).", Validators: []validator.Int64{int64validator.AtLeast(1)}},
		"height": schema.Int64Attribute{Optional: true, MarkdownDescription: "Read-only storage: height in pixels (optional).", Validators: []validator.Int64{int64validator.AtLeast(1)}},
		"sections": schema.ListNestedAttribute{Optional: true, MarkdownDescription: "Read-only storage: video or DICOM sections the customer made.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"section_index":  schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0)}},
				"width":          schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
				"height":         schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
				"storage_hq_key": schema.StringAttribute{Optional: true, Validators: keyValidators},
				"storage_lq_key": schema.StringAttribute{Optional: true, Validators: keyValidators},
			}}},
	}
}

// teamSlugAttribute is team_slug, as every V7 resource has it.
func teamSlugAttribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Computed: true,
		MarkdownDescription: "Team slug. Default: the provider's `v7.team_slug`, else the team the API key selects.",
		Validators:          []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug (lower case letters, digits, - and _)")},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}}
}

// datasetSlugAttribute is dataset_slug; a new dataset is a new resource.
func datasetSlugAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{Required: true, MarkdownDescription: description,
		Validators:    []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug (lower case letters, digits, - and _)")},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
}

// storageSlugAttribute is storage_slug, changed as replace says.
func storageSlugAttribute(replace planmodifier.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true,
		MarkdownDescription: "The team's storage connection that holds the files: its name (what darwin-py sends) or its slug.",
		Validators:          []validator.String{stringvalidator.RegexMatches(storageRE, "must be a storage connection's name or slug, without leading or trailing spaces")},
		PlanModifiers:       []planmodifier.String{replace}}
}

func (r *itemResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An item registered in a V7 Darwin dataset from the customer's own storage (a V7 storage connection). " +
			"`terraform destroy` deletes the item from V7 (by its id and dataset, never by name) and then exactly the derived " +
			"files V7 wrote for it into the bucket (`metadata_scope`): the folder V7's guide names, `<prefix>[/<source folder>]/data/<name>`, " +
			"plus any `extra_metadata_prefixes`. The source files are never touched. That folder is keyed by name: while another live item " +
			"with the same name and source folder uses it, the destroy keeps it whole and says which item; the last one's destroy removes it. " +
			"A destroy that fails half way keeps the resource in state with `platform_deleted = true`; the next destroy finishes it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The item's UUID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"team_slug":    teamSlugAttribute(),
			"dataset_slug": datasetSlugAttribute("Slug of the dataset the item is registered in."),
			"storage_slug": storageSlugAttribute(modifiers.StringReplaceUnlessImported("item", sameImportedStorage)),
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Item name, unique within its folder of the dataset; no `/`, not `.` or `..`.",
				Validators:    []validator.String{validate.String("a V7 item name", ValidName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"path": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("/"),
				MarkdownDescription: "Dataset folder of the item, such as `/scans/2024`. Changes in place (a move). Default `/`.",
				Validators:          []validator.String{validate.String("a dataset folder path", validFolder)}},
			"slots": schema.ListNestedAttribute{Required: true,
				MarkdownDescription: "The item's files, one per slot. Changing them replaces the item.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				PlanModifiers:       []planmodifier.List{modifiers.ListReplaceUnlessImported("item", sameImportedSlots)},
				NestedObject:        schema.NestedAttributeObject{Attributes: slotAttributes()},
			},
			"tags": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags (V7 tag classes; missing ones are created). Change in place.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}},
			"metadata_layout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(LayoutNameFolder),
				MarkdownDescription: "Where V7 wrote the item's derived files in a read-write bucket. `name_folder` (default): the folder V7's guide " +
					"names, `<prefix>[/<source folder>]/data/<name>/…`, one per source folder of the slots. `none`: V7 wrote nothing the item owns. " +
					"Items registered before 2023 use a structure V7 documents nowhere: declare their place in `extra_metadata_prefixes`. " +
					"Ignored for read-only connections, where V7 writes nothing.",
				Validators: []validator.String{stringvalidator.OneOf(Layouts...)}},
			"extra_metadata_prefixes": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "More prefixes of the connection's bucket that the item owns: the thumbnails and sections the customer " +
					"made for a read-only connection, or the metadata of an item registered before 2023. Each owns the key itself and keys " +
					"under `<prefix>/`, never a longer name; no `.`, `..` or wildcard parts.",
				Validators: []validator.List{listvalidator.ValueStringsAre(validate.String("an owned prefix", validate.OwnedPrefix))}},
			"wait_for_processing": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait at create until V7 has processed the item (`complete`); `error` fails the apply. Default `true`."},
			"deletion_protection":         teardown.DeletionProtection(),
			"bypass_governance_retention": teardown.BypassAttribute(),
			"cleanup_iam_policy":          teardown.PolicyAttribute(),
			"cleanup_iam_policy_exact":    teardown.PolicyExactAttribute(),
			"dataset_id": schema.Int64Attribute{Computed: true, MarkdownDescription: "Numeric id of the dataset.",
				PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
			"processing_status": schema.StringAttribute{Computed: true, MarkdownDescription: "V7's processing status (`processing`, `complete`, `error`, …) at the last read."},
			"status":            schema.StringAttribute{Computed: true, MarkdownDescription: "V7's item status (`new`, `annotate`, `complete`, `archived`, …) at the last read."},
			"metadata_scope": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "What destroy removes from storage, fixed at create: the connection's bucket and the exact prefixes the item owns.",
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.UseStateForUnknown()},
				Attributes: map[string]schema.Attribute{
					"bucket":   schema.StringAttribute{Computed: true, MarkdownDescription: "Bucket of the storage connection."},
					"prefixes": schema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Owned prefixes: each covers the key itself and keys under `<prefix>/`."},
				}},
			"metadata_objects_found": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "Objects found in each prefix of `metadata_scope` once V7 had processed the item (counted up to 10,000), " +
					"so that a folder V7 never wrote to shows as 0 instead of being assumed. Null until then (or with `wait_for_processing = false`).",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()}},
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` when the V7 item is gone (deleted by a destroy that did not finish, or outside Terraform) while its metadata scope still holds objects. The refresh keeps the resource in state so that nothing it owns is forgotten: the next `terraform destroy` removes what is left, and an apply replaces the item."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}
