package v7

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/identity"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/modifiers"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/validate"
)

// The import of an item set takes every item in a dataset folder (and the folders under it):
//
//	<team_slug>/<dataset_slug>:<path>                       the connection is found
//	<team_slug>/<dataset_slug>/<storage connection>:<path>  named, when the team has several
//	<dataset_slug>:<path>                                   with the provider's team
//
// and writes the configuration's own form into state, so that the configuration Terraform
// generates from it (`plan -generate-config-out`) plans with no changes: the source form when
// every item is what one source folder's listing registers (one listing tells), else the
// explicit items form from V7's answer. The items' ids and the folders destroy removes go into
// the set's record, as an apply's would.
//
// Budget, for N items: V7, the datasets and the connections (2) and the folder's two listings,
// ⌈N/500⌉ + 2 at most; S3, at most 2 listings of one key per writable connection when the id
// names none, then ⌈keys under the source folder/1000⌉ for the source form, or one delimited
// listing per folder the files lie in (Σ ⌈keys there/1000⌉) for the explicit form.

var (
	_ resource.ResourceWithImportState = &itemSetResource{}
	_ resource.ResourceWithIdentity    = &itemSetResource{}
)

// setIdentity is the set's resource identity: what its import id names, never the connection
// (found at import, as for the id without one).
type setIdentity struct {
	TeamSlug    types.String `tfsdk:"team_slug"`
	DatasetSlug types.String `tfsdk:"dataset_slug"`
	Path        types.String `tfsdk:"path"`
}

func (r *itemSetResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"team_slug":    identityschema.StringAttribute{RequiredForImport: true, Description: "The V7 team's slug."},
		"dataset_slug": identityschema.StringAttribute{RequiredForImport: true, Description: "The dataset's slug."},
		"path":         identityschema.StringAttribute{RequiredForImport: true, Description: "The dataset folder the set owns, such as `/scans`."},
	}}
}

// setIdentityOf is the identity of a set in state.
func setIdentityOf(m itemSetModel) setIdentity {
	return setIdentity{TeamSlug: m.TeamSlug, DatasetSlug: m.DatasetSlug, Path: types.StringValue(normPath(m.Path.ValueString()))}
}

// setImportOf is what an import names: the id, or the identity an import block gives, each
// attribute checked on its own (never joined into an id and parsed again).
func setImportOf(ctx context.Context, req resource.ImportStateRequest) (setImport, diag.Diagnostics) {
	var ident setIdentity
	byIdentity, diags := identity.FromImport(ctx, req, &ident)
	if diags.HasError() {
		return setImport{}, diags
	}
	if !byIdentity {
		in, err := parseSetImport(req.ID)
		if err != nil {
			diags.AddError("Invalid import id", err.Error()+".")
		}
		return in, diags
	}
	const want = `{ team_slug = "<team_slug>", dataset_slug = "<dataset_slug>", path = "/<folder>" } (name a storage connection with ` +
		`the id form <team_slug>/<dataset_slug>/<storage connection>:<path>)`
	if missing := identity.Missing(map[string]types.String{"team_slug": ident.TeamSlug, "dataset_slug": ident.DatasetSlug, "path": ident.Path}); len(missing) > 0 {
		diags.Append(identity.InvalidImport("V7 item set", identity.MissingProblem(missing), want))
		return setImport{}, diags
	}
	in := setImport{Team: ident.TeamSlug.ValueString(), Dataset: ident.DatasetSlug.ValueString(), Path: ident.Path.ValueString()}
	var problems []string
	for attr, v := range map[string]string{"team_slug": in.Team, "dataset_slug": in.Dataset} {
		if !slugRE.MatchString(v) {
			problems = append(problems, fmt.Sprintf("%s %q is not a V7 slug (lower case letters, digits, - and _)", attr, v))
		}
	}
	if err := ownedFolder(in.Path); err != nil {
		problems = append(problems, fmt.Sprintf("path %q: %s", in.Path, err))
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		diags.Append(identity.InvalidImport("V7 item set", strings.Join(problems, "; "), want))
	}
	return in, diags
}

// importSetKey is the private-state key that marks an import until the first read fills the
// set from what the import wrote into state.
const importSetKey = "import_set"

// importAdoptedKey marks a set whose items an import took, until an apply: a plan that would
// delete any of them (the configuration does not hold it) is refused unless adopt_existing says
// so, as a create refuses foreign items.
const importAdoptedKey = "import_adopted"

