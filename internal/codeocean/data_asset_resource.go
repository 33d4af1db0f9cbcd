package codeocean

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/modifiers"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

var (
	_ resource.ResourceWithConfigure      = &assetResource{}
	_ resource.ResourceWithModifyPlan     = &assetResource{}
	_ resource.ResourceWithImportState    = &assetResource{}
	_ resource.ResourceWithValidateConfig = &assetResource{}
)

// NewDataAssetResource is dataplatforms_codeocean_data_asset.
func NewDataAssetResource() resource.Resource {
	return &assetResource{typeName: providerdata.ProviderTypeName + "_codeocean_data_asset"}
}

type assetResource struct {
	data     *providerdata.Data
	typeName string
}

func (r *assetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_codeocean_data_asset"
	resp.TypeName = r.typeName
}

func (r *assetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func (r *assetResource) client() (*Client, diag.Diagnostics) {
	conn, diags := r.data.Require(providerdata.CodeOcean, r.typeName)
	if diags.HasError() {
		return nil, diags
	}
	return NewClient(conn.Endpoint, conn.Secret, conn.HTTP), diags
}

func assetObject(m assetModel) string {
	if m.ID.IsNull() || m.ID.IsUnknown() {
		return fmt.Sprintf("Code Ocean data asset %q", m.Name.ValueString())
	}
	return fmt.Sprintf("Code Ocean data asset %q (%s)", m.Name.ValueString(), m.ID.ValueString())
}

// scopeOf resolves cleanup_scope from the configuration's storage_cleanup, target and source.
func scopeOf(ctx context.Context, m assetModel) (types.Object, error) {
	var c *Cleanup
	if m.StorageCleanup != nil {
		c = &Cleanup{Bucket: m.StorageCleanup.Bucket.ValueString(), Prefixes: m.StorageCleanup.Prefixes, OwnsTarget: m.StorageCleanup.OwnsTarget.ValueBool()}
	}
	var source, target *AWSSource
	if m.Source != nil && m.Source.AWS != nil {
		source = &AWSSource{Bucket: m.Source.AWS.Bucket.ValueString(), Prefix: m.Source.AWS.Prefix.ValueString()}
	}
	if m.Target != nil && m.Target.AWS != nil {
		target = &AWSSource{Bucket: m.Target.AWS.Bucket.ValueString(), Prefix: m.Target.AWS.Prefix.ValueString()}
	}
	bucket, prefixes, err := CleanupScope(c, source, target)
	if err != nil {
		return types.ObjectNull(teardown.ScopeAttrTypes), err
	}
	return teardown.ScopeValue(ctx, bucket, prefixes), nil
}

func (r *assetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	defer teardown.PlanPolicy(ctx, r.data, "cleanup_scope", resp)
	c, diags := r.client()
	if diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if teardown.ModifyPlan(ctx, r.data, teardownOf(r), req, resp) {
		return
	}
	var plan assetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Bad input is refused here, before anything changes: the owned scope and the metadata keys.
	scope, err := scopeOf(ctx, plan)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("storage_cleanup"), "Invalid storage_cleanup", err.Error()+". Nothing outside an exact owned prefix is ever deleted.")
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("cleanup_scope"), scope)...)
	if _, err := r.metadata(ctx, c, plan.CustomMetadata); err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Invalid custom_metadata", err, ""))
	}
}

// metadata converts the configured custom metadata for the API, checking it against the
// deployment's fields (one GET, only when metadata is set).
func (r *assetResource) metadata(ctx context.Context, c *Client, m types.Map) (map[string]any, error) {
	if m.IsNull() || m.IsUnknown() || len(m.Elements()) == 0 {
		return nil, nil
	}
	values := map[string]string{}
	m.ElementsAs(ctx, &values, false)
	fields, err := c.CustomFields(ctx)
	if err != nil {
		return nil, err
	}
	return MetadataValues(fields, values)
}

