package foundry_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/foundry"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/foundryfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

var (
	unitOnce sync.Once
	unitSB   *sandbox.Sandbox
	unitFake *foundryfake.Fake
	unitErr  error
)

// unit returns a sandbox serving only the Foundry fake, a client through the provider's
// transport, and the seeded dataset.
func unit(t *testing.T) (*sandbox.Sandbox, *foundry.Client, string) {
	t.Helper()
	unitOnce.Do(func() {
		unitFake = foundryfake.New()
		unitSB, unitErr = sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{unitFake}})
	})
	if unitErr != nil {
		t.Fatal(unitErr)
	}
	hc := transport.New(transport.Config{Platform: foundry.PlatformName, Secrets: []string{foundryfake.Token}})
	return unitSB, foundry.NewClient(unitSB.Endpoints["foundry"]+"/api", foundryfake.Token, hc), unitFake.DatasetRID()
}

func apiError(t *testing.T, err error) *transport.APIError {
	t.Helper()
	var e *transport.APIError
	if !errors.As(err, &e) {
		t.Fatalf("want a Foundry APIError, got %v", err)
	}
	return e
}

// raw sends a request as another client would (v1 uploads, %2f paths).
func raw(t *testing.T, sb *sandbox.Sandbox, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, sb.Endpoints["foundry"]+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+foundryfake.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFake_v1AndV2PathsReachTheSameFile(t *testing.T) {
	sb, c, rid := unit(t)
	dir := "paths-" + t.Name()
	status, body := raw(t, sb, http.MethodPost, "/api/v1/datasets/"+rid+"/files:upload?filePath="+dir+"%2Fv1.csv&branchId=master", "a,b\n")
	if status != 200 || !strings.Contains(body, `"sizeBytes":"4"`) {
		t.Fatalf("v1 upload: %d %s (sizeBytes must be a string)", status, body)
	}
	if _, err := c.Upload(context.Background(), rid, dir+"/v2 file.csv", foundry.Target{Branch: "master"}, []byte("x")); err != nil {
		t.Fatalf("v2 upload of a nested path with a space: %v", err)
	}
	for _, p := range []string{dir + "%2Fv1.csv", dir + "/v1.csv", dir + "%2fv2%20file.csv"} {
		if status, body := raw(t, sb, http.MethodGet, "/api/v1/datasets/"+rid+"/files/"+p+"?branchId=master", ""); status != 200 {
			t.Errorf("GET files/%s: %d %s", p, status, body)
		}
	}
	if status, body := raw(t, sb, http.MethodGet, "/api/v2/datasets/"+rid+"/files/"+dir+"%2Fv1.csv/content?branchName=master", ""); status != 200 || body != "a,b\n" {
		t.Errorf("v2 content: %d %q", status, body)
	}
	// A raw / in a v2 file path is another route: a 404 in Foundry's envelope.
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		suffix := map[string]string{http.MethodGet: "/content", http.MethodPost: "/upload", http.MethodDelete: ""}[m]
		status, body := raw(t, sb, m, "/api/v2/datasets/"+rid+"/files/"+dir+"/v1.csv"+suffix+"?branchName=master", "x")
		if status != 404 || !strings.Contains(body, `"errorCode":"NOT_FOUND"`) {
			t.Errorf("%s with a raw / in a v2 file path: %d %s, want the 404 of a mis-route", m, status, body)
		}
	}
}

// The client encodes a file path whole, as Palantir's SDK does (quote(value, safe="")): the
// v2 upload of dir/sub dir/b+c.txt goes to files/dir%2Fsub%20dir%2Fb%2Bc.txt/upload.
func TestClient_filePathsAreEncodedWhole(t *testing.T) {
	sb, c, rid := unit(t)
	ctx := context.Background()
	p := "enc-" + t.Name() + "/sub dir/b+c.txt"
	if _, err := c.Upload(ctx, rid, p, foundry.Target{Branch: "master"}, []byte("x")); err != nil {
		t.Fatal(err)
	}
	want := "/api/v2/datasets/" + rid + "/files/enc-" + t.Name() + "%2Fsub%20dir%2Fb+c.txt/upload"
	found := false
	for _, r := range sb.Faults().Requests("foundry") {
		found = found || r.Path == want
	}
	if !found {
		t.Errorf("no request to %s", want)
	}
	if f, err := c.GetFile(ctx, rid, "master", p); err != nil || f.Path != p {
		t.Errorf("reading %s back: %+v %v", p, f, err)
	}
}

