package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// deleter runs DeleteObjects requests on a bounded pool while the lister goes on, and records
// what they did in the teardown's ledger.
type deleter struct {
	ctx    context.Context
	api    API
	bucket string
	opts   Options
	led    *ledger
	// sendBypass: the user opted in and the bucket has object lock.
	sendBypass bool
	// lockLookups counts the lock explanations asked for (at most maxNamedErrors).
	lockLookups atomic.Int32
	// pacer spaces the deletes once S3 answers SlowDown.
	pacer *keyPacer

	batches chan []entry
	workers sync.WaitGroup
	pending sync.WaitGroup
}

func newDeleter(ctx context.Context, api API, bucket string, opts Options, objectLock bool) *deleter {
	d := &deleter{
		ctx: ctx, api: api, bucket: bucket, opts: opts, led: newLedger(bucket), sendBypass: opts.BypassGovernanceRetention && objectLock,
		batches: make(chan []entry, opts.Concurrency), pacer: newKeyPacer(),
	}
	for range opts.Concurrency {
		d.workers.Add(1)
		go func() {
			defer d.workers.Done()
			for b := range d.batches {
				d.deleteBatch(b)
				d.pending.Done()
			}
		}()
	}
	return d
}

// submit queues entries in batches of at most BatchSize; keys XML cannot carry go one by one.
func (d *deleter) submit(entries []entry) {
	var batch []entry
	for _, e := range entries {
		if !xmlSafe(e.key) {
			d.deleteOne(e)
			continue
		}
		batch = append(batch, e)
		if len(batch) == d.opts.BatchSize {
			d.enqueue(batch)
			batch = nil
		}
	}
	if len(batch) > 0 {
		d.enqueue(batch)
	}
}

func (d *deleter) enqueue(batch []entry) {
	d.pending.Add(1)
	d.batches <- batch
}

// wait blocks until every queued batch is done.
func (d *deleter) wait() { d.pending.Wait() }

// close stops the workers and returns the counts and the joined per-key errors (or the
// context's error when it ended the teardown).
func (d *deleter) close() (Result, error) {
	d.wait()
	close(d.batches)
	d.workers.Wait()
	res, err := d.led.close()
	if err == nil {
		err = d.ctx.Err()
	}
	return res, err
}

func (d *deleter) bypass() *bool {
	if d.sendBypass {
		return aws.Bool(true)
	}
	return nil
}

func (d *deleter) deleteBatch(batch []entry) {
	if err := d.ctx.Err(); err != nil {
		return // cancelled: the caller reports ctx's error
	}
	ids := make([]types.ObjectIdentifier, len(batch))
	byKey := make(map[string]entry, len(batch))
	for i, e := range batch {
		ids[i] = types.ObjectIdentifier{Key: aws.String(e.key)}
		if e.versionID != "" {
			ids[i].VersionId = aws.String(e.versionID)
		}
		byKey[e.id()] = e
	}
	out, err := d.api.DeleteObjects(d.ctx, &s3.DeleteObjectsInput{
		Bucket:                    aws.String(d.bucket),
		Delete:                    &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		BypassGovernanceRetention: d.bypass(),
	}, d.pacer.option(len(batch)))
	if err != nil {
		if d.ctx.Err() == nil {
			for _, e := range batch {
				d.led.fail(e, err)
			}
		}
		return
	}
	for _, oe := range out.Errors {
		e, ok := byKey[aws.ToString(oe.Key)+"\x00"+aws.ToString(oe.VersionId)]
		if !ok {
			continue
		}
		delete(byKey, e.id())
		code := aws.ToString(oe.Code)
		cause := fmt.Errorf("%s: %s", code, aws.ToString(oe.Message))
		switch {
		case goneCode(code):
			d.led.done(e) // listed in scope and gone now
		case transientCode(code), staleVersion(e, code, aws.ToString(oe.Message)):
			d.led.retryLater(e, cause)
		case code == "AccessDenied":
			d.led.fail(e, d.lockCause(e, cause))
		default:
			d.led.fail(e, cause)
		}
	}
	for _, e := range byKey {
		d.led.done(e)
	}
}

func (d *deleter) deleteOne(e entry) {
	in := &s3.DeleteObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(e.key), BypassGovernanceRetention: d.bypass()}
	if e.versionID != "" {
		in.VersionId = aws.String(e.versionID)
	}
	_, err := d.api.DeleteObject(d.ctx, in, d.pacer.option(1))
	var apiErr smithy.APIError
	switch {
	case err == nil:
		d.led.done(e)
	case errors.As(err, &apiErr) && goneCode(apiErr.ErrorCode()):
		d.led.done(e)
	case d.ctx.Err() == nil && apiCode(err) == "AccessDenied":
		d.led.fail(e, d.lockCause(e, err))
	case d.ctx.Err() == nil:
		d.led.fail(e, err)
	}
}

func goneCode(code string) bool { return code == "NoSuchKey" || code == "NoSuchVersion" }

// transientCode is a per-key error S3 documents as worth retrying.
func transientCode(code string) bool {
	switch code {
	case "InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "OperationAborted":
		return true
	}
	return false
}

// staleVersion is a refusal of a version id the server itself just listed: versitygw answers
// InvalidArgument where S3 answers NoSuchVersion for a version that is gone. The next listing
// settles it: a version that is gone is not listed again.
func staleVersion(e entry, code, message string) bool {
	return e.versionID != "" && code == "InvalidArgument" && strings.Contains(strings.ToLower(message), "version id")
}
