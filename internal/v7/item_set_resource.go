package v7

import (
	"context"
	"fmt"
	"maps"
	pathpkg "path"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

var (
	_ resource.ResourceWithConfigure        = &itemSetResource{}
	_ resource.ResourceWithModifyPlan       = &itemSetResource{}
	_ resource.ResourceWithConfigValidators = &itemSetResource{}
	_ resource.ResourceWithValidateConfig   = &itemSetResource{}
)

// deleteBatch is how many item ids one delete carries. darwin-py deletes whatever ids it is
// given in one call, and V7's clean-up script deletes archived items by name 500 at a time
// (its page size); no cap is documented, so 500 ids (about 20 KB of JSON) a request.
const deleteBatch = 500

// NewItemSetResource is dataplatforms_v7_item_set.
func NewItemSetResource() resource.Resource {
	return &itemSetResource{typeName: providerdata.ProviderTypeName + "_v7_item_set"}
}

type itemSetResource struct {
	data     *providerdata.Data
	typeName string
}

func (r *itemSetResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.typeName = req.ProviderTypeName + "_v7_item_set"
	resp.TypeName = r.typeName
}

func (r *itemSetResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerdata.FromResource(req, resp)
}

func setObject(m itemSetModel) string {
	return fmt.Sprintf("V7 item set %s in dataset %q", m.Path.ValueString(), m.DatasetSlug.ValueString())
}

// setEnv is what an apply of a set works with: the client, the team, the dataset and the
// storage connection (two requests to resolve).
type setEnv struct {
	c    *Client
	team string
	ds   Dataset
	conn StorageConnection
}

func (r *itemSetResource) env(ctx context.Context, m itemSetModel) (setEnv, diag.Diagnostics) {
	c, team, diags := connect(ctx, r.data, r.typeName, m.TeamSlug)
	if diags.HasError() {
		return setEnv{}, diags
	}
	ds, conn, err := resolve(ctx, c, team, m.DatasetSlug.ValueString(), m.StorageSlug.ValueString())
	if err != nil {
		diags.Append(diagnostics.Error("Resolving the dataset and storage of the "+setObject(m)+" failed", err, ""))
	}
	return setEnv{c: c, team: team, ds: ds, conn: conn}, diags
}

// ValidateConfig refuses an explicit item outside the set's folder at validate, before anything
// is planned: the set owns only its folder.
func (r *itemSetResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var setPath types.String
	var items types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("path"), &setPath)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("items"), &items)...)
	if resp.Diagnostics.HasError() || setPath.IsUnknown() || setPath.IsNull() || items.IsUnknown() || items.IsNull() {
		return
	}
	var byName map[string]setItemModel
	if items.ElementsAs(ctx, &byName, false).HasError() {
		return // parts are known only later: the apply checks again
	}
	for name, it := range byName {
		if folder := it.Path.ValueString(); folder != "" && !it.Path.IsUnknown() && !inFolder(folder, setPath.ValueString()) {
			resp.Diagnostics.AddAttributeError(path.Root("items").AtMapKey(name).AtName("path"), "Item outside the set's folder",
				fmt.Sprintf("Item %q is in %s, which is not %s or a folder under it: the set owns only its folder.", name, folder, setPath.ValueString()))
		}
	}
}

// gather is what an apply starts from: the environment, the members the configuration wants,
// and the items in the set's folder now.
func (r *itemSetResource) gather(ctx context.Context, m itemSetModel) (setEnv, map[string]SetMember, map[string]Item, diag.Diagnostics) {
	e, diags := r.env(ctx, m)
	if diags.HasError() {
		return e, nil, nil, diags
	}
	want, d := r.members(ctx, m, e.conn)
	if diags.Append(d...); diags.HasError() {
		return e, nil, nil, diags
	}
	existing, err := listOwned(ctx, e.c, e.team, e.ds.ID, m.Path.ValueString())
	if err != nil {
		diags.Append(diagnostics.Error("Reading the items of the "+setObject(m)+" failed", err, "Nothing was registered or deleted."))
	}
	return e, want, existing, diags
}

