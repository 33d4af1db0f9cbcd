package v7

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/diagnostics"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// This file fills what an import leaves empty, so that the configuration Terraform generates
// for an imported item (`plan -generate-config-out`) plans with no changes: the slots from
// V7's answer, and the storage connection, which V7's item answer does not name.
//
// The values are marked as the import's (modifiers.ImportedKey): a configuration that spells
// them otherwise but means the same (a slot type left to V7's guess, the connection by its name
// or its slug) is recorded in place at the next apply; one that means another connection or
// other files replaces the item, as it would without an import.

// importStorageNamesKey holds, after an import, the name and slug of the connection found:
// a configuration may name it either way.
const importStorageNamesKey = "import_storage_names"

// sameImportedStorage says whether storage_slug names the connection the import found.
func sameImportedStorage(ctx context.Context, req planmodifier.StringRequest) bool {
	b, _ := req.Private.GetKey(ctx, importStorageNamesKey)
	return namesOneConnection(b, req.StateValue.ValueString(), req.PlanValue.ValueString())
}

// namesOneConnection says whether both values are among the recorded names of one connection.
func namesOneConnection(record []byte, a, b string) bool {
	var names []string
	if json.Unmarshal(record, &names) != nil {
		return false
	}
	return slices.Contains(names, a) && slices.Contains(names, b)
}

// sameImportedSlots says whether configured slots mean the imported ones: the same names,
// files and keys, a type that is V7's or left to its guess, and the settings V7's answer does
// not report (thumbnail, sizes, sections) as the configuration has them.
func sameImportedSlots(ctx context.Context, state, plan types.List) bool {
	var was, now []slotModel
	if state.ElementsAs(ctx, &was, false).HasError() || plan.ElementsAs(ctx, &now, false).HasError() || len(was) != len(now) {
		return false
	}
	unsetOrEqual := func(a, b attr.Value) bool { return a.IsNull() || a.Equal(b) }
	for i, a := range was {
		b := now[i]
		if !a.SlotName.Equal(b.SlotName) || !a.FileName.Equal(b.FileName) || !a.StorageKey.Equal(b.StorageKey) ||
			(!b.Type.IsNull() && !a.Type.Equal(b.Type)) || !unsetOrEqual(a.StorageThumbnailKey, b.StorageThumbnailKey) ||
			!unsetOrEqual(a.Width, b.Width) || !unsetOrEqual(a.Height, b.Height) || (a.Sections != nil && !slices.Equal(a.Sections, b.Sections)) {
			return false
		}
	}
	return true
}

// importSlots are the slots V7 reports, as a configuration would write them; ok is false when
// the answer leaves a storage key out (darwin-py's item model makes it optional).
func importSlots(it Item) (slots []slotModel, ok bool) {
	for _, s := range it.Slots {
		if s.StorageKey == "" {
			return nil, false
		}
		sm := slotModel{SlotName: types.StringValue(s.SlotName), FileName: types.StringValue(s.FileName),
			StorageKey: types.StringValue(s.StorageKey), Type: types.StringNull(),
			StorageThumbnailKey: types.StringNull(), Width: types.Int64Null(), Height: types.Int64Null()}
		if s.Type != "" {
			sm.Type = types.StringValue(s.Type)
		}
		slots = append(slots, sm)
	}
	return slots, len(slots) > 0
}

