package codeocean_test

import (
	"context"
	"encoding/json"
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