// members are the items the configuration wants, by place: the source folder's keys (one
// listing of the bucket) or the explicit items.
func (r *itemSetResource) members(ctx context.Context, m itemSetModel, conn StorageConnection) (map[string]SetMember, diag.Diagnostics) {
	var diags diag.Diagnostics
	out := map[string]SetMember{}
	if m.Source != nil {
		engine, d := r.data.Engine(ctx, storage.Options{})
		if diags.Append(d...); engine == nil {
			return nil, diags
		}
		src := SetSource{Prefix: m.Source.Prefix.ValueString()}
		diags.Append(m.Source.Include.ElementsAs(ctx, &src.Include, false)...)
		diags.Append(m.Source.Exclude.ElementsAs(ctx, &src.Exclude, false)...)
		list, left, err := SourceMembers(ctx, engine, conn, m.Path.ValueString(), src)
		if err != nil {
			diags.Append(diagnostics.Error("Listing the source of the "+setObject(m)+" failed", err, ""))
			return nil, diags
		}
		if len(left.Skipped) > 0 {
			diags.AddWarning(fmt.Sprintf("%d keys under the source of the %s cannot be V7 items", len(left.Skipped), setObject(m)),
				fmt.Sprintf("Their names are not valid V7 item names (or their keys have . or .. parts), so they are left out: %s", sample(left.Skipped, 5)))
		}
		if wb := writeBackOf(conn); wb.overlaps(src.Prefix) {
			where := "s3://" + conn.Bucket + "/" + wb.prefix
			if wb.prefix == "" {
				where = "the root of s3://" + conn.Bucket
			}
			diags.AddWarning(fmt.Sprintf("The source of the %s holds V7's write-back folders", setObject(m)),
				fmt.Sprintf("Storage connection %q writes V7's files under %s, which overlaps the source prefix %q: V7 writes each item's "+
					"thumbnails and sections to <connection prefix>/<source folder>/data/<name>/. The set never registers a key inside such a "+
					"folder (%d left out now), so a customer's own files under a data/<name>/ folder there are left out too. A source folder "+
					"apart from the connection's prefix avoids both.", conn.Slug, where, src.Prefix, left.WriteBack))
		}
		for _, mb := range list {
			out[mb.Place] = mb
		}
		return out, diags
	}
	var items map[string]setItemModel
	if diags.Append(m.Items.ElementsAs(ctx, &items, false)...); diags.HasError() {
		return nil, diags
	}
	for name, it := range items {
		folder := m.Path.ValueString()
		if p := it.Path.ValueString(); p != "" {
			folder = p
		}
		if !inFolder(folder, m.Path.ValueString()) {
			diags.AddAttributeError(path.Root("items").AtMapKey(name).AtName("path"), "Item outside the set's folder",
				fmt.Sprintf("Item %q is in %s, which is not %s or a folder under it: the set owns only its folder.", name, folder, m.Path.ValueString()))
			continue
		}
		reg := RegisterItem{Name: name, Path: normPath(folder), Slots: registerSlots(it.Slots)}
		out[place(folder, name)] = SetMember{Place: place(folder, name), Item: reg}
	}
	return out, diags
}

// listOwned lists the set's folder and the folders under it: two listings, 500 items a page.
func listOwned(ctx context.Context, c *Client, team string, datasetID int64, setPath string) (map[string]Item, error) {
	setPath = normPath(setPath)
	out := map[string]Item{}
	for _, q := range []ListQuery{
		{DatasetID: datasetID, Paths: []string{setPath}},
		{DatasetID: datasetID, PathPrefix: setPath + "/"}, // a bare string prefix: checked exactly below
	} {
		items, err := c.ListItems(ctx, team, q)
		if err != nil {
			return nil, fmt.Errorf("listing the items of folder %s: %w", setPath, err)
		}
		for _, it := range items {
			if it.DatasetID == datasetID && inFolder(it.Path, setPath) {
				out[place(it.Path, it.Name)] = it
			}
		}
	}
	return out, nil
}

// registration is what registering a set's members came to.
type registration struct {
	items   map[string]Item // by place
	blocked []string        // "<place>: <reason>"
}

// register registers members not yet in V7, 100 a request (paced by the v7_registration
// limit in the transport). An item already at a member's place with the member's storage keys
// is adopted, not registered again: a killed apply, or a batch whose answer was lost.
// existing is everything at the set's places before registering.
func register(ctx context.Context, e setEnv, existing map[string]Item, todo []SetMember) (registration, error) {
	return registerBeside(ctx, e, existing, placeIDs(existing), todo)
}

// placeIDs is the id of the item at each place.
func placeIDs(items map[string]Item) map[string]string {
	out := make(map[string]string, len(items))
	for p, it := range items {
		out[p] = it.ID
	}
	return out
}

