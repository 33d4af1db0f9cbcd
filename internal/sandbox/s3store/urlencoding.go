package s3store

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// gofakes3 ignores encoding-type=url and writes keys into XML as they are, so a key with a
// character XML cannot carry (a control character) comes back as U+FFFD. S3 answers such a
// listing with URL-encoded keys and <EncodingType>url</EncodingType>; these types make the
// embedded store do the same, by serving url-encoded listings from a second gofakes3 whose
// backend encodes the names it lists.

// urlEncodingBackend encodes the keys of listings. Requests carry raw keys (markers included),
// as with S3; v2 continuation tokens stay raw inside, being opaque to clients.
type urlEncodingBackend struct {
	gofakes3.Backend
	gofakes3.VersionedBackend
}

func encodeKey(k string) string { return strings.ReplaceAll(url.QueryEscape(k), "%2F", "/") }

func (b urlEncodingBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	list, err := b.Backend.ListBucket(name, prefix, page)
	if err != nil || list == nil {
		return list, err
	}
	out := *list
	out.Contents = make([]*gofakes3.Content, len(list.Contents))
	for i, c := range list.Contents {
		cc := *c
		cc.Key = encodeKey(c.Key)
		out.Contents[i] = &cc
	}
	out.CommonPrefixes = make([]gofakes3.CommonPrefix, len(list.CommonPrefixes))
	for i, p := range list.CommonPrefixes {
		out.CommonPrefixes[i] = gofakes3.CommonPrefix{Prefix: encodeKey(p.Prefix)}
	}
	return &out, nil
}

func (b urlEncodingBackend) ListBucketVersions(name string, prefix *gofakes3.Prefix, page *gofakes3.ListBucketVersionsPage) (*gofakes3.ListBucketVersionsResult, error) {
	res, err := b.VersionedBackend.ListBucketVersions(name, prefix, page)
	if err != nil || res == nil {
		return res, err
	}
	out := *res
	out.NextKeyMarker = encodeKey(res.NextKeyMarker)
	out.Versions = make([]gofakes3.VersionItem, 0, len(res.Versions))
	for _, v := range res.Versions {
		switch item := v.(type) {
		case *gofakes3.Version:
			c := *item
			c.Key = encodeKey(item.Key)
			out.Versions = append(out.Versions, &c)
		case *gofakes3.DeleteMarker:
			c := *item
			c.Key = encodeKey(item.Key)
			out.Versions = append(out.Versions, &c)
		default:
			out.Versions = append(out.Versions, v)
		}
	}
	return &out, nil
}

// withURLEncodedListings sends GET requests asking for encoding-type=url to encoded and marks
// their answer with <EncodingType>url</EncodingType>, as S3 does.
func withURLEncodedListings(plain, encoded http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Multipart uploads live in the plain server's uploader only: their listing is served
		// there, unencoded (and so not marked encoded).
		if _, uploads := r.URL.Query()["uploads"]; uploads || r.Method != http.MethodGet || r.URL.Query().Get("encoding-type") != "url" {
			plain.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		encoded.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = markEncoded(body)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// markEncoded inserts <EncodingType>url</EncodingType> as the first child of the root element.
func markEncoded(doc []byte) []byte {
	start := 0
	if bytes.HasPrefix(doc, []byte("<?xml")) {
		start = bytes.Index(doc, []byte("?>")) + 2
	}
	root := bytes.IndexByte(doc[start:], '<')
	if root < 0 {
		return doc
	}
	end := bytes.IndexByte(doc[start+root:], '>')
	if end < 0 {
		return doc
	}
	at := start + root + end + 1
	return append(append(append([]byte{}, doc[:at]...), "<EncodingType>url</EncodingType>"...), doc[at:]...)
}
