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

// deleter runs DeleteObjects requests on a bounded pool while the lister goes on, and keeps
// the counts and the per-key failures.
type deleter struct {
	ctx    context.Context
	api    API
	bucket string
	opts   Options

	batches chan []entry
	workers sync.WaitGroup
	pending sync.WaitGroup

	mu       sync.Mutex
	result   Result
	failures map[string]error // id → why
	order    []string         // failure ids in the order they happened
	// transient holds entries whose delete answered an error worth another try (InternalError,
	// SlowDown, a stale version id): the next listing settles them. Listed again, they are
	// deleted again; no longer listed by a complete pass, they are gone and count as removed.
	transient map[string]transientEntry
	// counted holds the entries of the current pass already counted, so that an entry a server
	// lists again and that is deleted again is counted once.
	counted map[string]struct{}
}

type transientEntry struct {
	entry entry
	cause error
}

func newDeleter(ctx context.Context, api API, bucket string, opts Options) *deleter {
	d := &deleter{
		ctx: ctx, api: api, bucket: bucket, opts: opts,
		batches:   make(chan []entry, opts.Concurrency),
		failures:  map[string]error{},
		transient: map[string]transientEntry{},
		counted:   map[string]struct{}{},
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

// close stops the workers and returns the counts and the joined per-key errors.
func (d *deleter) close() (Result, error) {
	d.wait()
	close(d.batches)
	d.workers.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.order) == 0 {
		return d.result, d.ctx.Err()
	}
	errs := make([]error, 0, maxNamedErrors+2)
	for i, id := range d.order {
		if i == maxNamedErrors {
			errs = append(errs, fmt.Errorf("… and %d more keys failed", len(d.order)-maxNamedErrors))
			break
		}
		errs = append(errs, d.failures[id])
	}
	return d.result, errors.Join(append([]error{fmt.Errorf("%d keys could not be deleted", len(d.order))}, errs...)...)
}

func (d *deleter) failed(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.failures[id]
	return ok
}

func (d *deleter) fail(e entry, cause error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	id := e.id()
	if _, ok := d.failures[id]; ok {
		return
	}
	where := fmt.Sprintf("s3://%s/%s", d.bucket, e.key)
	if e.versionID != "" {
		where += " (version " + e.versionID + ")"
	}
	d.failures[id] = fmt.Errorf("%s: %w", where, cause)
	d.order = append(d.order, id)
}

func (d *deleter) done(e entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.transient, e.id())
	d.countLocked(e)
}

func (d *deleter) bypass() *bool {
	if d.opts.BypassGovernanceRetention {
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
	})
	if err != nil {
		if d.ctx.Err() == nil {
			for _, e := range batch {
				d.fail(e, err)
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
			d.done(e) // listed in scope and gone now
		case transientCode(code), staleVersion(e, code, aws.ToString(oe.Message)):
			d.retryLater(e, cause)
		default:
			d.fail(e, cause)
		}
	}
	for _, e := range byKey {
		d.done(e)
	}
}

func (d *deleter) deleteOne(e entry) {
	in := &s3.DeleteObjectInput{Bucket: aws.String(d.bucket), Key: aws.String(e.key), BypassGovernanceRetention: d.bypass()}
	if e.versionID != "" {
		in.VersionId = aws.String(e.versionID)
	}
	_, err := d.api.DeleteObject(d.ctx, in)
	var apiErr smithy.APIError
	switch {
	case err == nil:
		d.done(e)
	case errors.As(err, &apiErr) && goneCode(apiErr.ErrorCode()):
		d.done(e)
	case d.ctx.Err() == nil:
		d.fail(e, err)
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

func (d *deleter) retryLater(e entry, cause error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.transient[e.id()] = transientEntry{entry: e, cause: cause}
}

// lastTransient is the last retryable error of an entry, if it had one.
func (d *deleter) lastTransient(id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.transient[id].cause
}

// settle counts as removed the entries left for retry that a complete listing no longer shows
// (listed is nil when the listing showed nothing at all), and forgets them.
func (d *deleter) settle(listed map[string]struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id, t := range d.transient {
		if _, still := listed[id]; still {
			continue
		}
		d.countLocked(t.entry)
		delete(d.transient, id)
	}
}

// forgetCounted keeps the memory of what was counted to the entries a pass submitted: only
// they can be listed and deleted again in the next pass.
func (d *deleter) forgetCounted(submitted map[string]int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for id := range d.counted {
		if _, ok := submitted[id]; !ok {
			delete(d.counted, id)
		}
	}
}

func (d *deleter) countLocked(e entry) {
	id := e.id()
	if _, ok := d.counted[id]; ok {
		return
	}
	d.counted[id] = struct{}{}
	d.result.add(e)
}
