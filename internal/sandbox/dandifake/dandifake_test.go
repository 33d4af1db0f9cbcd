package dandifake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/dandifake"
)

type page struct {
	Count   *int              `json:"count"`
	Next    *string           `json:"next"`
	Results []json.RawMessage `json:"results"`
}

// get reads anonymously, as anyone may read an open dandiset.
func get(t *testing.T, u string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b
}

func start(t *testing.T) string {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{dandifake.New()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb.Endpoints["dandi"] + "/api/dandisets/" + dandifake.JobsDandiset + "/versions/draft/assets/"
}

func paths(t *testing.T, base, query string) []string {
	t.Helper()
	b := get(t, base+"?"+query)
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err, string(b))
	}
	var out []string
	for _, r := range p.Results {
		var a struct{ Path string }
		_ = json.Unmarshal(r, &a)
		out = append(out, a.Path)
	}
	return out
}

func TestPathFilterIsACaseInsensitivePrefixWithExactOverride(t *testing.T) {
	base := start(t)
	v := "derivatives/dandiset-000409/sub-02/pipeline-aind+ephys/version-v1.0.0"
	got := paths(t, base, url.Values{"path": {v}}.Encode())
	// No folder boundary: +fixes, .00 and -rc all start with the filter.
	if len(got) != 3 {
		t.Errorf("path=%s matched %q, want the 3 siblings (no folder boundary)", v, got)
	}
	if got := paths(t, base, url.Values{"path": {strings.ToUpper("derivatives/dandiset-000409/sub-03/")}}.Encode()); len(got) != 1 {
		t.Errorf("the prefix is case-insensitive: %q", got)
	}
	exact := dandifake.SeedPaths[1]
	if got := paths(t, base, url.Values{"path": {exact}}.Encode()); len(got) != 1 || got[0] != exact {
		t.Errorf("an exact path hides the other matches: %q", got)
	}
	if got := paths(t, base, url.Values{"glob": {"*SUBMIT.sh"}}.Encode()); len(got) != 5 {
		t.Errorf("glob is anchored, case-insensitive and * crosses folders: %d matches", len(got))
	}
}

func TestAssetListCountIsLazyAndNextAddsPage2(t *testing.T) {
	base := start(t)
	b := get(t, base+"?page_size=3")
	var p1 page
	_ = json.Unmarshal(b, &p1)
	if p1.Count == nil || *p1.Count != len(dandifake.SeedPaths) || p1.Next == nil || !strings.Contains(*p1.Next, "page=2") {
		t.Fatalf("page 1: %s", b)
	}
	b = get(t, *p1.Next)
	var p2 page
	_ = json.Unmarshal(b, &p2)
	if p2.Count != nil || len(p2.Results) != 3 {
		t.Errorf("page 2 must have count null: %s", b)
	}
}

func TestDeleteChecksInTheArchiveOrder(t *testing.T) {
	base := start(t)
	b := get(t, base)
	var p page
	_ = json.Unmarshal(b, &p)
	var a struct {
		ID string `json:"asset_id"`
	}
	_ = json.Unmarshal(p.Results[0], &a)
	del := func(u, auth string) (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete, u, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if s, _ := del(base+a.ID+"/", ""); s != 401 {
		t.Errorf("anonymous: %d", s)
	}
	if s, _ := del(base+a.ID+"/", "Bearer "+dandifake.APIKey); s != 401 {
		t.Errorf("the Bearer scheme is not DANDI's: %d", s)
	}
	published := strings.Replace(base, "/draft/", "/0.240920.1434/", 1)
	b = get(t, published)
	_ = json.Unmarshal(b, &p)
	_ = json.Unmarshal(p.Results[0], &a)
	if s, body := del(published+a.ID+"/", "token "+dandifake.APIKey); s != 405 || strings.TrimSpace(body) != `"Only draft versions can be modified."` {
		t.Errorf("published: %d %s", s, body)
	}
	foreign := strings.Replace(base, dandifake.JobsDandiset, dandifake.ForeignDandiset, 1)
	if s, body := del(foreign+a.ID+"/", "token "+dandifake.APIKey); s != 403 || body != "" {
		t.Errorf("non-owner: %d %q (guardian answers 403 with no body, before any 404)", s, body)
	}
}
