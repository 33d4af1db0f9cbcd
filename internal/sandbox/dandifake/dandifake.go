// Package dandifake is the sandbox's DANDI Archive: dandisets with a draft and published
// versions, DRF-style paging (next URLs with page=2, lazy count on asset lists), the asset path
// filter with its case-insensitive prefix and exact-path override, asset create and delete in
// the draft (405 on a published version, 403 for a non-owner), /assets/paths/, and the
// assets.jsonld manifests on a separate base URL, regenerated after a delay like the real one,
// after which the draft is validated (Pending → Validating → Valid). It also serves what
// dandi-cli's DandiAPIClient reads first: GET /api/info/ (and /server-info), the full dandiset
// detail, /versions/{v}/info/, /assets/{id}/info/ and /versions/{v}/assets/{id}/info/, with
// DRF's {"detail": "Not found."}.
//
// It is written from ../shared/platforms/dandi.md. Where the notes say "inferred", the choice
// made is commented at that spot.
package dandifake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Seeded fixtures.
const (
	APIKey = "sandbox-dandi-api-key" //nolint:gosec // the sandbox's fixed test key, not a credential
	// JobsDandiset is owned by the key's user and holds derivative directories, like 001697.
	JobsDandiset = "001697"
	// ForeignDandiset belongs to someone else: deletes are refused with 403.
	ForeignDandiset = "000999"
	// ManyVersions has 120 published versions, more than one page.
	ManyVersions = "000150"
	// DefaultManifestDelay is how long after a change the draft manifest is regenerated: the
	// archive's periodic task runs every 60 s by default. POST /sandbox/manifest_delay
	// ({"seconds": n}) shortens it for tests and demos.
	DefaultManifestDelay = 60 * time.Second
)

// SeedPaths are the draft assets of JobsDandiset: derivative directories of several versions,
// hash-suffixed ones and near-misses.
var SeedPaths = []string{
	"sub-01/sub-01_ses-1.nwb",
	"derivatives/dandiset-000409/sub-01/pipeline-aind+ephys/version-v1.0.0/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh",
	"derivatives/dandiset-000409/sub-01/pipeline-aind+ephys/version-v1.0.0/params-1a2b3c4_config-5d6e7f8_attempt-1/logs/run.log",
	"derivatives/dandiset-000409/sub-02/pipeline-aind+ephys/version-v1.0.0+fixes+20abeb6/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh",
	"derivatives/dandiset-000409/sub-02/pipeline-aind+ephys/version-v1.0.00/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh",
	"derivatives/dandiset-000409/sub-02/pipeline-aind+ephys/version-v1.0.0-rc/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh",
	"derivatives/dandiset-000409/sub-03/pipeline-aind+ephys/Version-v1.0.0/params-1a2b3c4_config-5d6e7f8_attempt-1/code/submit.sh",
}

func init() { sandbox.Register(func() sandbox.Fake { return New() }) }

type asset struct {
	ID       string
	Path     string
	BlobID   string
	Size     int64
	Created  time.Time
	Modified time.Time
}

type version struct {
	Version  string
	Name     string
	Status   string
	Created  time.Time
	Modified time.Time
	assets   []*asset
	// manifest is the assets as the last generated assets.jsonld lists them; dirty is when the
	// version last changed (zero once the manifest caught up).
	manifest []*asset
	dirty    time.Time
}

type dandiset struct {
	ID       string
	owned    bool
	created  time.Time
	versions []*version // draft first
}

// Fake is the DANDI fake.
type Fake struct {
	mu            sync.Mutex
	dandisets     map[string]*dandiset
	endpoint      string
	manifestDelay time.Duration
	// now is the fake's clock: the archive's periodic task runs on it (SetClock).
	now func() time.Time
}

// SetClock replaces the fake's clock, so that a test moves the manifest delay forward
// instead of sleeping through it.
func (f *Fake) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = now
}

