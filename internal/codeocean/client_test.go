package codeocean_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/acctest"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/codeocean"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/codeoceanfake"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

func TestMain(m *testing.M) { acctest.Main(m) }

func unitClient(t *testing.T, endpoint, token string) *codeocean.Client {
	t.Helper()
	return codeocean.NewClient(endpoint, token, transport.New(transport.Config{Platform: codeocean.PlatformName,
		Sleep: func(context.Context, time.Duration) error { return nil }}))
}

func fakeSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{codeoceanfake.New()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

// An older server answers has_more with the same next_token forever (SDK issue #27): the
// search must stop with an error instead of looping.
func TestClient_searchStopsOnARepeatedToken(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"has_more": true, "next_token": "same", "results": []map[string]any{{"id": "a"}}})
	}))
	defer srv.Close()
	_, err := unitClient(t, srv.URL, "t").Search(context.Background(), codeocean.SearchParams{})
	if err == nil || !strings.Contains(err.Error(), "repeated next_token") {
		t.Fatalf("want a repeated-token error, got %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d requests; the repeat is seen on the second page", n)
	}
}

func TestClient_searchPagesAndTerms(t *testing.T) {
	sb := fakeSandbox(t)
	c := unitClient(t, sb.Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token)
	ctx := context.Background()
	for i, tags := range [][]string{{"raw"}, {"raw", "mouse"}, {"derived"}, {"raw"}, {"raw"}} {
		_, err := c.Create(ctx, codeocean.CreateParams{
			Metadata: codeocean.Metadata{Name: "scan " + string(rune('a'+i)), Mount: "m", Tags: tags},
			Source:   codeocean.Source{AWS: &codeocean.AWSSource{Bucket: sandbox.BucketPlain, Prefix: "x"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.Search(ctx, codeocean.SearchParams{Query: "tag:raw", Limit: 2})
	if err != nil || len(all) != 4 {
		t.Fatalf("tag:raw over pages of 2: %d assets, %v", len(all), err)
	}
	both, err := c.Search(ctx, codeocean.SearchParams{Query: "tag:raw tag:derived", Limit: 2})
	if err != nil || len(both) != 5 {
		t.Errorf("the same field twice is OR: %d, %v", len(both), err)
	}
	and, err := c.Search(ctx, codeocean.SearchParams{Query: `tag:raw name:"scan b"`})
	if err != nil || len(and) != 1 || !slices.Contains(and[0].Tags, "mouse") {
		t.Errorf("different fields are AND: %+v, %v", and, err)
	}
	if _, err := c.Search(ctx, codeocean.SearchParams{Limit: 1001}); transport.StatusCode(err) != 400 {
		t.Errorf("limit over 1000 must be refused: %v", err)
	}
}

func TestClient_basicAuthAndMessages(t *testing.T) {
	sb := fakeSandbox(t)
	_, err := unitClient(t, sb.Endpoints["codeocean"]+"/api/v1", "cop_wrong").Get(context.Background(), "x")
	if transport.StatusCode(err) != 401 || strings.Contains(err.Error(), "cop_wrong") {
		t.Fatalf("want a 401 that does not show the token, got %v", err)
	}
	c := unitClient(t, sb.Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token)
	_, err = c.Create(context.Background(), codeocean.CreateParams{Metadata: codeocean.Metadata{Name: "n", Mount: "m", Tags: []string{}},
		Source: codeocean.Source{Computation: &codeocean.ComputationSource{ID: "nope"}}})
	if transport.StatusCode(err) != 400 || !strings.Contains(err.Error(), "computation nope not found") {
		t.Errorf("want Code Ocean's message in the error, got %v", err)
	}
}

// Code Ocean's docs type size as a string and its SDK parses it: a number or a digit string
// decodes (and so do files and created).
func TestAssetDecodesNumbersOrDigitStrings(t *testing.T) {
	for _, body := range []string{`{"id":"a","size":"1099511627776","files":3,"created":1700000000}`,
		`{"id":"a","size":1099511627776,"files":"3","created":"1700000000"}`} {
		var a codeocean.Asset
		if err := json.Unmarshal([]byte(body), &a); err != nil || a.Size != 1<<40 || a.Files != 3 || a.Created != 1700000000 {
			t.Errorf("%s: %+v, %v", body, a, err)
		}
	}
}

// A metadata update sends cleared tags and custom metadata explicitly, because the fake (like
// the SDK's model) leaves absent or null fields as they are.
func TestClient_updateClearsWithExplicitEmptyValues(t *testing.T) {
	sb := fakeSandbox(t)
	c := unitClient(t, sb.Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token)
	ctx := context.Background()
	a, err := c.Create(ctx, codeocean.CreateParams{
		Metadata: codeocean.Metadata{Name: "n", Mount: "m", Tags: []string{"raw"}, CustomMetadata: map[string]any{"experiment": "e-1", "subject_count": 3.0}},
		Source:   codeocean.Source{AWS: &codeocean.AWSSource{Bucket: sandbox.BucketPlain, Prefix: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	// What the SDK sends for an unset field: null. Nothing changes.
	if status, body := rawPut(t, sb, a.ID, `{"name":null,"description":null,"tags":null,"mount":null,"custom_metadata":null}`); status != 200 {
		t.Fatalf("a PUT of nulls: %d %s", status, body)
	}
	if got, _ := c.Get(ctx, a.ID); got.Name != "n" || len(got.Tags) != 1 || got.CustomMetadata["experiment"] != "e-1" {
		t.Fatalf("nulls changed the asset: %+v", got)
	}
	if status, body := rawPut(t, sb, a.ID, `{"description":"partial"}`); status != 200 {
		t.Fatalf("a partial PUT: %d %s", status, body)
	}
	if _, err := c.Update(ctx, a.ID, codeocean.Metadata{Name: "n", Mount: "m"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, a.ID)
	if err != nil || len(got.Tags) != 0 || len(got.CustomMetadata) != 0 || got.Description != "" {
		t.Errorf("the provider's update must clear tags, custom metadata and description: %+v, %v", got, err)
	}
}

func rawPut(t *testing.T, sb *sandbox.Sandbox, id, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPut, sb.Endpoints["codeocean"]+"/api/v1/data_assets/"+id, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(codeoceanfake.Token, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Search as the SDK sends it: number filters as numbers (a string does not match a number
// field), range filters with an open end, sort_field/sort_order, ownership and favorite.
func TestClient_searchNumbersRangesSortAndOwnership(t *testing.T) {
	sb := fakeSandbox(t)
	c := unitClient(t, sb.Endpoints["codeocean"]+"/api/v1", codeoceanfake.Token)
	ctx := context.Background()
	for i, n := range []float64{3, 12, 40} {
		_, err := c.Create(ctx, codeocean.CreateParams{
			Metadata: codeocean.Metadata{Name: "s" + string(rune('c'-i)), Mount: "m", Tags: []string{}, CustomMetadata: map[string]any{"subject_count": n}},
			Source:   codeocean.Source{AWS: &codeocean.AWSSource{Bucket: sandbox.BucketPlain, Prefix: "x"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	names := func(p codeocean.SearchParams) []string {
		t.Helper()
		got, err := c.Search(ctx, p)
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		out := []string{}
		for _, a := range got {
			out = append(out, a.Name)
		}
		return out
	}
	twelve, ten, fifty := 12.0, 10.0, 50.0
	for _, tc := range []struct {
		p    codeocean.SearchParams
		want []string
	}{
		{codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "subject_count", Value: twelve}}}, []string{"sb"}},
		{codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "subject_count", Value: "12"}}}, []string{}},
		{codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "subject_count", Values: []any{3.0, 40.0}}}}, []string{"sc", "sa"}},
		{codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "subject_count", Range: &codeocean.Range{Min: &ten}}}}, []string{"sb", "sa"}},
		{codeocean.SearchParams{Filters: []codeocean.Filter{{Key: "subject_count", Range: &codeocean.Range{Min: &ten, Max: &fifty}, Exclude: true}}}, []string{"sc"}},
		{codeocean.SearchParams{SortField: "name"}, []string{"sa", "sb", "sc"}},
		{codeocean.SearchParams{SortField: "name", SortOrder: "desc"}, []string{"sc", "sb", "sa"}},
		{codeocean.SearchParams{Ownership: "created"}, []string{"sc", "sb", "sa"}},
		{codeocean.SearchParams{Ownership: "shared"}, []string{}},
		{codeocean.SearchParams{Favorite: true}, []string{}},
	} {
		if got := names(tc.p); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
	if _, err := c.Search(ctx, codeocean.SearchParams{SortOrder: "asc"}); transport.StatusCode(err) != 400 {
		t.Errorf("sort_order without sort_field must be refused: %v", err)
	}
}
