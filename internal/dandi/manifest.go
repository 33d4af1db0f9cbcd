package dandi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ManifestAsset is what the provider keeps of one entry of assets.jsonld.
type ManifestAsset struct {
	Path         string
	ContentSize  int64
	DateModified string
	ContentID    string
}

// manifestEntry decodes only the fields kept; the rest of each (large) entry is skipped.
type manifestEntry struct {
	Path         string          `json:"path"`
	ContentSize  json.RawMessage `json:"contentSize"`
	DateModified string          `json:"dateModified"`
	ContentURL   []string        `json:"contentUrl"`
	Identifier   string          `json:"identifier"`
}

// ReadManifest streams a manifest (a bare JSON array) entry by entry and returns the entries
// keep accepts (all when nil), so memory grows with what is kept, not with the file.
func ReadManifest(r io.Reader, keep func(path string) bool) ([]ManifestAsset, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("the manifest is not a JSON array (starts with %v)", tok)
	}
	var out []ManifestAsset
	for i := 0; dec.More(); i++ {
		var e manifestEntry
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("manifest entry %d: %w", i, err)
		}
		if keep != nil && !keep(e.Path) {
			continue
		}
		size, err := contentSize(e.ContentSize)
		if err != nil {
			return nil, fmt.Errorf("manifest entry %d (%s): %w", i, e.Path, err)
		}
		out = append(out, ManifestAsset{Path: e.Path, ContentSize: size, DateModified: e.DateModified, ContentID: contentID(e.ContentURL, e.Identifier)})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("the manifest ends early: %w", err)
	}
	return out, nil
}

// contentSize reads an int or a digit string.
func contentSize(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return n, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, errors.New("contentSize is neither an integer nor a string")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("contentSize %q is not a size in bytes", s)
	}
	return n, nil
}

// contentID is the last segment of the first /blobs/ or /zarr/ content URL, else the identifier.
func contentID(urls []string, identifier string) string {
	for _, u := range urls {
		for _, marker := range []string{"/blobs/", "/zarr/"} {
			if i := strings.Index(u, marker); i >= 0 {
				rest := strings.TrimRight(u[i+len(marker):], "/")
				if j := strings.LastIndex(rest, "/"); j >= 0 {
					rest = rest[j+1:]
				}
				if rest != "" {
					return rest
				}
			}
		}
	}
	return identifier
}

// UnderPrefix applies a folder boundary: prefix p holds the asset p and assets under p + "/";
// an empty prefix holds everything.
func UnderPrefix(path, prefix string) bool {
	prefix = strings.Trim(prefix, "/")
	return prefix == "" || path == prefix || strings.HasPrefix(path, prefix+"/")
}
