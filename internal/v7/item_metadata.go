package v7

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
)

// This file is what the item knows of V7's name-keyed metadata folders once it is in state:
// which of its owned prefixes V7 wrote (found, not assumed) and who else still uses them.

// foundLimit caps the count per prefix recorded at create: enough to tell "nothing" from
// "something" and to show the order of magnitude.
const foundLimit = teardown.PreviewLimit

// scopeOf reads metadata_scope back with the teardown's own reader: the bucket and the
// (normalised) prefixes, none when it is null, unknown or unreadable.
func scopeOf(ctx context.Context, v types.Object) storage.Scope {
	scopes, err := teardown.ScopesFrom(ctx, "metadata_scope", v)
	if err != nil || len(scopes) == 0 {
		return storage.Scope{}
	}
	return scopes[0]
}

// nameFoldersOf returns the owned prefixes that are V7's name-keyed folders, from state alone:
// a prefix of metadata_scope that ends in <source folder>/data/<name> for the folder of one of
// the item's slots, and that the user did not declare in extra_metadata_prefixes.
func nameFoldersOf(ctx context.Context, m itemModel) []NameFolder {
	var extra []string
	m.ExtraMetadataPrefixes.ElementsAs(ctx, &extra, false)
	for i, p := range extra {
		extra[i] = strings.Trim(p, "/")
	}
	name := m.Name.ValueString()
	var out []NameFolder
	for _, p := range scopeOf(ctx, m.MetadataScope).Prefixes {
		if slices.Contains(extra, p) {
			continue
		}
		for _, s := range m.Slots {
			dir := SourceFolder(s.StorageKey.ValueString())
			tail := joinKey(dir, "data", name)
			if p == tail || strings.HasSuffix(p, "/"+tail) {
				f := NameFolder{Prefix: p, SourceFolder: dir, Name: name}
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
				break
			}
		}
	}
	return out
}

// foldersByPrefix indexes name-keyed folders by their prefix.
func foldersByPrefix(folders []NameFolder) map[string]NameFolder {
	out := make(map[string]NameFolder, len(folders))
	for _, f := range folders {
		out[f.Prefix] = f
	}
	return out
}

// foundValue is metadata_objects_found for counts per prefix.
func foundValue(counts map[string]int64) types.Map {
	elems := make(map[string]attr.Value, len(counts))
	for p, n := range counts {
		elems[p] = types.Int64Value(n)
	}
	return types.MapValueMust(types.Int64Type, elems)
}

// recordFound lists the item's metadata scope once V7 has processed it, records what is there
// per prefix, and warns about each name-keyed folder V7 wrote nothing to. A listing that fails
// is a warning: the item exists either way.
func recordFound(ctx context.Context, data *providerdata.Data, m *itemModel) diag.Diagnostics {
	var diags diag.Diagnostics
	scope := scopeOf(ctx, m.MetadataScope)
	if len(scope.Prefixes) == 0 || m.ProcessingStatus.ValueString() != "complete" {
		return diags
	}
	counts, err := teardown.Found(ctx, data, scope.Bucket, scope.Prefixes, foundLimit)
	if err != nil {
		diags.AddWarning(fmt.Sprintf("Cannot check where V7 wrote the metadata of V7 item %q", m.Name.ValueString()),
			err.Error()+". The next refresh checks again.")
		return diags
	}
	m.MetadataObjectsFound = foundValue(counts)
	return append(diags, emptyFolderWarnings(ctx, *m, scope.Bucket, counts)...)
}

// checkFolders is the refresh's check of a live, processed item: one listing per name-keyed
// folder that was found empty says whether V7 has written there since (else the warning
// stands). A folder found holding V7's files needs no listing: the warning is for a layout
// that V7 does not write, and a plan of N items would otherwise list N folders.
func checkFolders(ctx context.Context, data *providerdata.Data, m itemModel) diag.Diagnostics {
	if m.ProcessingStatus.ValueString() != "complete" {
		return nil
	}
	var recorded map[string]int64
	m.MetadataObjectsFound.ElementsAs(ctx, &recorded, false)
	var prefixes []string
	for _, f := range nameFoldersOf(ctx, m) {
		if n, ok := recorded[f.Prefix]; !ok || n == 0 {
			prefixes = append(prefixes, f.Prefix)
		}
	}
	if len(prefixes) == 0 {
		return nil
	}
	bucket := scopeOf(ctx, m.MetadataScope).Bucket
	counts, err := teardown.Found(ctx, data, bucket, prefixes, 1)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddWarning(fmt.Sprintf("Cannot check where V7 wrote the metadata of V7 item %q", m.Name.ValueString()), err.Error())
		return diags
	}
	return emptyFolderWarnings(ctx, m, bucket, counts)
}

