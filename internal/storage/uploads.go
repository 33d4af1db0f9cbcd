package storage

import (
	"errors"
	"fmt"
	"strings"

	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Incomplete multipart uploads hold billed parts under the owned prefixes; nothing lists them
// with the objects. A unit's uploads are listed with ListMultipartUploads under the unit's
// prefix, kept by the same exact-scope rule as keys (p and p/…, never p10), and aborted after
// the unit's objects.

// multipartUpload is one incomplete upload.
type multipartUpload struct{ key, id string }

// errStop ends a listing early (a capped count).
var errStop = errors.New("stop")

// uploads calls each with the unit's incomplete uploads, every page. One listing serves a
// prefix's two units (the key p and the folder p/): it runs for the folder's, with prefix p.
//
// A directory bucket's listings take only prefixes that end in / (ListMultipartUploads API
// reference), so an exact key's uploads are looked for in its parent folder (the top level for
// a top-level key), delimited by /, the one delimiter directory buckets support: S3 returns the
// uploads directly in the folder, the key's among them, and folds each subfolder into one
// common prefix. The key costs one request, not pages of the parent's whole subtree (or of the
// whole bucket). Sibling exact keys each still make that one request: listing a parent once
// for all of them needs state across units, which the engine's units do not carry.
func (l lister) uploads(ctx context.Context, u unit, each func(multipartUpload) error) error {
	prefix, owns := u.prefix, func(key string) bool { owned, _ := u.owns(key); return owned }
	var delimiter *string
	switch {
	case u.walk != nil:
		// The walk's common prefix, jumping between its ranges like its object listing.
	case u.exact && !l.directory:
		return nil // listed with the folder's unit
	case u.exact:
		prefix, delimiter = "", aws.String("/")
		if i := strings.LastIndex(u.prefix, "/"); i >= 0 {
			prefix = u.prefix[:i+1]
		}
	case u.children == nil && !l.directory:
		p := strings.TrimSuffix(u.prefix, "/")
		prefix, owns = p, func(key string) bool { return ownedBy(key, p) }
	}
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(l.bucket), Prefix: aws.String(prefix), Delimiter: delimiter, EncodingType: types.EncodingTypeUrl}
	for range maxPages {
		out, err := l.api.ListMultipartUploads(ctx, in)
		if err != nil {
			if apiCode(err) == "AccessDenied" {
				return needs("s3:ListBucketMultipartUploads", l.bucket, err)
			}
			return fmt.Errorf("listing the incomplete uploads of s3://%s/%s: %w", l.bucket, prefix, err)
		}
		encoded := out.EncodingType == types.EncodingTypeUrl
		for _, up := range out.Uploads {
			key, err := decodeKey(aws.ToString(up.Key), encoded)
			if err != nil {
				return err
			}
			if owns(key) {
				if err := each(multipartUpload{key: key, id: aws.ToString(up.UploadId)}); err != nil {
					return err
				}
			}
		}
		next, err := decodeKey(aws.ToString(out.NextKeyMarker), encoded)
		if err != nil {
			return err
		}
		if !aws.ToBool(out.IsTruncated) || (next == aws.ToString(in.KeyMarker) && aws.ToString(out.NextUploadIdMarker) == aws.ToString(in.UploadIdMarker)) {
			return nil
		}
		if u.walk != nil && len(out.Uploads) > 0 {
			last, err := decodeKey(aws.ToString(out.Uploads[len(out.Uploads)-1].Key), encoded)
			if err != nil {
				return err
			}
			if in.UploadIdMarker == nil {
				first, err := decodeKey(aws.ToString(out.Uploads[0].Key), encoded)
				if err != nil {
					return err
				}
				u.walk.ignored(aws.ToString(in.KeyMarker), func(yield func(string) bool) { yield(first) })
			}
			owned, past := u.walk.owns(last)
			if past {
				return nil
			}
			if jump, ok := u.walk.jump(last); ok && !owned {
				in.KeyMarker, in.UploadIdMarker = aws.String(within(jump, u.prefix).key), nil
				continue
			}
		}
		in.KeyMarker, in.UploadIdMarker = aws.String(next), out.NextUploadIdMarker
	}
	return fmt.Errorf("listing the incomplete uploads of s3://%s/%s: more than %d pages", l.bucket, prefix, maxPages)
}

// maxPages bounds a listing whose markers never end (a server bug).
const maxPages = 100000

// abort aborts one upload; one already gone counts as done. A failure is recorded with the
// key failures, and the teardown goes on.
func (d *deleter) abort(up multipartUpload) error {
	_, err := d.api.AbortMultipartUpload(d.ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(d.bucket), Key: aws.String(up.key), UploadId: aws.String(up.id)})
	switch code := apiCode(err); {
	case err == nil, code == "NoSuchUpload":
		d.led.uploadDone()
	case d.ctx.Err() != nil:
		return d.ctx.Err()
	case code == "AccessDenied":
		d.led.fail(entry{key: up.key, versionID: "upload " + up.id}, needs("s3:AbortMultipartUpload", d.bucket, err))
	default:
		d.led.fail(entry{key: up.key, versionID: "upload " + up.id}, err)
	}
	return nil
}
