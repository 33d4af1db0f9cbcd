package storage

import (
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
	out := cleaned[:0]
	for _, p := range cleaned {
		if len(out) > 0 && ownedBy(p, out[len(out)-1]) {
			continue // sorted: a covering prefix comes before what it covers
		}
		out = append(out, p)
	}
	return Scope{Bucket: bucket, Prefixes: out}, nil
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

func (s Scope) String() string {
	parts := make([]string, len(s.Prefixes))
	for i, p := range s.Prefixes {
		parts[i] = fmt.Sprintf("s3://%s/%s", s.Bucket, p)
	}
	return strings.Join(parts, ", ")
}

func ownedBy(key, prefix string) bool {
	return key == prefix || strings.HasPrefix(key, prefix+"/")
}

// unit is one listing the engine runs: either exactly one key, or everything under a folder.
type unit struct {
	prefix string // the S3 list prefix
	exact  bool   // only the key equal to prefix is owned; listing stops at the first other key
}

func (s Scope) units() []unit {
	us := make([]unit, 0, 2*len(s.Prefixes))
	for _, p := range s.Prefixes {
		us = append(us, unit{prefix: p, exact: true}, unit{prefix: p + "/"})
	}
	return us
}

// owns reports whether a listed key belongs to the unit, and whether listing can stop because
// S3 lists keys in binary order and every later key is past the unit.
func (u unit) owns(key string) (owned, past bool) {
	if u.exact {
		return key == u.prefix, key > u.prefix
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
