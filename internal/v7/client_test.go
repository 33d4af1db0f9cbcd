package v7_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// registerOne registers an item from the read-write connection.
func registerOne(t *testing.T, c *v7.Client, name, folder, key string) v7.Registration {
	t.Helper()
	reg, err := c.Register(context.Background(), v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW,
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
		reg := registerOne(t, c, fmt.Sprintf("img-%d", i), folder, key)
		if len(reg.Items) != 1 || len(reg.BlockedItems) != 0 {
			t.Fatalf("registration %d: %+v", i, reg)
		}
	}
	dup := registerOne(t, c, "img-0", folder, "src/x.jpg")
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

// The fake writes where V7's guide says V7 writes: {prefix}/{source folder}/data/{name}/…,
// and {prefix}/data/{name}/… for a source at the bucket's root.
func TestClient_readWriteRegistrationWritesTheGuidesFolder(t *testing.T) {
	sb := unitSandbox(t)
	c := newClient(t, v7fake.APIKey)
	key := "src/" + t.Name() + "/a.jpg"
	root := t.Name() + ".jpg"
	putSource(t, sb, key)
	putSource(t, sb, root)
	reg := registerOne(t, c, "a", "/derived-"+t.Name(), key)
	registerOne(t, c, "root-"+t.Name(), "/derived-"+t.Name(), root)
	id := reg.Items[0].ID
	for prefix, want := range map[string]int{
		"v7/darwin/src/" + t.Name() + "/data/a/":  v7fake.DerivedPerSlot,
		"v7/darwin/data/root-" + t.Name() + "/":   v7fake.DerivedPerSlot,
		"v7/darwin/" + id + "/":                   0,
		"v7/darwin/src/" + t.Name() + "/data/a0/": 0,
	} {
		out, err := sb.Store().Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{
			Bucket: aws.String(sandbox.BucketPlain), Prefix: aws.String(prefix)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Contents) != want {
			t.Errorf("%d derived objects under %s, want %d", len(out.Contents), prefix, want)
		}
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

// darwin-py types an item's tags as a list of names or a map; both decode.
func TestItemTagsDecodeAsListOrMap(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"tags": ["b", "a"]}`, []string{"b", "a"}},
		{`{"tags": {"b": "x", "a": ""}}`, []string{"a", "b"}},
		{`{"tags": []}`, []string{}},
		{`{"tags": null}`, nil},
		{`{}`, nil},
	} {
		var it v7.Item
		if err := json.Unmarshal([]byte(tc.body), &it); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if !slices.Equal(it.Tags, tc.want) {
			t.Errorf("%s: tags %q, want %q", tc.body, it.Tags, tc.want)
		}
	}
	var it v7.Item
	if err := json.Unmarshal([]byte(`{"tags": 7}`), &it); err == nil || !strings.Contains(err.Error(), "neither a list") {
		t.Errorf("a number as tags must fail clearly, got %v", err)
	}
}

// A storage connection is found by the name darwin-py sends, or by its slug; registration
// sends the name.
func TestClient_storageByNameOrSlug(t *testing.T) {
	c := newClient(t, v7fake.APIKey)
	for _, v := range []string{v7fake.StorageROName, v7fake.StorageRO} {
		conn, err := c.Storage(context.Background(), v7fake.TeamSlug, v)
		if err != nil || conn.Slug != v7fake.StorageRO || conn.RegistrationName() != v7fake.StorageROName || !conn.Readonly {
			t.Errorf("Storage(%q) = %+v, %v; want the read-only connection, registered by its name", v, conn, err)
		}
	}
	if _, err := c.Storage(context.Background(), v7fake.TeamSlug, "sandbox ro"); !errors.Is(err, v7.ErrNotFound) {
		t.Errorf("a near-miss must not match, got %v", err)
	}
	sb := unitSandbox(t)
	key := "v7-readonly/" + t.Name() + "/a.jpg"
	putSource(t, sb, key)
	// Only slot_name, file_name and storage_key: darwin-py's ReadOnlyImageSlot needs no more.
	reg, err := c.Register(context.Background(), v7fake.TeamSlug, true, v7fake.DatasetSlug, v7fake.StorageROName,
		v7.RegisterItem{Name: "a", Path: "/" + t.Name(), Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "a.jpg", StorageKey: key}}})
	if err != nil || len(reg.Items) != 1 || len(reg.BlockedItems) != 0 {
		t.Fatalf("a minimal read-only image registered by connection name: %+v, %v", reg, err)
	}
}

// A tag class is made as darwin-py makes one: the tag type's id from GET /annotation_types,
// then POST /annotation_classes; the team's listing then shows it as a tag.
func TestClient_tagClassCreatedLikeDarwinPy(t *testing.T) {
	c := newClient(t, v7fake.APIKey)
	ctx := context.Background()
	typeID, err := c.AnnotationTypeID(ctx, "tag")
	if err != nil || typeID != v7fake.TagTypeID {
		t.Fatalf("tag type id %d, %v; want %d", typeID, err, v7fake.TagTypeID)
	}
	if _, err := c.AnnotationTypeID(ctx, "no-such-type"); !errors.Is(err, v7.ErrNotFound) {
		t.Errorf("an unknown type must be not found, got %v", err)
	}
	name := "tag-" + t.Name()
	id, err := c.CreateTagClass(ctx, name, typeID, v7fake.DatasetID)
	if err != nil || id == 0 {
		t.Fatalf("creating the class: %d, %v", id, err)
	}
	classes, err := c.TagClasses(ctx, v7fake.TeamSlug)
	if err != nil || classes[name] != id {
		t.Fatalf("tag classes %v (%v), want %s = %d", classes, err, name, id)
	}
	if _, err := c.CreateTagClass(ctx, name+"-box", 1, v7fake.DatasetID); err != nil {
		t.Fatalf("creating a bounding-box class: %v", err)
	}
	if cl, _ := c.TagClasses(ctx, v7fake.TeamSlug); cl[name+"-box"] != 0 {
		t.Fatal("a class of another type is listed as a tag")
	}
}

// At dataset scale: registrations of up to 100 items (101 refused as V7 refuses it), a folder
// listed in pages by cursor and by offset (darwin-py's two pagings), and slot_types[].
func TestRegisterBatchesAndPageAFolder(t *testing.T) {
	t.Parallel()
	c := newClient(t, v7fake.APIKey)
	sb := unitSandbox(t)
	ctx := context.Background()
	folder := "/" + acctest.Unique("batch")
	batch := func(from, n int) []v7.RegisterItem {
		var out []v7.RegisterItem
		for i := from; i < from+n; i++ {
			key := fmt.Sprintf("%s/img-%04d.jpg", folder[1:], i)
			out = append(out, v7.RegisterItem{Name: fmt.Sprintf("img-%04d.jpg", i), Path: folder,
				Slots: []v7.RegisterSlot{{SlotName: "0", FileName: "img.jpg", StorageKey: key}}})
		}
		return out
	}
	if _, err := c.RegisterItems(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, batch(0, 101)); err == nil {
		t.Fatal("a registration of 101 items was sent")
	}
	body, _ := json.Marshal(map[string]any{"items": batch(0, 101), "dataset_slug": v7fake.DatasetSlug, "storage_slug": v7fake.StorageRW})
	req, _ := http.NewRequest(http.MethodPost, sb.Endpoints["v7"]+"/api/v2/teams/"+v7fake.TeamSlug+"/items/register_existing", strings.NewReader(string(body)))
	req.Header.Set("Authorization", "ApiKey "+v7fake.APIKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("the fake took 101 items in one registration: %v %v", resp, err)
	}
	registered := 0
	for _, n := range []int{100, 100, 50} {
		reg, err := c.RegisterItems(ctx, v7fake.TeamSlug, false, v7fake.DatasetSlug, v7fake.StorageRW, batch(registered, n))
		if err != nil || len(reg.Items) != n || len(reg.BlockedItems) != 0 {
			t.Fatalf("registering %d: %d registered, %d blocked, %v", n, len(reg.Items), len(reg.BlockedItems), err)
		}
		registered += n
	}
	items, err := c.ListItems(ctx, v7fake.TeamSlug, v7.ListQuery{DatasetID: v7fake.DatasetID, Paths: []string{folder}, PageSize: 100})
	if err != nil || len(items) != 250 {
		t.Fatalf("listed %d items by cursor, want 250 (%v)", len(items), err)
	}
	// The raw API, as darwin-py's newer client pages it: page[offset] advances, and ends.
	seen := map[string]bool{}
	for offset := 0; ; offset += 100 {
		var page struct {
			Items []struct{ ID string } `json:"items"`
			Page  struct{ Count int }   `json:"page"`
		}
		q := url.Values{"dataset_ids[]": {fmt.Sprint(v7fake.DatasetID)}, "item_paths[]": {folder}, "page[size]": {"100"}, "page[offset]": {fmt.Sprint(offset)}}
		rawGet(t, sb.Endpoints["v7"]+"/api/v2/teams/"+v7fake.TeamSlug+"/items?"+q.Encode(), &page)
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Fatalf("offset %d repeats item %s", offset, it.ID)
			}
			seen[it.ID] = true
		}
		if page.Page.Count != 250 {
			t.Fatalf("page.count %d, want 250", page.Page.Count)
		}
		if len(page.Items) < 100 {
			break
		}
	}
	if len(seen) != 250 {
		t.Fatalf("offset paging saw %d items, want 250", len(seen))
	}
	var typed struct {
		Items []json.RawMessage `json:"items"`
	}
	q := url.Values{"dataset_ids[]": {fmt.Sprint(v7fake.DatasetID)}, "item_paths[]": {folder}, "slot_types[]": {"video"}}
	rawGet(t, sb.Endpoints["v7"]+"/api/v2/teams/"+v7fake.TeamSlug+"/items?"+q.Encode(), &typed)
	if len(typed.Items) != 0 {
		t.Fatalf("slot_types[]=video selected %d image items", len(typed.Items))
	}
}

func rawGet(t *testing.T, u string, out any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "ApiKey "+v7fake.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