// registerBeside is register where existing (what may be adopted) is a filtered part of what
// was there: before is everything that was at the set's places before registering (place →
// item id), unfiltered. A batch whose answer was lost adopts only an item that was not at its
// place before: one that was there all along (an update's foreign item, which existing leaves
// out) is someone else's, whatever V7's answer shows of its files.
func registerBeside(ctx context.Context, e setEnv, existing map[string]Item, before map[string]string, todo []SetMember) (registration, error) {
	out := registration{items: map[string]Item{}}
	var send []SetMember
	for _, mb := range todo {
		if it, ok := existing[mb.Place]; ok {
			if sameSlots(it, mb.Item) {
				out.items[mb.Place] = it
			} else {
				out.blocked = append(out.blocked, fmt.Sprintf("%s: an item with other files is there (%s)", mb.Place, it.ID))
			}
			continue
		}
		send = append(send, mb)
	}
	for batch := range slices.Chunk(send, MaxRegisterBatch) {
		regs := make([]RegisterItem, len(batch))
		for i, mb := range batch {
			regs[i] = mb.Item
		}
		reg, err := e.c.RegisterItems(ctx, e.team, e.conn.Readonly, e.ds.Slug, e.conn.RegistrationName(), regs)
		if transport.MayHaveActed(err) {
			// The answer was lost: V7 may have registered the batch. What is now at the batch's
			// places and was not there before is this batch's; the rest is sent again, and V7
			// blocks a place that is taken.
			tflog.Warn(ctx, "a V7 registration answer was lost; looking for what it registered", map[string]any{"items": len(batch)})
			now, lerr := listOwned(transport.WithPersistence(ctx), e.c, e.team, e.ds.ID, folderOfBatch(batch))
			if lerr != nil {
				return out, fmt.Errorf("%w; V7 may have registered %d items, and listing the folder failed too (%w): apply again, it adopts what is there", err, len(batch), lerr)
			}
			var again []SetMember
			for _, mb := range batch {
				// V7 allows one item a place: an item there now that was not there before the
				// batch (another id, or none) is the batch's, even when V7's answer leaves the
				// storage keys out. One that was there before (the same id) is never the batch's:
				// an update leaves a foreign item at a wanted place out of existing, and an item
				// uploaded to V7 shows no storage keys.
				if it, ok := now[mb.Place]; ok && before[mb.Place] != it.ID && (sameSlots(it, mb.Item) || !hasKeys(it)) {
					out.items[mb.Place] = it
				} else {
					again = append(again, mb)
				}
			}
			if len(again) == 0 {
				continue
			}
			regs = regs[:0]
			for _, mb := range again {
				regs = append(regs, mb.Item)
			}
			reg, err = e.c.RegisterItems(ctx, e.team, e.conn.Readonly, e.ds.Slug, e.conn.RegistrationName(), regs)
		}
		if err != nil {
			return out, fmt.Errorf("registering items %d to %d of %d: %w", len(out.items)+1, len(out.items)+len(batch), len(send), err)
		}
		for _, it := range reg.Items {
			out.items[place(it.Path, it.Name)] = it
		}
		for _, b := range reg.BlockedItems {
			out.blocked = append(out.blocked, fmt.Sprintf("%s: %s", place(b.Path, b.Name), b.Reason()))
		}
	}
	return out, nil
}

// hasKeys says whether V7's answer shows where an item's files are (darwin-py's item model
// makes storage_key optional).
func hasKeys(it Item) bool {
	return slices.ContainsFunc(it.Slots, func(s ItemSlot) bool { return s.StorageKey != "" })
}

func keylessHint(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" V7's answer shows no storage keys for %d of them, at places this set registers: if they are this set's "+
		"(an earlier apply that was killed), adopt_existing = true takes them.", n)
}

// memberOf is what registered an item, as far as V7's answer tells its files.
func memberOf(it Item) SetMember {
	reg := RegisterItem{Name: it.Name, Path: normPath(it.Path)}
	for _, sl := range it.Slots {
		if sl.StorageKey != "" {
			reg.Slots = append(reg.Slots, RegisterSlot{SlotName: sl.SlotName, StorageKey: sl.StorageKey})
		}
	}
	return SetMember{Place: place(it.Path, it.Name), Item: reg}
}

// folderOfBatch is the set folder a batch's lookup lists: the common folder of its members.
func folderOfBatch(batch []SetMember) string {
	common := normPath(batch[0].Item.Path)
	for _, mb := range batch[1:] {
		for !inFolder(mb.Item.Path, common) {
			common = normPath(pathpkg.Dir(common))
		}
	}
	return common
}

