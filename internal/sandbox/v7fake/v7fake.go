// Package v7fake is the sandbox's V7 Darwin: a team, datasets, storage connections (read-write
// and read-only), item registration from external storage, items uploaded to V7 (registered
// for upload; the fake takes no bytes), items with their processing states, paging,
// filter-body calls (delete, archive, restore, move), annotation types and tag classes as
// darwin-py calls them. On a read-write registration it writes derived objects
// into the customer's bucket where V7's guide says V7 writes them, so that tests can prove a
// teardown removes exactly them.
//
// It is written from ../shared/platforms/v7.md and darwin-py's source. Where those are silent,
// the choice made is marked "inferred" at that spot.
package v7fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
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
	// Storage connections by slug: read-write, read-write on the versioned bucket, and
	// read-only. The read-only one's name differs from its slug (StorageROName), as V7's names
	// may: darwin-py sends the name.
	StorageRW        = "sandbox-rw"
	StorageVersioned = "sandbox-rw-versioned"
	StorageRO        = "sandbox-ro"
	StorageROName    = "Sandbox Read-Only"
	// StorageUndocumented is a read-write connection on which V7 writes derived files where
	// the guide does not say (as it warns for items registered before 2023):
	// UndocumentedFolder(storage key). It lets tests see what the provider does when the
	// guide's folder stays empty.
	StorageUndocumented = "sandbox-rw-undocumented"
	// StorageLocked is a read-write connection on the bucket with object lock.
	StorageLocked = "sandbox-rw-locked"
	// StorageRoot is a read-write connection with no prefix (V7 allows one): V7 writes each
	// item's files to <source folder>/data/<name>/, beside the sources and inside any source
	// folder above them.
	StorageRoot        = "sandbox-rw-root"
	UndocumentedPrefix = "v7-undocumented"
	// TagTypeID is the id GET /annotation_types gives the tag type.
	TagTypeID = 7
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
	// undocumented is the fake's own switch for StorageUndocumented; V7 exposes no such field.
	undocumented bool
}

type slot struct {
	ID         string         `json:"id"`
	SlotName   string         `json:"slot_name"`
	FileName   string         `json:"file_name"`
	Type       string         `json:"type"`
	SizeBytes  int64          `json:"size_bytes"`
	IsExternal bool           `json:"is_external"`
	Metadata   map[string]any `json:"metadata"`
	// StorageKey is optional in darwin-py's item model (ItemCore.slots[].storage_key); the fake
	// gives it for external items (inferred: no answer of V7's shows it).
	StorageKey string `json:"storage_key,omitempty"`
	uploadID   string
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

// tagClass is an annotation class as darwin-py reads it from
// GET /teams/{team}/annotation_classes: annotation_types holds type names ("tag").
type tagClass struct {
	ID              int              `json:"id"`
	Name            string           `json:"name"`
	AnnotationTypes []string         `json:"annotation_types"`
	Datasets        []map[string]int `json:"datasets"`
	Metadata        map[string]any   `json:"metadata"`
}

// annotationTypes are what GET /annotation_types lists: darwin-py looks a type's id up by
// name. The set and the ids are inferred; only "tag" matters here.
var annotationTypes = []map[string]any{
	{"id": 1, "name": "bounding_box", "granularity": "annotation"},
	{"id": 2, "name": "polygon", "granularity": "annotation"},
	{"id": TagTypeID, "name": "tag", "granularity": "section"},
	{"id": 9, "name": "attributes", "granularity": "sub_annotation"},
}

// Fake is the V7 fake.
type Fake struct {
	mu       sync.Mutex
	env      *sandbox.Env
	datasets []dataset
	storage  []storageConn
	items    map[string]*item
	idx      index
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
			{Name: StorageROName, Slug: StorageRO, Bucket: sandbox.BucketPlain, Prefix: "v7-readonly", Provider: "aws", Readonly: true},
			{Name: StorageUndocumented, Slug: StorageUndocumented, Bucket: sandbox.BucketPlain, Prefix: UndocumentedPrefix, Provider: "aws", undocumented: true},
			{Name: StorageLocked, Slug: StorageLocked, Bucket: sandbox.BucketLocked, Prefix: "v7-locked", Provider: "aws"},
			{Name: StorageRoot, Slug: StorageRoot, Bucket: sandbox.BucketPlain, Prefix: "", Provider: "aws"},
		},
		items:    map[string]*item{},
		idx:      newIndex(),
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
		conns[s.Slug] = map[string]any{"name": s.Name, "bucket": s.Bucket, "prefix": s.Prefix, "readonly": s.Readonly}
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
	mux.HandleFunc("GET /api/annotation_types", f.listAnnotationTypes)
	mux.HandleFunc("GET /api/teams/{team}/annotation_classes", f.team(f.listClasses))
	mux.HandleFunc("POST /api/annotation_classes", f.createClass)
	mux.HandleFunc("POST /api/v2/teams/{team}/items/register_existing", f.team(f.register(false)))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/register_existing_readonly", f.team(f.register(true)))
	mux.HandleFunc("POST /api/v2/teams/{team}/items/register_upload", f.team(f.registerUpload))
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
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{
		"selected_team": map[string]any{"id": 1, "name": "Sandbox Team", "slug": TeamSlug},
		"user":          map[string]any{"id": 7, "email": "sandbox@example.com"},
	})
}

