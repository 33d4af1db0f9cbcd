package v7

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/modifiers"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

const (
	defaultCreateTimeout = 20 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

var (
	_ resource.ResourceWithConfigure   = &itemResource{}
	_ resource.ResourceWithModifyPlan  = &itemResource{}
	_ resource.ResourceWithImportState = &itemResource{}
)

// NewItemResource is dataplatforms_v7_item.
func NewItemResource() resource.Resource {
	return &itemResource{typeName: providerdata.ProviderTypeName + "_v7_item"}
}

type itemResource struct {
	data     *providerdata.Data
	typeName string
}

func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_v7_item"
	resp.TypeName = r.typeName
}

func (r *itemResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

// client returns the V7 client and the team a model acts in (its own, the provider's, or the
// API key's).
func (r *itemResource) client(ctx context.Context, team types.String) (*Client, string, diag.Diagnostics) {
	return connect(ctx, r.data, r.typeName, team)
}

func (r *itemResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return // validation without a configured provider: nothing to check yet
	}
	defer teardown.PlanPolicy(ctx, r.data, "metadata_scope", resp)
	if _, diags := r.data.Require(providerdata.V7, r.typeName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if teardown.ModifyPlan(ctx, r.data, r.teardownOf, req, resp) || req.State.Raw.IsNull() {
		return
	}
	// Only the attributes the decision needs: a whole model read twice per resource costs a
	// plan of many items more than the rest of this method.
	var stateLayout, planLayout types.String
	var statePrefixes, planPrefixes types.List
	var stateScope types.Object
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("metadata_layout"), &stateLayout)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("metadata_layout"), &planLayout)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("extra_metadata_prefixes"), &statePrefixes)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("extra_metadata_prefixes"), &planPrefixes)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("metadata_scope"), &stateScope)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A new layout or new extra prefixes give a new metadata scope, computed at apply.
	if !planLayout.Equal(stateLayout) || !planPrefixes.Equal(statePrefixes) || stateScope.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("metadata_scope"), types.ObjectUnknown(teardown.ScopeAttrTypes))...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("metadata_objects_found"), types.MapUnknown(types.Int64Type))...)
	}
}

func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, team, diags := r.client(ctx, m.TeamSlug)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.TeamSlug = types.StringValue(team)
	object := fmt.Sprintf("V7 item %q in dataset %q", m.Name.ValueString(), m.DatasetSlug.ValueString())

	ds, conn, err := resolve(ctx, c, team, m.DatasetSlug.ValueString(), m.StorageSlug.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Registering "+object+" failed", err, ""))
		return
	}
	regItem, diags := registerItem(ctx, m)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// What is at the name and path before the registration: V7 refuses a second item there, so
	// one found now is another registration's (refused at once, naming it), and one found after
	// a lost answer can only be this registration's.
	before, err := findRegistered(ctx, c, team, ds.ID, regItem)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Registering "+object+" failed", err, "Nothing was registered: looking for an item already at that name and path failed."))
		return
	}
	if len(before.Candidates) > 0 {
		resp.Diagnostics.Append(alreadyThere(team, regItem, object, before))
		return
	}
	reg, err := c.Register(ctx, team, conn.Readonly, ds.Slug, conn.RegistrationName(), regItem)
	if transport.MayHaveActed(err) {
		// The answer was lost: V7 may have registered the item. Find it rather than fail
		// (an orphan) or register again (refused as ALREADY_EXISTS ever after).
		var adopted bool
		if reg, adopted, diags = r.recoverRegistration(ctx, c, team, ds.ID, regItem, object, err); !adopted {
			resp.Diagnostics.Append(diags...)
			return
		}
		resp.Diagnostics.Append(diags...)
		err = nil
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Registering "+object+" failed", err, ""))
		return
	}
	if len(reg.BlockedItems) > 0 {
		resp.Diagnostics.Append(blocked(ctx, c, team, ds.ID, regItem, object, reg.BlockedItems[0]))
		return
	}
	if len(reg.Items) != 1 || reg.Items[0].ID == "" {
		resp.Diagnostics.AddError("Registering "+object+" failed", fmt.Sprintf("V7 answered with %d registered items and no blocked one; expected exactly one.", len(reg.Items)))
		return
	}
	it := reg.Items[0]
	m.ID = types.StringValue(it.ID)
	m.DatasetID = types.Int64Value(ds.ID)
	scope, diags := scopeValue(ctx, conn, m)
	resp.Diagnostics.Append(diags...)
	m.MetadataScope = scope
	m.MetadataObjectsFound = types.MapNull(types.Int64Type)
	setItem(ctx, &m, it, false)
	// The item exists from here on: keep it in state whatever follows, so that a failure
	// while waiting taints it and the next apply tears it down properly.
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, itemIdentityOf(m))...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
	if resp.Diagnostics.HasError() || !m.WaitForProcessing.ValueBool() {
		return
	}
	it, err = waitProcessed(ctx, c, team, it.ID)
	if it.ID != "" {
		setItem(ctx, &m, it, false)
		if err == nil {
			resp.Diagnostics.Append(recordFound(ctx, r.data, &m)...)
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("V7 did not process %s (%s)", object, it.ID), err,
			"The item stays in state, marked tainted: the next apply deletes it with its metadata and registers it again. "+
				"Check that storage_key exists in the bucket and that V7 may read it; set wait_for_processing = false to skip the wait."))
	}
}

