package storage

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestXMLSafe(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"a/b.jpg": true, "tab\there": true, "cr\r\nlf": true, "ü 漢字 \U0001F600": true, "a&b<c>": true,
		"ctl\x01": false, "nul\x00": false, "\ufffe": false, "\uffff": false, "bad\xffutf8": false,
	} {
		if got := xmlSafe(key); got != want {
			t.Errorf("xmlSafe(%q) = %v, want %v", key, got, want)
		}
	}
}

func FuzzDecodeKey(f *testing.F) {
	for _, s := range []string{"a/b", "a%2Fb", "a+b", "%ZZ", "ctl%01", "%E6%BC%A2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, listed string) {
		key, err := decodeKey(listed, true)
		if err != nil {
			return
		}
		// What S3 encodes, the engine must decode back to the same key.
		if again, err := decodeKey(url.QueryEscape(key), true); err != nil || again != key {
			t.Fatalf("round trip of %q: %q, %v", key, again, err)
		}
		if raw, _ := decodeKey(listed, false); raw != listed {
			t.Fatalf("an unencoded listing was changed: %q", raw)
		}
	})
}

func FuzzXMLSafe(f *testing.F) {
	for _, s := range []string{"a", "\x01", "\ufffe", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if xmlSafe(key) && !utf8.ValidString(key) {
			t.Fatalf("invalid UTF-8 %q called XML-safe", key)
		}
	})
}

// The units the engine lists own exactly what the scope owns, grouped by parent or not: a key
// is taken by one unit when Owns says it is the scope's, and by none otherwise.
func FuzzUnitsOwnExactlyTheScope(f *testing.F) {
	f.Add("p/data/item-1", "p/data/item-10/x", 20)
	f.Add("p/data/a", "p/data/a.jpg", 16)
	f.Add("a/b", "a/b", 1)
	f.Fuzz(func(t *testing.T, prefix, key string, siblings int) {
		siblings = siblings % (2 * GroupMin)
		prefixes := []string{prefix}
		for i := range max(siblings, 0) {
			prefixes = append(prefixes, fmt.Sprintf("%s-%d", prefix, i))
		}
		scope, err := NewScope("b", prefixes...)
		if err != nil {
			return
		}
		for _, directory := range []bool{false, true} {
			taken := 0
			for _, u := range scope.units(directory) {
				if ok, _ := u.owns(key); ok && strings.HasPrefix(key, u.prefix) {
					taken++
				}
			}
			if want := scope.Owns(key); (taken > 0) != want || taken > 1 && !directory {
				t.Fatalf("scope %v owns %q: %v, but units (directory %v) take it %d times", scope.Prefixes, key, want, directory, taken)
			}
		}
	})
}
