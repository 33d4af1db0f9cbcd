package storage

import (
	"net/url"
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
