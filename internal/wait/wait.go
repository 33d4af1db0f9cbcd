// Package wait polls a platform until an object reaches a state (V7 processing done, a Foundry
// branch free of another open transaction). It is not a retry loop for failed requests: those
// belong to internal/transport alone.
package wait

import (
	"context"
	"time"
)

// Until calls check until it reports done or fails, sleeping between calls from first,
// doubling up to most, on ctx: when ctx ends, Until returns check's last error if any, else
// ctx's error.
func Until(ctx context.Context, first, most time.Duration, check func(ctx context.Context) (done bool, err error)) error {
	delay := first
	for {
		done, err := check(ctx)
		if done {
			return err
		}
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			if err != nil {
				return err
			}
			return ctx.Err()
		case <-timer.C:
		}
		delay = min(2*delay, most)
	}
}
