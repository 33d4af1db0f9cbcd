package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// bucketInfo is what the engine learns of a bucket before it lists: which listing the bucket
// needs, and whether the governance bypass may be sent to it.
type bucketInfo struct {
	// versioned buckets are listed by version; others by current object.
	versioned bool
	// directory buckets (S3 Express One Zone) have no versions: they are listed with
	// ListObjectsV2 only, by prefixes that end in /, in no particular order, and an exact key
	// is looked up with HeadObject.
	directory bool
	// objectLock is known only when the bypass was asked for: the bypass header goes only to
	// buckets with object lock (S3 answers 400 to it elsewhere).
	objectLock bool
}

// Buckets caches what the engine learned of each bucket, so that one provider process asks
// once per bucket. The zero value is ready; an engine without one keeps its own.
type Buckets struct{ m sync.Map }

// IsDirectoryBucket says whether a bucket name is a directory bucket's: <base>--<zone>--x-s3
// (AWS S3 User Guide, "Directory bucket naming rules").
func IsDirectoryBucket(name string) bool { return strings.HasSuffix(name, "--x-s3") }

func apiCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// needs wraps an AccessDenied with the permission the teardown lacks.
func needs(permission, bucket string, err error) error {
	return fmt.Errorf("the teardown needs %s on bucket %s (see cleanup_iam_policy): %w", permission, bucket, err)
}

func (e *Engine) bucket(ctx context.Context, name string) (bucketInfo, error) {
	key := fmt.Sprintf("%s\x00%v", name, e.opts.BypassGovernanceRetention)
	if v, ok := e.buckets.m.Load(key); ok {
		return v.(bucketInfo), nil
	}
	info := bucketInfo{directory: IsDirectoryBucket(name)}
	if !info.directory {
		out, err := e.api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
		switch code := apiCode(err); {
		case err == nil:
			info.versioned = out.Status != ""
		case code == "NotImplemented":
			info.directory = true // what a directory bucket answers, whatever its name
		case code == "AccessDenied":
			return info, needs("s3:GetBucketVersioning", name, err)
		case code == "NoSuchBucket":
			return info, err
		default:
			info.versioned = true // the version listing sees everything in either kind of bucket
		}
	}
	if e.opts.BypassGovernanceRetention && !info.directory {
		out, err := e.api.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(name)})
		switch code := apiCode(err); {
		case err == nil:
			info.objectLock = out.ObjectLockConfiguration != nil && out.ObjectLockConfiguration.ObjectLockEnabled == types.ObjectLockEnabledEnabled
		case code == "AccessDenied":
			return info, needs("s3:GetBucketObjectLockConfiguration", name, err)
		}
	}
	e.buckets.m.Store(key, info)
	return info, nil
}

// lockCause explains a version refused with AccessDenied when object lock holds it: the mode
// and retain-until date, or the legal hold, which no one can bypass. It returns cause as it
// is when the version is not locked or its lock cannot be read.
func (d *deleter) lockCause(e entry, cause error) error {
	if e.versionID == "" || d.lockLookups.Add(1) > maxNamedErrors {
		return cause
	}
	b, k, v := aws.String(d.bucket), aws.String(e.key), aws.String(e.versionID)
	var why []string
	if out, err := d.api.GetObjectLegalHold(d.ctx, &s3.GetObjectLegalHoldInput{Bucket: b, Key: k, VersionId: v}); err == nil &&
		out.LegalHold != nil && out.LegalHold.Status == types.ObjectLockLegalHoldStatusOn {
		why = append(why, "a legal hold, which no one can bypass: remove it (s3:PutObjectLegalHold), then destroy again")
	}
	if out, err := d.api.GetObjectRetention(d.ctx, &s3.GetObjectRetentionInput{Bucket: b, Key: k, VersionId: v}); err == nil &&
		out.Retention != nil && out.Retention.RetainUntilDate != nil {
		until := out.Retention.RetainUntilDate.UTC().Format("2006-01-02T15:04:05Z")
		switch out.Retention.Mode {
		case types.ObjectLockRetentionModeCompliance:
			why = append(why, "compliance-mode retention until "+until+", which no one can shorten or bypass: a destroy after that date finishes")
		case types.ObjectLockRetentionModeGovernance:
			if d.opts.BypassGovernanceRetention {
				why = append(why, "governance-mode retention until "+until+", and the bypass was refused (the teardown needs s3:BypassGovernanceRetention)")
			} else {
				why = append(why, "governance-mode retention until "+until+": set bypass_governance_retention = true to delete it, or destroy after that date")
			}
		}
	}
	if len(why) == 0 {
		return cause
	}
	return fmt.Errorf("locked by object lock: %s (%w)", strings.Join(why, "; and "), cause)
}
