package sandbox

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// LoadFixtures puts every file under dir into the S3 store: dir/<bucket>/<key> becomes object
// <key> of bucket <bucket> (one of the seeded buckets, or a bucket of an external store). It
// returns how many objects it wrote. A module's tests keep their fixtures as such a tree.
func (sb *Sandbox) LoadFixtures(ctx context.Context, dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		bucket, key, ok := strings.Cut(filepath.ToSlash(rel), "/")
		if !ok {
			return fmt.Errorf("fixture %s: put files under <dir>/<bucket>/, not at the top", path)
		}
		f, err := os.Open(path) //nolint:gosec // the fixture tree the user named
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if _, err := sb.store.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f}); err != nil {
			return fmt.Errorf("fixture %s: putting s3://%s/%s: %w", path, bucket, key, err)
		}
		n++
		return nil
	})
	return n, err
}
