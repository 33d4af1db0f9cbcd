package dandi

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = &derivativeResource{}
	_ resource.ResourceWithModifyPlan  = &derivativeResource{}
	_ resource.ResourceWithImportState = &derivativeResource{}
)

// NewDerivativeVersionResource is dataplatforms_dandi_derivative_version.
func NewDerivativeVersionResource() resource.Resource {
	return &derivativeResource{typeName: providerdata.ProviderTypeName + "_dandi_derivative_version"}
}

type derivativeResource struct {
	data     *providerdata.Data
	typeName string
}

type derivativeModel struct {
	ID                 types.String   `tfsdk:"id"`
	DandisetID         types.String   `tfsdk:"dandiset_id"`
	DandisetDirectory  types.String   `tfsdk:"dandiset_directory"`
	Version            types.String   `tfsdk:"version"`
	DandisetVersion    types.String   `tfsdk:"dandiset_version"`
	DeleteConcurrency  types.Int64    `tfsdk:"delete_concurrency"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	Directories        types.List     `tfsdk:"directories"`
	LinkedDirectories  types.List     `tfsdk:"linked_directories"`
	RemoteAssetCount   types.Int64    `tfsdk:"remote_asset_count"`
	PlatformDeleted    types.Bool     `tfsdk:"platform_deleted"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *derivativeResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_dandi_derivative_version"
	resp.TypeName = r.typeName
}