func params(ctx context.Context, m assetModel, md map[string]any, clientSecret string) CreateParams {
	p := CreateParams{Metadata: metadataOf(ctx, m, md)}
	switch s := m.Source; {
	case s.AWS != nil:
		p.Source.AWS = &AWSSource{Bucket: s.AWS.Bucket.ValueString(), Prefix: s.AWS.Prefix.ValueString(),
			KeepOnExternalStorage: s.AWS.KeepOnExternalStorage.ValueBool(), Public: s.AWS.Public.ValueBool(), EndpointName: s.AWS.EndpointName.ValueString()}
	case s.GCP != nil:
		p.Source.GCP = &GCPSource{Bucket: s.GCP.Bucket.ValueString(), Prefix: s.GCP.Prefix.ValueString(), ClientID: s.GCP.ClientID.ValueString(), ClientSecret: clientSecret}
	case s.Computation != nil:
		p.Source.Computation = &ComputationSource{ID: s.Computation.ID.ValueString(), Path: s.Computation.Path.ValueString()}
	}
	if m.Target != nil && m.Target.AWS != nil {
		p.Target = &Target{AWS: &AWSSource{Bucket: m.Target.AWS.Bucket.ValueString(), Prefix: m.Target.AWS.Prefix.ValueString()}}
	}
	return p
}

func metadataOf(ctx context.Context, m assetModel, md map[string]any) Metadata {
	out := Metadata{Name: m.Name.ValueString(), Description: m.Description.ValueString(), Mount: m.Mount.ValueString(), Tags: []string{}, CustomMetadata: md}
	m.Tags.ElementsAs(ctx, &out.Tags, false)
	if out.Tags == nil {
		out.Tags = []string{} // Code Ocean requires tags, even none
	}
	return out
}

func (r *assetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m assetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	var secret types.String
	if m.Source != nil && m.Source.GCP != nil {
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("source").AtName("gcp").AtName("client_secret"), &secret)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, 60*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	md, err := r.metadata(ctx, c, m.CustomMetadata)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Invalid custom_metadata", err, ""))
		return
	}
	p := params(ctx, m, md, secret.ValueString())
	configured := p.Metadata
	marker := newMarker()
	p.Tags = append(slices.Clone(configured.Tags), marker)
	a, err := c.Create(ctx, p)
	if transport.MayHaveActed(err) {
		// The answer was lost: Code Ocean may have created the asset. The marker tag finds it.
		var found bool
		if a, found, diags = findCreated(ctx, c, marker, assetObject(m), err); !found {
			resp.Diagnostics.Append(diags...)
			return
		}
		resp.Diagnostics.Append(diags...)
		err = nil
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Creating "+assetObject(m)+" failed", err, ""))
		return
	}
	m.ID = types.StringValue(a.ID)
	a, err = waitReady(ctx, c, a.ID)
	if errors.Is(err, errFailed) {
		// A failed draft is of no use: delete it, so that nothing is left behind.
		if derr := c.Delete(context.WithoutCancel(ctx), a.ID); derr != nil && !transport.IsNotFound(derr) {
			err = fmt.Errorf("%w; deleting the failed draft failed too, delete asset %s by hand: %w", err, a.ID, derr)
		}
		resp.Diagnostics.Append(diagnostics.Error("Code Ocean could not create "+assetObject(m), err,
			"The failed draft was deleted. Check that Code Ocean may read the source, then apply again."))
		return
	}
	setAsset(&m, a)
	// From here the asset exists: keep it in state, so a later failure taints it.
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, identityOf(m))...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "cleanup_scope", &resp.State)...)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(assetObject(m)+" did not become ready", err,
			"The asset stays in state, marked tainted; the next apply deletes it and creates it again."))
		return
	}
	// The marker has done its job: the configured tags replace it.
	if _, err := c.Update(ctx, a.ID, configured); err != nil {
		resp.Diagnostics.Append(diagnostics.Warning("Removing the create marker tag of "+assetObject(m)+" failed", err,
			"The asset is created. Its "+markerPrefix+"… tag is ignored by this provider and goes at the next update."))
	}
	resp.Diagnostics.Append(r.applyFlags(ctx, c, m, nil)...)
}

// markerPrefix starts the tag a create carries so that, when its answer is lost, the asset
// it made can be found by search (Code Ocean's names are not unique). The create removes it
// once the asset is ready, and a refresh never reports it.
const markerPrefix = "terraform-create-"

func newMarker() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return markerPrefix + hex.EncodeToString(b)
}

