package foundry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/wait"
)

// connect is where the Foundry client meets the provider.
func connect(data *providerdata.Data, typeName string) (*Client, diag.Diagnostics) {
	conn, diags := data.Require(providerdata.Foundry, typeName)
	if diags.HasError() {
		return nil, diags
	}
	return NewClient(conn.Endpoint, conn.Secret, conn.HTTP), diags
}

var (
	datasetRIDRE = regexp.MustCompile(`^ri\.foundry\.main\.dataset\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// A branch name must not look like a RID or a UUID (InvalidBranchId).
	notRIDOrUUID = regexp.MustCompile(`^ri\.|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// A file path is relative, without empty, "." or ".." segments.
	filePathRE = regexp.MustCompile(`^([^/]+/)*[^/]+$`)
)

func datasetRIDValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(datasetRIDRE, "must be a dataset RID, ri.foundry.main.dataset.<uuid>")}
}

func branchValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtLeast(1),
		notMatching(notRIDOrUUID, "must be a branch name, not a RID or a UUID"),
	}
}

func filePathValidators() []validator.String {
	return []validator.String{validPathSegments{}}
}

// validPathSegments checks a Foundry file path.
type validPathSegments struct{}

func (validPathSegments) Description(context.Context) string {
	return "must be a relative file path such as dir/file.csv: no leading /, no empty, . or .. parts"
}

func (v validPathSegments) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (validPathSegments) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkPath(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Foundry file path", err.Error())
	}
}

func checkPath(p string) error {
	if !filePathRE.MatchString(p) {
		return fmt.Errorf("%q must be a relative file path such as dir/file.csv: no leading /, no empty parts", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q must not contain . or .. segments", p)
		}
	}
	return nil
}

type notMatchingValidator struct {
	re  *regexp.Regexp
	msg string
}

func notMatching(re *regexp.Regexp, msg string) validator.String {
	return notMatchingValidator{re, msg}
}

func (v notMatchingValidator) Description(context.Context) string         { return v.msg }
func (v notMatchingValidator) MarkdownDescription(context.Context) string { return v.msg }
func (v notMatchingValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v.re.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Foundry branch", fmt.Sprintf("%q %s.", req.ConfigValue.ValueString(), v.msg))
	}
}

// sha256Hex is the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// readSource reads a local source file.
func readSource(path string) ([]byte, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the user names the file to upload
	if err != nil {
		return nil, fmt.Errorf("reading source %q: %w", path, err)
	}
	return b, nil
}

// ErrBranchBusy is another transaction open on the branch for longer than the timeout allowed.
var ErrBranchBusy = errors.New("the branch stayed busy")

// whileBranchBusy runs call until it no longer fails with OpenTransactionAlreadyExists,
// waiting up to ctx's deadline: a build holds an open transaction on its output dataset for
// as long as it runs.
func whileBranchBusy(ctx context.Context, rid, branch string, call func(ctx context.Context) error) error {
	var busy error
	err := wait.Until(ctx, time.Second, 10*time.Second, func(ctx context.Context) (bool, error) {
		err := call(ctx)
		if ErrorName(err) == ErrOpenTransactionAlreadyExists {
			tflog.Info(ctx, "another transaction is open on the branch; waiting", map[string]any{"dataset_rid": rid, "branch": branch})
			busy = err
			return false, err
		}
		return true, err
	})
	if busy != nil && errors.Is(err, context.DeadlineExceeded) {
		err = busy // the timeout ran out during a retry: the branch was still busy
	}
	if ErrorName(err) == ErrOpenTransactionAlreadyExists {
		return fmt.Errorf("%w: branch %q of dataset %s kept an open transaction (usually a running build writing the dataset) "+
			"until the timeout ran out; wait for it to finish or abort it, then run the command again: %w", ErrBranchBusy, branch, rid, err)
	}
	return err
}

// inTransaction opens a transaction of typ on the branch (waiting while another is open),
// runs fill with its RID and commits it. When fill or the commit fails, it aborts the
// transaction, so that nothing of it becomes visible, and says so in the error.
func inTransaction(ctx context.Context, c *Client, rid, branch, typ string, fill func(ctx context.Context, txRID string) error) (Transaction, error) {
	var tx Transaction
	err := whileBranchBusy(ctx, rid, branch, func(ctx context.Context) error {
		var err error
		tx, err = c.CreateTransaction(ctx, rid, branch, typ)
		return err
	})
	if err != nil {
		return tx, fmt.Errorf("opening a %s transaction on branch %q: %w", typ, branch, err)
	}
	abort := func(cause error) error {
		// The abort must happen even when ctx has run out.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if aerr := c.AbortTransaction(actx, rid, tx.RID); aerr != nil {
			return fmt.Errorf("%w; aborting transaction %s failed too, abort it by hand: %w", cause, tx.RID, aerr)
		}
		return fmt.Errorf("%w; transaction %s was aborted, so the branch is unchanged", cause, tx.RID)
	}
	if err := fill(ctx, tx.RID); err != nil {
		return tx, abort(err)
	}
	committed, err := c.CommitTransaction(ctx, rid, tx.RID)
	if err != nil {
		return tx, abort(fmt.Errorf("committing transaction %s: %w", tx.RID, err))
	}
	return committed, nil
}

// isFileGone says whether err is Foundry's "no such file" for a delete.
func isFileGone(err error) bool {
	n := ErrorName(err)
	return n == ErrFileNotFoundOnBranch || n == ErrFileNotFoundOnRange
}