// deleteItems deletes items by id, deleteBatch a request, within the dataset.
func deleteItems(ctx context.Context, c *Client, team string, datasetID int64, ids []string) (int, error) {
	n := 0
	for batch := range slices.Chunk(ids, deleteBatch) {
		got, err := c.DeleteItems(ctx, team, Filters{DatasetIDs: []int64{datasetID}, ItemIDs: batch})
		if err != nil && !transport.IsNotFound(err) {
			return n, fmt.Errorf("deleting items %d to %d of %d: %w", n+1, n+len(batch), len(ids), err)
		}
		n += got
	}
	return n, nil
}

// nameFolderPrefixes are the name-keyed folders V7 writes for members.
func nameFolderPrefixes(conn StorageConnection, layout string, members []SetMember) ([]string, error) {
	var out []string
	for _, mb := range members {
		in := ScopeInput{Storage: conn, Layout: layout, ItemName: mb.Item.Name}
		for _, s := range mb.Item.Slots {
			in.StorageKeys = append(in.StorageKeys, s.StorageKey)
		}
		folders, err := NameFolders(in)
		if err != nil {
			return nil, err
		}
		for _, f := range folders {
			out = append(out, f.Prefix)
		}
	}
	return out, nil
}

// setFolders reads the name-keyed folders back from a scope's prefixes: each is
// <storage prefix>[/<source folder>]/data/<name>.
func setFolders(storagePrefix string, prefixes []string) map[string]NameFolder {
	out := make(map[string]NameFolder, len(prefixes))
	for _, p := range prefixes {
		rel := p
		if storagePrefix != "" {
			var ok bool
			if rel, ok = strings.CutPrefix(p, strings.Trim(storagePrefix, "/")+"/"); !ok {
				continue
			}
		}
		name, dir := pathpkg.Base(rel), pathpkg.Dir(rel)
		if pathpkg.Base(dir) != "data" {
			continue
		}
		src := pathpkg.Dir(dir)
		if src == "." {
			src = ""
		}
		out[p] = NameFolder{Prefix: p, SourceFolder: src, Name: name}
	}
	return out
}

func sample(list []string, n int) string {
	if len(list) <= n {
		return strings.Join(list, ", ")
	}
	return strings.Join(list[:n], ", ") + fmt.Sprintf(" and %d more", len(list)-n)
}

func (r *itemSetResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	defer r.planPolicy(ctx, req, resp)
	if _, diags := r.data.Require(providerdata.V7, r.typeName); diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return
	}
	if teardown.ModifyPlan(ctx, r.data, r.teardownFrom(req.Private), req, resp) || req.State.Raw.IsNull() {
		return
	}
	var state, plan itemSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(loadRecord(ctx, req.Private, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	changing := func() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("item_count"), types.Int64Unknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("metadata_scope"), types.ObjectUnknown(scopeSummaryTypes))...)
	}
	if plan.Source == nil && plan.Items.IsUnknown() {
		changing() // the items are known only at apply
		return
	}
	e, diags := r.env(ctx, plan)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	want, diags := r.members(ctx, plan, e.conn)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	have := registeredOf(state)
	add, remove := 0, 0
	var removed []string
	for p := range want {
		if _, ok := have[p]; !ok {
			add++
		}
	}
	for p := range have {
		if _, ok := want[p]; !ok {
			remove++
			removed = append(removed, p)
		}
	}
	if !state.MetadataLayout.Equal(plan.MetadataLayout) {
		changing() // after an import only: the folders are computed again under the configured layout
	}
	if add+remove == 0 {
		return
	}
	if d := importRemovals(ctx, req.Private, plan, removed); d.HasError() {
		resp.Diagnostics.Append(d...)
		return
	}
	changing()
	resp.Diagnostics.AddWarning(fmt.Sprintf("%s: %d items to register, %d to delete", setObject(state), add, remove),
		fmt.Sprintf("The set holds %d items; the configuration wants %d. The apply registers the %d new ones (%d requests) and deletes "+
			"the %d others with their metadata folders.", len(have), len(want), add, (add+MaxRegisterBatch-1)/MaxRegisterBatch, remove))
}

