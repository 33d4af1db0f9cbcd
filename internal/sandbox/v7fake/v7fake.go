// Package v7fake is the sandbox's V7 Darwin: a team, datasets, storage connections (read-write,
// legacy and read-only), item registration from external storage, items with their processing
// states, paging, filter-body calls (delete, archive, restore, move) and tag classes. On a
// read-write registration it writes derived objects into the customer's bucket the way V7
// does, so that tests can prove a teardown removes exactly them.
//
// It is written from ../shared/platforms/v7.md. Where the notes say "inferred", the choice
// made is commented at that spot.
package v7fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Seeded fixtures.
const (
	APIKey      = "sandbox-v7-api-key" //nolint:gosec // the sandbox's fixed test key, not a credential
	TeamSlug    = "sandbox-team"
	DatasetSlug = "sandbox-dataset"
	DatasetID   = 4101
	// Storage connections: read-write (current layout), read-write on the versioned bucket,
	// read-write marked legacy (items registered before 2023: name-keyed layout) and read-only.
	StorageRW        = "sandbox-rw"
	StorageVersioned = "sandbox-rw-versioned"
	StorageLegacy    = "sandbox-legacy"
	StorageRO        = "sandbox-ro"
	// ProcessingReads is how many reads an item answers "processing" before "complete".
	ProcessingReads = 2
	// DemoStorageKey is a customer image seeded in the read-write connection's bucket, for
	// demos and examples to register.
	DemoStorageKey = "customer-data/scans/scan-0001.jpg"
)

func init() { sandbox.Register(func() sandbox.Fake { return New() }) }

type dataset struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type storageConn struct {
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix"`
	Readonly bool   `json:"readonly"`
	Provider string `json:"provider"`
	Default  bool   `json:"default"`
	Region   string `json:"region"`
	// legacy is the fake's own switch: V7 writes this connection's derived files in the
	// name-keyed 2023 layout. The real API exposes no such field.
	legacy bool
}

type slot struct {
	ID         string         `json:"id"`
	SlotName   string         `json:"slot_name"`
	FileName   string         `json:"file_name"`
	Type       string         `json:"type"`
	SizeBytes  int64          `json:"size_bytes"`
	IsExternal bool           `json:"is_external"`
	Metadata   map[string]any `json:"metadata"`
	storageKey string
}

type item struct {
	ID         string
	Name       string
	Path       string
	DatasetID  int
	Archived   bool
	Tags       []string
	Slots      []slot
	InsertedAt time.Time
	UpdatedAt  time.Time
	reads      int
	failed     bool
	seq        int
}

type tagClass struct {
	ID              int              `json:"id"`
	Name            string           `json:"name"`
	AnnotationTypes []string         `json:"annotation_types"`
	Datasets        []map[string]int `json:"datasets"`
}

// Fake is the V7 fake.
type Fake struct {
	mu       sync.Mutex
	env      *sandbox.Env
	datasets []dataset
	storage  []storageConn
	items    map[string]*item
	classes  []*tagClass
	seq      int
	classSeq int
}

// New returns a fake with its fixtures; Start writes nothing until called.
func New() *Fake {
	return &Fake{
		datasets: []dataset{{ID: DatasetID, Name: "Sandbox Dataset", Slug: DatasetSlug}},
		storage: []storageConn{
			{Name: StorageRW, Slug: StorageRW, Bucket: sandbox.BucketPlain, Prefix: "v7/darwin", Provider: "aws", Default: true},
			{Name: StorageVersioned, Slug: StorageVersioned, Bucket: sandbox.BucketVersioned, Prefix: "v7-darwin", Provider: "aws"},
			{Name: StorageLegacy, Slug: StorageLegacy, Bucket: sandbox.BucketPlain, Prefix: "v7-legacy", Provider: "aws", legacy: true},
			{Name: StorageRO, Slug: StorageRO, Bucket: sandbox.BucketPlain, Prefix: "v7-readonly", Provider: "aws", Readonly: true},
		},
		items:    map[string]*item{},
		classSeq: 900,
	}
}

// Platform implements sandbox.Fake.
func (f *Fake) Platform() string { return "v7" }

// Credentials implements sandbox.Fake.
func (f *Fake) Credentials() map[string]string { return map[string]string{"V7_API_KEY": APIKey} }

// Env implements sandbox.Fake: the API root is <endpoint>/api, as on darwin.v7labs.com.
func (f *Fake) Env(endpoint string) map[string]string {
	return map[string]string{"V7_API_KEY": APIKey, "V7_ENDPOINT": endpoint + "/api", "V7_TEAM_SLUG": TeamSlug}
}

// Fixtures implements sandbox.Fake.
func (f *Fake) Fixtures() any {
	conns := map[string]any{}
	for _, s := range f.storage {
		conns[s.Slug] = map[string]any{"bucket": s.Bucket, "prefix": s.Prefix, "readonly": s.Readonly, "legacy_layout": s.legacy}
	}
	return map[string]any{"team_slug": TeamSlug, "dataset_slug": DatasetSlug, "dataset_id": DatasetID, "storage": conns,
		"demo_storage_key": DemoStorageKey}
}

// errorCode matches a fault message that is itself an error code (INSUFFICIENT_REMAINING_STORAGE).
var errorCode = regexp.MustCompile(`^[A-Z][A-Z0-9_]+$`)

// ErrorBody implements sandbox.Fake with V7's {"errors": {code, message}} envelope. A fault
// whose message is an error code (such as INSUFFICIENT_REMAINING_STORAGE) carries it as the code.
func (f *Fake) ErrorBody(status int, message string) (string, []byte) {
	code := map[int]string{400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
		422: "VALIDATION_ERROR", 429: "RATE_LIMITED"}[status]
	if code == "" {
		code = "INTERNAL_SERVER_ERROR"
	}
	if errorCode.MatchString(message) {
		code = message
	}
	return errorEnvelope(map[string]any{"code": code, "message": message})
}