// adoptImported fills slots, storage_slug and metadata_scope after an import. The connection
// is, in order: the one the import id named; the team's only one; the only one under whose
// prefix V7's folder for this item holds files. Otherwise the import fails and says which
// import id form names it.
func (r *itemResource) adoptImported(ctx context.Context, c *Client, team string, m *itemModel, it Item, private privateWriter) diag.Diagnostics {
	var diags diag.Diagnostics
	object := fmt.Sprintf("V7 item %q (%s)", it.Name, it.ID)
	if m.Slots == nil {
		slots, ok := importSlots(it)
		if !ok {
			diags.AddWarning("V7 does not say where the files of "+object+" are",
				"V7's answer gives no storage key for a slot of this item, so the import cannot fill slots, storage_slug or "+
					"metadata_scope. Write them in the configuration: the next apply records them in place, without a new registration.")
			return diags
		}
		m.Slots = slots
	}
	var conn StorageConnection
	if !m.StorageSlug.IsNull() {
		var err error
		if conn, err = c.Storage(ctx, team, m.StorageSlug.ValueString()); err != nil {
			diags.AddError("Importing "+object+" failed", err.Error())
			return diags
		}
	} else {
		keys := make([]string, len(m.Slots))
		for i, s := range m.Slots {
			keys[i] = s.StorageKey.ValueString()
		}
		var d diag.Diagnostics
		conn, d = findConnection(ctx, r.data, c, team, object, m.Name.ValueString(), keys, team+"/"+it.ID+"/<storage connection>")
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		m.StorageSlug = types.StringValue(conn.importName())
	}
	diags.Append(recordImportedConnection(ctx, private, conn)...)
	scope, d := scopeValue(ctx, conn, *m)
	diags.Append(d...)
	m.MetadataScope = scope
	m.MetadataObjectsFound = types.MapNull(types.Int64Type)
	return diags
}

// findConnection is the connection an import takes when its id names none: the team's only
// one, else the only writable one under whose prefix V7's folder for the item (its name, its
// files' keys) holds files: one listing of one key per writable connection. Otherwise the error
// names the team's connections and the import id form (idForm) that names one.
func findConnection(ctx context.Context, data *providerdata.Data, c *Client, team, object, name string, keys []string, idForm string) (StorageConnection, diag.Diagnostics) {
	var diags diag.Diagnostics
	all, err := c.StorageConnections(ctx, team)
	if err != nil {
		diags.Append(diagnostics.Error("Listing the storage connections of team "+team+" failed", err, ""))
		return StorageConnection{}, diags
	}
	matches := all
	if len(all) > 1 {
		if matches, err = connectionsHolding(ctx, data, all, name, keys); err != nil {
			diags.Append(diagnostics.Error("Finding the storage connection of "+object+" failed", err, ""))
			return StorageConnection{}, diags
		}
	}
	if len(matches) != 1 {
		names := make([]string, len(all))
		for i, s := range all {
			names[i] = s.importName()
		}
		diags.AddError("Cannot tell the storage connection of "+object,
			fmt.Sprintf("V7's answer does not name it, and %d of the team's %d connections (%s) hold V7's files for item %q. "+
				"Name it in the import id: %s.", len(matches), len(all), sample(names, 10), name, idForm))
		return StorageConnection{}, diags
	}
	return matches[0], diags
}

// recordImportedConnection keeps the name and slug of the connection an import found, which
// sameImportedStorage reads.
func recordImportedConnection(ctx context.Context, p privateWriter, conn StorageConnection) diag.Diagnostics {
	names, _ := json.Marshal(slices.DeleteFunc([]string{conn.Name, conn.Slug}, func(s string) bool { return s == "" }))
	return p.SetKey(ctx, importStorageNamesKey, names)
}

// connectionsHolding are the writable connections under whose prefix the name-keyed folder of
// an item (its name and its files' keys) holds at least one object: one listing of one key per
// connection.
func connectionsHolding(ctx context.Context, data *providerdata.Data, all []StorageConnection, name string, keys []string) ([]StorageConnection, error) {
	var out []StorageConnection
	for _, conn := range all {
		if conn.Readonly {
			continue // V7 writes nothing into a read-only connection
		}
		in := ScopeInput{Storage: conn, Layout: LayoutNameFolder, ItemName: name, StorageKeys: keys}
		folders, err := NameFolders(in)
		if err != nil {
			return nil, err
		}
		prefixes := make([]string, len(folders))
		for i, f := range folders {
			prefixes[i] = f.Prefix
		}
		counts, err := teardown.Found(ctx, data, conn.Bucket, prefixes, 1)
		if err != nil {
			return nil, err
		}
		for _, n := range counts {
			if n > 0 {
				out = append(out, conn)
				break
			}
		}
	}
	return out, nil
}

// privateWriter is the part of a response's private state adoptImported writes.
type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// importName is how an import writes a connection into storage_slug: its slug, which the
// configuration is likely to name, else its name.
func (s StorageConnection) importName() string {
	if s.Slug != "" {
		return s.Slug
	}
	return s.Name
}
