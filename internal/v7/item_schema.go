package v7

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
	PlatformDeleted       types.Bool     `tfsdk:"platform_deleted"`
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
	itemNameRE = regexp.MustCompile(`^[^/]+$`)
	folderRE   = regexp.MustCompile(`^/([^/]+(/[^/]+)*)?$`)
	keyRE      = regexp.MustCompile(`^[^/\s].*$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
)

// unlessImported replaces the resource when the value changes, except when the prior state
// holds no value: after an import, which V7's item answer cannot fill, the configuration's
// value is recorded in place.
const unlessImportedDesc = "Changing this value replaces the item, except after an import, when it is recorded in place."

func stringReplaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, unlessImportedDesc, unlessImportedDesc)
}

func listReplaceUnlessImported() planmodifier.List {
	return listplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.ListRequest, resp *listplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, unlessImportedDesc, unlessImportedDesc)
}

func (r *itemResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keyValidators := []validator.String{stringvalidator.RegexMatches(keyRE, "must be an object key relative to the bucket: not empty, no leading /")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An item registered in a V7 Darwin dataset from the customer's own storage (a V7 storage connection). " +
			"`terraform destroy` deletes the item from V7 (by its id and dataset, never by name) and then exactly the derived " +
			"files V7 wrote for it into the bucket (`metadata_scope`): thumbnails and sections of the current layout, or the " +
			"name-keyed `data/<name>` folder of the legacy layout, plus any `extra_metadata_prefixes`. The source files are never touched. " +
			"A destroy that fails half way keeps the resource in state with `platform_deleted = true`; the next destroy finishes it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The item's UUID.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"team_slug": schema.StringAttribute{Optional: true, Computed: true,
				MarkdownDescription: "Team slug. Default: the provider's `v7.team_slug`, else the team the API key selects.",
				Validators:          []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug (lower case letters, digits, - and _)")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()}},
			"dataset_slug": schema.StringAttribute{Required: true, MarkdownDescription: "Slug of the dataset the item is registered in.",
				Validators:    []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug (lower case letters, digits, - and _)")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"storage_slug": schema.StringAttribute{Required: true, MarkdownDescription: "Slug of the team's storage connection that holds the files.",
				Validators:    []validator.String{stringvalidator.RegexMatches(slugRE, "must be a V7 slug (lower case letters, digits, - and _)")},
				PlanModifiers: []planmodifier.String{stringReplaceUnlessImported()}},
			"name": schema.StringAttribute{Required: true, MarkdownDescription: "Item name, unique within its folder of the dataset; no `/`.",
				Validators:    []validator.String{stringvalidator.RegexMatches(itemNameRE, "must be a non-empty name without /")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}},
			"path": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("/"),
				MarkdownDescription: "Dataset folder of the item, such as `/scans/2024`. Changes in place (a move). Default `/`.",
				Validators:          []validator.String{stringvalidator.RegexMatches(folderRE, "must be a folder path starting with / without a trailing / or empty parts")}},
			"slots": schema.ListNestedAttribute{Required: true,
				MarkdownDescription: "The item's files, one per slot. Changing them replaces the item.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				PlanModifiers:       []planmodifier.List{listReplaceUnlessImported()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"slot_name": schema.StringAttribute{Required: true, MarkdownDescription: "Slot name, such as `0`.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
					"file_name":   schema.StringAttribute{Required: true, MarkdownDescription: "File name V7 shows.", Validators: []validator.String{stringvalidator.LengthAtLeast(1)}},
					"storage_key": schema.StringAttribute{Required: true, MarkdownDescription: "Object key of the file, relative to the bucket (case-sensitive).", Validators: keyValidators},
					"type": schema.StringAttribute{Optional: true, MarkdownDescription: "`image`, `video`, `pdf` or `dicom`; V7 guesses it when unset.",
						Validators: []validator.String{stringvalidator.OneOf("image", "video", "pdf", "dicom")}},
					"storage_thumbnail_key": schema.StringAttribute{Optional: true, Validators: keyValidators,
						MarkdownDescription: "Read-only storage: key of the thumbnail the customer made (required for images)."},
					"width":  schema.Int64Attribute{Optional: true, MarkdownDescription: "Read-only storage: width in pixels.", Validators: []validator.Int64{int64validator.AtLeast(1)}},
					"height": schema.Int64Attribute{Optional: true, MarkdownDescription: "Read-only storage: height in pixels.", Validators: []validator.Int64{int64validator.AtLeast(1)}},
					"sections": schema.ListNestedAttribute{Optional: true, MarkdownDescription: "Read-only storage: video or DICOM sections the customer made.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"section_index":  schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(0)}},
							"width":          schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
							"height":         schema.Int64Attribute{Required: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
							"storage_hq_key": schema.StringAttribute{Optional: true, Validators: keyValidators},
							"storage_lq_key": schema.StringAttribute{Optional: true, Validators: keyValidators},
						}}},
				}},
			},
			"tags": schema.SetAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Tags (V7 tag classes; missing ones are created). Change in place.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))}},
			"metadata_layout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(LayoutItemUUID),
				MarkdownDescription: "Where V7 wrote the item's derived files in a read-write bucket: `item_uuid` (current: `<prefix>/<item id>/…`), " +
					"`legacy_name` (items of storage connections set up before 2023: `<prefix>[/<source folder>]/data/<name>/…`) or `none`. " +
					"Ignored for read-only connections, where V7 writes nothing. Default `item_uuid`.",
				Validators: []validator.String{stringvalidator.OneOf(Layouts...)}},
			"extra_metadata_prefixes": schema.ListAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "More prefixes of the connection's bucket that the item owns, such as the thumbnails and sections the customer " +
					"made for a read-only connection. Each owns the key itself and keys under `<prefix>/`, never a longer name.",
				Validators: []validator.List{listvalidator.ValueStringsAre(
					stringvalidator.RegexMatches(keyRE, "must be a prefix relative to the bucket, not empty and without a leading /"))}},
			"wait_for_processing": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait at create until V7 has processed the item (`complete`); `error` fails the apply. Default `true`."},
			"deletion_protection": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "When `true`, destroy fails and touches nothing. Default `false`."},
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
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` when a destroy deleted the V7 item but could not finish the storage cleanup; the next destroy finishes it."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}
