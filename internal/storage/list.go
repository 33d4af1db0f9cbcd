package storage

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// entry is one thing to delete: a current object of an unversioned bucket, an object version
// or a delete marker.
type entry struct {
	key          string
	versionID    string // empty in an unversioned bucket
	size         int64
	latest       bool
	deleteMarker bool
}

func (e entry) id() string { return e.key + "\x00" + e.versionID }

// marker is where the next page starts: a continuation token, or a key and version marker.
type marker struct {
	token, key, version string
}

type page struct {
	entries   []entry
	next      marker
	truncated bool
}

// lister reads one page of a unit, from versions or from current objects.
type lister struct {
	api       API
	bucket    string
	versioned bool
	directory bool
	pageSize  int32
}

// exactPageSize bounds the listing of one exact key: it needs that key's versions and the
// first key after it, not a full page of the neighbours that follow.
const exactPageSize = 100

func (l lister) list(ctx context.Context, u unit, from marker) (page, error) {
	if u.exact {
		l.pageSize = min(l.pageSize, exactPageSize)
	}
	if u.walk != nil {
		if from == (marker{}) {
			from = u.walk.first()
		}
		from = within(from, u.prefix)
	}
	var pg page
	var err error
	switch {
	case l.directory && u.exact:
		return l.head(ctx, u)
	case l.versioned:
		pg, err = l.listVersions(ctx, u, from)
	default:
		pg, err = l.listObjects(ctx, u, from)
	}
	if err != nil || u.walk == nil || len(pg.entries) == 0 {
		return pg, err
	}
	if jumped := from.token == "" && from.version == ""; jumped && u.walk.ignored(from.key, func(yield func(string) bool) {
		for _, e := range pg.entries {
			if !yield(e.key) {
				return
			}
		}
	}) || !pg.truncated {
		return pg, nil // the server's own next marker: a deaf server pages on from the top
	}
	// A walk's page that ends between owned ranges: the next one starts just before the next.
	last := slices.MaxFunc(pg.entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) }).key
	if owned, past := u.walk.owns(last); !owned && !past {
		if next, ok := u.walk.jump(last); ok {
			pg.next = next
		}
	}
	return pg, nil
}

// head is a directory bucket's "listing" of one exact key: its list prefixes must end in /.
func (l lister) head(ctx context.Context, u unit) (page, error) {
	out, err := l.api.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(l.bucket), Key: aws.String(u.prefix)})
	switch code := apiCode(err); {
	case err == nil:
		return page{entries: []entry{{key: u.prefix, size: aws.ToInt64(out.ContentLength), latest: true}}}, nil
	case code == "NotFound" || code == "NoSuchKey":
		return page{}, nil
	default:
		return page{}, fmt.Errorf("looking up s3://%s/%s: %w", l.bucket, u.prefix, err)
	}
}

func (l lister) listObjects(ctx context.Context, u unit, from marker) (page, error) {
	in := &s3.ListObjectsV2Input{
		Bucket:       aws.String(l.bucket),
		Prefix:       aws.String(u.prefix),
		EncodingType: types.EncodingTypeUrl,
		MaxKeys:      aws.Int32(l.pageSize),
	}
	switch {
	case from.token != "":
		in.ContinuationToken = aws.String(from.token)
	case from.key != "":
		in.StartAfter = aws.String(from.key) // a walk's jump
	}
	out, err := l.api.ListObjectsV2(ctx, in)
	if err != nil {
		return page{}, fmt.Errorf("listing s3://%s/%s: %w", l.bucket, u.prefix, err)
	}
	p := page{truncated: aws.ToBool(out.IsTruncated), next: marker{token: aws.ToString(out.NextContinuationToken)}}
	encoded := out.EncodingType == types.EncodingTypeUrl
	for _, o := range out.Contents {
		key, err := decodeKey(aws.ToString(o.Key), encoded)
		if err != nil {
			return page{}, err
		}
		p.entries = append(p.entries, entry{key: key, size: aws.ToInt64(o.Size), latest: true})
	}
	return p, nil
}

func (l lister) listVersions(ctx context.Context, u unit, from marker) (page, error) {
	in := &s3.ListObjectVersionsInput{
		Bucket:       aws.String(l.bucket),
		Prefix:       aws.String(u.prefix),
		EncodingType: types.EncodingTypeUrl,
		MaxKeys:      aws.Int32(l.pageSize),
	}
	if from.key != "" {
		in.KeyMarker = aws.String(from.key)
		if from.version != "" {
			in.VersionIdMarker = aws.String(from.version)
		}
	}
	out, err := l.api.ListObjectVersions(ctx, in)
	if err != nil {
		return page{}, fmt.Errorf("listing versions of s3://%s/%s: %w", l.bucket, u.prefix, err)
	}
	encoded := out.EncodingType == types.EncodingTypeUrl
	nextKey, err := decodeKey(aws.ToString(out.NextKeyMarker), encoded)
	if err != nil {
		return page{}, err
	}
	p := page{truncated: aws.ToBool(out.IsTruncated), next: marker{key: nextKey, version: aws.ToString(out.NextVersionIdMarker)}}
	for _, v := range out.Versions {
		key, err := decodeKey(aws.ToString(v.Key), encoded)
		if err != nil {
			return page{}, err
		}
		p.entries = append(p.entries, entry{key: key, versionID: aws.ToString(v.VersionId), size: aws.ToInt64(v.Size), latest: aws.ToBool(v.IsLatest)})
	}
	for _, m := range out.DeleteMarkers {
		key, err := decodeKey(aws.ToString(m.Key), encoded)
		if err != nil {
			return page{}, err
		}
		p.entries = append(p.entries, entry{key: key, versionID: aws.ToString(m.VersionId), latest: aws.ToBool(m.IsLatest), deleteMarker: true})
	}
	if p.truncated && p.next.key == "" && len(p.entries) > 0 {
		// Some servers (gofakes3) say "truncated" without a next marker; continue from the
		// greatest key listed. Without a version marker, which may name a version deleted
		// meanwhile, such a server lists that key again; what repeats is deduplicated.
		last := slices.MaxFunc(p.entries, func(a, b entry) int { return cmp.Compare(a.key, b.key) })
		p.next = marker{key: last.key}
	}
	return p, nil
}

// anyLeft lists a single entry to tell whether the unit still holds anything.
func (l lister) anyLeft(ctx context.Context, u unit) (bool, error) {
	l.pageSize = 1
	pg, err := l.list(ctx, u, marker{})
	if err != nil {
		return false, err
	}
	for _, en := range pg.entries {
		if owned, _ := u.owns(en.key); owned {
			return true, nil
		}
	}
	return false, nil
}

// decodeKey undoes encoding-type=url, which the engine asks for so that keys XML cannot carry
// survive the listing. A server that ignores the request says so by not echoing EncodingType.
func decodeKey(key string, encoded bool) (string, error) {
	if !encoded {
		return key, nil
	}
	k, err := url.QueryUnescape(key)
	if err != nil {
		return "", fmt.Errorf("decoding listed key %q: %w", key, err)
	}
	return k, nil
}