func (r *itemSetResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m itemSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := m.Timeouts.Create(ctx, 60*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	e, want, existing, diags := r.gather(ctx, m)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	var foreign []string
	keyless := 0
	for p, it := range existing {
		if mb, ok := want[p]; !ok || !sameSlots(it, mb.Item) {
			foreign = append(foreign, fmt.Sprintf("%s (%s)", p, it.ID))
			if ok && !hasKeys(it) {
				keyless++
			}
		}
	}
	if len(foreign) > 0 && !m.AdoptExisting.ValueBool() {
		slices.Sort(foreign)
		resp.Diagnostics.AddAttributeError(path.Root("path"), "The "+setObject(m)+" is not empty",
			fmt.Sprintf("The set owns its folder and every item in it, and %d items there are not what it registers: %s. Nothing was "+
				"registered. Choose another path, move or delete those items, or set adopt_existing = true to take them into the set "+
				"(those the configuration does not hold are then deleted).%s", len(foreign), sample(foreign, 5), keylessHint(keyless)))
		return
	}
	m.TeamSlug, m.DatasetID = types.StringValue(e.team), types.Int64Value(e.ds.ID)
	m.ID = types.StringValue(fmt.Sprintf("%s/%s:%s", e.team, e.ds.Slug, normPath(m.Path.ValueString())))
	m.StoragePrefix = types.StringValue(strings.Trim(e.conn.Prefix, "/"))
	adopted := map[string]Item{}
	for p, it := range existing {
		adopted[p] = it
	}
	r.apply(ctx, &m, e, want, adopted, placeIDs(existing), nil, &resp.Diagnostics)
	resp.Diagnostics.Append(r.store(ctx, &m, resp.Private, &resp.State, resp.Identity)...)
}

// apply brings the set to want: members missing from have are registered (or adopted from
// existing), members of have that want does not hold are deleted with their metadata folders.
// m's registered, item_count and metadata_scope record the outcome even when it fails, so that
// nothing registered is forgotten.
//
// before is everything that was at the set's places before the apply (place → item id), of
// which existing may be a part.
func (r *itemSetResource) apply(ctx context.Context, m *itemSetModel, e setEnv, want map[string]SetMember, existing map[string]Item, before map[string]string, prior *itemSetModel, diags *diag.Diagnostics) {
	have := map[string]string{}
	var scope []string
	if prior != nil {
		have = registeredOf(*prior)
		scope = slices.Clone(prior.Owned.Prefixes)
	}
	for p, it := range existing { // the set's own items (and, at create, what it adopts)
		if _, ok := want[p]; ok || prior == nil {
			have[p] = it.ID
		}
	}
	var todo []SetMember
	for _, p := range slices.Sorted(maps.Keys(want)) {
		if _, ok := have[p]; !ok {
			todo = append(todo, want[p])
		}
	}
	reg, err := registerBeside(ctx, e, existing, before, todo)
	for p, it := range reg.items {
		have[p] = it.ID
	}
	// The folders of every item the set holds: a wanted one's from its configuration, an
	// adopted one's that the configuration does not hold from what V7 says of its files.
	var held []SetMember
	for p := range have {
		if mb, ok := want[p]; ok {
			held = append(held, mb)
		} else if it, ok := existing[p]; ok {
			held = append(held, memberOf(it))
		}
	}
	prefixes, perr := nameFolderPrefixes(e.conn, m.MetadataLayout.ValueString(), held)
	if perr != nil {
		diags.AddError("Cannot compute the metadata folders of the "+setObject(*m), perr.Error())
	}
	scope = append(scope, prefixes...)
	record := func() {
		m.Registered = maps.Clone(have)
		m.ItemCount = types.Int64Value(int64(len(have)))
		m.Owned = ownedScope(e.conn.Bucket, scope)
		m.MetadataScope = scopeSummary(m.Owned)
	}
	defer record()
	if len(reg.blocked) > 0 {
		slices.Sort(reg.blocked)
		diags.AddWarning(fmt.Sprintf("V7 did not register %d items of the %s", len(reg.blocked), setObject(*m)),
			fmt.Sprintf("V7 blocked them, with these reasons: %s. They are not in the set; the next apply tries them again.", sample(reg.blocked, 10)))
	}
	if err != nil {
		diags.Append(diagnostics.Error("Registering the items of the "+setObject(*m)+" failed", err,
			fmt.Sprintf("%d items are registered and kept in state; apply again to register the rest.", len(reg.items))))
		return
	}
	// What the configuration no longer holds goes, with its folders (a shared one is kept).
	var gone []string
	ids := map[string]bool{}
	for p, id := range have {
		if _, ok := want[p]; !ok {
			gone = append(gone, p)
			ids[id] = true
		}
	}
	if len(gone) == 0 {
		return
	}
	goneNames := map[string]bool{}
	var goneIDs []string
	for _, p := range gone {
		goneNames[pathpkg.Base(p)] = true
		goneIDs = append(goneIDs, have[p])
	}
	var owned []string
	for _, p := range scope {
		if goneNames[pathpkg.Base(p)] {
			owned = append(owned, p)
		}
	}
	t := r.teardownFor(*m, e.conn.Bucket, owned, goneIDs, func(id string) bool { return ids[id] })
	engine, d := r.data.Engine(ctx, storage.Options{})
	if diags.Append(d...); engine == nil {
		return
	}
	prog, d := teardown.Run(ctx, engine, t, teardown.Progress{})
	if d.HasError() {
		diags.Append(removalFailed(*m, len(gone), prog, d)...)
		if prog.PlatformDeleted {
			// V7 deleted them: they leave the set, and their folders stay in the scope.
			for _, p := range gone {
				delete(have, p)
			}
		}
		return // otherwise the removed items stay in state: the next apply deletes them again
	}
	diags.Append(d...)
	for _, p := range gone {
		delete(have, p)
	}
	// The removed items' folders leave the scope, except one another of the set's items still
	// uses (the teardown kept it): the remaining items' folders are computed again from their
	// files, without asking V7 a second time.
	var remaining []SetMember
	for _, mb := range held {
		if _, ok := have[mb.Place]; ok {
			remaining = append(remaining, mb)
		}
	}
	keep, _ := nameFolderPrefixes(e.conn, m.MetadataLayout.ValueString(), remaining)
	drop := map[string]bool{}
	for _, p := range owned {
		drop[p] = true
	}
	for _, p := range keep {
		delete(drop, p)
	}
	scope = slices.DeleteFunc(scope, func(p string) bool { return drop[p] })
}

// importRemovals refuses to delete items an import took into the set that the configuration
// does not hold, until an apply has run or adopt_existing says so: an import takes every item
// in the folder, and a hand-written configuration may hold fewer, as a create refuses foreign
// items unless adopt_existing is set.
func importRemovals(ctx context.Context, p teardown.Private, plan itemSetModel, removed []string) diag.Diagnostics {
	var diags diag.Diagnostics
	if b, _ := p.GetKey(ctx, importAdoptedKey); len(b) == 0 || len(removed) == 0 || plan.AdoptExisting.ValueBool() {
		return diags
	}
	slices.Sort(removed)
	diags.AddError(fmt.Sprintf("The import took %d items into the %s that the configuration does not hold", len(removed), setObject(plan)),
		fmt.Sprintf("An import takes every item in the set's folder, and applying this would delete these from V7 with their "+
			"metadata folders: %s. Nothing was deleted. Add them to the configuration (plan -generate-config-out writes one that "+
			"holds them all), or set adopt_existing = true to delete them, as a create that adopts them would.", sample(removed, 10)))
	return diags
}

// ownedScope is the bucket and the folders a set owns, sorted, none covering another (a folder
// inside another one is the outer one's).
func ownedScope(bucket string, prefixes []string) storage.Scope {
	out := storage.Scope{Bucket: bucket}
	if len(prefixes) > 0 {
		s, _ := storage.NewScope(bucket, prefixes...)
		out.Prefixes = s.Prefixes
	}
	return out
}

// removalFailed rewrites what a failed teardown says when an apply removes the n items the
// configuration no longer holds. The teardown speaks for a destroy (the platform object is
// deleted, platform_deleted = true, run terraform destroy again); here the set stays, its
// platform_deleted stays false, and what to do next is different. What the platform answered
// is kept; the teardown's advice is replaced.
func removalFailed(m itemSetModel, n int, prog teardown.Progress, d diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, x := range d {
		if x.Severity() != diag.SeverityError {
			out.Append(x)
			continue
		}
		var keep []string
		for _, para := range strings.Split(x.Detail(), "\n\n") {
			if !strings.Contains(para, "terraform destroy") && !strings.Contains(para, "platform_deleted") {
				keep = append(keep, para)
			}
		}
		summary := fmt.Sprintf("Deleting %d items the configuration no longer holds from the %s failed", n, setObject(m))
		next := fmt.Sprintf("Nothing was removed from storage. The %d items stay in the set's state; fix the cause and run terraform "+
			"apply again: it deletes those still in V7 again, with their metadata folders.", n)
		if prog.PlatformDeleted {
			summary = fmt.Sprintf("Removing the metadata folders of %d items the configuration no longer holds from the %s is incomplete", n, setObject(m))
			next = fmt.Sprintf("The %d items are deleted from V7 and have left the set, and %d objects of their metadata folders were "+
				"removed so far. The folders stay in the set's metadata_scope, and the set's own destroy removes what is left of "+
				"them; a later terraform apply does not try again. Fix the cause so that it can.", n, prog.Removed.Total())
		}
		out.AddError(summary, strings.Join(append(keep, next), "\n\n"))
	}
	return out
}

func (r *itemSetResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m itemSetModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(loadRecord(ctx, req.Private, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// First: the framework wants an identity after every read, one that removes the set too.
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, setIdentityOf(m))...)
	c, team, diags := connect(ctx, r.data, r.typeName, m.TeamSlug)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if m.PlatformDeleted.ValueBool() {
		teardown.ReadNotFound(ctx, r.data, r.teardownOf, m, req, resp)
		return
	}
	if !m.Recorded && importPending(ctx, req.Private) {
		if resp.Diagnostics.Append(r.fillImported(ctx, c, team, &m, resp.Private)...); resp.Diagnostics.HasError() {
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importSetKey, nil)...)
		resp.Diagnostics.Append(r.store(ctx, &m, resp.Private, &resp.State, resp.Identity)...)
		return
	}
	items, err := listOwned(ctx, c, team, m.DatasetID.ValueInt64(), m.Path.ValueString())
	if err != nil {
		resp.Diagnostics.Append(diagnostics.Error("Reading the "+setObject(m)+" failed", err, ""))
		return
	}
	have := registeredOf(m)
	ids := map[string]bool{}
	for _, id := range have {
		ids[id] = true
	}
	live := map[string]string{}
	var foreign int
	for p, it := range items {
		if ids[it.ID] {
			live[p] = it.ID
		} else {
			foreign++
		}
	}
	if gone := len(have) - len(live); gone > 0 {
		tflog.Info(ctx, "items of the set are gone from V7; the next apply registers them again", map[string]any{"set": setObject(m), "gone": gone})
	}
	if foreign > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("%d items in the folder of the %s are not the set's", foreign, setObject(m)),
			"The set owns its folder, but these items were registered by something else. The set leaves them alone; an item at one of "+
				"the set's places with the set's files is adopted at the next apply.")
	}
	m.Registered = live
	resp.Diagnostics.Append(r.store(ctx, &m, resp.Private, &resp.State, resp.Identity)...)
}