func (r *derivativeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *derivativeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One pipeline version's derivatives in a dandiset: its directories in a local clone (see " +
			"`dataplatforms_dandi_version_directories`) and the assets under them in the archive's draft. Creating it records and " +
			"checks them (nothing is created remotely). `terraform destroy` first deletes from the draft every asset inside a directory " +
			"of the version (found in the archive, so a version directory that is a symbolic link locally loses its remote assets too) — filtered to the exact folder, since the archive's path filter is case-insensitive and has no folder " +
			"boundary — then removes the local trees, never following a symbolic link or leaving `dandiset_directory`. It needs " +
			"a DANDI API key. A destroy that fails half way keeps the resource; the next one finishes it.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "`<dandiset_id>/<version>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"dandiset_id": schema.StringAttribute{Required: true, MarkdownDescription: "Six-digit dandiset id, such as `001697`.",
				Validators: dandisetValidators(), PlanModifiers: replace},
			"dandiset_directory": schema.StringAttribute{Required: true, MarkdownDescription: "The local clone's root.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)}, PlanModifiers: replace},
			"version": schema.StringAttribute{Required: true, MarkdownDescription: "Pipeline version, such as `v1.0.0`: owns `version-v1.0.0` and `version-v1.0.0+…` directories.",
				Validators: pipelineVersionValidators(), PlanModifiers: replace},
			"dandiset_version": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("draft"),
				MarkdownDescription: "The dandiset version the assets are deleted from: `draft`, the only one that can change (a published version is immutable, so its assets could never be deleted). Default `draft`.",
				Validators:          []validator.String{validate.String("the draft", draftOnly)}, PlanModifiers: replace},
			"delete_concurrency": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(4),
				MarkdownDescription: "Asset deletes in flight at once during destroy (1–16). Default 4.",
				Validators:          []validator.Int64{int64validator.Between(1, 16)}},
			"deletion_protection": teardown.DeletionProtection(),
			"directories": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The version's directories relative to `dandiset_directory`, at the last read: what destroy removes."},
			"linked_directories": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Symbolic links the scan met and did not follow, relative to `dandiset_directory`: a version directory that is a link, or a `derivatives/dandiset-*` link. Destroy leaves them and what they point at alone, and says so; the remote assets under them go with the rest."},
			"remote_asset_count": schema.Int64Attribute{Computed: true, MarkdownDescription: "Assets of the version in the dandiset version, at the last read: every asset inside a `version-<version>` (or `version-<version>+…`) directory under `derivatives/dandiset-*/`, found in the archive whatever the local clone holds (a version directory that is a symbolic link locally included)."},
			"platform_deleted": schema.BoolAttribute{Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "`true` when a destroy deleted the remote assets but could not remove every local tree; the next destroy finishes it."},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Delete: true}),
		},
	}
}

func (r *derivativeResource) client() (*Client, diag.Diagnostics) { return connect(r.data, r.typeName) }

func derivativeObject(m derivativeModel) string {
	return fmt.Sprintf("derivative version %s of dandiset %s", m.Version.ValueString(), m.DandisetID.ValueString())
}

// noKeyDiag refuses a destroy without credentials, before anything changes.
func noKeyDiag(object string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Deleting the "+object+" needs a DANDI API key",
		"Set api_key in the provider's \"dandi\" block or DANDI_API_KEY (for the vendor sandbox, its own key). Nothing was deleted.")
}

// scan finds the version's local directories (and the links it does not follow) and counts
// its remote assets.
func scan(ctx context.Context, c *Client, m *derivativeModel) error {
	dirs, links, err := VersionTree(m.DandisetDirectory.ValueString(), m.Version.ValueString())
	if err != nil {
		return err
	}
	assets, err := versionAssets(ctx, c, *m)
	if err != nil {
		return err
	}
	m.Directories, _ = types.ListValueFrom(ctx, types.StringType, dirs)
	m.LinkedDirectories, _ = types.ListValueFrom(ctx, types.StringType, links)
	m.RemoteAssetCount = types.Int64Value(int64(len(assets)))
	return nil
}

// versionAssets lists the version's assets in the archive: inside a version directory under
// derivatives/dandiset-*/, whatever the local clone holds, so that the remote half of a destroy
// never depends on the local tree.
func versionAssets(ctx context.Context, c *Client, m derivativeModel) ([]Asset, error) {
	all, err := c.AssetsUnder(ctx, m.DandisetID.ValueString(), m.DandisetVersion.ValueString(), "derivatives")
	if err != nil {
		return nil, fmt.Errorf("listing the assets under derivatives/: %w", err)
	}
	return slices.DeleteFunc(all, func(a Asset) bool { return !RemoteOfVersion(a.Path, m.Version.ValueString()) }), nil
}

// linksOf reads the links recorded in state.
func linksOf(ctx context.Context, m derivativeModel) []string {
	var links []string
	m.LinkedDirectories.ElementsAs(ctx, &links, false)
	return links
}

// linksLine says which links the destroy leaves alone.
func linksLine(links []string) string {
	if len(links) == 0 {
		return ""
	}
	return fmt.Sprintf("\nThese symbolic links are left alone, with what they point at (their remote assets are deleted with the rest):\n  %s", strings.Join(links, "\n  "))
}

// dirsOf reads the directories recorded in state.
func dirsOf(ctx context.Context, m derivativeModel) []string {
	var dirs []string
	m.Directories.ElementsAs(ctx, &dirs, false)
	return dirs
}

// draftOnly refuses a published dandiset version: the archive answers 405 to any change of
// one, so a destroy could never delete its assets.
func draftOnly(v string) error {
	if v != "draft" {
		return fmt.Errorf("%q is a published version, and published versions are immutable: its assets could never be deleted "+
			"at destroy. Only \"draft\" can change", v)
	}
	return nil
}

func (r *derivativeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.State.Raw.IsNull() {
		if req.Plan.Raw.IsNull() {
			return
		}
		// A version created without an API key could never be destroyed: refuse it now.
		c, diags := r.client()
		resp.Diagnostics.Append(diags...)
		if c != nil && !c.HasKey() {
			var id types.String
			_ = req.Plan.GetAttribute(ctx, path.Root("dandiset_id"), &id)
			resp.Diagnostics.AddError("Managing a DANDI derivative version needs an API key",
				fmt.Sprintf("Destroying it deletes assets from dandiset %s's draft, which needs a DANDI API key; without one it could be created but never destroyed. "+
					"Set api_key in the provider's \"dandi\" block or DANDI_API_KEY. Nothing was changed.", id.ValueString()))
		}
		return
	}
	var state derivativeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !req.Plan.Raw.IsNull() {
		if state.PlatformDeleted.ValueBool() {
			resp.Diagnostics.AddWarning("The "+derivativeObject(state)+": teardown pending",
				"Its remote assets are deleted but some local directories are not removed yet. Run terraform destroy to finish.")
		}
		return
	}
	teardown.ModifyPlan(ctx, r.data, r.teardownOf, req, resp)
	if resp.Diagnostics.HasError() || state.DeletionProtection.ValueBool() || state.PlatformDeleted.ValueBool() {
		return
	}
	// The remote assets are deleted with an API key: without one, refuse the destroy now.
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if c != nil && !c.HasKey() {
		resp.Diagnostics.Append(noKeyDiag(derivativeObject(state)))
	}
}

// teardownOf builds the destroy from state alone: the platform part deletes the version's
// assets from the archive, then each local tree goes.
func (r *derivativeResource) teardownOf(ctx context.Context, m derivativeModel) (teardown.Teardown, diag.Diagnostics) {
	timeout, diags := m.Timeouts.Delete(ctx, 60*time.Minute)
	object, root := derivativeObject(m), m.DandisetDirectory.ValueString()
	t := teardown.Teardown{
		Object:          "the " + object,
		Protected:       m.DeletionProtection.ValueBool(),
		PlatformDeleted: m.PlatformDeleted.ValueBool(),
		Timeout:         timeout,
		PlatformPreview: fmt.Sprintf("%d assets from dandiset %s (%s)", m.RemoteAssetCount.ValueInt64(), m.DandisetID.ValueString(), m.DandisetVersion.ValueString()),
		Note:            linksLine(linksOf(ctx, m)),
		DeletePlatform: func(ctx context.Context) error {
			c, diags := r.client()
			if err := diagnostics.AsError(diags); err != nil {
				return err
			}
			if !c.HasKey() {
				return errors.New(noKeyDiag(object).Detail())
			}
			n, err := deleteRemote(ctx, c, m)
			if err != nil {
				return fmt.Errorf("deleting the remote assets: %w\n\n%d assets were deleted; the rest and the local directories are untouched", err, n)
			}
			tflog.Info(ctx, "remote assets deleted", map[string]any{"object": object, "assets": n})
			return nil
		},
	}
	for _, d := range dirsOf(ctx, m) {
		t.Local = append(t.Local, teardown.LocalTree{
			Path: filepath.Join(root, filepath.FromSlash(d)),
			Left: func() (string, error) {
				if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(d))); errors.Is(err, fs.ErrNotExist) {
					return "", nil
				}
				files, size := localSize(root, []string{d})
				return fmt.Sprintf("%d files (%s)", files, teardown.BytesText(size)), nil
			},
			Remove: func() error { return RemoveTree(root, d) },
		})
	}
	return t, diags
}

// localSize counts the regular files and bytes of the directories, without following links.
func localSize(root string, dirs []string) (files, size int64) {
	for _, d := range dirs {
		_ = filepath.WalkDir(filepath.Join(root, filepath.FromSlash(d)), func(_ string, e fs.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				if info, err := e.Info(); err == nil {
					files, size = files+1, size+info.Size()
				}
			}
			return nil
		})
	}
	return files, size
}

func (r *derivativeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m derivativeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := scan(ctx, c, &m); err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Recording the "+derivativeObject(m)+" failed", err, ""))
		return
	}
	if len(m.Directories.Elements()) == 0 && len(m.LinkedDirectories.Elements()) == 0 && m.RemoteAssetCount.ValueInt64() == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("version"), "No directories of the "+derivativeObject(m),
			fmt.Sprintf("No directory named version-%[1]s or version-%[1]s+… exists under %s/derivatives/dandiset-*/. Check version and dandiset_directory.",
				m.Version.ValueString(), m.DandisetDirectory.ValueString()))
		return
	}
	m.ID = types.StringValue(m.DandisetID.ValueString() + "/" + m.Version.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, derivativeIdentityOf(m))...)
}

func (r *derivativeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m derivativeModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	// First: the framework wants an identity after every read, one that removes the resource too.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, derivativeIdentityOf(m))...)
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	prog, diags := teardown.Load(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if err := scan(ctx, c, &m); err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading the "+derivativeObject(m)+" failed", err, ""))
		return
	}
	if (prog.PlatformDeleted || m.PlatformDeleted.ValueBool()) && m.RemoteAssetCount.ValueInt64() == 0 {
		// A destroy deleted the remote assets and did not finish the local trees: keep the
		// resource while any is left, for the next destroy.
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...) // what the scan found, then what Gone decides
		teardown.ReadNotFound(ctx, r.data, r.teardownOf, m, req, resp)
		return
	}
	if len(m.Directories.Elements()) == 0 && m.RemoteAssetCount.ValueInt64() == 0 {
		tflog.Info(ctx, "derivative version gone locally and remotely; removing it from state", map[string]any{"id": m.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *derivativeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m derivativeModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := scan(ctx, c, &m); err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading the "+derivativeObject(m)+" failed", err, ""))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, derivativeIdentityOf(m))...)
}

func (r *derivativeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	t := teardown.Delete(ctx, r.data, r.teardownOf, req, resp)
	if !resp.Diagnostics.HasError() && t.Note != "" {
		resp.Diagnostics.AddWarning(strings.ToUpper(t.Object[:1])+t.Object[1:]+" had symbolic links, left alone", strings.TrimSpace(t.Note))
	}
}

// deleteRemote deletes every asset inside each directory from the dandiset version, with
// bounded concurrency through the provider's transport. An asset already gone is done. It
// returns how many it deleted and every failure, by path.
func deleteRemote(ctx context.Context, c *Client, m derivativeModel) (int, error) {
	assets, err := versionAssets(ctx, c, m)
	if err != nil {
		return 0, err
	}
	var (
		mu      sync.Mutex
		deleted int
		errs    []error
	)
	g := new(errgroup.Group)
	g.SetLimit(int(max(1, m.DeleteConcurrency.ValueInt64())))
	for _, a := range assets {
		g.Go(func() error {
			err := c.DeleteAsset(ctx, m.DandisetID.ValueString(), m.DandisetVersion.ValueString(), a.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil || transport.IsNotFound(err):
				deleted++
			case transport.StatusCode(err) == 405:
				errs = append(errs, fmt.Errorf("%s: dandiset version %s is published and immutable; only the draft can change: %w", a.Path, m.DandisetVersion.ValueString(), err))
			default:
				errs = append(errs, fmt.Errorf("%s: %w", a.Path, err))
			}
			return nil
		})
	}
	_ = g.Wait()
	if len(errs) > 5 {
		errs = append(errs[:5], fmt.Errorf("and %d more", len(errs)-5))
	}
	return deleted, errors.Join(errs...)
}

// ImportState adopts a version as <dandiset_id>:<version>:<dandiset_directory>.
// An import by identity {dandiset_id, version, dandiset_directory} stands for the same id.
func (r *derivativeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := derivativeImportID(ctx, req)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	parts := strings.SplitN(id, ":", 3)
	if len(parts) != 3 || !dandisetIDRE.MatchString(parts[0]) || CheckVersion(parts[1]) != nil || parts[2] == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a derivative version as <dandiset_id>:<version>:<dandiset_directory>, such as 001697:v1.0.0:/data/001697, not %q.", id))
		return
	}
	for attr, v := range map[string]any{
		"id": parts[0] + "/" + parts[1], "dandiset_id": parts[0], "version": parts[1], "dandiset_directory": parts[2],
		"dandiset_version": "draft", "delete_concurrency": int64(4), "deletion_protection": false, "platform_deleted": false,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, derivativeIdentity{DandisetID: types.StringValue(parts[0]),
		Version: types.StringValue(parts[1]), DandisetDirectory: types.StringValue(parts[2])})...)
}
