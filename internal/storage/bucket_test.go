package storage_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// bucketProbe counts the engine's bucket lookups and can fail the first of each, or hold them.
type bucketProbe struct {
	storage.API
	versioning, lock atomic.Int32
	// failVersioning and failLock fail the first call of each with a transient S3 error.
	failVersioning, failLock bool
	// hold, when set, delays every versioning call, so that concurrent lookups overlap.
	hold time.Duration
	// blockLock makes the first object lock call wait for its context to end.
	blockLock bool
	// lockEntered is closed when the first object lock call starts.
	lockEntered chan struct{}
}

var errInternal = &smithy.GenericAPIError{Code: "InternalError", Message: "We encountered an internal error. Please try again."}

func (p *bucketProbe) GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	n := p.versioning.Add(1)
	time.Sleep(p.hold)
	if p.failVersioning && n == 1 {
		return nil, errInternal
	}
	return p.API.GetBucketVersioning(ctx, in, opts...)
}

func (p *bucketProbe) GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, opts ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error) {
	n := p.lock.Add(1)
	if n == 1 && p.lockEntered != nil {
		close(p.lockEntered)
	}
	if p.blockLock && n == 1 {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if p.failLock && n == 1 {
		return nil, errInternal
	}
	return p.API.GetObjectLockConfiguration(ctx, in, opts...)
}

// A transient error on the first object lock lookup is not kept: a later engine with the
// bypass, sharing the process's cache, sees the bucket's object lock and sends the bypass.
// ObjectLockConfigurationNotFoundError, a bucket's real "no lock", is kept.
func TestTransientObjectLockErrorIsNotCached(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	ctx := context.Background()
	bucket := newBucket(t, srv, true, true)
	lock(t, c, bucket, "scan-1/thumb.jpg", types.ObjectLockRetentionModeGovernance, time.Now().Add(365*24*time.Hour))
	scope, _ := storage.NewScope(bucket, "scan-1")
	buckets := &storage.Buckets{}
	probe := &bucketProbe{API: c, failLock: true}
	_, err := storage.New(probe, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Delete(ctx, scope)
	t.Logf("first destroy, object lock lookup failed: %v", err)
	counter := &bypassCounter{API: probe}
	res, err := storage.New(counter, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Delete(ctx, scope)
	if err != nil || res.Total() != 1 || counter.sent.Load() == 0 {
		t.Fatalf("second destroy: %+v, %v, bypass sent %d times; want the locked version deleted with the bypass", res, err, counter.sent.Load())
	}

	plain := newBucket(t, srv, true, false)
	scope2, _ := storage.NewScope(plain, "scan-1")
	probe2 := &bucketProbe{API: c}
	for range 2 {
		if _, err := storage.New(probe2, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Count(ctx, scope2, 10); err != nil {
			t.Fatal(err)
		}
	}
	if n := probe2.lock.Load(); n != 1 {
		t.Errorf("%d object lock lookups of a bucket without lock; want its answer kept after 1", n)
	}
}

// A transient error on the versioning lookup is not kept: the next engine asks again.
func TestTransientVersioningErrorIsNotCached(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	bucket := newBucket(t, srv, false, false)
	put(t, c, bucket, "scan-1/a")
	scope, _ := storage.NewScope(bucket, "scan-1")
	buckets := &storage.Buckets{}
	probe := &bucketProbe{API: c, failVersioning: true}
	for i := range 3 {
		p, err := storage.New(probe, storage.Options{Buckets: buckets}).Count(context.Background(), scope, 10)
		if err != nil || p.Objects != 1 {
			t.Fatalf("count %d: %+v, %v; want 1 object", i, p, err)
		}
	}
	if n := probe.versioning.Load(); n != 2 {
		t.Errorf("%d versioning lookups; want 2: the failed one, then one kept", n)
	}
}

// Ten resources on the same bucket at once send one GetBucketVersioning between them.
func TestConcurrentBucketLookupsAskOnce(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	bucket := newBucket(t, srv, true, false)
	scope, _ := storage.NewScope(bucket, "scan-1")
	buckets := &storage.Buckets{}
	probe := &bucketProbe{API: c, hold: 100 * time.Millisecond}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := storage.New(probe, storage.Options{Buckets: buckets}).Count(context.Background(), scope, 10); err != nil {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := probe.versioning.Load(); n != 1 {
		t.Errorf("%d GetBucketVersioning calls for 10 concurrent lookups of one bucket; want 1", n)
	}
}

// A lookup whose caller is cancelled while others wait for it does not hand them the
// cancellation: a waiter with a live context gets the bucket's answer.
func TestBucketLookupWaiterOutlivesACancelledCaller(t *testing.T) {
	t.Parallel()
	srv := servers[0]
	c := srv.Client()
	bucket := newBucket(t, srv, true, true)
	scope, _ := storage.NewScope(bucket, "scan-1")
	buckets := &storage.Buckets{}
	probe := &bucketProbe{API: c, blockLock: true, lockEntered: make(chan struct{})}
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := storage.New(probe, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Count(first, scope, 10)
		firstErr <- err
	}()
	<-probe.lockEntered
	waiterErr := make(chan error, 1)
	go func() {
		_, err := storage.New(probe, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Count(context.Background(), scope, 10)
		waiterErr <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the waiter join the lookup in flight
	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: %v", err)
	}
	select {
	case err := <-waiterErr:
		if err != nil {
			t.Fatalf("waiter: %v; want the bucket's answer", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter never returned")
	}
	// And the answer it got is the bucket's: object lock, kept.
	counter := &bypassCounter{API: c}
	lock(t, c, bucket, "scan-1/x", types.ObjectLockRetentionModeGovernance, time.Now().Add(365*24*time.Hour))
	if _, err := storage.New(counter, storage.Options{BypassGovernanceRetention: true, Buckets: buckets}).Delete(context.Background(), scope); err != nil ||
		counter.sent.Load() == 0 {
		t.Fatalf("delete after: %v, bypass sent %d times", err, counter.sent.Load())
	}
}
