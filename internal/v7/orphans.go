package v7

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// Orphan is a name-keyed metadata folder, <prefix>[/<source folder>]/data/<name>/, that no live
// or archived item of the team uses: what V7 left behind when its item was deleted, when
// Confirmed; a folder that only looks like one otherwise.
type Orphan struct {
	Prefix       string
	SourceFolder string
	Name         string
	Objects      int64
	Bytes        int64
	LastModified time.Time
	// Confirmed says there is evidence that V7 wrote the folder (Evidence says which); an
	// unconfirmed folder is reported apart and never taken unless the user says so.
	Confirmed bool
	Evidence  string
	// Sample is a few of the folder's keys, for a person to judge an unconfirmed one.
	Sample []string

	// onlyV7 stays true while every key lies in a subfolder V7 writes (uploads/, thumbnails/,
	// sections/).
	onlyV7 bool
}

// v7Subfolders are the folders V7 is known to write inside an item's name-keyed folder:
// uploads/<upload id>/thumbnails/… in V7's e2e fixtures, sections/… for videos and DICOM
// (../shared/platforms/v7.md §10), and thumbnails/ beside them.
var v7Subfolders = map[string]bool{"uploads": true, "thumbnails": true, "sections": true}

// orphanSample is how many keys of a folder are kept to show.
const orphanSample = 3

// Evidence of V7's authorship.
const (
	evidenceSource = "its source key is in the bucket"
	evidenceLayout = "every key lies in a folder V7 writes (uploads/, thumbnails/, sections/)"
)

// orphanScan gathers the data/<name>/ folders of a listing.
type orphanScan struct {
	prefix  string // the connection's prefix, without slashes
	only    *string
	folders map[string]*Orphan
	unsafe  map[string]bool
}

func newOrphanScan(prefix string, only *string) *orphanScan {
	return &orphanScan{prefix: strings.Trim(prefix, "/"), only: only, folders: map[string]*Orphan{}, unsafe: map[string]bool{}}
}

// add reads one key. A key is a folder's when exactly one of its parts (after the prefix) is
// "data" with a name and something more after it: a key inside data/<name>/, the layout V7's
// guide names. A lone key data/<name> is nobody's folder (V7 writes folders, never a file named
// like an item). A key inside two such folders could be either's, so both are left alone:
// nothing is taken on a guess.
func (s *orphanScan) add(o storage.Object) {
	rel := o.Key
	if s.prefix != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(o.Key, s.prefix+"/"); !ok {
			return
		}
	}
	parts := strings.Split(rel, "/")
	var at []int
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "data" && parts[i+1] != "" {
			at = append(at, i)
		}
	}
	folderOf := func(i int) (prefix, source, name string) {
		source = strings.Join(parts[:i], "/")
		return joinKey(s.prefix, source, "data", parts[i+1]), source, parts[i+1]
	}
	if len(at) != 1 {
		for _, i := range at {
			p, _, _ := folderOf(i)
			s.unsafe[p] = true
		}
		return
	}
	i := at[0]
	p, source, name := folderOf(i)
	if s.only != nil && source != *s.only {
		return
	}
	f := s.folders[p]
	if f == nil {
		f = &Orphan{Prefix: p, SourceFolder: source, Name: name, onlyV7: true}
		s.folders[p] = f
	}
	f.Objects++
	f.Bytes += o.Size
	if o.LastModified.After(f.LastModified) {
		f.LastModified = o.LastModified
	}
	if len(f.Sample) < orphanSample {
		f.Sample = append(f.Sample, o.Key)
	}
	if inside := parts[i+2:]; len(inside) < 2 || !v7Subfolders[inside[0]] {
		f.onlyV7 = false
	}
}

// candidates are the folders that are no one's for certain: not unsafe.
func (s *orphanScan) candidates() map[string]*Orphan {
	out := make(map[string]*Orphan, len(s.folders))
	for p, f := range s.folders {
		if !s.unsafe[p] {
			out[p] = f
		}
	}
	return out
}

// liveKeys is the storage keys of every item of the team (every slot, every dataset, archived
// items too), sorted, to answer "is a live item's file under this folder?".
type liveKeys []string