func isMarker(tag string) bool { return strings.HasPrefix(tag, markerPrefix) }

// findCreated searches for the asset a create whose answer was lost (lostErr) made, by its
// marker tag. found says it is there, and a holds it.
func findCreated(ctx context.Context, c *Client, marker, object string, lostErr error) (a Asset, found bool, diags diag.Diagnostics) {
	var all []Asset
	// Search may lag behind a create (an index; inferred): an empty answer is asked again for a
	// few seconds before it counts as "nothing was created".
	settle, cancel := context.WithTimeout(ctx, markerSettle)
	defer cancel()
	err := wait.Until(settle, 2*time.Second, 4*time.Second, func(context.Context) (bool, error) {
		all = nil
		for _, archived := range []bool{false, true} {
			got, err := c.Search(transport.WithPersistence(ctx), SearchParams{Archived: archived, Filters: []Filter{{Key: "tags", Value: marker}}})
			if err != nil {
				return true, err
			}
			all = append(all, got...)
		}
		all = slices.DeleteFunc(all, func(a Asset) bool { return !slices.Contains(a.Tags, marker) })
		return len(all) > 0, nil
	})
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		err = nil // settled: nothing carries the marker
	}
	return teardown.Adopt(ctx, teardown.Lost{
		Platform: "Code Ocean", Verb: "creating", Done: "created", Object: object, Kind: "asset", Err: lostErr,
		Retry: fmt.Sprintf("Search Code Ocean for the tag %s: if an asset has it, import it "+
			"(terraform import <this resource's address> <asset id>); otherwise apply again.", marker),
		Several: "They all carry this create's marker tag " + marker + ". Import the one to keep " +
			"(terraform import <this resource's address> <asset id>) and delete the others.",
		Nothing: "No Code Ocean asset carries this create's marker tag, so nothing was created.",
	}, all, err, func(a Asset) string {
		return fmt.Sprintf("Asset %s carries this create's marker tag", a.ID)
	}, func(all []Asset) string {
		lines := make([]string, len(all))
		for i, a := range all {
			lines[i] = fmt.Sprintf("  asset %s (%q): import id %s", a.ID, a.Name, a.ID)
		}
		return strings.Join(lines, "\n")
	})
}

// markerSettle is how long an empty marker search is asked again before it counts.
const markerSettle = 7 * time.Second

var errFailed = errors.New("the data asset failed")

// waitReady polls until the asset is ready or failed (Code Ocean's SDK polls every 5 s or more).
func waitReady(ctx context.Context, c *Client, id string) (Asset, error) {
	var a Asset
	err := wait.Until(ctx, 2*time.Second, 10*time.Second, func(ctx context.Context) (bool, error) {
		var err error
		if a, err = c.Get(ctx, id); err != nil {
			return true, err
		}
		switch NormalState(a.State) {
		case "ready":
			return true, nil
		case "failed":
			return true, fmt.Errorf("%w: %s", errFailed, a.FailureReason)
		}
		tflog.Debug(ctx, "waiting for the data asset to be ready", map[string]any{"id": id, "state": a.State})
		return false, nil
	})
	return a, err
}

// applyFlags archives and sets permissions as planned, compared with the prior state (nil at create).
func (r *assetResource) applyFlags(ctx context.Context, c *Client, m assetModel, prior *assetModel) diag.Diagnostics {
	var diags diag.Diagnostics
	id := m.ID.ValueString()
	if wasArchived := prior != nil && prior.Archived.ValueBool(); m.Archived.ValueBool() != wasArchived {
		if err := c.Archive(ctx, id, m.Archived.ValueBool()); err != nil {
			diags.Append(diagnostics.Error("Archiving "+assetObject(m)+" failed", err, ""))
			return diags
		}
	}
	if m.Permissions != nil && (prior == nil || prior.Permissions == nil || !samePermissions(*m.Permissions, *prior.Permissions)) {
		if err := c.SetPermissions(ctx, id, permissionsOf(*m.Permissions)); err != nil {
			diags.Append(diagnostics.Error("Setting the permissions of "+assetObject(m)+" failed", err, ""))
		}
	}
	return diags
}