func (r *itemSetResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state itemSetModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(loadRecord(ctx, req.Private, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, 60*time.Minute)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	plan.ID, plan.TeamSlug, plan.DatasetID, plan.StoragePrefix = state.ID, state.TeamSlug, state.DatasetID, state.StoragePrefix
	plan.Registered, plan.Owned, plan.ItemCount, plan.MetadataScope = state.Registered, state.Owned, state.ItemCount, state.MetadataScope
	e, want, existing, diags := r.gather(ctx, plan)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	// Only the set's own items, and those at its places with its files, count as there; what
	// was there at all is kept apart, so that a lost answer never adopts a foreign item.
	before := placeIDs(existing)
	have := registeredOf(state)
	ids := map[string]bool{}
	for _, id := range have {
		ids[id] = true
	}
	for p, it := range existing {
		if mb, ok := want[p]; !ids[it.ID] && (!ok || !sameSlots(it, mb.Item)) {
			delete(existing, p)
		}
	}
	live := map[string]string{}
	for p, id := range have {
		if it, ok := existing[p]; ok && it.ID == id {
			live[p] = id
		}
	}
	state.Registered = live
	var removed []string
	for p := range live {
		if _, ok := want[p]; !ok {
			removed = append(removed, p)
		}
	}
	if d := importRemovals(ctx, req.Private, plan, removed); d.HasError() {
		resp.Diagnostics.Append(d...) // the plan checked it too, unless the items were known only now
		resp.Diagnostics.Append(r.store(ctx, &state, resp.Private, &resp.State, resp.Identity)...)
		return
	}
	if !state.MetadataLayout.Equal(plan.MetadataLayout) {
		// Only after an import (the layout otherwise replaces the set): the folders are
		// computed again under the configured layout, none kept from the import's guess.
		state.Owned.Prefixes = nil
	}
	r.apply(ctx, &plan, e, want, existing, before, &state, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, importAdoptedKey, nil)...)
	}
	resp.Diagnostics.Append(r.store(ctx, &plan, resp.Private, &resp.State, resp.Identity)...)
}