// recoverRegistration looks for the item a registration whose answer was lost (lostErr) may
// have made. adopted says it was found, and reg then holds it as the registration's answer.
// Nothing was at the name and path before the registration (Create checked), and V7 allows one
// item there: the one there now is this registration's.
func (r *itemResource) recoverRegistration(ctx context.Context, c *Client, team string, datasetID int64, regItem RegisterItem, object string, lostErr error) (reg Registration, adopted bool, diags diag.Diagnostics) {
	l, err := findRegistered(transport.WithPersistence(ctx), c, team, datasetID, regItem)
	candidates := l.Candidates
	if l.Match != nil {
		candidates = []Item{*l.Match}
	}
	found, adopted, diags := teardown.Adopt(ctx, teardown.Lost{
		Platform: "V7", Verb: "registering", Done: "registered", Object: object, Kind: "item", Err: lostErr,
		Retry: "Run terraform apply again: it looks for the item first. If V7 then refuses it as ALREADY_EXISTS, the error names the item to import.",
		Several: "If one of them is this item, import it (terraform import <this resource's address> <import id>); " +
			"otherwise rename this item.",
		Nothing: "V7 holds no item at that name and path, so nothing was registered.",
	}, candidates, err, func(it Item) string {
		return fmt.Sprintf("V7 now holds item %s at that name and path, where nothing was before", it.ID)
	}, func(items []Item) string { return describeItems(team, items) })
	if !adopted {
		return Registration{}, false, diags
	}
	return Registration{Items: []Item{found}}, true, diags
}

// blocked is the error for a registration V7 refused. For ALREADY_EXISTS it names the item
// that holds the name and path, and its import id.
func blocked(ctx context.Context, c *Client, team string, datasetID int64, regItem RegisterItem, object string, b BlockedItem) diag.Diagnostic {
	reason := b.Reason()
	detail := fmt.Sprintf("V7 blocked the item: %s. Nothing was registered. An item with the same name in the same folder "+
		"(%s) already existing is the usual cause; a storage_key that is not in the connection's bucket is another.", reason, regItem.Path)
	if strings.Contains(reason, "ALREADY_EXISTS") {
		l, err := findRegistered(ctx, c, team, datasetID, regItem)
		switch {
		case err != nil:
			detail += fmt.Sprintf(" Looking up the existing item failed: %s.", err)
		case len(l.Candidates) > 0:
			return alreadyThere(team, regItem, object, l)
		}
	}
	return diag.NewErrorDiagnostic("V7 refused to register "+object, detail)
}

// alreadyThere is the error for a name and path another item holds: it names the item and
// its import id. Nothing is registered.
func alreadyThere(team string, regItem RegisterItem, object string, l lookup) diag.Diagnostic {
	detail := fmt.Sprintf("V7 already holds an item named %q at %s (V7 refuses a second one there, as ALREADY_EXISTS):\n%s\n",
		regItem.Name, regItem.Path, describeItems(team, l.Candidates))
	if l.Match != nil {
		detail += "It has exactly this item's storage keys: an earlier apply may have registered it and lost the answer. "
	}
	detail += "To manage it with this resource, import it: terraform import <this resource's address> <import id> " +
		"(or an import block). Otherwise give this item another name or path. Nothing was registered."
	return diag.NewErrorDiagnostic("V7 refused to register "+object, detail)
}

