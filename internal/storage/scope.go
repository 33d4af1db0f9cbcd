package storage

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Scope is a bucket and the prefixes a resource owns in it.
type Scope struct {
	Bucket   string
	Prefixes []string
}

// NewScope validates and normalises a scope: trailing slashes are dropped ("a/b/" owns what
// "a/b" owns), duplicates and prefixes covered by another one are removed, and the result is
// sorted. An empty bucket, an empty prefix or one made only of slashes is refused, because it
// would own the whole bucket.
func NewScope(bucket string, prefixes ...string) (Scope, error) {
	if strings.TrimSpace(bucket) == "" {
		return Scope{}, errors.New("storage scope: the bucket name is empty")
	}
	if len(prefixes) == 0 {
		return Scope{}, fmt.Errorf("storage scope in bucket %q: no prefix given", bucket)
	}
	cleaned := make([]string, 0, len(prefixes))
	for _, p := range prefixes {
		c := strings.TrimRight(p, "/")
		if strings.TrimSpace(c) == "" {
			return Scope{}, fmt.Errorf("storage scope in bucket %q: prefix %q would own the whole bucket; an owned prefix must name a key or folder", bucket, p)
		}
		cleaned = append(cleaned, c)
	}
	slices.Sort(cleaned)
	cleaned = slices.Compact(cleaned)
	// Sorted, a covering prefix comes before what it covers, though not always just before:
	// "a-b" sorts between "a" and "a/c". So each prefix is looked up at every "/" of it.
	kept := make(map[string]struct{}, len(cleaned))
	out := cleaned[:0]
	for _, p := range cleaned {
		if coveredBy(p, kept) {
			continue
		}
		kept[p] = struct{}{}
		out = append(out, p)
	}
	return Scope{Bucket: bucket, Prefixes: out}, nil
}

// coveredBy reports whether one of the prefixes owns p: p[:i] for a "/" at i.
func coveredBy(p string, prefixes map[string]struct{}) bool {
	for i := range len(p) {
		if p[i] == '/' {
			if _, ok := prefixes[p[:i]]; ok {
				return true
			}
		}
	}
	return false
}

// Owns reports whether key lies in the scope.
func (s Scope) Owns(key string) bool {
	for _, p := range s.Prefixes {
		if ownedBy(key, p) {
			return true
		}
	}
	return false
}

// ShownPrefixes is how many of a scope's prefixes its String names: what a person reads grows
// with the change, not with the scope.
const ShownPrefixes = 10

// String names the scope's first ShownPrefixes prefixes and counts the rest.
func (s Scope) String() string {
	n := min(len(s.Prefixes), ShownPrefixes)
	parts := make([]string, n)
	for i, p := range s.Prefixes[:n] {
		parts[i] = fmt.Sprintf("s3://%s/%s", s.Bucket, p)
	}
	out := strings.Join(parts, ", ")
	if rest := len(s.Prefixes) - n; rest > 0 {
		out += fmt.Sprintf(" and %d more (%d prefixes)", rest, len(s.Prefixes))
	}
	return out
}

// Key identifies the scope in a few bytes (its bucket and every prefix, hashed): what a record
// of progress keeps instead of the scope itself.
func (s Scope) Key() string {
	h := sha256.New()
	h.Write([]byte(s.Bucket))
	for _, p := range s.Prefixes {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return fmt.Sprintf("s3://%s#%x", s.Bucket, h.Sum(nil)[:12])
}

func ownedBy(key, prefix string) bool {
	return key == prefix || strings.HasPrefix(key, prefix+"/")
}

// unit is one listing the engine runs: exactly one key, everything under a folder, the owned
// children of a parent folder (directory buckets), or a walk over many owned prefixes.
type unit struct {
	prefix string // the S3 list prefix
	exact  bool   // only the key equal to prefix is owned; listing stops at the first other key
	// children, when set, are the names under prefix (a parent folder, ending in /) that the
	// scope owns: a key is owned when its next segment is one of them (the child itself or
	// anything under it), never by a bare string prefix.
	children map[string]struct{}
	// walk, when set, lists prefix (the owned prefixes' longest common prefix) once, jumping
	// from owned prefix to owned prefix over whatever lies between.
	walk *walk
}

// GroupMin is how many owned prefixes in one parent folder make the engine list that parent
// once in a directory bucket, keeping exactly the keys of its owned children, instead of listing
// each prefix on its own (two requests each at least). Other buckets walk (see units).
const GroupMin = 16

// groupMin is GroupMin, which a benchmark turns off to measure the other side.
var groupMin = GroupMin

// units plans a scope's listings. A directory bucket lists by folders only and in no order, so
// each prefix is a key and a folder there, and a parent of GroupMin or more owned folders is
// listed once. Other buckets list in key order: the owned prefixes that share their first path
// segment are one walk, one listing of their common folder (see walkFolder) that jumps (StartAfter,
// KeyMarker) from owned range to owned range. Owned folders dense in their ancestor cost the
// ancestor's pages; folders sparse among the customer's keys cost about a request each; and the
// deletes of every folder of a walk share DeleteObjects requests of up to 1,000 keys.
func (s Scope) units(directory bool) []unit {
	if directory {
		return s.folderUnits()
	}
	groups := map[string][]string{}
	var order []string
	for _, p := range s.Prefixes {
		g := p
		if i := strings.Index(p, "/"); i >= 0 {
			g = p[:i+1]
		}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], p)
	}
	us := make([]unit, 0, len(order))
	for _, g := range order {
		us = append(us, walkUnit(walkFolder(groups[g]), groups[g]))
	}
	return us
}