func errorEnvelope(errs any) (string, []byte) {
	b, _ := json.Marshal(map[string]any{"errors": errs})
	return "application/json", b
}

// Start implements sandbox.Fake.
func (f *Fake) Start(env *sandbox.Env) (http.Handler, error) {
	f.env = env
	ctx, cancel := f.s3Context()
	defer cancel()
	if _, err := env.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(sandbox.BucketPlain), Key: aws.String(DemoStorageKey),
		Body: strings.NewReader("a customer's scan, registered by the demo")}); err != nil {
		return nil, fmt.Errorf("seeding %s: %w", DemoStorageKey, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/users/token_info", f.tokenInfo)
	mux.HandleFunc("GET /api/datasets", f.listDatasets)
	mux.HandleFunc("GET /api/datasets/{id}", f.getDataset)
	mux.HandleFunc("GET /api/teams/{team}/storage", f.team(f.listStorage))
	mux.HandleFunc("GET /api/teams/{team}/annotation_classes", f.team(f.listClasses))
	mux.HandleFunc("POST /api/teams/{team}/annotation_classes", f.team(f.createClass))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/register_existing", f.team(f.register(false)))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/register_existing_readonly", f.team(f.register(true)))
	mux.HandleFunc("GET /api/v2/teams/{team}/items", f.team(f.listItems))
	mux.HandleFunc("GET /api/v2/teams/{team}/items/{id}", f.team(f.getItem))
	mux.HandleFunc("DELETE /api/v2/teams/{team}/items", f.team(f.filterCall(f.deleteItems)))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/archive", f.team(f.filterCall(f.setArchived(true))))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/restore", f.team(f.filterCall(f.setArchived(false))))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/path", f.team(f.filterCall(f.moveItems)))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/slots/tags", f.team(f.filterCall(f.tagItems(true))))
	mux.HandleFunc("DELETE /api/v2/teams/{team}/items/slots/tags", f.team(f.filterCall(f.tagItems(false))))
	return f.auth(mux), nil
}

// auth checks `Authorization: ApiKey <key>`.
func (f *Fake) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "ApiKey "+APIKey {
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "Invalid API key")
			return
		}
		w.Header().Set("latest-darwin-py", "3.40.0")
		next.ServeHTTP(w, r)
	})
}

// team answers 404 for a team the key does not belong to (the notes' checklist).
func (f *Fake) team(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("team") != TeamSlug {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "Team not found")
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	ct, body := errorEnvelope(map[string]any{"code": code, "message": message})
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeFieldErrors is the per-field form of the envelope, such as a 422 name taken.
func writeFieldErrors(w http.ResponseWriter, status int, fields map[string][]string) {
	ct, body := errorEnvelope(fields)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (f *Fake) tokenInfo(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"selected_team": map[string]any{"id": 1, "name": "Sandbox Team", "slug": TeamSlug},
		"user":          map[string]any{"id": 7, "email": "sandbox@example.com"},
	})
}

func (f *Fake) datasetJSON(d dataset) map[string]any {
	n := 0
	for _, it := range f.items {
		if it.DatasetID == d.ID {
			n++
		}
	}
	return map[string]any{"id": d.ID, "name": d.Name, "slug": d.Slug, "num_items": n, "archived": false,
		"team_id": 1, "team_slug": TeamSlug, "progress": 0}
}

func (f *Fake) listDatasets(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]map[string]any, len(f.datasets))
	for i, d := range f.datasets {
		out[i] = f.datasetJSON(d)
	}
	writeJSON(w, out)
}

func (f *Fake) getDataset(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.datasets {
		if fmt.Sprint(d.ID) == r.PathValue("id") {
			writeJSON(w, f.datasetJSON(d))
			return
		}
	}
	writeError(w, http.StatusNotFound, "NOT_FOUND", "Dataset not found")
}

func (f *Fake) listStorage(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, f.storage)
}

func (f *Fake) datasetBySlug(slug string) (dataset, bool) {
	for _, d := range f.datasets {
		if d.Slug == slug {
			return d, true
		}
	}
	return dataset{}, false
}

func (f *Fake) storageBySlug(slug string) (storageConn, bool) {
	for _, s := range f.storage {
		if s.Slug == slug {
			return s, true
		}
	}
	return storageConn{}, false
}

func (f *Fake) listClasses(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	writeJSON(w, map[string]any{"annotation_classes": f.classes})
}

// createClass creates an annotation class. Inferred from the web app's createAnnotationClass
// (POST teams/{team}/annotation_classes with name, annotation types and datasets): a tag is a
// class whose annotation_types holds "tag"; a name already taken answers 422 like datasets do.
func (f *Fake) createClass(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name            string           `json:"name"`
		AnnotationTypes []string         `json:"annotation_types"`
		Datasets        []map[string]int `json:"datasets"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || strings.TrimSpace(body.Name) == "" || len(body.AnnotationTypes) == 0 {
		writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"name": {"can't be blank"}})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.classByName(body.Name) != nil {
		writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"name": {"has already been taken"}})
		return
	}
	c := f.addClassLocked(body.Name, body.AnnotationTypes, body.Datasets)
	writeJSON(w, c)
}

func (f *Fake) classByName(name string) *tagClass {
	for _, c := range f.classes {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (f *Fake) addClassLocked(name string, types []string, datasets []map[string]int) *tagClass {
	f.classSeq++
	c := &tagClass{ID: f.classSeq, Name: name, AnnotationTypes: types, Datasets: datasets}
	f.classes = append(f.classes, c)
	return c
}

func (f *Fake) s3Context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}
