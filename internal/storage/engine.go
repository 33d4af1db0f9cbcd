package storage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// API is the part of *s3.Client the engine uses.
type API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	ListObjectVersions(ctx context.Context, in *s3.ListObjectVersionsInput, opts ...func(*s3.Options)) (*s3.ListObjectVersionsOutput, error)
	DeleteObjects(ctx context.Context, in *s3.DeleteObjectsInput, opts ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	ListMultipartUploads(ctx context.Context, in *s3.ListMultipartUploadsInput, opts ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, opts ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
	GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, opts ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
	GetObjectRetention(ctx context.Context, in *s3.GetObjectRetentionInput, opts ...func(*s3.Options)) (*s3.GetObjectRetentionOutput, error)
	GetObjectLegalHold(ctx context.Context, in *s3.GetObjectLegalHoldInput, opts ...func(*s3.Options)) (*s3.GetObjectLegalHoldOutput, error)
}

const (
	maxBatch = 1000 // the most keys one DeleteObjects request may carry
	// maxPagesPerPass bounds what one pass remembers (a 16-byte tag and a byte for each entry
	// it listed, some 20,000: under 1 MiB) before it re-lists, so that a teardown's heap does
	// not grow with the scope. Re-listing costs no extra request: the deleted keys are gone
	// from the listing. Each re-listing waits for the pass's deletes to land, which leaves the
	// pipeline idle for one request's time: 20 pages make that a twentieth of a pass.
	maxPagesPerPass = 20
	// maxPasses ends a teardown that keeps finding objects, e.g. because something writes them anew.
	maxPasses = 1000
	// maxNamedErrors is how many per-key errors an error message names before it summarises.
	maxNamedErrors = 20
	// maxDeletes is how often an entry is deleted before a listing that still shows it is
	// believed. A server may list an entry once more while a concurrent delete of another
	// version of the same key settles (versitygw does).
	maxDeletes = 3
)

// Options tune the engine; the zero value is the production setting.
type Options struct {
	// BypassGovernanceRetention deletes versions under governance-mode object lock. Only when
	// the user opted in, and sent only to buckets with object lock enabled.
	BypassGovernanceRetention bool
	// Buckets caches what was learned of each bucket (shared by a provider's engines); nil
	// keeps a cache of the engine's own.
	Buckets *Buckets
	// Concurrency is how many DeleteObjects requests may be in flight while the next page is
	// listed (default 4).
	Concurrency int
	// BatchSize is the number of keys per DeleteObjects and per list page (default and at most 1000).
	BatchSize int
}

// Result counts what a teardown removed, or what a preview would remove. Versions count as
// current or noncurrent as they were listed; on a server whose version paging skips entries
// after a concurrent delete, a version listed only in a later pass may count as current.
// Totals and bytes are exact.
type Result struct {
	// Objects are current objects (the latest version of a key, or a key of an unversioned bucket).
	Objects int64
	// Versions are noncurrent object versions.
	Versions int64
	// DeleteMarkers are delete markers.
	DeleteMarkers int64
	// Uploads are incomplete multipart uploads (their parts are billed storage).
	Uploads int64
	// Bytes is the size of the objects and versions.
	Bytes int64
}

// Total is every object, version, delete marker and incomplete upload counted.
func (r Result) Total() int64 { return r.Objects + r.Versions + r.DeleteMarkers + r.Uploads }

func (r *Result) add(e entry) {
	switch {
	case e.deleteMarker:
		r.DeleteMarkers++
	case e.latest:
		r.Objects++
		r.Bytes += e.size
	default:
		r.Versions++
		r.Bytes += e.size
	}
}

// Engine deletes and counts the objects of scopes.
type Engine struct {
	api      API
	opts     Options
	pageSize int32
	buckets  *Buckets
}

// New returns an engine on an S3 client.
func New(api API, opts Options) *Engine {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.BatchSize <= 0 || opts.BatchSize > maxBatch {
		opts.BatchSize = maxBatch
	}
	buckets := opts.Buckets
	if buckets == nil {
		buckets = &Buckets{}
	}
	return &Engine{api: api, opts: opts, pageSize: int32(opts.BatchSize), buckets: buckets} //nolint:gosec // BatchSize is at most 1000
}

// Preview is a capped count.
type Preview struct {
	Result
	// Capped is true when counting stopped before the end, at the cap or because the server's
	// paging stopped advancing: there are at least that many.
	Capped bool
}

// Count counts what Delete would remove, stopping once limit entries are counted. It never
// deletes. A bucket that no longer exists counts as empty.
func (e *Engine) Count(ctx context.Context, scope Scope, limit int64) (Preview, error) {
	info, err := e.bucket(ctx, scope.Bucket)
	if isNoSuchBucket(err) {
		return Preview{}, nil
	}
	if err != nil {
		return Preview{}, err
	}
	l := lister{api: e.api, bucket: scope.Bucket, versioned: info.versioned, directory: info.directory, pageSize: e.pageSize}
	var p Preview
	tags := newTagger()
	for _, u := range scope.units(info.directory) {
		seen := map[tag]struct{}{}
		from := marker{}
		for {
			pg, err := l.list(ctx, u, from)
			if isNoSuchBucket(err) {
				return Preview{}, nil
			}
			if err != nil {
				return p, err
			}
			progressed, past := false, false
			for _, en := range pg.entries {
				owned, beyond := u.owns(en.key)
				past = past || beyond
				if !owned {
					continue
				}
				t := tags.of(en)
				if _, dup := seen[t]; dup {
					continue
				}
				seen[t] = struct{}{}
				progressed = true
				p.add(en)
				if p.Total() >= limit {
					p.Capped = true
					return p, nil
				}
			}
			if !pg.truncated || past {
				break
			}
			if stalled(u, progressed, pg, from) {
				// The server's paging stopped advancing: what was counted is a lower bound.
				p.Capped = true
				break
			}
			from = pg.next
		}
		err := l.uploads(ctx, u, func(multipartUpload) error {
			p.Uploads++
			if p.Total() >= limit {
				p.Capped = true
				return errStop
			}
			return nil
		})
		switch {
		case errors.Is(err, errStop):
			return p, nil // capped
		case err != nil:
			return p, err
		}
	}
	return p, nil
}

// Delete removes every current object, version and delete marker in scope and returns what it
// removed. Keys already gone count as done. Per-key failures do not stop the teardown: they are
// joined into the returned error, which names the keys, next to the counts of what was removed.
//
// It lists a page, hands it to up to Options.Concurrency deleters and lists the next page
// meanwhile; a pass ends when the listing stops making progress, and passes repeat until one
// finds nothing left, so that servers whose version paging repeats or never advances are
// handled as correctly as S3 itself.
func (e *Engine) Delete(ctx context.Context, scope Scope) (Result, error) {
	info, err := e.bucket(ctx, scope.Bucket)
	if isNoSuchBucket(err) {
		return Result{}, nil
	}
	if err != nil {
		return Result{}, fmt.Errorf("deleting %s: %w", scope, err)
	}
	l := lister{api: e.api, bucket: scope.Bucket, versioned: info.versioned, directory: info.directory, pageSize: e.pageSize}
	if l.versioned {
		// Half pages, so that a key held back from one page plus the next page fit in one
		// DeleteObjects request (see pass).
		l.pageSize = max(1, e.pageSize/2)
	}
	d := newDeleter(ctx, e.api, scope.Bucket, e.opts, info.objectLock)
	var listErr error
	for _, u := range scope.units(info.directory) {
		if listErr = e.drain(ctx, l, u, d); listErr != nil {
			break
		}
		// The unit's incomplete multipart uploads, after its objects.
		if listErr = l.uploads(ctx, u, d.abort); listErr != nil {
			break
		}
	}
	res, keyErrs := d.close()
	if isNoSuchBucket(listErr) {
		listErr = nil
	}
	err = errors.Join(listErr, keyErrs)
	tflog.Debug(ctx, "S3 teardown finished", map[string]any{
		"scope": scope.String(), "objects": res.Objects, "versions": res.Versions,
		"delete_markers": res.DeleteMarkers, "uploads": res.Uploads, "bytes": res.Bytes, "failed": err != nil,
	})
	if err != nil {
		return res, fmt.Errorf("deleting %s: %w", scope, err)
	}
	return res, nil
}

// drain runs sweeps over one unit until a sweep submits nothing new.
func (e *Engine) drain(ctx context.Context, l lister, u unit, d *deleter) error {
	d.led.startUnit()
	for range maxPasses {
		d.led.startSweep()
		submitted, complete, err := e.sweep(ctx, l, u, d)
		if errors.Is(err, errStuck) {
			if submitted == 0 {
				// Sweeps that delete nothing and stop at the same page: never "done" on a guess.
				return fmt.Errorf("listing s3://%s/%s stops advancing before the end of the owned folders (the server repeats "+
					"a page, or ignores StartAfter or KeyMarker), so the keys after it could not be checked", l.bucket, u.prefix)
			}
			err = nil // what it deleted is gone from the listing: the next sweep goes further
		}
		if err != nil {
			return err
		}
		if complete {
			d.led.settle(false) // what an earlier sweep left for retry and this one did not list is gone
		}
		if submitted == 0 {
			return nil
		}
		if complete && !l.versioned && u.children == nil && u.walk == nil {
			// Current objects listed to the end were all seen: one key is enough to check that
			// the deletes took (a server that answers done and deletes nothing shows it again).
			// A walk gets a full sweep again, which lists only its ranges (and the keys a page
			// reaches past them): its first page says nothing of its last range. So does a
			// version listing, because deleting a newest version can make a server list an
			// older one anew.
			left, err := l.anyLeft(ctx, u)
			if err != nil {
				return err
			}
			if !left {
				d.led.settle(true)
				return nil
			}
		}
	}
	return fmt.Errorf("objects keep appearing under s3://%s/%s after %d passes", l.bucket, u.prefix, maxPasses)
}

// sweep lists a unit from its start to its end (complete), or until the listing stalls, in
// passes of at most maxPagesPerPass pages that each wait for their deletes to land. A walk's
// pass goes on where the one before stopped, so that the customer's keys between its ranges are
// listed once a sweep; another unit's pass lists again from the start, which costs nothing, since
// what it deleted is gone from the listing, and the sweep ends there.
func (e *Engine) sweep(ctx context.Context, l lister, u unit, d *deleter) (submitted int, complete bool, err error) {
	b := &batcher{d: d, size: d.opts.BatchSize}
	defer func() { b.flush(); d.wait() }()
	from := marker{}
	for range maxPages {
		d.led.startPass()
		n, next, done, err := e.pass(ctx, l, u, d, b, from)
		submitted += n
		if err != nil || done {
			return submitted, done, err
		}
		if next == (marker{}) || u.walk == nil {
			return submitted, false, nil
		}
		d.wait() // let this pass's deletions land before listing again
		from = next
	}
	return submitted, false, fmt.Errorf("listing s3://%s/%s: more than %d pages", l.bucket, u.prefix, maxPages)
}

// batcher gathers the entries of a sweep's pages into full DeleteObjects requests (a walk's
// pages hold a few keys of many folders each), never splitting a key's versions between two.
type batcher struct {
	d      *deleter
	size   int
	queued []entry
}

func (b *batcher) add(entries []entry) {
	b.queued = append(b.queued, entries...)
	for len(b.queued) >= b.size {
		slices.SortStableFunc(b.queued, func(x, y entry) int { return cmp.Compare(x.key, y.key) })
		cut := b.size
		for cut > 0 && cut < len(b.queued) && b.queued[cut-1].key == b.queued[cut].key {
			cut--
		}
		if cut == 0 {
			cut = b.size // one key with more versions than a request takes
		}
		b.d.submit(b.queued[:cut])
		b.queued = slices.Clone(b.queued[cut:])
	}
}

func (b *batcher) flush() {
	b.d.submit(b.queued)
	b.queued = nil
}

// pass lists pages of a unit from a marker (its start, or where the pass before stopped) and
// queues what it has not seen for deletion, returning how many entries it queued and, when it
// stopped at its page cap, where the listing goes on (next). An entry that the previous pass
// already deleted but that is listed again is deleted again at most maxDeletes times, then
// reported as a failure instead of being deleted forever. complete says the listing reached its
// end; a pass that stalls returns neither. A unit other than a walk sends what it queued at the
// end of the pass: its next pass lists from the start again.
//
// The versions of one key are always deleted in the same request: on a truncated page the
// entries of its last key wait for the next page. Deleting a key's newest version while another
// request deletes an older one races on real servers (versitygw reports errors for either) and
// would blur which version was current.
func (e *Engine) pass(ctx context.Context, l lister, u unit, d *deleter, b *batcher, from marker) (submitted int, next marker, complete bool, err error) {
	var held []entry // the last key's versions, waiting for the rest of them
	defer func() {
		b.add(held)
		if u.walk == nil {
			b.flush()
		}
	}()
	for range maxPagesPerPass {
		if err := ctx.Err(); err != nil {
			return submitted, marker{}, false, err
		}
		pg, err := l.list(ctx, u, from)
		if err != nil {
			return submitted, marker{}, false, err
		}
		batch, progressed, past := d.led.pick(pg, u)
		submitted += len(batch)
		batch = append(held, batch...)
		held = nil
		if pg.truncated && l.versioned {
			batch, held = holdLastKey(batch)
		}
		b.add(batch)
		if !pg.truncated || past {
			return submitted, marker{}, true, nil
		}
		if stalled(u, progressed, pg, from) {
			if u.walk != nil && len(pg.entries) > 0 {
				return submitted, marker{}, false, errStuck // the page holds keys: it proves nothing of the ranges after it
			}
			return submitted, marker{}, false, nil
		}
		from = pg.next
	}
	return submitted, from, false, nil
}

// errStuck is a walk's pass that stalled on a page of keys: a sweep that deleted nothing
// before it cannot tell whether the owned ranges after that page are empty.
var errStuck = errors.New("a walk's listing stopped advancing")

// stalled says the listing stopped advancing: the next page would start where this one did, or
// (for a unit whose every listed key is owned) the page held nothing new. A unit of many
// prefixes lists pages of other keys between its own, which are not a stall.
func stalled(u unit, progressed bool, pg page, from marker) bool {
	return pg.next == from || (!progressed && u.children == nil && u.walk == nil)
}

// holdLastKey splits off the entries of the greatest key, unless they are all there is.
func holdLastKey(batch []entry) (now, held []entry) {
	if len(batch) == 0 {
		return batch, nil
	}
	last := slices.MaxFunc(batch, func(a, b entry) int { return cmp.Compare(a.key, b.key) }).key
	for _, en := range batch {
		if en.key == last {
			held = append(held, en)
		} else {
			now = append(now, en)
		}
	}
	if len(now) == 0 {
		return held, nil
	}
	return now, held
}

func isNoSuchBucket(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchBucket"
}

// Object is a current object a source listing found.
type Object struct {
	Key          string
	Size         int64
	LastModified time.Time
}

// Objects calls each with every current object under the folder folder (keys starting with
// folder + "/", never a bare string prefix; the whole bucket for ""), in key order, one
// listing page at a time. A source listing, not a teardown: it deletes nothing.
func (e *Engine) Objects(ctx context.Context, bucket, folder string, each func(Object) error) error {
	prefix := strings.TrimRight(folder, "/") + "/"
	if prefix == "/" {
		prefix = ""
	}
	pager := s3.NewListObjectsV2Paginator(e.api, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			if err := each(Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), LastModified: aws.ToTime(o.LastModified)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Holds says whether the prefix p owns a current object (the key p, or a key under p/): a
// listing of one key under p/, and only when that finds nothing, a listing of one key from p,
// which lists p itself first if it exists. A refresh's "is anything still there" costs one
// request where Count, built for teardowns and previews, costs two or three.
func (e *Engine) Holds(ctx context.Context, bucket, p string) (bool, error) {
	for _, prefix := range []string{p + "/", p} {
		out, err := e.api.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix), MaxKeys: aws.Int32(1)})
		if isNoSuchBucket(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		if len(out.Contents) > 0 && (prefix != p || aws.ToString(out.Contents[0].Key) == p) {
			return true, nil
		}
		if IsDirectoryBucket(bucket) {
			return false, nil // its listings take prefixes that end in / only; p itself is a folder there
		}
	}
	return false, nil
}

// Keys is Objects for the keys alone.
func (e *Engine) Keys(ctx context.Context, bucket, folder string, each func(key string) error) error {
	return e.Objects(ctx, bucket, folder, func(o Object) error { return each(o.Key) })
}
