package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Children calls each with the keys that lie directly in folder (not in its subfolders): every
// key with a version or a delete marker in a versioned bucket (a key may come more than once),
// the current keys otherwise. One delimited listing, ⌈keys in folder/1000⌉ requests; the subfolders are folded
// into common prefixes by S3 and cost nothing. A bucket that no longer exists holds nothing.
func (e *Engine) Children(ctx context.Context, bucket, folder string, each func(key string) error) error {
	info, err := e.bucket(ctx, bucket)
	if isNoSuchBucket(err) {
		return nil
	}
	if err != nil {
		return err
	}
	prefix := strings.Trim(folder, "/")
	if prefix != "" {
		prefix += "/"
	}
	fail := func(err error) error {
		if isNoSuchBucket(err) {
			return nil
		}
		return fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
	}
	if !info.versioned || info.directory {
		pager := s3.NewListObjectsV2Paginator(e.api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
		for pager.HasMorePages() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				return fail(err)
			}
			for _, o := range page.Contents {
				if err := each(aws.ToString(o.Key)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	pager := s3.NewListObjectVersionsPaginator(e.api, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix), Delimiter: aws.String("/")})
	last := ""
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fail(err)
		}
		keys := make([]string, 0, len(page.Versions)+len(page.DeleteMarkers))
		for _, v := range page.Versions {
			keys = append(keys, aws.ToString(v.Key))
		}
		for _, m := range page.DeleteMarkers {
			keys = append(keys, aws.ToString(m.Key))
		}
		for _, k := range keys {
			if k == last {
				continue // the versions of one key come together
			}
			last = k
			if err := each(k); err != nil {
				return err
			}
		}
	}
	return nil
}
