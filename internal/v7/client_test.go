package v7_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/v7fake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	v7 "github.com/dataplatforms/terraform-provider-dataplatforms/internal/v7"
)

var (
	unitOnce sync.Once
	unitSB   *sandbox.Sandbox
	unitErr  error
)

// unitSandbox is a sandbox with only the V7 fake and the embedded S3, for client tests.
func unitSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	unitOnce.Do(func() {
		unitSB, unitErr = sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{v7fake.New()}})
	})
	if unitErr != nil {
		t.Fatal(unitErr)
	}
	return unitSB
}

// newClient is a client through the provider's transport, with instant retries.
func newClient(t *testing.T, key string) *v7.Client {
	sb := unitSandbox(t)
	hc := transport.New(transport.Config{Platform: v7.PlatformName, MaxAttempts: 3, Final: v7.Final, Secrets: []string{key},
		Sleep: func(context.Context, time.Duration) error { return nil }})
	return v7.NewClient(sb.Endpoints["v7"]+"/api", key, hc)
}

func putSource(t *testing.T, sb *sandbox.Sandbox, key string) {
	t.Helper()
	_, err := sb.Store().Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(key), Body: strings.NewReader("source " + key)})
	if err != nil {
		t.Fatal(err)
	}
}

func registerOne(t *testing.T, c *v7.Client, storage, name, folder, key string) v7.Registration {
	t.Helper()
	reg, err := c.Register(context.Background(), v7fake.TeamSlug, storage == v7fake.StorageRO, v7fake.DatasetSlug, storage,
		v7.RegisterItem{Name: name, Path: folder, Slots: []v7.RegisterSlot{{SlotName: "0", FileName: name, StorageKey: key}}})
	if err != nil {
		t.Fatalf("registering %s: %v", name, err)
	}
	return reg
}

func TestClient_registerBlocksDuplicatesAndListsAcrossPages(t *testing.T) {
	sb := unitSandbox(t)
	c := newClient(t, v7fake.APIKey)
	ctx := context.Background()
	folder := "/paging-" + t.Name()
	for i := range 5 {
		key := fmt.Sprintf("src/%s/img-%d.jpg", t.Name(), i)
		putSource(t, sb, key)
		reg := registerOne(t, c, v7fake.StorageRW, fmt.Sprintf("img-%d", i), folder, key)
		if len(reg.Items) != 1 || len(reg.BlockedItems) != 0 {
			t.Fatalf("registration %d: %+v", i, reg)
		}
	}
	dup := registerOne(t, c, v7fake.StorageRW, "img-0", folder, "src/x.jpg")
	if len(dup.Items) != 0 || len(dup.BlockedItems) != 1 || !strings.Contains(dup.BlockedItems[0].Reason(), "ALREADY_EXISTS") {
		t.Fatalf("a duplicate (path, name) must be blocked with a reason, got %+v", dup)
	}
	items, err := c.ListItems(ctx, v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Paths: []string{folder}, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 5 {
		t.Fatalf("listed %d items over pages of 2, want 5", len(items))
	}
	pages := 0
	for _, r := range sb.Faults().Requests("v7") {
		if r.Method == http.MethodGet && r.Path == "/api/v2/teams/"+v7fake.TeamSlug+"/items" && strings.Contains(r.Query, url.QueryEscape(folder)) {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d list requests for 5 items at 2 a page, want 3", pages)
	}
}

func TestClient_deleteRefusesAWholeDatasetFilter(t *testing.T) {
	c := newClient(t, v7fake.APIKey)
	for _, f := range []v7.Filters{{DatasetIDs: []int64{v7fake.DatasetID}}, {ItemIDs: []string{"x"}}, {}} {
		if _, err := c.DeleteItems(context.Background(), v7fake.TeamSlug, f); err == nil || !strings.Contains(err.Error(), "whole dataset") {
			t.Errorf("DeleteItems(%+v) = %v, want a refusal", f, err)
		}
	}
}

func TestClient_quotaIsFinalWhileThrottlingIsRetried(t *testing.T) {
	sb := unitSandbox(t)
	c := newClient(t, v7fake.APIKey)
	key := "src/" + t.Name() + "/q.jpg"
	putSource(t, sb, key)
	acctest.AddFaultTo(t, sb, `{"platform":"v7","status":429,"message":"INSUFFICIENT_REMAINING_STORAGE","path_contains":"register_existing","count":5}`)
	sb.Faults().ClearRequests()
	_, err := c.Register(context.Background(), v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW,
		v7.RegisterItem{Name: "q", Path: "/quota", Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "q", StorageKey: key}}})
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Code != v7.CodeInsufficientStorage {
		t.Fatalf("want the quota 429 as an APIError, got %v", err)
	}
	if n := len(sb.Faults().Requests("v7")); n != 1 {
		t.Errorf("the quota 429 was sent %d times; it is final and must not be retried", n)
	}
	_ = sb.Faults().Clear()

	acctest.AddFaultTo(t, sb, `{"platform":"v7","status":429,"path_contains":"register_existing","count":2}`)
	sb.Faults().ClearRequests()
	reg, err := c.Register(context.Background(), v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW,
		v7.RegisterItem{Name: "q", Path: "/quota", Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "q", StorageKey: key}}})
	if err != nil || len(reg.Items) != 1 {
		t.Fatalf("a throttling 429 before any work must be retried, even for the registration POST: %v %+v", err, reg)
	}
	if n := len(sb.Faults().Requests("v7")); n != 3 {
		t.Errorf("%d registration attempts, want 3 (two 429s, then success)", n)
	}
}

func TestClient_errorsCarryV7EnvelopeAndNeverTheKey(t *testing.T) {
	c := newClient(t, "wrong-key-not-to-be-shown")
	_, err := c.TokenInfo(context.Background())
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Code != "UNAUTHORIZED" {
		t.Fatalf("want a 401 UNAUTHORIZED APIError, got %v", err)
	}
	if strings.Contains(err.Error(), "wrong-key-not-to-be-shown") {
		t.Errorf("the API key leaked into the error: %v", err)
	}
	_, err = newClient(t, v7fake.APIKey).Item(context.Background(), v7fake.TeamSlug, "00000000-0000-4000-8000-000000000000")
	if !transport.IsNotFound(err) {
		t.Errorf("an unknown item must be a 404, got %v", err)
	}
}

func TestClient_readWriteRegistrationWritesDerivedFilesUnderTheItem(t *testing.T) {
	sb := unitSandbox(t)
	c := newClient(t, v7fake.APIKey)
	key := "src/" + t.Name() + "/a.jpg"
	putSource(t, sb, key)
	reg := registerOne(t, c, v7fake.StorageRW, "a", "/derived-"+t.Name(), key)
	id := reg.Items[0].ID
	out, err := sb.Store().Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
		Bucket: aws.String(sandbox.BucketPlain), Prefix: aws.String("v7/darwin/" + id + "/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 3 {
		t.Fatalf("%d derived objects under v7/darwin/%s/, want 3 (thumbnail and two sections)", len(out.Contents), id)
	}
	// Processing: processing for the first reads, then complete.
	var statuses []string
	for range v7fake.ProcessingReads + 1 {
		it, err := c.Item(context.Background(), v7fake.TeamSlug, id)
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, it.ProcessingStatus)
	}
	if statuses[0] != "processing" || statuses[len(statuses)-1] != "complete" {
		t.Errorf("processing statuses over reads = %v, want processing … complete", statuses)
	}
}
