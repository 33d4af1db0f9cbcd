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

// Orphan is a name-keyed metadata folder, <prefix>[/<source folder>]/data/<name>, that no live
// or archived item of the team uses: what V7 left behind when its item was deleted.
type Orphan struct {
	Prefix       string
	SourceFolder string
	Name         string
	Objects      int64
	Bytes        int64
	LastModified time.Time
}

// orphanScan gathers the data/<name> folders of a listing.
type orphanScan struct {
	prefix  string // the connection's prefix, without slashes
	only    *string
	folders map[string]*Orphan
	unsafe  map[string]bool
}

// add reads one key. A key is a folder's when exactly one of its parts (after the prefix) is
// "data" with a name after it: the layout V7's guide names. A key with two such parts could be
// either folder's, so both are left alone: nothing is taken on a guess.
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
	for i := 0; i+1 < len(parts); i++ {
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
	p, source, name := folderOf(at[0])
	if s.only != nil && source != *s.only {
		return
	}
	f := s.folders[p]
	if f == nil {
		f = &Orphan{Prefix: p, SourceFolder: source, Name: name}
		s.folders[p] = f
	}
	f.Objects++
	f.Bytes += o.Size
	if o.LastModified.After(f.LastModified) {
		f.LastModified = o.LastModified
	}
}

// FindOrphans lists the connection's bucket once, under its prefix (or under the source
// folder's data/ folder when sourceFolder is set), and returns the name-keyed folders no item
// of the team uses, sorted by prefix. Items are asked for by name, some 230 names a request,
// across every dataset. A lookup that fails is an error: a partial answer is never read as
// "no item".
func FindOrphans(ctx context.Context, engine *storage.Engine, c *Client, team string, conn StorageConnection, sourceFolder *string) ([]Orphan, error) {
	s := orphanScan{prefix: strings.Trim(conn.Prefix, "/"), only: sourceFolder, folders: map[string]*Orphan{}, unsafe: map[string]bool{}}
	under := s.prefix
	if sourceFolder != nil {
		under = joinKey(s.prefix, *sourceFolder, "data")
	}
	if err := engine.Objects(ctx, conn.Bucket, under, func(o storage.Object) error { s.add(o); return nil }); err != nil {
		return nil, err
	}
	byName := map[string][]*Orphan{}
	for p, f := range s.folders {
		if !s.unsafe[p] {
			byName[f.Name] = append(byName[f.Name], f)
		}
	}
	if len(byName) == 0 {
		return nil, nil
	}
	items, _, err := itemsNamed(ctx, c, team, slices.Sorted(maps.Keys(byName)))
	if err != nil {
		return nil, fmt.Errorf("looking up the items that may use the folders: %w", err)
	}
	used := map[string]bool{}
	for _, it := range items {
		for _, f := range byName[it.Name] {
			if usesFolder(it, f.SourceFolder) {
				used[f.Prefix] = true
			}
		}
	}
	var out []Orphan
	for _, list := range byName {
		for _, f := range list {
			if !used[f.Prefix] {
				out = append(out, *f)
			}
		}
	}
	slices.SortFunc(out, func(a, b Orphan) int { return strings.Compare(a.Prefix, b.Prefix) })
	return out, nil
}
