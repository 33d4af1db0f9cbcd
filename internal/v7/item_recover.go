package v7

import (
	"context"
	"fmt"
	"strings"
)

// lookup is what a search for a registration's item found: the item it made (Match, when
// exactly one item at the name and path has the registration's slots) and every item at the
// name and path (Candidates).
type lookup struct {
	Match      *Item
	Candidates []Item
}

// findRegistered looks for the item a registration may have made although its answer was
// lost: in the dataset, at the path, with the name, whose slots hold the registration's storage
// keys. V7 refuses a second item with the same name at the same path, so at most one can be
// there; an item there whose slots differ (or that V7 shows without storage keys) is another
// registration's, and is only a candidate.
func findRegistered(ctx context.Context, c *Client, team string, datasetID int64, reg RegisterItem) (lookup, error) {
	items, err := c.ListItems(ctx, team, ListQuery{DatasetID: datasetID, Names: []string{reg.Name}, Paths: []string{reg.Path}})
	if err != nil {
		return lookup{}, err
	}
	var l lookup
	for _, it := range items {
		if it.Name != reg.Name || normPath(it.Path) != normPath(reg.Path) || it.DatasetID != datasetID {
			continue
		}
		l.Candidates = append(l.Candidates, it)
	}
	var matches []Item
	for _, it := range l.Candidates {
		if sameSlots(it, reg) {
			matches = append(matches, it)
		}
	}
	if len(matches) == 1 {
		l.Match = &matches[0]
	}
	return l, nil
}

// sameSlots reports whether the item holds exactly the registration's slots, each with its
// storage key.
func sameSlots(it Item, reg RegisterItem) bool {
	if len(it.Slots) != len(reg.Slots) {
		return false
	}
	keys := make(map[string]string, len(it.Slots))
	for _, s := range it.Slots {
		keys[s.SlotName] = s.StorageKey
	}
	for _, s := range reg.Slots {
		if k, ok := keys[s.SlotName]; !ok || k != s.StorageKey {
			return false
		}
	}
	return true
}

func normPath(p string) string {
	p = "/" + strings.Trim(p, "/")
	return p
}

// describeItems names items and their import ids, one per line.
func describeItems(team string, items []Item) string {
	lines := make([]string, len(items))
	for i, it := range items {
		keys := make([]string, 0, len(it.Slots))
		for _, s := range it.Slots {
			keys = append(keys, s.StorageKey)
		}
		lines[i] = fmt.Sprintf("  item %s (%s%s, status %q, storage keys %q): import id %s/%s", it.ID, strings.TrimSuffix(normPath(it.Path), "/")+"/", it.Name, it.Status, keys, team, it.ID)
	}
	return strings.Join(lines, "\n")
}
