package dandi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// ManifestAsset is what the provider keeps of one entry of assets.jsonld.
type ManifestAsset struct {
	Path         string
	ContentSize  int64
	DateModified string
	ContentID    string
}

// ReadManifest streams a manifest (a bare JSON array) entry by entry and returns the entries
// keep accepts (all when nil), so memory grows with what is kept, not with the file. It reads
// tokens with jsontext and skips every value it does not keep without decoding it; of a kept
// entry only path, contentSize, dateModified, contentUrl and identifier are read. A malformed
// or truncated manifest is an error that names the entry.
func ReadManifest(r io.Reader, keep func(path string) bool) ([]ManifestAsset, error) {
	dec := jsontext.NewDecoder(r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, fmt.Errorf("reading the manifest: %w", err)
	}
	if tok.Kind() != '[' {
		return nil, fmt.Errorf("the manifest is not a JSON array (starts with %v)", tok.Kind())
	}
	var out []ManifestAsset
	var e entryReader
	for i := 0; ; i++ {
		switch dec.PeekKind() {
		case ']':
			if _, err := dec.ReadToken(); err != nil {
				return nil, fmt.Errorf("the manifest ends early after entry %d: %w", i, err)
			}
			return out, nil
		case 0:
			_, err := dec.ReadToken()
			return nil, fmt.Errorf("manifest entry %d: the manifest ends early: %w", i, orEOF(err))
		}
		a, kept, err := e.read(dec, keep)
		if err != nil && a.Path != "" {
			return nil, fmt.Errorf("manifest entry %d (%s): %w", i, a.Path, err)
		}
		if err != nil {
			return nil, fmt.Errorf("manifest entry %d: %w", i, err)
		}
		if kept {
			out = append(out, a)
		}
	}
}

func orEOF(err error) error {
	if err == nil {
		return io.ErrUnexpectedEOF
	}
	return err
}

// entryReader reads one entry, keeping the raw bytes of the fields it may need in a buffer it
// reuses, so that a skipped entry allocates nothing but its path.
type entryReader struct {
	buf                        []byte
	size, date, ident          span
	urls                       []span
	hasSize, hasDate, hasIdent bool
}

// span is a value's place in entryReader.buf.
type span struct{ from, to int }

func (e *entryReader) keepRaw(v jsontext.Value) span {
	from := len(e.buf)
	e.buf = append(e.buf, v...)
	return span{from, len(e.buf)}
}

// readRaw reads the next value and keeps its raw bytes.
func (e *entryReader) readRaw(dec *jsontext.Decoder) (span, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return span{}, err
	}
	return e.keepRaw(v), nil
}

func (e *entryReader) read(dec *jsontext.Decoder, keep func(string) bool) (ManifestAsset, bool, error) {
	var a ManifestAsset
	e.buf, e.urls, e.hasSize, e.hasDate, e.hasIdent = e.buf[:0], e.urls[:0], false, false, false
	if tok, err := dec.ReadToken(); err != nil {
		return a, false, err
	} else if tok.Kind() != '{' {
		return a, false, fmt.Errorf("an entry must be an object, not %v", tok.Kind())
	}
	hasPath := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			return a, false, err
		}
		switch string(name) {
		case `"path"`:
			tok, err := dec.ReadToken()
			if err != nil {
				return a, false, err
			}
			if tok.Kind() != '"' {
				return a, false, fmt.Errorf("path is a %v, not a string", tok.Kind())
			}
			a.Path, hasPath = tok.String(), true
		case `"contentSize"`:
			e.size, err = e.readRaw(dec)
			e.hasSize = true
		case `"dateModified"`:
			e.date, err = e.readRaw(dec)
			e.hasDate = true
		case `"identifier"`:
			e.ident, err = e.readRaw(dec)
			e.hasIdent = true
		case `"contentUrl"`:
			err = e.readURLs(dec)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return a, false, err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return a, false, err
	}
	if !hasPath {
		return a, false, errors.New("the entry has no path")
	}
	if keep != nil && !keep(a.Path) {
		return a, false, nil
	}
	a, err := e.finish(a)
	return a, err == nil, err
}

func (e *entryReader) readURLs(dec *jsontext.Decoder) error {
	if dec.PeekKind() != '[' {
		return dec.SkipValue() // not a list: no content URL to take an id from
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if v.Kind() == '"' {
			e.urls = append(e.urls, e.keepRaw(v))
		}
	}
	_, err := dec.ReadToken()
	return err
}

// finish decodes the kept raw values of an entry keep accepted.
func (e *entryReader) finish(a ManifestAsset) (ManifestAsset, error) {
	var err error
	if e.hasSize {
		if a.ContentSize, err = contentSize(e.buf[e.size.from:e.size.to]); err != nil {
			return a, err
		}
	}
	text := func(s span) (string, error) {
		raw := e.buf[s.from:s.to]
		if jsontext.Value(raw).Kind() != '"' {
			return "", fmt.Errorf("%s is not a string", raw)
		}
		b, err := jsontext.AppendUnquote(nil, raw)
		return string(b), err
	}
	if e.hasDate {
		if a.DateModified, err = text(e.date); err != nil {
			return a, err
		}
	}
	identifier := ""
	if e.hasIdent {
		if identifier, err = text(e.ident); err != nil {
			return a, err
		}
	}
	urls := make([]string, 0, len(e.urls))
	for _, s := range e.urls {
		u, err := text(s)
		if err != nil {
			return a, err
		}
		urls = append(urls, u)
	}
	a.ContentID = contentID(urls, identifier)
	return a, nil
}

// contentSize reads an integer or a digit string (null: 0) with the one decoder of such
// fields, transport.Int64, and refuses a negative size.
func contentSize(raw []byte) (int64, error) {
	var n transport.Int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("contentSize: %w", err)
	}
	if n < 0 {
		return 0, fmt.Errorf("contentSize %d is not a size in bytes", n)
	}
	return int64(n), nil
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
	return prefix == "" || strings.HasPrefix(path, prefix) && (len(path) == len(prefix) || path[len(prefix)] == '/')
}
