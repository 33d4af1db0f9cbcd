package storage

import (
	"context"
	"errors"
	"fmt"
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
}

func newDeleter(ctx context.Context, api API, bucket string, opts Options) *deleter {
	d := &deleter{
		ctx: ctx, api: api, bucket: bucket, opts: opts,
		batches:  make(chan []entry, opts.Concurrency),
		failures: map[string]error{},
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
	d.result.add(e)
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
		if code := aws.ToString(oe.Code); !goneCode(code) {
			d.fail(e, fmt.Errorf("%s: %s", code, aws.ToString(oe.Message)))
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
	case d.ctx.Err() == nil:
		d.fail(e, err)
	}
}

func goneCode(code string) bool { return code == "NoSuchKey" || code == "NoSuchVersion" }
