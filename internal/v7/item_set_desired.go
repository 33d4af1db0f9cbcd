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

// SourceMembers lists the source folder once and returns the items it stands for: one per
// matching key, named by the key's base name, in the set's folder plus the key's folder
// relative to the source. A key whose name V7 would refuse is returned in skipped.
func SourceMembers(ctx context.Context, engine *storage.Engine, bucket, setPath string, src SetSource) (members []SetMember, skipped []string, err error) {
	m, err := newMatcher(src.Include, src.Exclude)
	if err != nil {
		return nil, nil, err
	}
	folder := strings.Trim(src.Prefix, "/")
	err = engine.Keys(ctx, bucket, folder, func(key string) error {
		rel := strings.TrimPrefix(key, folder+"/")
		if strings.HasSuffix(rel, "/") || !m.takes(rel) {
			return nil // a folder marker, or not selected
		}
		name, dir := path.Base(rel), SourceFolder(rel)
		if usable := ValidName(name) == nil && ValidKey(key) == nil; !usable {
			skipped = append(skipped, key) // V7 would refuse it: named in a warning, not registered
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
	return members, skipped, err
}
