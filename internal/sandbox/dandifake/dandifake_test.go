package dandifake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// What dandi-cli's DandiAPIClient reads: /server-info and /api/info/, the full dandiset
// detail, /versions/{v}/info/, /assets/{id}/info/ and /versions/{v}/assets/{id}/info/, and
// DRF's {"detail": "Not found."}.
func TestServesWhatDandiCliReads(t *testing.T) {
	assets := start(t)
	base := strings.TrimSuffix(assets, "/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/assets/")
	for _, p := range []string{"/server-info", "/api/info/"} {
		var info struct {
			MinimalVersion string `json:"cli-minimal-version"`
			Services       struct {
				API struct{ URL string } `json:"api"`
			} `json:"services"`
		}
		if err := json.Unmarshal(get(t, base+p), &info); err != nil || info.MinimalVersion == "" || info.Services.API.URL != base+"/api" {
			t.Errorf("%s: %+v %v", p, info, err)
		}
	}
	var ds map[string]any
	_ = json.Unmarshal(get(t, base+"/api/dandisets/"+dandifake.JobsDandiset+"/"), &ds)
	for _, k := range []string{"identifier", "created", "modified", "contact_person", "embargo_status", "star_count", "is_starred",
		"most_recent_published_version", "draft_version"} {
		if _, ok := ds[k]; !ok {
			t.Errorf("the dandiset detail lacks %s: %v", k, ds)
		}
	}
	if mr, _ := ds["most_recent_published_version"].(map[string]any); mr["version"] != "0.240920.1434" {
		t.Errorf("most_recent_published_version %v", ds["most_recent_published_version"])
	}
	var vi map[string]any
	_ = json.Unmarshal(get(t, base+"/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/info/"), &vi)
	if vi["version"] != "draft" || vi["metadata"] == nil || vi["asset_validation_errors"] == nil || vi["contact_person"] == nil {
		t.Errorf("version info %v", vi)
	}
	var listed page
	_ = json.Unmarshal(get(t, assets), &listed)
	var first struct {
		AssetID string `json:"asset_id"`
	}
	_ = json.Unmarshal(listed.Results[0], &first)
	var ai map[string]any
	_ = json.Unmarshal(get(t, base+"/api/assets/"+first.AssetID+"/info/"), &ai)
	if ai["asset_id"] != first.AssetID || ai["metadata"] == nil {
		t.Errorf("asset info %v", ai)
	}
	// RemoteDandiset.get_asset: the same, scoped to a version.
	var vai map[string]any
	_ = json.Unmarshal(get(t, assets+first.AssetID+"/info/"), &vai)
	if vai["asset_id"] != first.AssetID || vai["metadata"] == nil || vai["path"] != ai["path"] {
		t.Errorf("version asset info %v", vai)
	}
	for _, p := range []string{"/api/dandisets/123456/", "/api/dandisets/" + dandifake.JobsDandiset + "/versions/0.999999.9999/info/",
		"/api/assets/00000000-0000-4000-8000-000000000000/info/", "/api/nowhere/",
		"/api/dandisets/" + dandifake.JobsDandiset + "/versions/draft/assets/00000000-0000-4000-8000-000000000000/info/"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 404 || strings.TrimSpace(string(b)) != `{"detail":"Not found."}` {
			t.Errorf("%s: %d %s, want DRF's 404", p, resp.StatusCode, b)
		}
	}
}