// New returns a fake with its fixtures.
func New() *Fake {
	f := &Fake{dandisets: map[string]*dandiset{}, manifestDelay: DefaultManifestDelay, now: time.Now}
	t0 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	jobs := f.add(JobsDandiset, true, t0)
	for i, p := range SeedPaths {
		jobs.versions[0].assets = append(jobs.versions[0].assets, newAsset(p, int64(100+i), t0.Add(time.Duration(i)*time.Minute)))
	}
	jobs.versions = append(jobs.versions, published("0.240920.1434", t0.Add(24*time.Hour)))
	jobs.versions[1].assets = append(jobs.versions[1].assets, newAsset(SeedPaths[1], 101, t0))
	foreign := f.add(ForeignDandiset, false, t0)
	foreign.versions[0].assets = append(foreign.versions[0].assets, newAsset("derivatives/dandiset-000001/x/version-v1.0.0/a.txt", 5, t0))
	many := f.add(ManyVersions, true, t0)
	for i := range 120 {
		at := t0.Add(time.Duration(i) * time.Hour)
		many.versions = append(many.versions, published(fmt.Sprintf("0.%s.%04d", at.Format("060102"), i), at))
	}
	for _, d := range f.dandisets {
		for _, v := range d.versions {
			v.manifest = append([]*asset(nil), v.assets...)
		}
	}
	return f
}

func (f *Fake) add(id string, owned bool, at time.Time) *dandiset {
	d := &dandiset{ID: id, owned: owned, created: at, versions: []*version{{Version: "draft", Name: "Dandiset " + id, Status: "Valid", Created: at, Modified: at}}}
	f.dandisets[id] = d
	return d
}

func published(v string, at time.Time) *version {
	return &version{Version: v, Name: "Published " + v, Status: "Published", Created: at, Modified: at}
}

func newAsset(path string, size int64, at time.Time) *asset {
	return &asset{ID: sandbox.NewUUID(), Path: path, BlobID: sandbox.NewUUID(), Size: size, Created: at, Modified: at}
}

// Platform implements sandbox.Fake.
func (f *Fake) Platform() string { return "dandi" }

// Credentials implements sandbox.Fake.
func (f *Fake) Credentials() map[string]string { return map[string]string{"DANDI_API_KEY": APIKey} }

// Env implements sandbox.Fake: the API under <endpoint>/api, the manifests under
// <endpoint>/manifests (the real ones are on S3, a different host).
func (f *Fake) Env(endpoint string) map[string]string {
	f.mu.Lock()
	f.endpoint = endpoint
	f.mu.Unlock()
	return map[string]string{"DANDI_API_KEY": APIKey, "DANDI_ENDPOINT": endpoint + "/api", "DANDI_MANIFEST_ENDPOINT": endpoint + "/manifests"}
}

// Fixtures implements sandbox.Fake.
func (f *Fake) Fixtures() any {
	return map[string]any{"jobs_dandiset": JobsDandiset, "foreign_dandiset": ForeignDandiset, "many_versions_dandiset": ManyVersions,
		"published_version": "0.240920.1434", "manifest_delay": f.manifestDelay.String()}
}

// ErrorBody implements sandbox.Fake: DRF's {"detail": …}.
func (f *Fake) ErrorBody(status int, message string) (string, []byte) {
	b, _ := json.Marshal(map[string]string{"detail": message})
	return "application/json", b
}

func detail(w http.ResponseWriter, status int, msg string) {
	sandbox.WriteJSON(w, status, map[string]string{"detail": msg})
}

// Start implements sandbox.Fake.
func (f *Fake) Start(*sandbox.Env) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/auth/token", f.authToken)
	mux.HandleFunc("GET /api/auth/token/", f.authToken)
	mux.HandleFunc("GET /api/info/{$}", f.info)
	mux.HandleFunc("GET /server-info", f.info)
	mux.HandleFunc("GET /api/dandisets/{id}/{$}", f.locked(f.getDandiset))
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{$}", f.locked(f.listVersions))
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{v}/info/{$}", f.locked(f.versionInfo))
	mux.HandleFunc("GET /api/assets/{asset}/info/{$}", f.locked(f.assetInfo))
	mux.HandleFunc("POST /sandbox/manifest_delay", f.setManifestDelay)
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{v}/assets/{$}", f.locked(f.listAssets))
	mux.HandleFunc("POST /api/dandisets/{id}/versions/{v}/assets/{$}", f.locked(f.createAsset))
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{v}/assets/paths/{$}", f.locked(f.listPaths))
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{v}/assets/{asset}/{$}", f.locked(f.getAsset))
	mux.HandleFunc("GET /api/dandisets/{id}/versions/{v}/assets/{asset}/info/{$}", f.locked(f.versionAssetInfo))
	mux.HandleFunc("DELETE /api/dandisets/{id}/versions/{v}/assets/{asset}/{$}", f.locked(f.deleteAsset))
	mux.HandleFunc("GET /manifests/dandisets/{id}/{v}/assets.jsonld", f.locked(f.manifest))
	// Every other route is DRF's 404.
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { detail(w, http.StatusNotFound, "Not found.") })
	return mux, nil
}

