package wait_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

func TestUntilStopsWhenDone(t *testing.T) {
	calls := 0
	err := wait.Until(context.Background(), time.Millisecond, 4*time.Millisecond, func(context.Context) (bool, error) {
		calls++
		return calls == 3, nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("Until = %v after %d calls, want nil after 3", err, calls)
	}
}

func TestUntilReturnsTheFinalError(t *testing.T) {
	boom := errors.New("boom")
	err := wait.Until(context.Background(), time.Millisecond, time.Millisecond, func(context.Context) (bool, error) { return true, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Until = %v, want boom", err)
	}
}

func TestUntilGivesUpWithTheLastErrorWhenTheContextEnds(t *testing.T) {
	blocked := errors.New("still blocked")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := wait.Until(ctx, time.Millisecond, 2*time.Millisecond, func(context.Context) (bool, error) { return false, blocked })
	if !errors.Is(err, blocked) {
		t.Fatalf("Until = %v, want the last error", err)
	}
	err = wait.Until(ctx, time.Millisecond, 2*time.Millisecond, func(context.Context) (bool, error) { return false, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Until = %v, want the context's error", err)
	}
}