// errProcessing is a processing status of error.
var errProcessing = errors.New("V7 reports processing_status = error")

// waitProcessed polls the item until its processing ends, backing off up to 5 s between reads.
func waitProcessed(ctx context.Context, c *Client, team, id string) (Item, error) {
	var it Item
	err := wait.Until(ctx, 250*time.Millisecond, 5*time.Second, func(ctx context.Context) (bool, error) {
		var err error
		if it, err = c.Item(ctx, team, id); err != nil {
			return true, err
		}
		switch it.ProcessingStatus {
		case "complete":
			return true, nil
		case "error", "cancelled":
			return true, fmt.Errorf("%w (status %q)", errProcessing, it.Status)
		}
		tflog.Debug(ctx, "waiting for V7 to process the item", map[string]any{"item_id": id, "processing_status": it.ProcessingStatus})
		return false, nil
	})
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("still %q when the create timeout ran out: %w", it.ProcessingStatus, err)
	}
	return it, err
}

func (r *itemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m itemModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Recorded before anything else: a read that finds the item gone keeps state, or removes it.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, itemIdentityOf(m))...)
	c, team, diags := r.client(ctx, m.TeamSlug)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	it, err := c.Item(ctx, team, m.ID.ValueString())
	if transport.IsNotFound(err) {
		teardown.ReadNotFound(ctx, r.data, r.teardownOf, m, req, resp)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Reading V7 item %s failed", m.ID.ValueString()), err, ""))
		return
	}
	m.TeamSlug = types.StringValue(team)
	if m.DatasetSlug.IsNull() || m.DatasetID.ValueInt64() != it.DatasetID {
		ds, err := c.DatasetByID(ctx, it.DatasetID)
		if err != nil {
			resp.Diagnostics.Append(diagnostics.Error(fmt.Sprintf("Reading the dataset of V7 item %s failed", it.ID), err, ""))
			return
		}
		m.DatasetSlug = types.StringValue(ds.Slug)
	}
	m.DatasetID = types.Int64Value(it.DatasetID)
	m.Name = types.StringValue(it.Name)
	setItem(ctx, &m, it, true)
	if m.MetadataScope.IsNull() { // imported: fill what the configuration would
		resp.Diagnostics.Append(r.adoptImported(ctx, c, team, &m, it, resp.Private)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if m.MetadataObjectsFound.IsNull() {
		// Processed since the create (wait_for_processing = false): record what V7 wrote.
		resp.Diagnostics.Append(recordFound(ctx, r.data, &m)...)
	} else {
		resp.Diagnostics.Append(checkFolders(ctx, r.data, m)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, itemIdentityOf(m))...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
}

// setItem copies what V7 reports into the model. Tags stay null when V7 holds none and the
// configuration set none, so that an untagged item plans clean.
func setItem(ctx context.Context, m *itemModel, it Item, withTags bool) {
	m.Path = types.StringValue(it.Path)
	m.Status = types.StringValue(it.Status)
	m.ProcessingStatus = types.StringValue(it.ProcessingStatus)
	if withTags && (len(it.Tags) > 0 || !m.Tags.IsNull()) {
		tags := slices.Clone(it.Tags)
		if tags == nil {
			tags = []string{}
		}
		m.Tags, _ = types.SetValueFrom(ctx, types.StringType, tags)
	}
}

func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, team, diags := r.client(ctx, state.TeamSlug)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	object := fmt.Sprintf("V7 item %q (%s)", state.Name.ValueString(), id)
	sel := Filters{DatasetIDs: []int64{state.DatasetID.ValueInt64()}, ItemIDs: []string{id}}
	if plan.Path.ValueString() != state.Path.ValueString() {
		if err := c.MoveItems(ctx, team, sel, plan.Path.ValueString()); err != nil {
			resp.Diagnostics.Append(diagnostics.Error("Moving "+object+" to "+plan.Path.ValueString()+" failed", err, ""))
			return
		}
	}
	if err := syncTags(ctx, c, team, sel, state.Tags, plan.Tags); err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Changing the tags of "+object+" failed", err, ""))
		return
	}
	if plan.MetadataScope.IsUnknown() {
		// After an import, or for a new layout: the scope follows from the storage connection.
		_, conn, err := resolve(ctx, c, team, plan.DatasetSlug.ValueString(), plan.StorageSlug.ValueString())
		if err != nil {
			resp.Diagnostics.Append(diagnostics.Error("Resolving the metadata scope of "+object+" failed", err, ""))
			return
		}
		scope, diags := scopeValue(ctx, conn, plan)
		resp.Diagnostics.Append(diags...)
		plan.MetadataScope = scope
		plan.MetadataObjectsFound = types.MapNull(types.Int64Type)
	}
	it, err := c.Item(ctx, team, id)
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading "+object+" after the update failed", err, ""))
		return
	}
	plan.ID, plan.TeamSlug, plan.DatasetID = state.ID, types.StringValue(team), types.Int64Value(it.DatasetID)
	setItem(ctx, &plan, it, false)
	if plan.MetadataObjectsFound.IsNull() || plan.MetadataObjectsFound.IsUnknown() {
		plan.MetadataObjectsFound = types.MapNull(types.Int64Type)
		resp.Diagnostics.Append(recordFound(ctx, r.data, &plan)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, itemIdentityOf(plan))...)
	resp.Diagnostics.Append(teardown.SetPolicy(ctx, r.data, "metadata_scope", &resp.State)...)
}

