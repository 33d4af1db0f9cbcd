// Package foundry is Palantir Foundry's datasets: a REST client (this file and client_*.go
// know HTTP and JSON only) and the Terraform types dataplatforms_foundry_dataset_file,
// dataplatforms_foundry_dataset_file_set and dataplatforms_foundry_dataset_files built on it.
//
// The client writes through the v2 upload endpoint and uses v1 for file get, list and delete.
// Every file path in a URL path is percent-encoded whole, "/" included (dir%2Ffile.csv), as
// Palantir's SDK encodes path parameters: the backend expects it, and a raw "/" is another route.
package foundry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names Foundry in errors and logs.
const PlatformName = "Palantir Foundry"

// Transaction types.
const (
	TypeUpdate = "UPDATE"
	TypeDelete = "DELETE"
)

// Foundry error names the provider acts on.
const (
	ErrOpenTransactionAlreadyExists = "OpenTransactionAlreadyExists"
	ErrFileNotFoundOnBranch         = "FileNotFoundOnBranch"
	ErrFileNotFoundOnRange          = "FileNotFoundOnTransactionRange"
	ErrTransactionNotOpen           = "TransactionNotOpen"
)

// Transaction statuses.
const (
	StatusOpen      = "OPEN"
	StatusCommitted = "COMMITTED"
	StatusAborted   = "ABORTED"
)

// Client talks to the Foundry datasets API over the provider's one transport stack.
type Client struct{ api *transport.API }

// NewClient returns a client for the API base (such as https://acme.palantirfoundry.com/api).
func NewClient(endpoint, token string, hc *http.Client) *Client {
	return &Client{api: &transport.API{
		Platform: PlatformName, Base: strings.TrimRight(endpoint, "/"), HTTP: hc, Decode: decodeError,
		Authorize: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) },
	}}
}

// ErrorName returns Foundry's errorName of an APIError in err's chain, or "".
func ErrorName(err error) string {
	var e *transport.APIError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// decodeError reads Foundry's envelope {errorCode, errorName, errorInstanceId, parameters};
// the generic decoder knows every field of it.
func decodeError(body []byte) transport.ErrorDetails {
	d := transport.DecodeGenericError(body)
	var env struct {
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(body, &env) == nil && env.ErrorCode != "" && d.Message == "" {
		d.Message = env.ErrorCode
	}
	return d
}

// request is one API call.
type request struct {
	method string
	path   string // already escaped
	query  url.Values
	json   any
	raw    []byte
	out    any
	// rawOut receives the answer's bytes instead of decoding JSON.
	rawOut *[]byte
}

func (c *Client) do(ctx context.Context, r request) error {
	req := transport.Request{Method: r.method, Path: r.path, Query: r.query, JSON: r.json, Raw: r.raw}
	if r.rawOut == nil {
		return c.api.Do(ctx, req, r.out)
	}
	req.Accept = "*/*"
	resp, err := c.api.Send(ctx, req)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.api.Error(resp)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxContent+1))
	if err == nil && len(b) > maxContent {
		err = fmt.Errorf("%s is larger than %d bytes", r.path, maxContent)
	}
	*r.rawOut = b
	return err
}

func datasetPath(version, rid string, parts ...string) string {
	p := "/" + version + "/datasets/" + url.PathEscape(rid)
	if len(parts) > 0 {
		p += "/" + strings.Join(parts, "/")
	}
	return p
}

// filePath percent-encodes a file path whole (%2F for /), as the SDK encodes every path
// parameter (quote(value, safe="")): v1 and v2 alike.
func filePath(p string) string { return url.PathEscape(p) }

// File is a file of a dataset view.
type File struct {
	Path           string `json:"path"`
	TransactionRID string `json:"transactionRid"`
	// SizeBytes is a string on the wire.
	SizeBytes   string    `json:"sizeBytes"`
	UpdatedTime time.Time `json:"updatedTime"`
}

// Size parses SizeBytes; -1 when Foundry did not say.
func (f File) Size() int64 {
	n, err := strconv.ParseInt(f.SizeBytes, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// Transaction is a dataset transaction.
type Transaction struct {
	RID    string `json:"rid"`
	Type   string `json:"transactionType"`
	Status string `json:"status"`
	// CreatedTime is an RFC 3339 time (the SDK's Transaction.created_time).
	CreatedTime string `json:"createdTime,omitempty"`
}

// Created is CreatedTime parsed; zero when missing or unreadable.
func (t Transaction) Created() time.Time {
	at, _ := time.Parse(time.RFC3339Nano, t.CreatedTime)
	return at
}

// Target says where a write goes: a branch (the server opens and commits its own transaction)
// or an open transaction.
type Target struct {
	Branch         string
	TransactionRID string
}

func (t Target) query(branchParam string) url.Values {
	if t.TransactionRID != "" {
		return url.Values{"transactionRid": {t.TransactionRID}}
	}
	return url.Values{branchParam: {t.Branch}}
}

// Upload writes one file (v2 upload endpoint).
func (c *Client) Upload(ctx context.Context, rid, path string, to Target, content []byte) (File, error) {
	if to.TransactionRID != "" {
		// The same bytes to the same path of one open transaction: a repeat changes nothing.
		ctx = transport.WithIdempotent(ctx)
	}
	var f File
	err := c.do(ctx, request{method: http.MethodPost, path: datasetPath("v2", rid, "files", filePath(path), "upload"),
		query: to.query("branchName"), raw: content, out: &f})
	return f, err
}

// GetFile reads a file's metadata on a branch.
func (c *Client) GetFile(ctx context.Context, rid, branch, path string) (File, error) {
	var f File
	err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "files", filePath(path)),
		query: url.Values{"branchId": {branch}}, out: &f})
	return f, err
}