func permissionsOf(p permissionsModel) Permissions {
	out := Permissions{Everyone: p.Everyone.ValueString()}
	for _, u := range p.Users {
		out.Users = append(out.Users, UserPermission{Email: u.Email.ValueString(), Role: u.Role.ValueString()})
	}
	for _, g := range p.Groups {
		out.Groups = append(out.Groups, GroupPermission{Group: g.Group.ValueString(), Role: g.Role.ValueString()})
	}
	return out
}

func samePermissions(a, b permissionsModel) bool {
	pa, pb := permissionsOf(a), permissionsOf(b)
	return fmt.Sprint(pa) == fmt.Sprint(pb)
}

func setAsset(m *assetModel, a Asset) {
	m.State, m.Type = types.StringValue(NormalState(a.State)), types.StringValue(a.Type)
	m.Size, m.Files, m.Created = types.Int64Value(int64(a.Size)), types.Int64Value(int64(a.Files)), types.Int64Value(int64(a.Created))
	m.SourceBucket, _ = types.ObjectValue(sourceBucketAttrTypes, map[string]attr.Value{
		"origin": types.StringValue(a.SourceBucket.Origin), "bucket": types.StringValue(a.SourceBucket.Bucket),
		"prefix": types.StringValue(a.SourceBucket.Prefix), "external": types.BoolValue(a.SourceBucket.External),
	})
}

func (r *assetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m assetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Recorded before anything else: a read that finds the asset gone keeps state, or removes it.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, identityOf(m))...)
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, err := c.Get(ctx, m.ID.ValueString())
	if transport.IsNotFound(err) {
		teardown.ReadNotFound(ctx, r.data, teardownOf(r), m, req, resp)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading "+assetObject(m)+" failed", err, ""))
		return
	}
	resp.Diagnostics.Append(r.refresh(ctx, c, &m, a)...)
	if m.Source == nil { // imported: fill what the configuration would
		resp.Diagnostics.Append(importSource(&m, a)...)
	}
	if m.CleanupScope.IsNull() { // imported: owns nothing until a configuration's storage_cleanup says so
		scope, err := scopeOf(ctx, m)
		if err != nil {
			resp.Diagnostics.AddError("Cannot compute the cleanup scope of "+assetObject(m), err.Error())
			return
		}
		m.CleanupScope = scope
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "cleanup_scope", &resp.State)...)
}

// sameImportedSource says whether a configured source means the one an import read: the same
// bucket and prefix (and whether the files stay external), or the same computation. What the
// answer does not tell (public, endpoint_name, client_id, client_secret, path) may be anything.
func sameImportedSource(ctx context.Context, state, plan types.Object) bool {
	var was, now sourceModel
	if state.As(ctx, &was, basetypes.ObjectAsOptions{}).HasError() || plan.As(ctx, &now, basetypes.ObjectAsOptions{}).HasError() {
		return false
	}
	switch {
	case was.AWS != nil:
		return now.AWS != nil && was.AWS.Bucket.Equal(now.AWS.Bucket) && samePrefix(was.AWS.Prefix, now.AWS.Prefix) &&
			was.AWS.KeepOnExternalStorage.ValueBool() == now.AWS.KeepOnExternalStorage.ValueBool()
	case was.GCP != nil:
		return now.GCP != nil && was.GCP.Bucket.Equal(now.GCP.Bucket) && samePrefix(was.GCP.Prefix, now.GCP.Prefix)
	case was.Computation != nil:
		return now.Computation != nil && was.Computation.ID.Equal(now.Computation.ID)
	}
	return false
}

// sameImportedTarget says whether a configured target means the one an import read.
func sameImportedTarget(ctx context.Context, state, plan types.Object) bool {
	var was, now targetModel
	if state.As(ctx, &was, basetypes.ObjectAsOptions{}).HasError() || plan.As(ctx, &now, basetypes.ObjectAsOptions{}).HasError() {
		return false
	}
	return was.AWS != nil && now.AWS != nil && was.AWS.Bucket.Equal(now.AWS.Bucket) && samePrefix(was.AWS.Prefix, now.AWS.Prefix)
}

