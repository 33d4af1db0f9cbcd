package v7

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// SetSource is the source form of an item set: every object under a folder of the bucket
// that the globs select becomes one single-slot item.
type SetSource struct {
	// Prefix is the folder, relative to the bucket ("customer-data/scans").
	Prefix           string
	Include, Exclude []string
}

// SetMember is one item a set wants: its place in the dataset and its registration.
type SetMember struct {
	Place string // Path + "/" + Name, "/" + Name in the root
	Item  RegisterItem
}

// place is where V7 allows one item in a dataset: a name in a folder.
func place(folder, name string) string {
	return strings.TrimSuffix(normPath(folder), "/") + "/" + name
}

// inFolder says whether a V7 folder lies in the set's folder: the folder itself or one under
// it, never a longer name (/a owns /a and /a/…, never /a-b).
func inFolder(folder, setPath string) bool {
	folder, setPath = normPath(folder), normPath(setPath)
	return setPath == "/" || folder == setPath || strings.HasPrefix(folder, setPath+"/")
}

// globRE turns a glob on a relative key into a regular expression: * and ? stay within a
// path segment, ** crosses segments ("tmp/**", "**/*.jpg").
func globRE(glob string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; {
		case strings.HasPrefix(glob[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(glob[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// matcher selects relative keys by include and exclude globs: a key is taken when it matches
// an include glob (any, when there is none) and no exclude glob.
type matcher struct{ include, exclude []*regexp.Regexp }

func newMatcher(include, exclude []string) (matcher, error) {
	var m matcher
	for _, list := range []struct {
		globs []string
		out   *[]*regexp.Regexp
	}{{include, &m.include}, {exclude, &m.exclude}} {
		for _, g := range list.globs {
			re, err := globRE(g)
			if err != nil {
				return m, fmt.Errorf("glob %q: %w", g, err)
			}
			*list.out = append(*list.out, re)
		}
	}
	return m, nil
}

func (m matcher) takes(rel string) bool {
	match := func(res []*regexp.Regexp) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(rel) })
	}
	return (len(m.include) == 0 || match(m.include)) && !match(m.exclude)
}

// ValidGlob checks an include or exclude glob.
func ValidGlob(g string) error {
	if strings.TrimSpace(g) == "" {
		return fmt.Errorf("a glob must not be empty")
	}
	_, err := globRE(g)
	return err
}

// writeBack tells the keys V7 writes into a read-write connection's bucket: everything inside
// <connection prefix>/<source folder>/data/<name>/ for any source folder and name (V7's guide;
// ../shared/platforms/v7.md §10). A set never registers them: they are V7's thumbnails and
// sections of the items it registered, and taking them would register the last apply's
// derived files at every apply. A read-only connection has none.
type writeBack struct {
	on     bool
	prefix string // the connection's prefix, without slashes
}

func writeBackOf(conn StorageConnection) writeBack {
	return writeBack{on: !conn.Readonly, prefix: strings.Trim(conn.Prefix, "/")}
}

// holds says whether key lies inside a data/<name>/ folder under the connection's prefix.
func (w writeBack) holds(key string) bool {
	if !w.on {
		return false
	}
	rel := key
	if w.prefix != "" {
		var ok bool
		if rel, ok = strings.CutPrefix(key, w.prefix+"/"); !ok {
			return false
		}
	}
	parts := strings.Split(rel, "/")
	for i := 0; i+2 < len(parts); i++ {
		if parts[i] == "data" && parts[i+1] != "" {
			return true
		}
	}
	return false
}

// overlaps says whether V7 may write inside the source folder: the connection's prefix lies in
// it (an empty prefix lies in every folder), or it lies in the connection's prefix.
func (w writeBack) overlaps(folder string) bool {
	folder = strings.Trim(folder, "/")
	return w.on && (w.prefix == "" || folder == "" || folder == w.prefix || strings.HasPrefix(w.prefix, folder+"/") || strings.HasPrefix(folder, w.prefix+"/"))
}

// SourceKeys is what a listing of a set's source found besides its members: keys V7 would
// refuse, and how many keys lie inside V7's write-back folders.
type SourceKeys struct {
	Skipped   []string
	WriteBack int
}

// SourceMembers lists the source folder once and returns the items it stands for: one per
// matching key, named by the key's base name, in the set's folder plus the key's folder
// relative to the source. A key whose name V7 would refuse is returned in skipped; a key inside
// the connection's write-back layout is never a member, only counted.
func SourceMembers(ctx context.Context, engine *storage.Engine, conn StorageConnection, setPath string, src SetSource) (members []SetMember, left SourceKeys, err error) {
	m, err := newMatcher(src.Include, src.Exclude)
	if err != nil {
		return nil, left, err
	}
	wb := writeBackOf(conn)
	folder := strings.Trim(src.Prefix, "/")
	err = engine.Keys(ctx, conn.Bucket, folder, func(key string) error {
		rel := strings.TrimPrefix(key, folder+"/")
		if strings.HasSuffix(rel, "/") || !m.takes(rel) {
			return nil // a folder marker, or not selected
		}
		if wb.holds(key) {
			left.WriteBack++ // V7's own thumbnails and sections
			return nil
		}
		name, dir := path.Base(rel), SourceFolder(rel)
		if usable := ValidName(name) == nil && ValidKey(key) == nil; !usable {
			left.Skipped = append(left.Skipped, key) // V7 would refuse it: named in a warning, not registered
			return nil
		}
		v7Path := normPath(setPath)
		if dir != "" {
			v7Path = strings.TrimSuffix(v7Path, "/") + "/" + dir
		}
		members = append(members, SetMember{Place: place(v7Path, name), Item: RegisterItem{Name: name, Path: v7Path,
			Slots: []RegisterSlot{{SlotName: "0", FileName: name, StorageKey: key}}}})
		return nil
	})
	return members, left, err
}