// GetFileAt reads a file's metadata in the historical view ending at a transaction.
func (c *Client) GetFileAt(ctx context.Context, rid, endTransaction, path string) (File, error) {
	var f File
	err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "files", filePath(path)),
		query: url.Values{"endTransactionRid": {endTransaction}}, out: &f})
	return f, err
}

// maxPages bounds a listing whose page token never ends (a server bug).
const maxPages = 100000

// ListFiles returns every file of a branch, following page tokens.
func (c *Client) ListFiles(ctx context.Context, rid, branch string, pageSize int) ([]File, error) {
	q := url.Values{"branchId": {branch}}
	if pageSize > 0 {
		q.Set("pageSize", strconv.Itoa(pageSize))
	}
	var out []File
	seen := map[string]bool{}
	for range maxPages {
		var page struct {
			Data          []File `json:"data"`
			NextPageToken string `json:"nextPageToken"`
		}
		if err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "files"), query: q, out: &page}); err != nil {
			return nil, err
		}
		out = append(out, page.Data...)
		if page.NextPageToken == "" {
			return out, nil
		}
		if seen[page.NextPageToken] {
			return nil, fmt.Errorf("listing files of %s on %s: Foundry repeated the page token %q", rid, branch, page.NextPageToken)
		}
		seen[page.NextPageToken] = true
		q.Set("pageToken", page.NextPageToken)
	}
	return nil, fmt.Errorf("listing files of %s on %s: more than %d pages", rid, branch, maxPages)
}

// DeleteFile deletes a file on a branch (a DELETE transaction of its own) or within an open
// DELETE transaction.
func (c *Client) DeleteFile(ctx context.Context, rid, path string, in Target) error {
	return c.do(ctx, request{method: http.MethodDelete, path: datasetPath("v1", rid, "files", filePath(path)), query: in.query("branchId")})
}

// CreateTransaction opens a transaction of a type on a branch.
func (c *Client) CreateTransaction(ctx context.Context, rid, branch, typ string) (Transaction, error) {
	var tx Transaction
	err := c.do(ctx, request{method: http.MethodPost, path: datasetPath("v1", rid, "transactions"),
		query: url.Values{"branchId": {branch}}, json: map[string]string{"transactionType": typ}, out: &tx})
	return tx, err
}

// CommitTransaction commits an open transaction. It is sent as safe to repeat: a repeated
// commit answers TransactionNotOpen, which closeTransaction reads as done.
func (c *Client) CommitTransaction(ctx context.Context, rid, txRID string) (Transaction, error) {
	var tx Transaction
	err := c.do(transport.WithIdempotent(ctx), request{method: http.MethodPost, path: datasetPath("v1", rid, "transactions", url.PathEscape(txRID), "commit"), out: &tx})
	return tx, err
}

// AbortTransaction aborts an open transaction: its writes are discarded. Safe to repeat, as
// CommitTransaction.
func (c *Client) AbortTransaction(ctx context.Context, rid, txRID string) error {
	return c.do(transport.WithIdempotent(ctx), request{method: http.MethodPost, path: datasetPath("v1", rid, "transactions", url.PathEscape(txRID), "abort")})
}

// GetTransaction reads a transaction.
func (c *Client) GetTransaction(ctx context.Context, rid, txRID string) (Transaction, error) {
	var tx Transaction
	err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "transactions", url.PathEscape(txRID)), out: &tx})
	return tx, err
}

// BranchTransaction is the branch's transactionRid: its most recent OPEN or COMMITTED
// transaction (never an ABORTED one), "" when it has none.
func (c *Client) BranchTransaction(ctx context.Context, rid, branch string) (string, error) {
	var b struct {
		TransactionRID string `json:"transactionRid"`
	}
	err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "branches", url.PathEscape(branch)), out: &b})
	return b.TransactionRID, err
}

// maxContent bounds what the provider reads back of a file to detect a change made outside
// Terraform.
const maxContent = 64 << 20

// GetContent reads a file's bytes on a branch (at most 64 MiB).
func (c *Client) GetContent(ctx context.Context, rid, branch, path string) ([]byte, error) {
	var b []byte
	err := c.do(ctx, request{method: http.MethodGet, path: datasetPath("v1", rid, "files", filePath(path), "content"),
		query: url.Values{"branchId": {branch}}, rawOut: &b})
	return b, err
}