// walkFolder is what a walk of prefixes lists: the one prefix itself, or the longest folder
// (up to a /) that holds them all. Any part of a scope is walked within the whole scope's
// folder, so the listings of a teardown of part of it (a set's incremental removal, a destroy
// that keeps a shared folder, a resumed destroy) stay inside what cleanup_iam_policy allows, and
// inside a policy on a whole connection prefix.
func walkFolder(prefixes []string) string {
	if len(prefixes) == 1 {
		return prefixes[0]
	}
	lcp := prefixes[0]
	for _, p := range prefixes[1:] {
		n := 0
		for n < len(lcp) && n < len(p) && lcp[n] == p[n] {
			n++
		}
		lcp = lcp[:n]
	}
	return lcp[:strings.LastIndex(lcp, "/")+1]
}

// listPatterns are the s3:prefix patterns (StringLike) that allow every listing a teardown of
// the scope, or of any part of it, sends: for each walk, everything under its folder (or the
// one prefix p: p and p/…), which also holds a directory bucket's folder listings and a
// refresh's look at one prefix. IAM's special characters in a folder are spelled literally.
func (s Scope) listPatterns() []string {
	var out []string
	for _, u := range s.units(false) {
		f := iamResource.Replace(u.prefix)
		if len(u.walk.owned) == 1 {
			out = append(out, f, f+"/*")
			continue
		}
		out = append(out, f+"*")
	}
	return out
}

// folderUnits are a directory bucket's listings.
func (s Scope) folderUnits() []unit {
	parents := map[string][]string{}
	for _, p := range s.Prefixes {
		if i := strings.LastIndex(p, "/"); i > 0 {
			parents[p[:i]] = append(parents[p[:i]], p[i+1:])
		}
	}
	us := make([]unit, 0, 2*len(s.Prefixes))
	grouped := map[string]bool{}
	for _, p := range s.Prefixes {
		i := strings.LastIndex(p, "/")
		if i > 0 && len(parents[p[:i]]) >= groupMin {
			if parent := p[:i]; !grouped[parent] {
				grouped[parent] = true
				children := make(map[string]struct{}, len(parents[parent]))
				for _, c := range parents[parent] {
					children[c] = struct{}{}
				}
				us = append(us, unit{prefix: parent + "/", children: children})
			}
			continue
		}
		us = append(us, unit{prefix: p, exact: true}, unit{prefix: p + "/"})
	}
	return us
}

// owns reports whether a listed key belongs to the unit, and whether listing can stop because
// S3 lists keys in binary order and every later key is past the unit.
func (u unit) owns(key string) (owned, past bool) {
	switch {
	case u.walk != nil:
		return u.walk.owns(key)
	case u.exact:
		return key == u.prefix, key > u.prefix
	case u.children != nil:
		rest, ok := strings.CutPrefix(key, u.prefix)
		if !ok {
			return false, false
		}
		child, _, _ := strings.Cut(rest, "/")
		_, owned = u.children[child]
		return owned, false
	}
	return strings.HasPrefix(key, u.prefix), false
}

// xmlSafe reports whether every character of key can travel in an XML 1.0 document; a key
// that cannot must be deleted with its own DeleteObject request instead of in a DeleteObjects body.
func xmlSafe(key string) bool {
	if !utf8.ValidString(key) {
		return false
	}
	for _, r := range key {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}
