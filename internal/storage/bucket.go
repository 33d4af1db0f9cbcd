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
	"golang.org/x/sync/singleflight"
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
// once per bucket: engines that ask at once share one lookup. Only the bucket's own answers are
// kept, never a guess made after a failed request. The zero value is ready; an engine without
// one keeps its own.
type Buckets struct {
	m      sync.Map
	flight singleflight.Group
}

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

// bucket returns what the engine needs to know of a bucket: from the cache, else from one
// lookup shared by every engine that asks for the same bucket (and bypass setting) meanwhile.
// A caller whose ctx ends stops waiting. A waiter that gets the cancellation of the caller whose
// ctx ran the lookup, while its own ctx is live, looks up again.
func (e *Engine) bucket(ctx context.Context, name string) (bucketInfo, error) {
	key := fmt.Sprintf("%s\x00%v", name, e.opts.BypassGovernanceRetention)
	for {
		if v, ok := e.buckets.m.Load(key); ok {
			return v.(bucketInfo), nil
		}
		led := false
		ch := e.buckets.flight.DoChan(key, func() (any, error) {
			led = true
			info, keep, err := e.lookupBucket(ctx, name)
			if err == nil && keep {
				e.buckets.m.Store(key, info)
			}
			return info, err
		})
		select {
		case <-ctx.Done():
			return bucketInfo{}, ctx.Err()
		case r := <-ch:
			// led is written before the result is sent on ch.
			if r.Err != nil && !led && ctx.Err() == nil &&
				(errors.Is(r.Err, context.Canceled) || errors.Is(r.Err, context.DeadlineExceeded)) {
				continue // the leader's cancellation, not ours
			}
			info, _ := r.Val.(bucketInfo)
			return info, r.Err
		}
	}
}

// lookupBucket asks S3 about a bucket. keep says the answer is the bucket's own and may be
// cached for the process; it is false when a request failed in a way that says nothing of the
// bucket (a 5xx, a network error, a cancellation), so that one transient failure does not decide
// for every later teardown.
//
// A failed versioning lookup is answered "versioned", for this call only: the version listing
// sees everything in either kind of bucket. A failed object lock lookup has no safe guess (the
// bypass header makes S3 refuse deletes in a bucket without lock; leaving it out makes
// governance-locked versions undeletable although the user opted in), so its error is returned,
// after the SDK's own retries, and the next teardown (or the next run) asks again.
func (e *Engine) lookupBucket(ctx context.Context, name string) (info bucketInfo, keep bool, err error) {
	info = bucketInfo{directory: IsDirectoryBucket(name)}
	keep = true
	if !info.directory {
		out, err := e.api.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(name)})
		switch code := apiCode(err); {
		case err == nil:
			info.versioned = out.Status != ""
		case code == "NotImplemented":
			info.directory = true // what a directory bucket answers, whatever its name
		case code == "AccessDenied":
			return info, false, needs("s3:GetBucketVersioning", name, err)
		case code == "NoSuchBucket":
			return info, false, err
		default:
			// Transient or unknown: the version listing sees everything in either kind of
			// bucket, but this guess is not the bucket's answer.
			info.versioned = true
			keep = false
		}
	}
	if e.opts.BypassGovernanceRetention && !info.directory {
		out, err := e.api.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(name)})
		switch code := apiCode(err); {
		case err == nil:
			info.objectLock = out.ObjectLockConfiguration != nil && out.ObjectLockConfiguration.ObjectLockEnabled == types.ObjectLockEnabledEnabled
		case code == "ObjectLockConfigurationNotFoundError", code == "NotImplemented":
			// The bucket has no object lock (S3's answer), or the store has none at all.
		case code == "AccessDenied":
			return info, false, needs("s3:GetBucketObjectLockConfiguration", name, err)
		case code == "NoSuchBucket":
			return info, false, err
		default:
			return info, false, fmt.Errorf("reading the object lock configuration of bucket %s (for bypass_governance_retention): %w", name, err)
		}
	}
	return info, keep, nil
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