// syncTags adds the tags the plan has and the state has not, and removes the others.
func syncTags(ctx context.Context, c *Client, team string, sel Filters, from, to types.Set) error {
	var have, want []string
	from.ElementsAs(ctx, &have, false)
	to.ElementsAs(ctx, &want, false)
	var add, remove []string
	for _, t := range want {
		if !slices.Contains(have, t) {
			add = append(add, t)
		}
	}
	for _, t := range have {
		if !slices.Contains(want, t) {
			remove = append(remove, t)
		}
	}
	if len(add)+len(remove) == 0 {
		return nil
	}
	classes, err := c.TagClasses(ctx, team)
	if err != nil {
		return err
	}
	var tagType int64 // looked up once, when a tag needs a new class
	for _, t := range add {
		id, ok := classes[t]
		if !ok {
			if tagType == 0 {
				if tagType, err = c.AnnotationTypeID(ctx, "tag"); err != nil {
					return fmt.Errorf("creating tag %q: %w", t, err)
				}
			}
			if id, err = c.CreateTagClass(ctx, t, tagType, sel.DatasetIDs[0]); err != nil {
				return fmt.Errorf("creating tag %q: %w", t, err)
			}
		}
		if err := c.SetTag(ctx, team, sel, id, true); err != nil {
			return fmt.Errorf("adding tag %q: %w", t, err)
		}
	}
	for _, t := range remove {
		if id, ok := classes[t]; ok {
			if err := c.SetTag(ctx, team, sel, id, false); err != nil {
				return fmt.Errorf("removing tag %q: %w", t, err)
			}
		}
	}
	return nil
}

func (r *itemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	teardown.Delete(ctx, r.data, r.teardownOf, req, resp)
}

// teardownOf builds the destroy from state alone: delete the item by its id within its
// dataset (never by name, never by dataset alone), then its metadata scope, keeping each
// name-keyed folder another live item still uses. V7 is reached only when the teardown asks.
func (r *itemResource) teardownOf(ctx context.Context, m itemModel) (teardown.Teardown, diag.Diagnostics) {
	timeout, diags := m.Timeouts.Delete(ctx, defaultDeleteTimeout)
	id := m.ID.ValueString()
	connect := func(ctx context.Context) (*Client, string, error) {
		c, team, diags := r.client(ctx, m.TeamSlug)
		return c, team, diagnostics.AsError(diags)
	}
	t := teardown.Teardown{
		Object:          fmt.Sprintf("V7 item %q (%s)", m.Name.ValueString(), id),
		Protected:       m.DeletionProtection.ValueBool(),
		PlatformDeleted: m.PlatformDeleted.ValueBool(),
		Timeout:         timeout,
		Storage:         teardown.StorageOptions(r.data, m.Bypass),
		InUse:           folderUsers(connect, foldersByPrefix(nameFoldersOf(ctx, m)), func(other string) bool { return other == id }),
		DeletePlatform: func(ctx context.Context) error {
			c, team, err := connect(ctx)
			if err != nil {
				return err
			}
			n, err := c.DeleteItems(ctx, team, Filters{DatasetIDs: []int64{m.DatasetID.ValueInt64()}, ItemIDs: []string{id}})
			if transport.IsNotFound(err) {
				return nil // already gone
			}
			if err == nil {
				tflog.Info(ctx, "V7 item deleted", map[string]any{"item_id": id, "affected_item_count": n})
			}
			return err
		},
	}
	var err error
	if t.Scopes, err = teardown.ScopesFrom(ctx, "metadata_scope", m.MetadataScope); err != nil {
		diags.AddError("Invalid V7 item state", err.Error())
	}
	return t, diags
}