// setImport is what an import id names.
type setImport struct{ Team, Dataset, Storage, Path string }

// parseSetImport reads an import id: [<team>/]<dataset>[/<storage>]:<path>. The path starts
// with / (":/" ends the names, which may hold neither).
func parseSetImport(id string) (setImport, error) {
	bad := fmt.Errorf("import a V7 item set as <team_slug>/<dataset_slug>:<path>, <team_slug>/<dataset_slug>/<storage connection>:<path> "+
		"(when the team has several connections and the import cannot tell which holds V7's files), or <dataset_slug>:<path> "+
		"with the provider's team; for example acme/scans:/2024. Not %q", id)
	names, setPath, ok := strings.Cut(id, ":/")
	if !ok {
		return setImport{}, bad
	}
	parts := strings.SplitN(names, "/", 3)
	var in setImport
	switch len(parts) {
	case 1:
		in.Dataset = parts[0]
	case 2:
		in.Team, in.Dataset = parts[0], parts[1]
	default:
		in.Team, in.Dataset, in.Storage = parts[0], parts[1], parts[2]
	}
	in.Path = "/" + setPath
	switch {
	case len(parts) > 1 && !slugRE.MatchString(in.Team), !slugRE.MatchString(in.Dataset), len(parts) == 3 && !storageRE.MatchString(in.Storage):
		return setImport{}, bad
	}
	if err := ownedFolder(in.Path); err != nil {
		return setImport{}, fmt.Errorf("%w: %w", bad, err)
	}
	in.Path = normPath(in.Path)
	return in, nil
}

func (r *itemSetResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	in, diags := setImportOf(ctx, req)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	if in.Team == "" {
		_, team, diags := connect(ctx, r.data, r.typeName, types.StringNull())
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
		in.Team = team
	}
	r.startImport(ctx, in, resp)
}

// startImport writes what the import id names and marks the import for the first read.
func (r *itemSetResource) startImport(ctx context.Context, in setImport, resp *resource.ImportStateResponse) {
	for attr, v := range map[string]any{
		"id": fmt.Sprintf("%s/%s:%s", in.Team, in.Dataset, in.Path), "team_slug": in.Team, "dataset_slug": in.Dataset, "path": in.Path,
		"metadata_layout": LayoutNameFolder, "adopt_existing": false, "deletion_protection": false, "platform_deleted": false,
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), v)...)
	}
	if in.Storage != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("storage_slug"), in.Storage)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importSetKey, []byte("true"))...)
	// Values the import found (the connection, the layout) that a configuration spells otherwise
	// but means the same are recorded in place, never a replacement (which would delete every
	// item): see the plan modifiers of storage_slug and metadata_layout.
	resp.Diagnostics.Append(modifiers.MarkImported(ctx, resp.Private)...)
	resp.Diagnostics.Append(identity.Set(ctx, resp.Identity, setIdentity{TeamSlug: types.StringValue(in.Team),
		DatasetSlug: types.StringValue(in.Dataset), Path: types.StringValue(in.Path)})...)
}

// importPending says whether an import waits for the first read to fill the set.
func importPending(ctx context.Context, p interface {
	GetKey(context.Context, string) ([]byte, diag.Diagnostics)
}) bool {
	b, _ := p.GetKey(ctx, importSetKey)
	return string(b) == "true"
}