func (r *itemSetResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	teardown.Delete(ctx, r.data, r.teardownFrom(req.Private), req, resp)
}

// teardownFrom is teardownOf for a state whose items are still to be read from private state.
func (r *itemSetResource) teardownFrom(p teardown.Private) teardown.Of[itemSetModel] {
	return func(ctx context.Context, m itemSetModel) (teardown.Teardown, diag.Diagnostics) {
		diags := loadRecord(ctx, p, &m)
		if diags.HasError() {
			return teardown.Teardown{}, diags
		}
		if !m.Recorded && m.ItemCount.ValueInt64() > 0 {
			diags.AddError("The "+setObject(m)+" has no record of its items",
				"Its state holds an item count but neither the record of its items nor an upgraded one: nothing is deleted on a guess. "+
					"Import it again, or remove it with terraform state rm and its items with the V7 UI.")
			return teardown.Teardown{}, diags
		}
		t, d := r.teardownOf(ctx, m)
		return t, append(diags, d...)
	}
}

// store writes what an operation ends with: the record into private state, the attributes,
// cleanup_iam_policy and the identity.
func (r *itemSetResource) store(ctx context.Context, m *itemSetModel, p teardown.Private, s *tfsdk.State, id *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := saveRecord(ctx, p, m)
	diags.Append(s.Set(ctx, m)...)
	diags.Append(r.setPolicy(ctx, *m, s)...)
	diags.Append(identity.Set(ctx, id, setIdentityOf(*m))...)
	return diags
}

