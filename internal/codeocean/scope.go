package codeocean

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// Cleanup is what a data asset declares it owns in the customer's storage.
type Cleanup struct {
	// Bucket defaults to the target's bucket (when OwnsTarget) or the S3 source's.
	Bucket   string
	Prefixes []string
	// OwnsTarget declares the external result's target prefix owned.
	OwnsTarget bool
}

// CleanupScope resolves the exact bucket and prefixes a destroy removes. Nothing is owned
// unless declared: the data a user pointed Code Ocean at is never deleted otherwise.
func CleanupScope(c *Cleanup, source *AWSSource, target *AWSSource) (bucket string, prefixes []string, err error) {
	if c == nil || (len(c.Prefixes) == 0 && !c.OwnsTarget) {
		return "", nil, nil
	}
	bucket = c.Bucket
	if c.OwnsTarget {
		if target == nil {
			return "", nil, errors.New("storage_cleanup.owns_target needs a target.aws (an external result of a computation)")
		}
		if bucket == "" {
			bucket = target.Bucket
		}
		if bucket != target.Bucket {
			return "", nil, fmt.Errorf("storage_cleanup.bucket %q differs from the target's bucket %q; one asset owns prefixes of one bucket", bucket, target.Bucket)
		}
		if strings.Trim(target.Prefix, "/") == "" {
			return "", nil, errors.New("the target prefix is empty: owning it would own the whole bucket")
		}
		prefixes = append(prefixes, target.Prefix)
	}
	if bucket == "" && source != nil {
		bucket = source.Bucket
	}
	if bucket == "" {
		return "", nil, errors.New("storage_cleanup.bucket is required when the asset has neither an S3 source nor an owned target")
	}
	prefixes = append(prefixes, c.Prefixes...)
	scope, err := storage.NewScope(bucket, prefixes...)
	if err != nil {
		return "", nil, fmt.Errorf("storage_cleanup: %w", err)
	}
	return scope.Bucket, scope.Prefixes, nil
}