// fillImported reads what the import names into m: the dataset, the connection, the items in
// the set's folder in the configuration's form, and the record of their ids and folders.
func (r *itemSetResource) fillImported(ctx context.Context, c *Client, team string, m *itemSetModel, private privateWriter) diag.Diagnostics {
	var diags diag.Diagnostics
	object := setObject(*m)
	ds, err := c.DatasetBySlug(ctx, m.DatasetSlug.ValueString())
	if err != nil {
		diags.Append(diagnostics.Error("Importing the "+object+" failed", err, ""))
		return diags
	}
	items, err := listOwned(ctx, c, team, ds.ID, m.Path.ValueString())
	if err != nil {
		diags.Append(diagnostics.Error("Importing the "+object+" failed", err, ""))
		return diags
	}
	places := slices.Sorted(maps.Keys(items))
	if len(places) == 0 {
		diags.AddError("Nothing to import", fmt.Sprintf("Dataset %q of team %s holds no item in %s or a folder under it: a set is "+
			"imported from its items. Create the set instead; it registers them.", ds.Slug, team, m.Path.ValueString()))
		return diags
	}
	var keyless []string
	for _, p := range places {
		if !hasKeys(items[p]) || slices.ContainsFunc(items[p].Slots, func(s ItemSlot) bool { return s.StorageKey == "" }) {
			keyless = append(keyless, fmt.Sprintf("%s (%s)", p, items[p].ID))
		}
	}
	if len(keyless) > 0 {
		diags.AddError("Cannot import the "+object,
			fmt.Sprintf("A set holds items registered from storage, and V7's answer names no storage key for a file of %d items in its "+
				"folder (uploaded to V7, or an answer that leaves keys out): %s. Move them out of the folder, or import the others "+
				"from a folder of their own.", len(keyless), sample(keyless, 10)))
		return diags
	}
	conn, d := r.importConnection(ctx, c, team, *m, items[places[0]])
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	m.TeamSlug, m.DatasetID = types.StringValue(team), types.Int64Value(ds.ID)
	m.ID = types.StringValue(fmt.Sprintf("%s/%s:%s", team, ds.Slug, normPath(m.Path.ValueString())))
	m.StorageSlug = types.StringValue(conn.importName())
	m.StoragePrefix = types.StringValue(strings.Trim(conn.Prefix, "/"))

	members := make([]SetMember, 0, len(items))
	m.Registered = make(map[string]string, len(items))
	for _, p := range places {
		members = append(members, memberOf(items[p]))
		m.Registered[p] = items[p].ID
	}
	src, d := r.importedSource(ctx, conn, m.Path.ValueString(), items)
	if diags.Append(d...); diags.HasError() {
		return diags
	}
	if src != "" {
		m.Source = &setSourceModel{Prefix: types.StringValue(src), Include: types.ListNull(types.StringType), Exclude: types.ListNull(types.StringType)}
		m.Items = types.MapNull(setItemType(ctx))
	} else {
		m.Items, d = importedItems(ctx, m.Path.ValueString(), items, places)
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		// The connection was found by one item, or named: every file must be in its bucket,
		// or the folders recorded below would be another bucket's.
		if diags.Append(r.checkFilesIn(ctx, object, conn, items)...); diags.HasError() {
			return diags
		}
	}
	diags.Append(recordImportedConnection(ctx, private, conn)...)
	diags.Append(private.SetKey(ctx, importAdoptedKey, []byte("true"))...)
	prefixes, err := nameFolderPrefixes(conn, m.MetadataLayout.ValueString(), members)
	if err != nil {
		diags.AddError("Cannot compute the metadata folders of the "+object, err.Error())
		return diags
	}
	m.Owned = ownedScope(conn.Bucket, prefixes)
	m.ItemCount = types.Int64Value(int64(len(items)))
	m.MetadataScope = scopeSummary(m.Owned)
	return diags
}

// importConnection is the set's storage connection: the one the import id named; the team's
// only one; else the only writable one under whose prefix V7's folder for the first item holds
// files.
func (r *itemSetResource) importConnection(ctx context.Context, c *Client, team string, m itemSetModel, first Item) (StorageConnection, diag.Diagnostics) {
	var diags diag.Diagnostics
	object := setObject(m)
	if !m.StorageSlug.IsNull() && m.StorageSlug.ValueString() != "" {
		conn, err := c.Storage(ctx, team, m.StorageSlug.ValueString())
		if err != nil {
			diags.Append(diagnostics.Error("Importing the "+object+" failed", err, ""))
		}
		return conn, diags
	}
	keys := make([]string, len(first.Slots))
	for i, s := range first.Slots {
		keys[i] = s.StorageKey
	}
	return findConnection(ctx, r.data, c, team, "the "+object, first.Name, keys,
		team+"/"+m.DatasetSlug.ValueString()+"/<storage connection>:"+m.Path.ValueString())
}

