package providerdata_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
)

// TestOnceForgetsTheComputingCallersCancellation: the first caller's computation fails because
// its own context is cancelled; a second caller with a live context must compute again and get
// the value, not the first caller's context.Canceled.
func TestOnceForgetsTheComputingCallersCancellation(t *testing.T) {
	c := &providerdata.Conn{}
	var calls atomic.Int32
	compute := func(ctx context.Context) (any, error) {
		calls.Add(1)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return "adaptors", nil
	}
	first, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Once(first, "k", compute); !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: err = %v, want context.Canceled", err)
	}
	v, err := c.Once(context.Background(), "k", compute)
	if err != nil || v != "adaptors" {
		t.Fatalf("second caller after the first was cancelled: got %v, %v; want adaptors, nil", v, err)
	}
	if _, err := c.Once(context.Background(), "k", compute); err != nil || calls.Load() != 2 {
		t.Fatalf("third caller: err %v, %d computations; want the kept value after 2", err, calls.Load())
	}
}

// TestOnceWaiterComputesWhenTheComputingCallerIsCancelled: a waiter blocked behind a computation
// that ends in its caller's cancellation computes again itself.
func TestOnceWaiterComputesWhenTheComputingCallerIsCancelled(t *testing.T) {
	c := &providerdata.Conn{}
	started := make(chan struct{})
	first, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Once(first, "k", func(ctx context.Context) (any, error) {
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		})
		done <- err
	}()
	<-started
	got := make(chan any, 1)
	go func() {
		v, err := c.Once(context.Background(), "k", func(context.Context) (any, error) { return "value", nil })
		if err != nil {
			v = err
		}
		got <- v
	}()
	time.Sleep(20 * time.Millisecond) // let the waiter block behind the first computation
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("first caller: %v", err)
	}
	select {
	case v := <-got:
		if v != "value" {
			t.Fatalf("waiter got %v, want value", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter never returned")
	}
}

// TestOnceSharesOneComputation: concurrent callers share one computation and its value, and an
// error that is not a cancellation is kept.
func TestOnceSharesOneComputation(t *testing.T) {
	c := &providerdata.Conn{}
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.Once(context.Background(), "k", func(context.Context) (any, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			if err != nil || v != 42 {
				t.Errorf("got %v, %v", v, err)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d computations, want 1", n)
	}
	boom := errors.New("403 forbidden")
	for range 2 {
		if _, err := c.Once(context.Background(), "e", func(context.Context) (any, error) { calls.Add(1); return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d computations, want the error kept after 1 more", n)
	}
}

// TestOnceWaiterStopsWithItsOwnContext: a waiter whose context ends stops waiting; the
// computation in flight goes on and is kept for the others.
func TestOnceWaiterStopsWithItsOwnContext(t *testing.T) {
	c := &providerdata.Conn{}
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan any, 1)
	go func() {
		v, _ := c.Once(context.Background(), "k", func(context.Context) (any, error) {
			close(started)
			<-release
			return "value", nil
		})
		done <- v
	}()
	<-started
	waiter, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Once(waiter, "k", func(context.Context) (any, error) {
		t.Error("a waiter computed while a computation was in flight")
		return nil, nil
	}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiter: err = %v, want its own context.DeadlineExceeded", err)
	}
	close(release)
	if v := <-done; v != "value" {
		t.Fatalf("computing caller got %v", v)
	}
	if v, err := c.Once(context.Background(), "k", nil); v != "value" || err != nil {
		t.Fatalf("later caller: %v, %v", v, err)
	}
}
