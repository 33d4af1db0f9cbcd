// Package foundryfake is the sandbox's Palantir Foundry datasets API (v1 and v2): datasets,
// branches, transactions with at most one OPEN transaction per branch, the view each branch and
// each transaction range gives, file upload/list/get/content/delete, and Foundry's error
// envelope with the exact error names and parameters.
//
// It is written from ../shared/platforms/foundry.md. Where the notes say "inferred", the choice
// made is commented at that spot.
package foundryfake

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Seeded fixtures.
const (
	Token         = "sandbox-foundry-token" //nolint:gosec // the sandbox's fixed test token, not a credential
	Branch        = "master"
	SeedReadme    = "README.txt"
	maxPageSize   = 1000
	folderRIDSeed = "ri.compass.main.folder.00000000-0000-4000-8000-00000000f01d"
)

func init() { sandbox.Register(func() sandbox.Fake { return New() }) }

// Transaction types and statuses.
const (
	Snapshot  = "SNAPSHOT"
	Update    = "UPDATE"
	Append    = "APPEND"
	Delete    = "DELETE"
	Open      = "OPEN"
	Committed = "COMMITTED"
	Aborted   = "ABORTED"
)

type fileVersion struct {
	content []byte
	updated time.Time
	deleted bool
}

type transaction struct {
	RID         string     `json:"rid"`
	Type        string     `json:"transactionType"`
	Status      string     `json:"status"`
	CreatedTime time.Time  `json:"createdTime"`
	ClosedTime  *time.Time `json:"closedTime,omitempty"`
	branch      string
	// prev is the branch head when the transaction opened: its view builds on it.
	prev    string
	changes map[string]*fileVersion
}

type branch struct {
	name string
	head string // newest committed transaction, "" for none
	open string // the OPEN transaction, "" for none
}

type dataset struct {
	RID          string `json:"rid"`
	Name         string `json:"name"`
	ParentFolder string `json:"parentFolderRid"`
	branches     map[string]*branch
	txns         map[string]*transaction
}

// Fake is the Foundry fake.
type Fake struct {
	mu       sync.Mutex
	datasets map[string]*dataset
	seedRID  string
}

// New returns a fake with one dataset whose master branch holds README.txt.
func New() *Fake {
	f := &Fake{datasets: map[string]*dataset{}}
	ds := f.addDataset("sandbox-dataset")
	f.seedRID = ds.RID
	tx := f.openTx(ds, ds.branches[Branch], Snapshot)
	tx.changes[SeedReadme] = &fileVersion{content: []byte("seeded by the Foundry sandbox\n"), updated: time.Now().UTC()}
	f.commit(ds, tx)
	return f
}

// DatasetRID is the seeded dataset.
func (f *Fake) DatasetRID() string { return f.seedRID }

