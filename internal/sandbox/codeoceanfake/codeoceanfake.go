// Package codeoceanfake is the sandbox's Code Ocean data asset API: assets created from S3,
// GCS or a computation (draft, then ready or failed), full-set PUT, archive, delete, search with
// query terms and token paging, permissions, the deployment's custom metadata fields, and
// external results written into the customer's bucket.
//
// It is written from ../shared/platforms/codeocean.md. Where the notes say "inferred", the
// choice made is commented at that spot.
package codeoceanfake

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Seeded fixtures.
const (
	Token = "cop_sandbox-codeocean-token" //nolint:gosec // the sandbox's fixed test token, not a credential
	// BadBucket makes an asset fail with a failure_reason, as a bucket Code Ocean cannot read does.
	BadBucket = "sandbox-unreadable"
	// Computation is a finished run whose results can become a data asset.
	Computation = "9c1f0000-0000-4000-8000-00000000c0de"
	// ReadyAfterGets is how many GETs an asset answers "draft" before "ready".
	ReadyAfterGets = 2
)

func init() { sandbox.Register(func() sandbox.Fake { return New() }) }

// customFields are the deployment's custom metadata fields.
var customFields = []map[string]any{
	{"name": "experiment", "type": "string"},
	{"name": "subject_count", "type": "number"},
	{"name": "acquired", "type": "date"},
}

type asset struct {
	ID          string   `json:"id"`
	Created     int64    `json:"created"`
	Name        string   `json:"name"`
	Mount       string   `json:"mount"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	State       string   `json:"state"`
	Type        string   `json:"type"`
	Files       *int64   `json:"files,omitempty"`
	// Size is a string, as the API docs type it (the SDK parses it to an int).
	Size         *string        `json:"size,omitempty"`
	SourceBucket map[string]any `json:"source_bucket"`
	// Provenance is set on results only (the SDK's DataAsset.provenance; the fake fills the
	// computation, the field an import reads).
	Provenance     map[string]any `json:"provenance,omitempty"`
	CustomMetadata map[string]any `json:"custom_metadata,omitempty"`
	FailureReason  string         `json:"failure_reason,omitempty"`
	LastUsed       int64          `json:"last_used"`
	Owner          string         `json:"owner"`
	archived       bool
	favorite       bool  // inferred: favorites are set in the web app only; none by default
	size           int64 // Size as a number, for sorting
	gets           int
	fail           string
	permissions    map[string]any
	// files counted when the asset becomes ready.
	countBucket, countPrefix string
	external                 bool
}

// Fake is the Code Ocean fake.
type Fake struct {
	mu     sync.Mutex
	env    *sandbox.Env
	assets map[string]*asset
	order  []string
}

// New returns an empty fake.
func New() *Fake { return &Fake{assets: map[string]*asset{}} }

// Platform implements sandbox.Fake.
func (f *Fake) Platform() string { return "codeocean" }

// Credentials implements sandbox.Fake.
func (f *Fake) Credentials() map[string]string {
	return map[string]string{"CODEOCEAN_API_TOKEN": Token}
}

// Env implements sandbox.Fake: the API base is <endpoint>/api/v1, as https://{domain}/api/v1.
func (f *Fake) Env(endpoint string) map[string]string {
	return map[string]string{"CODEOCEAN_API_TOKEN": Token, "CODEOCEAN_ENDPOINT": endpoint + "/api/v1"}
}

// Fixtures implements sandbox.Fake.
func (f *Fake) Fixtures() any {
	return map[string]any{"computation_id": Computation, "unreadable_bucket": BadBucket, "custom_metadata_fields": []string{"experiment", "subject_count", "acquired"}}
}

// ErrorBody implements sandbox.Fake: {"message": …}.
func (f *Fake) ErrorBody(_ int, message string) (string, []byte) { return messageBody(message) }

func messageBody(message string) (string, []byte) {
	b, _ := json.Marshal(map[string]string{"message": message})
	return "application/json", b
}

func writeError(w http.ResponseWriter, status int, message string) {
	ct, body := messageBody(message)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Start implements sandbox.Fake.
func (f *Fake) Start(env *sandbox.Env) (http.Handler, error) {
	f.env = env
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/data_assets", f.create)
	mux.HandleFunc("POST /api/v1/data_assets/search", f.search)
	mux.HandleFunc("GET /api/v1/data_assets/{id}", f.withAsset(f.get))
	mux.HandleFunc("PUT /api/v1/data_assets/{id}", f.withAsset(f.update))
	mux.HandleFunc("DELETE /api/v1/data_assets/{id}", f.withAsset(f.delete))
	mux.HandleFunc("PATCH /api/v1/data_assets/{id}/archive", f.withAsset(f.archive))
	mux.HandleFunc("GET /api/v1/data_assets/{id}/permissions", f.withAsset(f.getPermissions))
	mux.HandleFunc("POST /api/v1/data_assets/{id}/permissions", f.withAsset(f.setPermissions))
	mux.HandleFunc("GET /api/v1/custom_metadata", func(w http.ResponseWriter, _ *http.Request) {
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"fields": customFields, "categories": []any{}})
	})
	return f.auth(mux), nil
}

// auth checks HTTP Basic with the token as user name and an empty password.
func (f *Fake) auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || user != Token || pass != "" {
			writeError(w, http.StatusUnauthorized, "Unauthorized: send the access token as the Basic auth user name with an empty password")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (f *Fake) withAsset(h func(http.ResponseWriter, *http.Request, *asset)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		a, ok := f.assets[r.PathValue("id")]
		if !ok {
			writeError(w, http.StatusNotFound, "data asset not found")
			return
		}
		h(w, r, a)
	}
}

func (f *Fake) s3ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// count sums the objects under a prefix of the sandbox store. A prefix names a folder
// (inferred: Code Ocean's UI and docs treat it as one), so "results" does not take
// "results-old/…".
func (f *Fake) count(bucket, prefix string) (files, size int64) {
	ctx, cancel := f.s3ctx()
	defer cancel()
	if prefix = strings.Trim(prefix, "/"); prefix != "" {
		prefix += "/"
	}
	p := s3.NewListObjectsV2Paginator(f.env.S3, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return files, size
		}
		for _, o := range page.Contents {
			files++
			size += aws.ToInt64(o.Size)
		}
	}
	return files, size
}

// writeResults writes an external result's files to the customer's target, as Code Ocean
// does for a computation with target.aws.
func (f *Fake) writeResults(bucket, prefix, assetID string) error {
	ctx, cancel := f.s3ctx()
	defer cancel()
	for _, name := range []string{"output/metrics.csv", "output/model.bin", "logs/run.log"} {
		key := strings.TrimSuffix(prefix, "/") + "/" + name
		body := "result of computation " + Computation + " for asset " + assetID
		if _, err := f.env.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			return err
		}
	}
	return nil
}

// view is the asset as GET answers it, advancing draft to ready (or failed) with each GET.
func (f *Fake) view(a *asset, advance bool) *asset {
	if advance && a.State == "draft" {
		a.gets++
		if a.gets >= ReadyAfterGets {
			if a.fail != "" {
				a.State, a.FailureReason = "failed", a.fail
			} else {
				a.State = "ready"
				n, size := f.count(a.countBucket, a.countPrefix)
				text := strconv.FormatInt(size, 10)
				a.Files, a.Size, a.size = &n, &text, size
			}
		}
	}
	return a
}

func (f *Fake) get(w http.ResponseWriter, _ *http.Request, a *asset) {
	sandbox.WriteJSON(w, http.StatusOK, f.view(a, true))
}

func encodeToken(n int) string { return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprint(n))) }