func liveKeysOf(items []Item) liveKeys {
	var out liveKeys
	for _, it := range items {
		for _, s := range it.Slots {
			if s.StorageKey != "" {
				out = append(out, strings.TrimLeft(s.StorageKey, "/"))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// under returns a live key that is p or lies under p/, if there is one.
func (l liveKeys) under(p string) (string, bool) {
	if _, ok := slices.BinarySearch(l, p); ok {
		return p, true
	}
	i, _ := slices.BinarySearch(l, p+"/")
	if i < len(l) && strings.HasPrefix(l[i], p+"/") {
		return l[i], true
	}
	return "", false
}

// teamItems lists every item of the team in every dataset the key sees (archived ones too):
// one request for the datasets and ⌈items/500⌉ for the items.
func teamItems(ctx context.Context, c *Client, team string) ([]Item, map[int64]string, error) {
	q, slugs, err := everyDataset(ctx, c)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the datasets: %w", err)
	}
	if len(slugs) == 0 {
		return nil, slugs, nil
	}
	items, err := c.ListItems(ctx, team, q)
	if err != nil {
		return nil, nil, fmt.Errorf("listing the team's items: %w", err)
	}
	return items, slugs, nil
}

// Orphans is what FindOrphans found: the folders V7 is known to have written, and those that
// only look like V7's.
type Orphans struct {
	Confirmed, Unconfirmed []Orphan
}

// FindOrphans lists the connection's bucket once under its prefix (or under the source folder's
// data/ folder when sourceFolder is set) and returns the name-keyed folders no item of the team
// uses, sorted by prefix, confirmed apart from unconfirmed.
//
// A folder is left out when an item of the team named like it has a file in its source folder
// (it is that item's metadata), or when it is or holds a live item's file. It is confirmed when
// every key in it lies in a folder V7 writes, or when its would-be source key <source
// folder>/<name> is in the bucket (any version). Budget: ⌈keys/1000⌉ listings under the prefix,
// ⌈children/1000⌉ listings of each source folder that an unconfirmed-looking folder names (a
// delimited listing of that folder's own keys), and 1 + ⌈team items/500⌉ V7 requests. A lookup
// that fails is an error: a partial answer is never read as "no item".
func FindOrphans(ctx context.Context, engine *storage.Engine, c *Client, team string, conn StorageConnection, sourceFolder *string) (Orphans, error) {
	s := newOrphanScan(conn.Prefix, sourceFolder)
	under := s.prefix
	if sourceFolder != nil {
		under = joinKey(s.prefix, *sourceFolder, "data")
	}
	if err := engine.Objects(ctx, conn.Bucket, under, func(o storage.Object) error { s.add(o); return nil }); err != nil {
		return Orphans{}, err
	}
	folders := s.candidates()
	if len(folders) == 0 {
		return Orphans{}, nil
	}
	items, _, err := teamItems(ctx, c, team)
	if err != nil {
		return Orphans{}, fmt.Errorf("looking up the items that may use the folders: %w", err)
	}
	byName := map[string][]*Orphan{}
	for _, f := range folders {
		byName[f.Name] = append(byName[f.Name], f)
	}
	for _, it := range items {
		for _, f := range byName[it.Name] {
			if usesFolder(it, f.SourceFolder) {
				delete(folders, f.Prefix) // its item's metadata
			}
		}
	}
	live := liveKeysOf(items)
	for p := range folders {
		if _, ok := live.under(p); ok {
			delete(folders, p) // a live item's file is there: the customer's, whatever the path
		}
	}
	// The would-be source keys, read from each source folder's own keys (one delimited listing).
	sources := map[string]bool{}
	for _, f := range folders {
		if !f.onlyV7 {
			sources[f.SourceFolder] = true
		}
	}
	exists := map[string]bool{}
	for _, src := range slices.Sorted(maps.Keys(sources)) {
		if err := engine.Children(ctx, conn.Bucket, src, func(key string) error { exists[key] = true; return nil }); err != nil {
			return Orphans{}, fmt.Errorf("looking for the folders' source keys: %w", err)
		}
	}
	var out Orphans
	for _, f := range folders {
		switch {
		case f.onlyV7:
			f.Confirmed, f.Evidence = true, evidenceLayout
		case exists[joinKey(f.SourceFolder, f.Name)]:
			f.Confirmed, f.Evidence = true, evidenceSource
		}
		if f.Confirmed {
			out.Confirmed = append(out.Confirmed, *f)
		} else {
			out.Unconfirmed = append(out.Unconfirmed, *f)
		}
	}
	byPrefix := func(a, b Orphan) int { return strings.Compare(a.Prefix, b.Prefix) }
	slices.SortFunc(out.Confirmed, byPrefix)
	slices.SortFunc(out.Unconfirmed, byPrefix)
	return out, nil
}

// orphanUsers is the InUse of an orphan cleanup's destroy: the team's items are listed again
// (1 + ⌈items/500⌉ requests), and a folder is kept when an item named like it uses it (its
// metadata again) or when a live item's file is the folder or lies in it.
func orphanUsers(connect func(context.Context) (*Client, string, error), folders map[string]NameFolder) func(context.Context, []string) (map[string][]string, error) {
	return func(ctx context.Context, prefixes []string) (map[string][]string, error) {
		if len(prefixes) == 0 {
			return nil, nil
		}
		c, team, err := connect(ctx)
		if err != nil {
			return nil, err
		}
		items, datasets, err := teamItems(ctx, c, team)
		if err != nil {
			return nil, err
		}
		byName := map[string][]NameFolder{}
		for _, p := range prefixes {
			if f, ok := folders[p]; ok {
				byName[f.Name] = append(byName[f.Name], f)
			}
		}
		users := map[string][]string{}
		describe := func(it Item) string {
			return fmt.Sprintf("V7 item %q (%s) in dataset %q at %s", it.Name, it.ID, datasets[it.DatasetID], it.Path)
		}
		keyOwner := map[string]Item{}
		for _, it := range items {
			for _, f := range byName[it.Name] {
				if usesFolder(it, f.SourceFolder) {
					users[f.Prefix] = append(users[f.Prefix], describe(it))
				}
			}
			for _, s := range it.Slots {
				if s.StorageKey != "" {
					keyOwner[strings.TrimLeft(s.StorageKey, "/")] = it
				}
			}
		}
		live := liveKeysOf(items)
		for _, p := range prefixes {
			if k, ok := live.under(p); ok {
				users[p] = append(users[p], fmt.Sprintf("%s, whose file s3 key %s is there", describe(keyOwner[k]), k))
			}
		}
		return users, nil
	}
}