// scopeValue computes metadata_scope for a registered item.
func scopeValue(ctx context.Context, conn StorageConnection, m itemModel) (types.Object, diag.Diagnostics) {
	var extra []string
	diags := m.ExtraMetadataPrefixes.ElementsAs(ctx, &extra, false)
	in := ScopeInput{Storage: conn, Layout: m.MetadataLayout.ValueString(), ItemName: m.Name.ValueString(), Extra: extra}
	for _, s := range m.Slots {
		in.StorageKeys = append(in.StorageKeys, s.StorageKey.ValueString())
	}
	prefixes, err := MetadataPrefixes(in)
	if err != nil {
		diags.AddError("Cannot compute the metadata scope of V7 item "+m.Name.ValueString(), err.Error()+
			". Nothing outside an exact owned prefix is ever deleted; fix metadata_layout or extra_metadata_prefixes.")
		return types.ObjectNull(teardown.ScopeAttrTypes), diags
	}
	return teardown.ScopeValue(ctx, conn.Bucket, prefixes), diags
}

// registerItem turns the planned slots into V7's registration body.
func registerItem(ctx context.Context, m itemModel) (RegisterItem, diag.Diagnostics) {
	it := RegisterItem{Name: m.Name.ValueString(), Path: m.Path.ValueString(), Slots: registerSlots(m.Slots)}
	diags := m.Tags.ElementsAs(ctx, &it.Tags, false)
	return it, diags
}

// registerSlots turns configured slots (an item's or an item set's) into V7's registration body.
func registerSlots(slots []slotModel) []RegisterSlot {
	out := make([]RegisterSlot, 0, len(slots))
	for _, s := range slots {
		rs := RegisterSlot{
			SlotName: s.SlotName.ValueString(), FileName: s.FileName.ValueString(), StorageKey: s.StorageKey.ValueString(),
			Type: s.Type.ValueString(), StorageThumbnailKey: s.StorageThumbnailKey.ValueString(),
			Width: s.Width.ValueInt64Pointer(), Height: s.Height.ValueInt64Pointer(),
		}
		for _, sec := range s.Sections {
			rs.Sections = append(rs.Sections, Section{SectionIndex: sec.SectionIndex.ValueInt64(), Width: sec.Width.ValueInt64(),
				Height: sec.Height.ValueInt64(), StorageHQKey: sec.StorageHQKey.ValueString(), StorageLQKey: sec.StorageLQKey.ValueString()})
		}
		out = append(out, rs)
	}
	return out
}

// resolve finds the dataset and the storage connection a registration names.
func resolve(ctx context.Context, c *Client, team, datasetSlug, storageSlug string) (Dataset, StorageConnection, error) {
	ds, err := c.DatasetBySlug(ctx, datasetSlug)
	if err != nil {
		return ds, StorageConnection{}, err
	}
	conn, err := c.Storage(ctx, team, storageSlug)
	return ds, conn, err
}

// ImportState takes the item from `terraform import` and an import block's id, or from an import
// block's identity.
func (r *itemResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	t, diags := itemImportTarget(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if t.storage != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("storage_slug"), t.storage)...)
	}
	resp.Diagnostics.Append(modifiers.MarkImported(ctx, resp.Private)...)
	if t.team == "" {
		c, team, diags := r.client(ctx, types.StringNull())
		resp.Diagnostics.Append(diags...)
		if c == nil {
			return
		}
		t.team = team
	}
	for attr, v := range map[string]any{
		"id": t.id, "team_slug": t.team, "metadata_layout": LayoutNameFolder, "wait_for_processing": true,
		"deletion_protection": false, "platform_deleted": false,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, itemIdentity{TeamSlug: types.StringValue(t.team), ID: types.StringValue(t.id)})...)
}