// info is what dandi-cli reads first (GET /server-info or /api/info/): the fields it checks
// (cli-minimal-version, cli-bad-versions, services.api.url) and the others the archive sends.
func (f *Fake) info(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	endpoint := f.endpoint
	f.mu.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{
		"schema_version": "0.6.4", "schema_url": "https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/dandiset.json",
		"version": "0.4.0", "cli-minimal-version": "0.60.0", "cli-bad-versions": []string{},
		"services": map[string]any{"api": map[string]string{"url": endpoint + "/api"}, "webui": map[string]string{"url": endpoint},
			"jupyterhub": map[string]string{"url": "https://hub.dandiarchive.org"}},
	})
}

func (f *Fake) setManifestDelay(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Seconds float64 `json:"seconds"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Seconds < 0 {
		detail(w, http.StatusBadRequest, `body must be {"seconds": n}`)
		return
	}
	f.mu.Lock()
	f.manifestDelay = time.Duration(body.Seconds * float64(time.Second))
	f.mu.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, body)
}

// user is who the request authenticates as: "" for anonymous, or false when the key is bad.
func user(r *http.Request) (authenticated, ok bool) {
	switch r.Header.Get("Authorization") {
	case "":
		return false, true
	case "token " + APIKey:
		return true, true
	}
	return false, false // a wrong key, or another scheme such as Bearer
}

func (f *Fake) locked(h func(http.ResponseWriter, *http.Request, bool)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		authed, ok := user(r)
		if !ok {
			detail(w, http.StatusUnauthorized, "Invalid token.")
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.settle()
		h(w, r, authed)
	}
}

// settle runs the archive's periodic task for every changed draft whose delay has passed:
// the manifest is rewritten and the draft validated, Pending → Validating → Valid (the fake
// finds nothing invalid; validation takes a tenth of the delay).
func (f *Fake) settle() {
	for _, d := range f.dandisets {
		v := d.versions[0]
		if v.dirty.IsZero() {
			continue
		}
		since := f.now().Sub(v.dirty)
		switch {
		case since >= f.manifestDelay+f.manifestDelay/10:
			v.manifest, v.dirty, v.Status = append([]*asset(nil), v.assets...), time.Time{}, "Valid"
		case since >= f.manifestDelay:
			v.manifest, v.Status = append([]*asset(nil), v.assets...), "Validating"
		}
	}
}

func (f *Fake) authToken(w http.ResponseWriter, r *http.Request) {
	if authed, ok := user(r); !ok || !authed {
		detail(w, http.StatusUnauthorized, "Authentication credentials were not provided.")
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, APIKey)
}

// Every DRF 404 of the archive's views is {"detail": "Not found."}.
func (f *Fake) dandiset(w http.ResponseWriter, r *http.Request) *dandiset {
	d, ok := f.dandisets[r.PathValue("id")]
	if !ok {
		detail(w, http.StatusNotFound, "Not found.")
		return nil
	}
	return d
}

func (f *Fake) version(w http.ResponseWriter, r *http.Request, d *dandiset) *version {
	for _, v := range d.versions {
		if v.Version == r.PathValue("v") {
			return v
		}
	}
	detail(w, http.StatusNotFound, "Not found.")
	return nil
}

// dandisetVersion finds the dandiset and the version a route names; v is nil after a 404.
func (f *Fake) dandisetVersion(w http.ResponseWriter, r *http.Request) (*dandiset, *version) {
	d := f.dandiset(w, r)
	if d == nil {
		return nil, nil
	}
	return d, f.version(w, r, d)
}

func versionJSON(d *dandiset, v *version) map[string]any {
	var size int64
	for _, a := range v.assets {
		size += a.Size
	}
	notes := ""
	if v.Version != "draft" {
		notes = "release " + v.Version
	}
	return map[string]any{"version": v.Version, "name": v.Name, "asset_count": len(v.assets), "active_uploads": 0, "size": size,
		"status": v.Status, "created": v.Created.Format(time.RFC3339Nano), "modified": v.Modified.Format(time.RFC3339Nano),
		"dandiset": map[string]any{"identifier": d.ID, "embargo_status": "OPEN"}, "release_notes": notes}
}

// contact is the dandiset's contact person (inferred: any name; the archive takes it from the
// draft's metadata).
const contact = "Sandbox, Dandi"

// getDandiset is the full dandiset detail, as dandi-cli reads it: identifier, created,
// modified, contact_person, embargo_status, star_count, is_starred, and the versions without
// their dandiset.
func (f *Fake) getDandiset(w http.ResponseWriter, r *http.Request, _ bool) {
	d := f.dandiset(w, r)
	if d == nil {
		return
	}
	nested := func(v *version) map[string]any {
		out := versionJSON(d, v)
		delete(out, "dandiset")
		return out
	}
	var latest any
	var newest *version
	for _, v := range d.versions[1:] {
		if newest == nil || v.Created.After(newest.Created) {
			newest = v
		}
	}
	if newest != nil {
		latest = nested(newest)
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{
		"identifier": d.ID, "created": d.created.Format(time.RFC3339Nano), "modified": d.versions[0].Modified.Format(time.RFC3339Nano),
		"contact_person": contact, "embargo_status": "OPEN", "star_count": 0, "is_starred": false,
		"most_recent_published_version": latest, "draft_version": nested(d.versions[0]),
	})
}

// versionInfo is /versions/{v}/info/: the version with its dandiset, validation errors (none
// here), its metadata and contact person.
func (f *Fake) versionInfo(w http.ResponseWriter, r *http.Request, _ bool) {
	d, v := f.dandisetVersion(w, r)
	if v == nil {
		return
	}
	out := versionJSON(d, v)
	out["asset_validation_errors"], out["version_validation_errors"] = []any{}, []any{}
	out["contact_person"] = contact
	out["metadata"] = map[string]any{"schemaKey": "Dandiset", "schemaVersion": "0.6.4", "identifier": "DANDI:" + d.ID, "name": v.Name,
		"version": v.Version, "id": "DANDI:" + d.ID + "/" + v.Version}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

// assetInfo is /assets/{id}/info/: the asset as listed, with its metadata.
func (f *Fake) assetInfo(w http.ResponseWriter, r *http.Request, _ bool) {
	for _, d := range f.dandisets {
		for _, v := range d.versions {
			for _, a := range v.assets {
				if a.ID == r.PathValue("asset") {
					f.writeAssetInfo(w, d.ID, a)
					return
				}
			}
		}
	}
	detail(w, http.StatusNotFound, "Not found.")
}

// versionAssetInfo is /dandisets/{id}/versions/{v}/assets/{asset}/info/ (what dandi-cli's
// RemoteDandiset.get_asset reads): the same body, for an asset of that version only.
func (f *Fake) versionAssetInfo(w http.ResponseWriter, r *http.Request, _ bool) {
	d, v := f.dandisetVersion(w, r)
	if v == nil {
		return
	}
	if _, a := f.findAsset(w, r, v); a != nil {
		f.writeAssetInfo(w, d.ID, a)
	}
}

func (f *Fake) writeAssetInfo(w http.ResponseWriter, dandiset string, a *asset) {
	out := assetJSON(a)
	out["metadata"] = assetMetadata(dandiset, a, f.endpoint)
	sandbox.WriteJSON(w, http.StatusOK, out)
}

func (f *Fake) listVersions(w http.ResponseWriter, r *http.Request, _ bool) {
	d := f.dandiset(w, r)
	if d == nil {
		return
	}
	vs := append([]*version(nil), d.versions...)
	desc := r.URL.Query().Get("order") == "-created"
	sort.SliceStable(vs, func(i, j int) bool {
		if desc {
			return vs[i].Created.After(vs[j].Created)
		}
		return vs[i].Created.Before(vs[j].Created)
	})
	items := make([]any, len(vs))
	for i, v := range vs {
		items[i] = versionJSON(d, v)
	}
	page(w, r, items, false)
}

// page renders DRF page-number paging: page (1-based), page_size (default 100, capped at 1000),
// next/previous as absolute URLs. lazy drops count after page 1 (the asset list's
// LazyPagination); there an out-of-range page is empty, elsewhere 404 "Invalid page.".
func page(w http.ResponseWriter, r *http.Request, items []any, lazy bool) {
	q := r.URL.Query()
	n, size := atoi(q.Get("page"), 1), min(atoi(q.Get("page_size"), 100), 1000)
	if n < 1 || size < 1 {
		detail(w, http.StatusNotFound, "Invalid page.")
		return
	}
	start := (n - 1) * size
	if start >= len(items) && n > 1 && !lazy {
		detail(w, http.StatusNotFound, "Invalid page.")
		return
	}
	start = min(start, len(items))
	end := min(start+size, len(items))
	link := func(p int) any {
		u := *r.URL
		u.Scheme, u.Host = "http", r.Host
		v := u.Query()
		v.Set("page", fmt.Sprint(p))
		u.RawQuery = v.Encode()
		return u.String()
	}
	out := map[string]any{"count": len(items), "results": items[start:end], "next": nil, "previous": nil}
	if end < len(items) {
		out["next"] = link(n + 1)
	}
	if n > 1 {
		out["previous"] = link(n - 1)
		if lazy {
			out["count"] = nil
		}
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

func atoi(s string, def int) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		return def
	}
	return n
}

func assetJSON(a *asset) map[string]any {
	return map[string]any{"asset_id": a.ID, "blob": a.BlobID, "zarr": nil, "path": a.Path, "size": a.Size,
		"created": a.Created.Format(time.RFC3339Nano), "modified": a.Modified.Format(time.RFC3339Nano)}
}

// filterPath is the archive's path filter: a case-insensitive prefix without folder boundary,
// except that an asset whose path is exactly the filter hides every other match.
func filterPath(assets []*asset, p string) []*asset {
	if p == "" {
		return assets
	}
	for _, a := range assets {
		if a.Path == p {
			return []*asset{a}
		}
	}
	var out []*asset
	for _, a := range assets {
		if strings.HasPrefix(strings.ToLower(a.Path), strings.ToLower(p)) {
			out = append(out, a)
		}
	}
	return out
}

func (f *Fake) listAssets(w http.ResponseWriter, r *http.Request, _ bool) {
	_, v := f.dandisetVersion(w, r)
	if v == nil {
		return
	}
	assets := filterPath(v.assets, r.URL.Query().Get("path"))
	if g := r.URL.Query().Get("glob"); g != "" {
		var kept []*asset
		for _, a := range assets {
			if globMatch(g, a.Path) {
				kept = append(kept, a)
			}
		}
		assets = kept
	}
	sortAssets(assets, r.URL.Query().Get("order"))
	items := make([]any, len(assets))
	for i, a := range assets {
		items[i] = assetJSON(a)
	}
	page(w, r, items, true)
}

// globMatch is the archive's glob: anchored, case-insensitive, * crosses folders, every other
// character literal.
func globMatch(glob, path string) bool {
	parts := strings.Split(strings.ToLower(glob), "*")
	s := strings.ToLower(path)
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return s == ""
}

func sortAssets(assets []*asset, order string) {
	desc := strings.HasPrefix(order, "-")
	key := func(a *asset) string { return a.Created.Format(time.RFC3339Nano) + a.ID }
	switch strings.TrimPrefix(order, "-") {
	case "path":
		key = func(a *asset) string { return a.Path }
	case "modified":
		key = func(a *asset) string { return a.Modified.Format(time.RFC3339Nano) + a.ID }
	}
	sort.SliceStable(assets, func(i, j int) bool {
		if desc {
			return key(assets[i]) > key(assets[j])
		}
		return key(assets[i]) < key(assets[j])
	})
}