// checkFilesIn checks that every file of the items is in the connection's bucket: one delimited
// listing of each folder the files lie directly in (Σ ⌈keys in the folder/1000⌉ requests).
func (r *itemSetResource) checkFilesIn(ctx context.Context, object string, conn StorageConnection, items map[string]Item) diag.Diagnostics {
	var diags diag.Diagnostics
	engine, d := r.data.Engine(ctx, storage.Options{})
	if diags.Append(d...); engine == nil {
		return diags
	}
	want := map[string]map[string]bool{} // folder → keys
	for _, it := range items {
		for _, sl := range it.Slots {
			folder := SourceFolder(sl.StorageKey)
			if want[folder] == nil {
				want[folder] = map[string]bool{}
			}
			want[folder][sl.StorageKey] = true
		}
	}
	var missing []string
	for _, folder := range slices.Sorted(maps.Keys(want)) {
		keys := want[folder]
		err := engine.Children(ctx, conn.Bucket, folder, func(key string) error {
			delete(keys, key)
			return nil
		})
		if err != nil {
			diags.Append(diagnostics.Error("Listing s3://"+conn.Bucket+"/"+folder+" for the import failed", err, ""))
			return diags
		}
		missing = append(missing, slices.Sorted(maps.Keys(keys))...)
	}
	if len(missing) > 0 {
		diags.AddError("Cannot import the "+object+": its files are not in the connection's bucket",
			fmt.Sprintf("%d files of its items are not in s3://%s, the bucket of storage connection %q: %s. The set would record folders "+
				"of the wrong bucket. Name the connection that holds them in the import id (<team_slug>/<dataset_slug>/<storage "+
				"connection>:<path>), or import the items of each connection from a folder of their own.", len(missing), conn.Bucket,
				conn.importName(), sample(missing, 10)))
	}
	return diags
}

// importedSource is the source folder whose listing registers exactly the set's items, or ""
// when there is none: every item has one slot "0" named as the item, whose key is
// <folder>/<item folder relative to the set>/<name> for one folder, and a listing of that
// folder finds no key more.
func (r *itemSetResource) importedSource(ctx context.Context, conn StorageConnection, setPath string, items map[string]Item) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	folder, first := "", true
	for _, it := range items {
		if len(it.Slots) != 1 || it.Slots[0].SlotName != "0" || it.Slots[0].FileName != it.Name {
			return "", diags
		}
		rel := it.Name
		if dir := strings.TrimPrefix(normPath(it.Path), strings.TrimSuffix(normPath(setPath), "/")); dir != "" {
			rel = strings.TrimPrefix(dir, "/") + "/" + it.Name
		}
		f, ok := strings.CutSuffix(it.Slots[0].StorageKey, "/"+rel)
		if !ok || (!first && f != folder) {
			return "", diags
		}
		folder, first = f, false
	}
	if validate.OwnedPrefix(folder) != nil {
		return "", diags
	}
	engine, d := r.data.Engine(ctx, storage.Options{})
	if diags.Append(d...); engine == nil {
		return "", diags
	}
	list, _, err := SourceMembers(ctx, engine, conn, setPath, SetSource{Prefix: folder})
	if err != nil {
		diags.Append(diagnostics.Error("Listing s3://"+conn.Bucket+"/"+folder+"/ for the import failed", err, ""))
		return "", diags
	}
	if len(list) != len(items) {
		return "", diags // the folder holds keys the set does not: the explicit form
	}
	for _, mb := range list {
		if it, ok := items[mb.Place]; !ok || !sameSlots(it, mb.Item) {
			return "", diags
		}
	}
	return folder + "/", diags
}

// importedItems is the explicit form of the items, from V7's answer: by name, with path only
// where an item lies in a folder under the set's.
func importedItems(ctx context.Context, setPath string, items map[string]Item, places []string) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	typ := setItemType(ctx)
	byName := make(map[string]attr.Value, len(items))
	where := map[string]string{}
	for _, p := range places {
		it := items[p]
		if other, dup := where[it.Name]; dup {
			diags.AddError("Cannot import the set in the explicit form",
				fmt.Sprintf("Its items are named by name, and %s and %s share the name %q. No single source folder registers "+
					"exactly these items either. Import the folders apart, as sets of their own.", other, p, it.Name))
			return types.MapNull(typ), diags
		}
		where[it.Name] = p
		slots, _ := importSlots(it)
		folder := types.StringNull()
		if normPath(it.Path) != normPath(setPath) {
			folder = types.StringValue(normPath(it.Path))
		}
		v, d := types.ObjectValueFrom(ctx, typ.AttrTypes, setItemModel{Path: folder, Slots: slots})
		diags.Append(d...)
		byName[it.Name] = v
	}
	out, d := types.MapValue(typ, byName)
	diags.Append(d...)
	return out, diags
}

// setItemType is the type of an element of items, as the schema declares it.
func setItemType(ctx context.Context) types.ObjectType {
	var resp resource.SchemaResponse
	(&itemSetResource{}).Schema(ctx, resource.SchemaRequest{}, &resp)
	return resp.Schema.Attributes["items"].GetType().(types.MapType).ElemType.(types.ObjectType)
}