// samePrefix compares prefixes as Code Ocean does: unset is empty, and slashes at the ends
// do not count.
func samePrefix(a, b types.String) bool {
	return strings.Trim(a.ValueString(), "/") == strings.Trim(b.ValueString(), "/")
}

// importSource fills source (and an external result's target) from Code Ocean's answer after
// an import, so that a generated configuration plans with no changes: a result names its
// computation (provenance), other assets their bucket (source_bucket). Settings the answer
// does not tell (public, endpoint_name, client_id) stay unset; the modifiers' import mark lets a
// configuration that sets them record them in place.
func importSource(m *assetModel, a Asset) diag.Diagnostics {
	var diags diag.Diagnostics
	sb := a.SourceBucket
	optional := func(s string) types.String {
		if s == "" {
			return types.StringNull()
		}
		return types.StringValue(s)
	}
	switch {
	case a.Provenance.Computation != "":
		m.Source = &sourceModel{Computation: &computationModel{ID: types.StringValue(a.Provenance.Computation), Path: types.StringNull()}}
		if sb.Origin == "aws" && sb.External && m.Target == nil {
			m.Target = &targetModel{AWS: &targetAWSModel{Bucket: types.StringValue(sb.Bucket), Prefix: optional(sb.Prefix)}}
		}
	case sb.Origin == "aws" && sb.Bucket != "":
		keep := types.BoolNull()
		if sb.External {
			keep = types.BoolValue(true)
		}
		m.Source = &sourceModel{AWS: &awsModel{Bucket: types.StringValue(sb.Bucket), Prefix: optional(sb.Prefix),
			KeepOnExternalStorage: keep, Public: types.BoolNull(), EndpointName: types.StringNull()}}
	case sb.Origin == "gcp" && sb.Bucket != "":
		m.Source = &sourceModel{GCP: &gcpModel{Bucket: types.StringValue(sb.Bucket), Prefix: optional(sb.Prefix),
			ClientID: types.StringNull(), ClientSecret: types.StringNull()}}
	default:
		diags.AddWarning("Code Ocean does not say where "+assetObject(*m)+" came from",
			fmt.Sprintf("Its source_bucket has origin %q and it names no computation, so the import cannot fill source. "+
				"Write source in the configuration: the next apply records it in place, without a new asset.", sb.Origin))
	}
	return diags
}

// refresh copies what Code Ocean reports into the model: metadata, archive flag (visible only
// through search) and, when managed, permissions.
func (r *assetResource) refresh(ctx context.Context, c *Client, m *assetModel, a Asset) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name, m.Description, m.Mount = types.StringValue(a.Name), types.StringValue(a.Description), types.StringValue(a.Mount)
	if len(a.Tags) > 0 || !m.Tags.IsNull() {
		tags := slices.DeleteFunc(slices.Clone(a.Tags), isMarker)
		if tags == nil {
			tags = []string{}
		}
		m.Tags, _ = types.SetValueFrom(ctx, types.StringType, tags)
	}
	if len(a.CustomMetadata) > 0 || !m.CustomMetadata.IsNull() {
		m.CustomMetadata = r.remoteMetadata(ctx, c, m.CustomMetadata, a.CustomMetadata, &diags)
	}
	setAsset(m, a)
	archived, err := c.Search(ctx, SearchParams{Archived: true, Filters: []Filter{{Key: "name", Value: a.Name}}})
	if err != nil {
		diags.Append(diagnostics.Error("Reading the archive flag of "+assetObject(*m)+" failed", err, ""))
		return diags
	}
	m.Archived = types.BoolValue(false)
	for _, x := range archived {
		if x.ID == a.ID {
			m.Archived = types.BoolValue(true)
		}
	}
	if m.Permissions != nil {
		p, err := c.GetPermissions(ctx, a.ID)
		if err != nil {
			diags.Append(diagnostics.Error("Reading the permissions of "+assetObject(*m)+" failed", err, ""))
			return diags
		}
		m.Permissions = permissionsModelOf(p)
	}
	return diags
}

