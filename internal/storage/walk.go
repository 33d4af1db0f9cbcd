package storage

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// walk is one listing of many owned prefixes. S3 lists keys in binary order, and an owned prefix
// p owns two ranges of it: the key p itself and the keys from p/ to p0 ('0' follows '/'). The
// walk lists the prefixes' first folder from just before the first range, and where a
// page ends on a key no range holds, the next page starts just before the next range: the keys
// between owned folders are listed only as far as a page reaches past the end of a range.
type walk struct {
	owned map[string]struct{}
	// starts are where the ranges begin (p and p/ for each owned p), sorted.
	starts []string
	// end is where the last range ends: a key at or after it is past every owned one.
	end string
	// deaf is set once the server answered a jump from the top of the prefix again (it ignores
	// StartAfter or KeyMarker): the walk then pages through the folder with the server's own
	// markers, every key of it once, instead of jumping (and stalling) on the same page.
	deaf bool
}

// ignored says whether a page listed from the jump marker at shows that the server ignored the
// marker (a key before it), and marks the walk deaf if so. A key equal to it is no proof: some
// servers (gofakes3) list the marker's key again when a version listing gives no next marker.
func (w *walk) ignored(at string, keys func(yield func(string) bool)) bool {
	if w.deaf || at == "" {
		return w.deaf
	}
	for k := range keys {
		if k < at {
			w.deaf = true
			break
		}
	}
	return w.deaf
}

// walkUnit is the walk of prefixes (a scope's: sorted, none covering another) that all start
// with folder, their first path segment (or the one prefix, when it has no /). The listing
// prefix is that folder whatever part of the scope is walked, so that a teardown of part of the
// scope (a set's incremental removal, a destroy that keeps a shared folder, a resumed destroy)
// lists what cleanup_iam_policy allows; the first page jumps to the first owned range anyway.
func walkUnit(folder string, prefixes []string) unit {
	w := &walk{owned: make(map[string]struct{}, len(prefixes)), starts: make([]string, 0, 2*len(prefixes))}
	for _, p := range prefixes {
		w.owned[p] = struct{}{}
		w.starts = append(w.starts, p, p+"/")
		if e := p + "0"; e > w.end {
			w.end = e
		}
	}
	slices.Sort(w.starts)
	return unit{prefix: folder, walk: w}
}

// owns says whether the walk owns key (key is an owned prefix or lies under one, looked up at
// each / of it), and whether key is past every owned range.
func (w *walk) owns(key string) (owned, past bool) {
	if _, ok := w.owned[key]; ok {
		return true, false
	}
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			if _, ok := w.owned[key[:i]]; ok {
				return true, false
			}
		}
	}
	return false, key >= w.end
}

// first is where the walk's first page starts: just before its first range (the top of the
// prefix on a server that ignores markers).
func (w *walk) first() marker {
	if w.deaf {
		return marker{}
	}
	return marker{key: before(w.starts[0])}
}

// within keeps a marker inside the listing prefix: one that sorts before every key of the prefix
// lists what no marker lists (and some servers, gofakes3 among them, refuse a key marker that
// does not start with the prefix).
func within(m marker, prefix string) marker {
	if m.token == "" && m.key != "" && m.key < prefix && !strings.HasPrefix(m.key, prefix) {
		return marker{}
	}
	return m
}

// jump is where the page after one that ended on last (a key no range holds) starts: just
// before the next range, if that is further than last itself (else just after last, skipping
// the rest of its versions). ok is false when the listing
// should go on from last (or is past every range).
func (w *walk) jump(last string) (marker, bool) {
	if w.deaf {
		return marker{}, false
	}
	i, _ := slices.BinarySearch(w.starts, last)
	for i < len(w.starts) && w.starts[i] <= last {
		i++
	}
	if i == len(w.starts) {
		return marker{}, false
	}
	if b := before(w.starts[i]); b > last {
		return marker{key: b}, true
	}
	// last lies between before(start) and start (p.jpg before p/): past every key that starts
	// with before(start) but U+10FFFF, the greatest character, which no key repeats.
	if c := before(w.starts[i]) + "\U0010FFFF\U0010FFFF"; c > last && c < w.starts[i] {
		return marker{key: c}, true
	}
	// The next range starts just after last (p/ after p.jpg): past the rest of last's versions,
	// then. Nothing lies between last and last+" " but keys with a control character after last,
	// which no range holds.
	if c := last + " "; c < w.starts[i] {
		return marker{key: c}, true
	}
	return marker{}, false
}

// before is a key just below s, to start a listing after it (StartAfter and KeyMarker list what
// follows them): s with its last byte one less, or s without its last character when that would
// not be UTF-8. Keys between it and s may be listed too; the walk owns none of them.
func before(s string) string {
	if s == "" {
		return ""
	}
	if b := s[len(s)-1]; b > 0 && b < utf8.RuneSelf {
		return s[:len(s)-1] + string(rune(b-1))
	}
	_, size := utf8.DecodeLastRuneInString(s)
	return s[:len(s)-size]
}