func rid(kind string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// Inferred: sandbox RIDs are ri.foundry.main.<type>. plus a lowercase UUIDv4.
	return fmt.Sprintf("ri.foundry.main.%s.%x-%x-%x-%x-%x", kind, b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (f *Fake) addDataset(name string) *dataset {
	ds := &dataset{RID: rid("dataset"), Name: name, ParentFolder: folderRIDSeed,
		branches: map[string]*branch{Branch: {name: Branch}}, txns: map[string]*transaction{}}
	f.datasets[ds.RID] = ds
	return ds
}

func (f *Fake) openTx(ds *dataset, b *branch, typ string) *transaction {
	tx := &transaction{RID: rid("transaction"), Type: typ, Status: Open, CreatedTime: time.Now().UTC(),
		branch: b.name, prev: b.head, changes: map[string]*fileVersion{}}
	ds.txns[tx.RID] = tx
	b.open = tx.RID
	return tx
}

func (f *Fake) commit(ds *dataset, tx *transaction) {
	now := time.Now().UTC()
	tx.Status, tx.ClosedTime = Committed, &now
	b := ds.branches[tx.branch]
	b.open, b.head = "", tx.RID
}

// Platform implements sandbox.Fake.
func (f *Fake) Platform() string { return "foundry" }

// Credentials implements sandbox.Fake.
func (f *Fake) Credentials() map[string]string { return map[string]string{"FOUNDRY_TOKEN": Token} }

// Env implements sandbox.Fake: the API base is <endpoint>/api, as https://{hostname}/api.
// FOUNDRY_DATASET_RID names the seeded dataset for demos; the provider does not read it.
func (f *Fake) Env(endpoint string) map[string]string {
	return map[string]string{"FOUNDRY_TOKEN": Token, "FOUNDRY_ENDPOINT": endpoint + "/api", "FOUNDRY_DATASET_RID": f.seedRID}
}

// Fixtures implements sandbox.Fake.
func (f *Fake) Fixtures() any {
	return map[string]any{"dataset_rid": f.seedRID, "branch": Branch, "files": []string{SeedReadme}}
}

// ErrorBody implements sandbox.Fake: an injected fault in Foundry's envelope, named after the
// status as Foundry's general errors are.
func (f *Fake) ErrorBody(status int, message string) (string, []byte) {
	code, name := "INTERNAL", "Default:Internal"
	switch {
	case status == http.StatusUnauthorized:
		code, name = "UNAUTHORIZED", "Default:Unauthorized"
	case status == http.StatusForbidden:
		code, name = "PERMISSION_DENIED", "Default:PermissionDenied"
	case status == http.StatusNotFound:
		code, name = "NOT_FOUND", "Default:NotFound"
	case status == http.StatusConflict:
		code, name = "CONFLICT", "Default:Conflict"
	case status == http.StatusTooManyRequests:
		code, name = "TOO_MANY_REQUESTS", "Default:TooManyRequests"
	case status < 500:
		code, name = "INVALID_ARGUMENT", "Default:InvalidArgument"
	}
	return envelope(code, name, map[string]any{"message": message})
}

func envelope(code, name string, params map[string]any) (string, []byte) {
	if params == nil {
		params = map[string]any{}
	}
	id := rid("x")
	b, _ := json.Marshal(map[string]any{"errorCode": code, "errorName": name, "errorInstanceId": id[len("ri.foundry.main.x."):], "parameters": params})
	return "application/json", b
}

// apiError is one of the catalogue's named errors.
type apiError struct {
	status int
	code   string
	name   string
	params map[string]any
}

func (e *apiError) write(w http.ResponseWriter) {
	ct, body := envelope(e.code, e.name, e.params)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

func errNotFound(name string, params map[string]any) *apiError {
	return &apiError{http.StatusNotFound, "NOT_FOUND", name, params}
}

func errInvalid(name string, params map[string]any) *apiError {
	return &apiError{http.StatusBadRequest, "INVALID_ARGUMENT", name, params}
}

func errConflict(name string, params map[string]any) *apiError {
	return &apiError{http.StatusConflict, "CONFLICT", name, params}
}

// Start implements sandbox.Fake.
func (f *Fake) Start(*sandbox.Env) (http.Handler, error) {
	return http.HandlerFunc(f.serve), nil
}

// serve checks the bearer token, then routes by hand: file paths may carry raw or %2f-encoded
// slashes, which a pattern mux would clean or split.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	switch auth := r.Header.Get("Authorization"); {
	case auth == "":
		(&apiError{http.StatusUnauthorized, "UNAUTHORIZED", "MissingCredentials", nil}).write(w)
		return
	case auth != "Bearer "+Token:
		(&apiError{http.StatusUnauthorized, "UNAUTHORIZED", "Default:Unauthorized", nil}).write(w)
		return
	}
	rt, ok := parseRoute(r)
	if !ok {
		w.WriteHeader(http.StatusNotFound) // unknown route: a bare 404, as Foundry answers
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ds, ok := f.datasets[rt.dataset]
	if !ok {
		errNotFound("DatasetNotFound", map[string]any{"datasetRid": rt.dataset}).write(w)
		return
	}
	if e := f.dispatch(w, r, rt, ds); e != nil {
		e.write(w)
	}
}