func emptyFolderWarnings(ctx context.Context, m itemModel, bucket string, counts map[string]int64) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, f := range nameFoldersOf(ctx, m) {
		if n, ok := counts[f.Prefix]; !ok || n > 0 {
			continue
		}
		diags.AddWarning(fmt.Sprintf("V7 wrote nothing at s3://%s/%s", bucket, f.Prefix),
			fmt.Sprintf("V7 item %q (%s) is processed, but its metadata folder s3://%s/%s is empty, so terraform destroy "+
				"would remove nothing of V7's there. V7's guide puts an item's derived files in <prefix>[/<source folder>]/data/<name>; "+
				"items registered before 2023 use another structure. If V7 keeps this item's files elsewhere, declare that place "+
				"in extra_metadata_prefixes (and set metadata_layout = \"none\" if V7 writes nothing here).",
				m.Name.ValueString(), m.ID.ValueString(), bucket, f.Prefix))
	}
	return diags
}

// folderUsers is the teardown's InUse for V7 items: a name-keyed folder is still used by
// every other live item of the team (archived ones included, in any dataset) with the same
// name whose source sits in the same folder. An item whose answer names no storage key could
// be using it, so it counts too: a folder is kept rather than guessed free. The storage
// connection of another item is not in V7's answer; items of another connection with the same
// name and source folder are counted as users too. folders are the resource's name-keyed
// folders by prefix, and own its own items' ids, left out. All the prefixes of one question
// cost the datasets' listing and one listing per some 230 names (nameBatches).
func folderUsers(connect func(context.Context) (*Client, string, error), folders map[string]NameFolder, own func(id string) bool) func(context.Context, []string) (map[string][]string, error) {
	return func(ctx context.Context, prefixes []string) (map[string][]string, error) {
		byName := map[string][]NameFolder{}
		for _, p := range prefixes {
			if f, ok := folders[p]; ok { // any other prefix is not name-keyed: the resource's alone
				byName[f.Name] = append(byName[f.Name], f)
			}
		}
		if len(byName) == 0 {
			return nil, nil
		}
		c, team, err := connect(ctx)
		if err != nil {
			return nil, err
		}
		items, datasets, err := itemsNamed(ctx, c, team, slices.Sorted(maps.Keys(byName)))
		if err != nil {
			return nil, err
		}
		users := map[string][]string{}
		for _, it := range items {
			if own(it.ID) {
				continue
			}
			for _, f := range byName[it.Name] {
				if usesFolder(it, f.SourceFolder) {
					users[f.Prefix] = append(users[f.Prefix], fmt.Sprintf("V7 item %q (%s) in dataset %q at %s", it.Name, it.ID, datasets[it.DatasetID], it.Path))
				}
			}
		}
		return users, nil
	}
}

// usesFolder says whether an item may use the name-keyed folder of a source folder: one of its
// slots has its source there, or V7 did not say where its sources are.
func usesFolder(it Item, sourceFolder string) bool {
	known := false
	for _, s := range it.Slots {
		if s.StorageKey == "" {
			continue
		}
		known = true
		if SourceFolder(s.StorageKey) == sourceFolder {
			return true
		}
	}
	return !known
}

// namesQueryBytes bounds the encoded item_names[] of one listing, so that its URL stays under
// 8 KB, a common limit of a request line, with the rest of the URL (V7 documents no cap on
// repeated filters; inferred): some 230 names of 12 characters a request.
const namesQueryBytes = 7000

// nameBatches splits names into batches whose encoded item_names[] fit namesQueryBytes.
func nameBatches(names []string) [][]string {
	var out [][]string
	var batch []string
	size := 0
	for _, n := range names {
		b := len(url.QueryEscape("item_names[]")) + len(url.QueryEscape(n)) + 2
		if len(batch) > 0 && size+b > namesQueryBytes {
			out, batch, size = append(out, batch), nil, 0
		}
		batch, size = append(batch, n), size+b
	}
	if len(batch) > 0 {
		out = append(out, batch)
	}
	return out
}

// itemsNamed lists the team's items with these names in every dataset the key sees (one
// request covers every dataset: dataset_ids[] repeats), and the datasets' slugs by id.
func itemsNamed(ctx context.Context, c *Client, team string, names []string) ([]Item, map[int64]string, error) {
	q, slugs, err := everyDataset(ctx, c)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the datasets to find other V7 items with the same names: %w", err)
	}
	if len(slugs) == 0 {
		return nil, slugs, nil
	}
	var out []Item
	for _, batch := range nameBatches(names) {
		q.Names = batch
		items, err := c.ListItems(ctx, team, q)
		if err != nil {
			return nil, nil, fmt.Errorf("listing V7 items named like %d of the resource's: %w", len(batch), err)
		}
		for _, it := range items {
			if slices.Contains(batch, it.Name) { // the filter is V7's; the match is checked here too
				out = append(out, it)
			}
		}
	}
	return out, slugs, nil
}

// everyDataset is a listing query over every dataset the key sees (dataset_ids[] repeats, so one
// request covers them all) and the datasets' slugs by id: one request.
func everyDataset(ctx context.Context, c *Client) (ListQuery, map[int64]string, error) {
	all, err := c.Datasets(ctx)
	if err != nil {
		return ListQuery{}, nil, err
	}
	slugs := make(map[int64]string, len(all))
	q := ListQuery{}
	for _, d := range all {
		slugs[d.ID] = d.Slug
		q.DatasetIDs = append(q.DatasetIDs, d.ID)
	}
	return q, slugs, nil
}
