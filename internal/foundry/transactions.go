package foundry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

// ErrBranchBusy is another transaction open on the branch for longer than the timeout allowed.
var ErrBranchBusy = errors.New("the branch stayed busy")

// errCommitted is an abort that found its transaction committed: a commit whose answer was
// lost went through.
var errCommitted = errors.New("the transaction is committed")

// createSkew is how far Foundry's clock may be from ours when a lost create is matched to
// the transaction it opened.
const createSkew = time.Minute

// openedTx is a transaction this provider process opened.
type openedTx struct {
	dataset, branch, typ string
	at                   time.Time
	closed               bool
	// abandoned is a transaction given up on: its fill or commit failed and its abort failed
	// too (an *OpenTransactionError). Only such a one is aborted by another write that finds
	// the branch busy; one still open and not abandoned is being filled by another resource.
	abandoned bool
}

// opened records every transaction this provider process opened, so that a busy branch held
// by one of them that was given up on is aborted rather than waited out, and the busy error
// says whose transaction holds the branch.
var opened = struct {
	sync.Mutex
	m map[string]*openedTx
}{m: map[string]*openedTx{}}

func recordOpened(tx Transaction, rid, branch string) {
	opened.Lock()
	defer opened.Unlock()
	opened.m[tx.RID] = &openedTx{dataset: rid, branch: branch, typ: tx.Type, at: time.Now()}
}

func recordClosed(txRID string) {
	opened.Lock()
	defer opened.Unlock()
	if o := opened.m[txRID]; o != nil {
		o.closed = true
	}
}

func recordAbandoned(txRID string) {
	opened.Lock()
	defer opened.Unlock()
	if o := opened.m[txRID]; o != nil {
		o.abandoned = true
	}
}

func openedByUs(txRID string) (openedTx, bool) {
	opened.Lock()
	defer opened.Unlock()
	o, ok := opened.m[txRID]
	if !ok {
		return openedTx{}, false
	}
	return *o, true
}

// OpenTransactionError is a transaction the provider opened and could not close (its abort
// failed too). The resource records it, and the next run aborts it before anything else.
type OpenTransactionError struct {
	Dataset, RID string
	Err          error
}

func (e *OpenTransactionError) Error() string {
	return fmt.Sprintf("%s; transaction %s is still open and holds the branch: the next plan or apply aborts it", e.Err, e.RID)
}

func (e *OpenTransactionError) Unwrap() error { return e.Err }

// closeTransaction commits (or aborts) a transaction the provider opened. Both calls are
// retried by the transport, and repeating them is safe: when Foundry answers TransactionNotOpen,
// or the answer is lost, the transaction is read back, and the status it reached decides.
func closeTransaction(ctx context.Context, c *Client, rid, txRID string, commit bool) (Transaction, error) {
	var tx Transaction
	var err error
	if commit {
		tx, err = c.CommitTransaction(ctx, rid, txRID)
	} else {
		err = c.AbortTransaction(ctx, rid, txRID)
		tx = Transaction{RID: txRID, Status: StatusAborted}
	}
	if err != nil && (ErrorName(err) == ErrTransactionNotOpen || transport.MayHaveActed(err)) {
		if got, gerr := c.GetTransaction(transport.WithPersistence(ctx), rid, txRID); gerr == nil {
			switch {
			case got.Status == StatusCommitted && commit, got.Status == StatusAborted && !commit:
				tx, err = got, nil
			case got.Status == StatusCommitted:
				tx, err = got, errCommitted
			case got.Status == StatusAborted:
				err = fmt.Errorf("transaction %s was aborted, not committed: %w", txRID, err)
			}
		}
	}
	if err == nil || errors.Is(err, errCommitted) {
		recordClosed(txRID)
	}
	return tx, err
}

