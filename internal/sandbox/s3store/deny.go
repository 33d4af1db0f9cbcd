package s3store

import (
	"strings"
	"sync"

	"github.com/johannesboyne/gofakes3"
)

// DenyList holds key prefixes whose deletion the embedded server refuses with AccessDenied, as
// S3 does for a key under a bucket policy deny or an object lock. Fault injection sets it.
type DenyList struct {
	mu       sync.RWMutex
	prefixes []string
}

// Set replaces the denied prefixes.
func (d *DenyList) Set(prefixes ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prefixes = append([]string(nil), prefixes...)
}

func (d *DenyList) denies(key string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, p := range d.prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// denyBackend wraps gofakes3's memory backend and refuses deletes of denied keys.
type denyBackend struct {
	gofakes3.Backend
	gofakes3.VersionedBackend
	deny *DenyList
}

var _ gofakes3.VersionedBackend = &denyBackend{}

func (b *denyBackend) accessDenied(key string) gofakes3.ErrorResult {
	return gofakes3.ErrorResult{Key: key, Code: errAccessDenied, Message: "Access Denied"}
}

func (b *denyBackend) DeleteObject(bucket, key string) (gofakes3.ObjectDeleteResult, error) {
	if b.deny.denies(key) {
		return gofakes3.ObjectDeleteResult{}, gofakes3.ResourceError(errAccessDenied, key)
	}
	return b.Backend.DeleteObject(bucket, key)
}

func (b *denyBackend) DeleteObjectVersion(bucket, key string, v gofakes3.VersionID) (gofakes3.ObjectDeleteResult, error) {
	if b.deny.denies(key) {
		return gofakes3.ObjectDeleteResult{}, gofakes3.ResourceError(errAccessDenied, key)
	}
	return b.VersionedBackend.DeleteObjectVersion(bucket, key, v)
}

func (b *denyBackend) DeleteMulti(bucket string, keys ...string) (gofakes3.MultiDeleteResult, error) {
	var allowed []string
	var res gofakes3.MultiDeleteResult
	for _, k := range keys {
		if b.deny.denies(k) {
			res.Error = append(res.Error, b.accessDenied(k))
		} else {
			allowed = append(allowed, k)
		}
	}
	inner, err := b.Backend.DeleteMulti(bucket, allowed...)
	res.Deleted, res.Error = inner.Deleted, append(res.Error, inner.Error...)
	return res, err
}

func (b *denyBackend) DeleteMultiVersions(bucket string, objects ...gofakes3.ObjectID) (gofakes3.MultiDeleteResult, error) {
	var allowed []gofakes3.ObjectID
	var res gofakes3.MultiDeleteResult
	for _, o := range objects {
		if b.deny.denies(o.Key) {
			res.Error = append(res.Error, b.accessDenied(o.Key))
		} else {
			allowed = append(allowed, o)
		}
	}
	inner, err := b.VersionedBackend.DeleteMultiVersions(bucket, allowed...)
	res.Deleted, res.Error = inner.Deleted, append(res.Error, inner.Error...)
	return res, err
}

// errAccessDenied is S3's code for a refused key; gofakes3 has no constant for it.
const errAccessDenied gofakes3.ErrorCode = "AccessDenied"