// setPolicy writes cleanup_iam_policy from the set's recorded scope.
func (r *itemSetResource) setPolicy(ctx context.Context, m itemSetModel, s *tfsdk.State) diag.Diagnostics {
	var scopes []storage.Scope
	if len(m.Owned.Prefixes) > 0 {
		scopes = []storage.Scope{m.Owned}
	}
	return teardown.SetPolicyOf(ctx, r.data, scopes, true, m.Bypass, s)
}

// planPolicy plans cleanup_iam_policy, at the end of ModifyPlan: unknown while the scope is
// (a change of items), else from the recorded scope.
func (r *itemSetResource) planPolicy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if resp.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	// Every apply moves an upgraded record into private state.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("legacy_record"), types.StringNull())...)
	var scope types.Object
	var bypass types.Bool
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("metadata_scope"), &scope)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("bypass_governance_retention"), &bypass)...)
	var m itemSetModel
	resp.Diagnostics.Append(loadRecord(ctx, req.Private, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var scopes []storage.Scope
	if len(m.Owned.Prefixes) > 0 {
		scopes = []storage.Scope{m.Owned}
	}
	resp.Diagnostics.Append(teardown.SetPolicyOf(ctx, r.data, scopes, !scope.IsUnknown() && !req.State.Raw.IsNull(), bypass, &resp.Plan)...)
}

// teardownOf builds the destroy from state alone: every registered item, deleteBatch a
// request, then the metadata folders, each data/ folder listed once.
func (r *itemSetResource) teardownOf(ctx context.Context, m itemSetModel) (teardown.Teardown, diag.Diagnostics) {
	timeout, diags := m.Timeouts.Delete(ctx, 60*time.Minute)
	have := registeredOf(m)
	ids := make(map[string]bool, len(have))
	for _, id := range have {
		ids[id] = true
	}
	scope := m.Owned
	t := r.teardownFor(m, scope.Bucket, scope.Prefixes, slices.Sorted(maps.Values(have)), func(id string) bool { return ids[id] })
	t.Timeout = timeout
	t.Protected = m.DeletionProtection.ValueBool()
	t.PlatformDeleted = m.PlatformDeleted.ValueBool()
	t.PlatformPreview = fmt.Sprintf("%d items from dataset %q (%d requests)", len(have), m.DatasetSlug.ValueString(), (len(have)+deleteBatch-1)/deleteBatch)
	return t, diags
}

// teardownFor deletes the items ids, then the prefixes of the bucket, keeping a folder another
// live item uses (own tells the items that are going).
func (r *itemSetResource) teardownFor(m itemSetModel, bucket string, prefixes, ids []string, own func(string) bool) teardown.Teardown {
	connect := func(ctx context.Context) (*Client, string, error) {
		c, team, diags := connect(ctx, r.data, r.typeName, m.TeamSlug)
		return c, team, diagnostics.AsError(diags)
	}
	t := teardown.Teardown{
		Object:  setObject(m),
		Storage: teardown.StorageOptions(r.data, m.Bypass),
		DeletePlatform: func(ctx context.Context) error {
			if len(ids) == 0 {
				return nil
			}
			c, team, err := connect(ctx)
			if err != nil {
				return err
			}
			n, err := deleteItems(ctx, c, team, m.DatasetID.ValueInt64(), ids)
			tflog.Info(ctx, "V7 items of the set deleted", map[string]any{"set": setObject(m), "asked": len(ids), "affected_item_count": n})
			return err
		},
		InUse: folderUsers(connect, setFolders(m.StoragePrefix.ValueString(), prefixes), own),
	}
	if len(prefixes) > 0 {
		if s, err := storage.NewScope(bucket, prefixes...); err == nil {
			t.Scopes = []storage.Scope{s}
		}
	}
	return t
}