// whileBranchBusy runs call until it no longer fails with OpenTransactionAlreadyExists,
// waiting up to ctx's deadline: a build holds an open transaction on its output dataset for
// as long as it runs. A branch held by a transaction this provider opened and could not close
// is freed by aborting it only when it was abandoned (its abort failed); one another resource
// is still filling is waited for. The final error names the transaction that holds the branch.
func whileBranchBusy(ctx context.Context, c *Client, rid, branch string, call func(ctx context.Context) error) error {
	var busy error
	err := wait.Until(ctx, time.Second, 10*time.Second, func(ctx context.Context) (bool, error) {
		err := call(ctx)
		if ErrorName(err) != ErrOpenTransactionAlreadyExists {
			return true, err
		}
		busy = err
		if holder, _ := c.BranchTransaction(ctx, rid, branch); holder != "" {
			if o, ours := openedByUs(holder); ours && o.abandoned && !o.closed {
				tflog.Warn(ctx, "the branch is held by a transaction this provider opened and gave up on; aborting it",
					map[string]any{"dataset_rid": rid, "branch": branch, "transaction_rid": holder})
				if _, aerr := closeTransaction(ctx, c, rid, holder, false); aerr == nil {
					return false, err // try again at once
				}
			}
		}
		tflog.Info(ctx, "another transaction is open on the branch; waiting", map[string]any{"dataset_rid": rid, "branch": branch})
		return false, err
	})
	if busy != nil && errors.Is(err, context.DeadlineExceeded) {
		err = busy // the timeout ran out during a retry: the branch was still busy
	}
	if ErrorName(err) == ErrOpenTransactionAlreadyExists {
		return fmt.Errorf("%w: %s until the timeout ran out; %w", ErrBranchBusy, describeHolder(context.WithoutCancel(ctx), c, rid, branch), err)
	}
	return err
}

// describeHolder says which transaction holds the branch and whether this provider opened it.
func describeHolder(ctx context.Context, c *Client, rid, branch string) string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	holder, err := c.BranchTransaction(ctx, rid, branch)
	if err != nil || holder == "" {
		return fmt.Sprintf("branch %q of dataset %s kept an open transaction (Foundry did not say which)", branch, rid)
	}
	tx, err := c.GetTransaction(ctx, rid, holder)
	what := "transaction " + holder
	if err == nil {
		what = fmt.Sprintf("%s transaction %s, opened %s,", tx.Type, holder, tx.CreatedTime)
	}
	if o, ours := openedByUs(holder); ours {
		state := "another resource of this run is still writing in it"
		if o.abandoned {
			state = "could not close"
		}
		return fmt.Sprintf("branch %q of dataset %s is held by %s which this provider opened at %s and %s", branch, rid, what, o.at.UTC().Format(time.RFC3339), state)
	}
	return fmt.Sprintf("branch %q of dataset %s is held by %s which this provider did not open in this run (usually a running build "+
		"writing the dataset; or an earlier run killed before it could record it): wait for it to finish or abort it, then run the command again", branch, rid, what)
}

// openTransaction opens a transaction of typ on the branch, waiting while another is open.
// When the answer is lost, the branch's open transaction is read: one of this type that
// Foundry created while the request was under way is this request's, and is used.
func openTransaction(ctx context.Context, c *Client, rid, branch, typ string) (Transaction, error) {
	var tx Transaction
	err := whileBranchBusy(ctx, c, rid, branch, func(ctx context.Context) error {
		sent := time.Now()
		var err error
		tx, err = c.CreateTransaction(ctx, rid, branch, typ)
		if transport.MayHaveActed(err) {
			tx, err = findOpened(ctx, c, rid, branch, typ, sent, err)
		}
		return err
	})
	if err == nil {
		recordOpened(tx, rid, branch)
	}
	return tx, err
}

// findOpened looks for the transaction a create whose answer was lost (lostErr) opened.
func findOpened(ctx context.Context, c *Client, rid, branch, typ string, sent time.Time, lostErr error) (Transaction, error) {
	ctx = transport.WithPersistence(ctx)
	holder, err := c.BranchTransaction(ctx, rid, branch)
	if err != nil {
		return Transaction{}, fmt.Errorf("%w; Foundry may have opened the transaction, and reading the branch failed too (%w)", lostErr, err)
	}
	if holder == "" {
		return Transaction{}, fmt.Errorf("%w; the branch has no transaction, so none was opened", lostErr)
	}
	tx, err := c.GetTransaction(ctx, rid, holder)
	if err != nil {
		return Transaction{}, fmt.Errorf("%w; Foundry may have opened the transaction, and reading transaction %s failed too (%w)", lostErr, holder, err)
	}
	if _, known := openedByUs(holder); known || tx.Status != StatusOpen {
		return Transaction{}, fmt.Errorf("%w; the branch has no new open transaction, so none was opened", lostErr)
	}
	created := tx.Created()
	if tx.Type != typ || created.Before(sent.Add(-createSkew)) || created.After(time.Now().Add(createSkew)) {
		return Transaction{}, fmt.Errorf("%w; the branch's open transaction %s (%s, opened %s) cannot be told to be this request's", lostErr, holder, tx.Type, tx.CreatedTime)
	}
	tflog.Warn(ctx, "opening a transaction lost its answer; the transaction it opened is used", map[string]any{"dataset_rid": rid, "transaction_rid": holder})
	return tx, nil
}