// The manifest as the archive writes it: contentSize an integer, contentUrl absolute,
// schemaVersion always; a change shows after the manifest delay, and the draft goes
// Pending → Validating → Valid.
func TestManifestEntriesDelayAndValidation(t *testing.T) {
	fake := dandifake.New()
	var clock atomic.Int64 // nanoseconds past the start, moved by the test alone
	start := time.Now()
	fake.SetClock(func() time.Time { return start.Add(time.Duration(clock.Load())) })
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{fake}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	base := sb.Endpoints["dandi"]
	manifest := func() []map[string]any {
		var out []map[string]any
		if err := json.Unmarshal(get(t, base+"/manifests/dandisets/"+dandifake.JobsDandiset+"/draft/assets.jsonld"), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	entries := manifest()
	if len(entries) != len(dandifake.SeedPaths) {
		t.Fatalf("%d entries", len(entries))
	}
	for _, e := range entries {
		size, isNumber := e["contentSize"].(float64)
		urls, _ := e["contentUrl"].([]any)
		first, _ := urls[0].(string)
		if !isNumber || size != float64(int64(size)) || e["schemaVersion"] == nil || !strings.HasPrefix(first, base+"/api/assets/") {
			t.Fatalf("entry %v", e)
		}
	}
	status := func() string {
		var v map[string]any
		_ = json.Unmarshal(get(t, base+"/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/info/"), &v)
		return v["status"].(string)
	}
	resp, err := http.Post(base+"/sandbox/manifest_delay", "application/json", strings.NewReader(`{"seconds": 0.5}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("setting the delay: %v %v", resp, err)
	}
	_ = resp.Body.Close()
	var listed page
	_ = json.Unmarshal(get(t, base+"/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/assets/"), &listed)
	var a struct {
		AssetID string `json:"asset_id"`
	}
	_ = json.Unmarshal(listed.Results[0], &a)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodDelete,
		base+"/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/assets/"+a.AssetID+"/", nil)
	req.Header.Set("Authorization", "token "+dandifake.APIKey)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v %v", resp, err)
	}
	if st := status(); st != "Pending" || len(manifest()) != len(dandifake.SeedPaths) {
		t.Fatalf("right after the change: %s, the old manifest must still be served", st)
	}
	advance(499 * time.Millisecond)
	if st := status(); st != "Pending" {
		t.Errorf("before the delay has passed the draft is %s", st)
	}
	advance(time.Millisecond)
	if st := status(); st != "Validating" {
		t.Errorf("after the delay the draft is %s", st)
	}
	if n := len(manifest()); n != len(dandifake.SeedPaths)-1 {
		t.Errorf("after the delay the manifest has %d entries", n)
	}
	advance(50 * time.Millisecond)
	if st := status(); st != "Valid" {
		t.Errorf("after validation the draft is %s", st)
	}
}

// The root cause of an old flake: a blob id the manifest code could not slice made the
// regenerated manifest panic, which net/http answers by closing the connection (the client's
// EOF), but only once the regeneration delay had passed, so only on a slow run. A blob id is a
// UUID now, and an asset's metadata is built from any id without slicing it.
func TestNonUUIDBlobIsRefusedAndManifestsNeverPanic(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Fakes: []sandbox.Fake{dandifake.New()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	base := sb.Endpoints["dandi"]
	post := func(body string) int {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost,
			base+"/api/dandisets/"+dandifake.JobsDandiset+"/versions/draft/assets/", strings.NewReader(body))
		req.Header.Set("Authorization", "token "+dandifake.APIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(`{"metadata": {"path": "a/x.txt"}, "blob_id": "00000001-blob-1796160428806406168"}`); got != 400 {
		t.Errorf("a blob id that is not a UUID: %d, want 400", got)
	}
	if got := post(`{"metadata": {"path": "a/y.txt"}, "blob_id": "2db5f0fd-5003-4c5b-8e7a-0f0e3c3c3c3c"}`); got != 200 {
		t.Fatalf("a UUID blob id: %d", got)
	}
	resp, err := http.Post(base+"/sandbox/manifest_delay", "application/json", strings.NewReader(`{"seconds": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	var entries []map[string]any
	if err := json.Unmarshal(get(t, base+"/manifests/dandisets/"+dandifake.JobsDandiset+"/draft/assets.jsonld"), &entries); err != nil ||
		len(entries) != len(dandifake.SeedPaths)+1 {
		t.Fatalf("the regenerated manifest: %d entries, %v", len(entries), err)
	}
}