func permissionsModelOf(p Permissions) *permissionsModel {
	out := &permissionsModel{Everyone: types.StringValue(p.Everyone)}
	for _, u := range p.Users {
		out.Users = append(out.Users, userModel{Email: types.StringValue(u.Email), Role: types.StringValue(u.Role)})
	}
	for _, g := range p.Groups {
		out.Groups = append(out.Groups, groupModel{Group: types.StringValue(g.Group), Role: types.StringValue(g.Role)})
	}
	return out
}

// remoteMetadata keeps the configured text of values that mean what Code Ocean holds.
func (r *assetResource) remoteMetadata(ctx context.Context, c *Client, state types.Map, remote map[string]any, diags *diag.Diagnostics) types.Map {
	configured := map[string]string{}
	state.ElementsAs(ctx, &configured, false)
	fields, err := c.CustomFields(ctx)
	if err != nil {
		diags.Append(diagnostics.Error("Reading the custom metadata fields failed", err, ""))
		return state
	}
	out := map[string]string{}
	for k, v := range remote {
		if text, ok := configured[k]; ok && sameMetadataValue(fields, k, text, v) {
			out[k] = text
		} else {
			out[k] = metadataText(v)
		}
	}
	m, _ := types.MapValueFrom(ctx, types.StringType, out)
	return m
}

func (r *assetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state assetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, 10*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, diags := r.client()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	md, err := r.metadata(ctx, c, plan.CustomMetadata)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Invalid custom_metadata", err, ""))
		return
	}
	a, err := c.Update(ctx, plan.ID.ValueString(), metadataOf(ctx, plan, md))
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Updating "+assetObject(state)+" failed", err, ""))
		return
	}
	resp.Diagnostics.Append(r.applyFlags(ctx, c, plan, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setAsset(&plan, a)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, identityOf(plan))...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "cleanup_scope", &resp.State)...)
}

func (r *assetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	teardown.Delete(ctx, r.data, teardownOf(r), req, resp)
}

// teardownOf builds the destroy from state alone: delete the asset, then its cleanup scope.
func teardownOf(r *assetResource) teardown.Of[assetModel] {
	return func(ctx context.Context, m assetModel) (teardown.Teardown, diag.Diagnostics) {
		timeout, diags := m.Timeouts.Delete(ctx, 30*time.Minute)
		t := teardown.Teardown{
			Object:          assetObject(m),
			Protected:       m.DeletionProtection.ValueBool(),
			PlatformDeleted: m.PlatformDeleted.ValueBool(),
			Timeout:         timeout,
			Storage:         teardown.StorageOptions(r.data, m.Bypass),
			DeletePlatform: func(ctx context.Context) error {
				c, diags := r.client()
				if err := diagnostics.AsError(diags); err != nil {
					return err
				}
				if err := c.Delete(ctx, m.ID.ValueString()); err != nil && !transport.IsNotFound(err) {
					return err
				}
				return nil
			},
		}
		var err error
		if t.Scopes, err = teardown.ScopesFrom(ctx, "cleanup_scope", m.CleanupScope); err != nil {
			diags.AddError("Invalid Code Ocean data asset state", err.Error())
		}
		return t, diags
	}
}

// ImportState takes the asset's id, from `terraform import` and an import block's id, or from an
// import block's identity.
func (r *assetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(modifiers.MarkImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, assetIdentity{ID: types.StringValue(id)})...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform_deleted"), false)...)
}

// ValidateConfig refuses a storage_cleanup block that owns nothing (a bucket without prefixes
// or owns_target), which would otherwise be accepted and remove nothing at destroy.
func (r *assetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cleanup types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("storage_cleanup"), &cleanup)...)
	if resp.Diagnostics.HasError() || cleanup.IsNull() || cleanup.IsUnknown() {
		return
	}
	var prefixes types.List
	var owns types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("storage_cleanup").AtName("prefixes"), &prefixes)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("storage_cleanup").AtName("owns_target"), &owns)...)
	if resp.Diagnostics.HasError() || prefixes.IsUnknown() || owns.IsUnknown() {
		return
	}
	if len(prefixes.Elements()) == 0 && !owns.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("storage_cleanup"), "storage_cleanup owns nothing",
			"A storage_cleanup block without prefixes (and without owns_target = true) would remove nothing at destroy. "+
				"List the owned prefixes, set owns_target = true for an external result's target, or remove the block to own no storage.")
	}
}