func (f *Fake) datasetJSON(d dataset) map[string]any {
	return map[string]any{"id": d.ID, "name": d.Name, "slug": d.Slug, "num_items": f.idx.byDataset[d.ID], "archived": false,
		"team_id": 1, "team_slug": TeamSlug, "progress": 0}
}

func (f *Fake) listDatasets(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]map[string]any, len(f.datasets))
	for i, d := range f.datasets {
		out[i] = f.datasetJSON(d)
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

func (f *Fake) getDataset(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.datasets {
		if fmt.Sprint(d.ID) == r.PathValue("id") {
			sandbox.WriteJSON(w, http.StatusOK, f.datasetJSON(d))
			return
		}
	}
	writeError(w, http.StatusNotFound, "NOT_FOUND", "Dataset not found")
}

func (f *Fake) listStorage(w http.ResponseWriter, _ *http.Request) {
	sandbox.WriteJSON(w, http.StatusOK, f.storage)
}

func (f *Fake) datasetBySlug(slug string) (dataset, bool) {
	for _, d := range f.datasets {
		if d.Slug == slug {
			return d, true
		}
	}
	return dataset{}, false
}

// storageByName finds the connection registration names: darwin-py sends its name as
// storage_slug; the slug is accepted too (inferred: the field's name says slug).
func (f *Fake) storageByName(v string) (storageConn, bool) {
	for _, s := range f.storage {
		if s.Name == v || s.Slug == v {
			return s, true
		}
	}
	return storageConn{}, false
}

func (f *Fake) listClasses(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"annotation_classes": f.classes})
}

func (f *Fake) listAnnotationTypes(w http.ResponseWriter, _ *http.Request) {
	sandbox.WriteJSON(w, http.StatusOK, annotationTypes)
}

// createClass is darwin-py's create_annotation_class: POST /annotation_classes with
// dataset_id, name, metadata {_color}, annotation_type_ids and datasets [{id}]. Inferred: an
// unknown type id or dataset is a 422 per field, and so is a name already taken (as for
// datasets); the answer is the class.
func (f *Fake) createClass(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name              string           `json:"name"`
		AnnotationTypeIDs []int            `json:"annotation_type_ids"`
		Datasets          []map[string]int `json:"datasets"`
		Metadata          map[string]any   `json:"metadata"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || strings.TrimSpace(body.Name) == "" {
		writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"name": {"can't be blank"}})
		return
	}
	var typeNames []string
	for _, id := range body.AnnotationTypeIDs {
		for _, t := range annotationTypes {
			if t["id"] == id {
				typeNames = append(typeNames, t["name"].(string))
			}
		}
	}
	if len(typeNames) == 0 || len(typeNames) != len(body.AnnotationTypeIDs) {
		writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"annotation_type_ids": {"is invalid"}})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range body.Datasets {
		if !slices.ContainsFunc(f.datasets, func(ds dataset) bool { return ds.ID == d["id"] }) {
			writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"datasets": {"is invalid"}})
			return
		}
	}
	if f.classByName(body.Name) != nil {
		writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"name": {"has already been taken"}})
		return
	}
	c := f.addClassLocked(body.Name, typeNames, body.Datasets)
	c.Metadata = body.Metadata
	sandbox.WriteJSON(w, http.StatusOK, c)
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