// v2 serves DELETE files/{path} (in a transaction or on a branch), start..end transaction
// ranges, and InvalidPageSize with an integer pageSize.
func TestFake_v2DeleteRangesAndPageSize(t *testing.T) {
	sb, c, rid := unit(t)
	ctx := context.Background()
	dir := "v2-" + t.Name()
	first, err := c.Upload(ctx, rid, dir+"/a.csv", foundry.Target{Branch: "master"}, []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Upload(ctx, rid, dir+"/b.csv", foundry.Target{Branch: "master"}, []byte("b"))
	if err != nil {
		t.Fatal(err)
	}
	list := func(q string) (int, string) {
		return raw(t, sb, http.MethodGet, "/api/v2/datasets/"+rid+"/files?"+q, "")
	}
	if status, body := list("startTransactionRid=" + second.TransactionRID + "&endTransactionRid=" + second.TransactionRID); status != 200 ||
		!strings.Contains(body, dir+"/b.csv") || strings.Contains(body, dir+"/a.csv") || strings.Contains(body, foundryfake.SeedReadme) {
		t.Errorf("start = end lists only what that transaction changed: %d %s", status, body)
	}
	if status, body := list("startTransactionRid=" + first.TransactionRID + "&endTransactionRid=" + second.TransactionRID); status != 200 ||
		!strings.Contains(body, dir+"/a.csv") || !strings.Contains(body, dir+"/b.csv") || strings.Contains(body, foundryfake.SeedReadme) {
		t.Errorf("first..second: %d %s", status, body)
	}
	if status, body := list("pageSize=0&branchName=master"); status != 400 || !strings.Contains(body, `"pageSize":0`) {
		t.Errorf("InvalidPageSize must carry pageSize as an integer: %d %s", status, body)
	}
	if status, body := raw(t, sb, http.MethodDelete, "/api/v2/datasets/"+rid+"/files/"+dir+"%2Fa.csv?branchName=master", ""); status != 204 {
		t.Fatalf("v2 DELETE on a branch: %d %s", status, body)
	}
	if _, err := c.GetFile(ctx, rid, "master", dir+"/a.csv"); apiError(t, err).Code != foundry.ErrFileNotFoundOnBranch {
		t.Errorf("the v2 DELETE left %s: %v", dir+"/a.csv", err)
	}
}

func TestFake_errorsUseTheCatalogueNamesAndParameters(t *testing.T) {
	sb, c, rid := unit(t)
	ctx := context.Background()
	if status, body := raw(t, sb, http.MethodGet, "/api/v1/datasets/"+rid, ""); status != 200 {
		t.Fatalf("dataset: %d %s", status, body)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sb.Endpoints["foundry"]+"/api/v1/datasets/"+rid, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), `"errorName":"MissingCredentials"`) {
		t.Errorf("no token: %d %s", resp.StatusCode, b)
	}

	_, err = c.GetFile(ctx, rid, "master", "no/such.csv")
	e := apiError(t, err)
	if e.StatusCode != 404 || e.Code != foundry.ErrFileNotFoundOnBranch || e.Parameters["path"] != "no/such.csv" || e.Parameters["branchId"] != "master" || e.RequestID == "" {
		t.Errorf("missing file: %+v", e)
	}
	e = apiError(t, c.DeleteFile(ctx, rid, foundryfake.SeedReadme, foundry.Target{Branch: "ri.foundry.main.branch.x"}))
	if e.Code != "InvalidBranchId" {
		t.Errorf("a RID as branch: %+v", e)
	}
	status, body := raw(t, sb, http.MethodDelete, "/api/v1/datasets/"+rid+"/files/x?branchId=master&transactionRid=ri.foundry.main.transaction.1", "")
	if status != 400 || !strings.Contains(body, "InvalidParameterCombination") {
		t.Errorf("branchId and transactionRid: %d %s", status, body)
	}
	_, err = c.GetFile(ctx, "ri.foundry.main.dataset.00000000-0000-4000-8000-000000000000", "master", "x")
	if e := apiError(t, err); e.Code != "DatasetNotFound" || e.Parameters["datasetRid"] == "" {
		t.Errorf("unknown dataset: %+v", e)
	}
}

func TestFake_oneOpenTransactionPerBranchAndDeleteTransactions(t *testing.T) {
	_, c, rid := unit(t)
	ctx := context.Background()
	p := "tx-" + t.Name() + "/a.csv"
	up, err := c.Upload(ctx, rid, p, foundry.Target{Branch: "master"}, []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := c.CreateTransaction(ctx, rid, "master", foundry.TypeUpdate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTransaction(ctx, rid, "master", foundry.TypeDelete); foundry.ErrorName(err) != foundry.ErrOpenTransactionAlreadyExists || transport.StatusCode(err) != 409 {
		t.Errorf("a second open transaction: %v", err)
	}
	if err := c.DeleteFile(ctx, rid, p, foundry.Target{Branch: "master"}); foundry.ErrorName(err) != foundry.ErrOpenTransactionAlreadyExists {
		t.Errorf("a branch delete while a transaction is open: %v", err)
	}
	if err := c.DeleteFile(ctx, rid, p, foundry.Target{TransactionRID: tx.RID}); foundry.ErrorName(err) != "InvalidTransactionType" {
		t.Errorf("a delete inside an UPDATE transaction: %v", err)
	}
	if err := c.AbortTransaction(ctx, rid, tx.RID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CommitTransaction(ctx, rid, tx.RID); foundry.ErrorName(err) != "TransactionNotOpen" || apiError(t, err).Parameters["transactionStatus"] != "ABORTED" {
		t.Errorf("committing an aborted transaction: %v", err)
	}
	// A branch delete is a DELETE transaction: gone from the branch, still in the history.
	if err := c.DeleteFile(ctx, rid, p, foundry.Target{Branch: "master"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFile(ctx, rid, "master", p); foundry.ErrorName(err) != foundry.ErrFileNotFoundOnBranch {
		t.Errorf("deleted file still on the branch: %v", err)
	}
	if f, err := c.GetFileAt(ctx, rid, up.TransactionRID, p); err != nil || f.Size() != 1 {
		t.Errorf("the historical view lost the file: %+v %v", f, err)
	}
}

func TestClient_listsEveryPage(t *testing.T) {
	_, c, rid := unit(t)
	ctx := context.Background()
	dir := "list-" + t.Name()
	for i := range 5 {
		if _, err := c.Upload(ctx, rid, fmt.Sprintf("%s/%d.csv", dir, i), foundry.Target{Branch: "master"}, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	files, err := c.ListFiles(ctx, rid, "master", 2)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasPrefix(f.Path, dir+"/") {
			n++
		}
	}
	if n != 5 {
		t.Errorf("listed %d of the 5 files across pages of 2", n)
	}
}