// inTransaction opens a transaction of typ on the branch, runs fill with its RID and commits
// it. When fill or the commit fails, it aborts the transaction, so that nothing of it becomes
// visible, and says so in the error; a transaction it cannot close comes back as an
// *OpenTransactionError for the resource to record.
func inTransaction(ctx context.Context, c *Client, rid, branch, typ string, fill func(ctx context.Context, txRID string) error) (Transaction, error) {
	tx, err := openTransaction(ctx, c, rid, branch, typ)
	if err != nil {
		return tx, fmt.Errorf("opening a %s transaction on branch %q: %w", typ, branch, err)
	}
	abort := func(cause error) (Transaction, error) {
		// The abort must happen even when ctx has run out.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		got, aerr := closeTransaction(actx, c, rid, tx.RID, false)
		switch {
		case errors.Is(aerr, errCommitted):
			return got, nil // the commit went through; its answer was lost
		case aerr != nil:
			recordAbandoned(tx.RID)
			return tx, &OpenTransactionError{Dataset: rid, RID: tx.RID, Err: fmt.Errorf("%w; aborting transaction %s failed too: %w", cause, tx.RID, aerr)}
		}
		return tx, fmt.Errorf("%w; transaction %s was aborted, so the branch is unchanged", cause, tx.RID)
	}
	if err := fill(ctx, tx.RID); err != nil {
		return abort(err)
	}
	committed, err := closeTransaction(ctx, c, rid, tx.RID, true)
	if err != nil {
		return abort(fmt.Errorf("committing transaction %s: %w", tx.RID, err))
	}
	return committed, nil
}

// privateOpenKey holds, in a resource's private state, the transactions it opened and could
// not close.
const privateOpenKey = "foundry_open_transactions"

// loadOpen reads the transactions recorded as left open. One that cannot be read is an error:
// forgetting it would leave its branch held.
func loadOpen(ctx context.Context, p teardown.Private) ([]string, diag.Diagnostics) {
	var rids []string
	diags := teardown.LoadKey(ctx, p, privateOpenKey, &rids)
	return rids, diags
}

func saveOpen(ctx context.Context, p teardown.Private, rids []string) diag.Diagnostics {
	if rids == nil {
		rids = []string{}
	}
	return teardown.SaveKey(ctx, p, privateOpenKey, rids)
}

// recordUnclosed adds the transaction of an *OpenTransactionError in err to the response's
// private state (with those the request already recorded), for the next run to abort.
func recordUnclosed(ctx context.Context, in, out teardown.Private, err error) diag.Diagnostics {
	var open *OpenTransactionError
	if !errors.As(err, &open) {
		return nil
	}
	rids, diags := loadOpen(ctx, in)
	if !slices.Contains(rids, open.RID) {
		rids = append(rids, open.RID)
	}
	return append(diags, saveOpen(ctx, out, rids)...)
}

// abortRecorded aborts the transactions a resource recorded as left open by an earlier run,
// before it does anything else, and keeps in the response's private state those it still
// cannot close. One already closed (or gone) is done. committed are those it found COMMITTED:
// a commit whose answer was lost went through after all, so what it wrote is the resource's.
func abortRecorded(ctx context.Context, c *Client, rid string, in, out teardown.Private) (committed []string, diags diag.Diagnostics) {
	rids, diags := loadOpen(ctx, in)
	if len(rids) == 0 || diags.HasError() {
		return nil, diags
	}
	var left []string
	for _, tx := range rids {
		_, err := closeTransaction(ctx, c, rid, tx, false)
		switch {
		case errors.Is(err, errCommitted):
			tflog.Info(ctx, "a transaction an earlier run left open was committed after all", map[string]any{"dataset_rid": rid, "transaction_rid": tx})
			committed = append(committed, tx)
		case err == nil, transport.IsNotFound(err):
			tflog.Info(ctx, "aborted a transaction an earlier run left open", map[string]any{"dataset_rid": rid, "transaction_rid": tx})
		default:
			left = append(left, tx)
			diags.AddWarning("A Foundry transaction an earlier run left open is still open",
				fmt.Sprintf("Transaction %s on dataset %s holds its branch; aborting it failed: %s. The next run tries again.", tx, rid, err))
		}
	}
	return committed, append(diags, saveOpen(ctx, out, left)...)
}
