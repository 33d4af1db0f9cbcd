// Package codeocean is Code Ocean data assets: a REST client (this file knows HTTP and JSON
// only) and the Terraform types dataplatforms_codeocean_data_asset and
// dataplatforms_codeocean_data_assets built on it.
package codeocean

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names Code Ocean in errors and logs.
const PlatformName = "Code Ocean"

// minServerVersion is the platform version whose API this client speaks (the SDK sends the same header).
const minServerVersion = "4.6.0"

// Client talks to the Code Ocean API over the provider's one transport stack.
type Client struct{ api *transport.API }

// NewClient returns a client for the API base (such as https://acme.codeocean.com/api/v1).
func NewClient(endpoint, token string, hc *http.Client) *Client {
	return &Client{api: &transport.API{
		Platform: PlatformName, Base: strings.TrimRight(endpoint, "/"), HTTP: hc,
		Header:    http.Header{"Min-Server-Version": {minServerVersion}},
		Authorize: func(r *http.Request) { r.SetBasicAuth(token, "") },
	}}
}

func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.api.Do(ctx, transport.Request{Method: method, Path: path, Query: query, JSON: in}, out)
}

// AWSSource is an S3 source or target.
type AWSSource struct {
	Bucket                string `json:"bucket"`
	Prefix                string `json:"prefix,omitempty"`
	KeepOnExternalStorage bool   `json:"keep_on_external_storage,omitempty"`
	Public                bool   `json:"public,omitempty"`
	EndpointName          string `json:"endpoint_name,omitempty"`
}

// GCPSource is a Google Cloud Storage source.
type GCPSource struct {
	Bucket       string `json:"bucket"`
	Prefix       string `json:"prefix,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
}

// ComputationSource is a computation's results.
type ComputationSource struct {
	ID   string `json:"id"`
	Path string `json:"path,omitempty"`
}

// Source is exactly one of its fields.
type Source struct {
	AWS         *AWSSource         `json:"aws,omitempty"`
	GCP         *GCPSource         `json:"gcp,omitempty"`
	Computation *ComputationSource `json:"computation,omitempty"`
}

// Target is where an external result is written.
type Target struct {
	AWS *AWSSource `json:"aws,omitempty"`
}

// Metadata is what PUT replaces, always sent whole. The SDK's update model makes every field
// optional and sends unset ones as null, which most plausibly leaves them as they are: so an
// empty list or object is sent explicitly to clear tags or custom metadata.
type Metadata struct {
	Name           string         `json:"name"`
	Description    string         `json:"description"`
	Mount          string         `json:"mount"`
	Tags           []string       `json:"tags"`
	CustomMetadata map[string]any `json:"custom_metadata"`
}

// CreateParams is the body of POST /data_assets.
type CreateParams struct {
	Metadata
	Source Source  `json:"source"`
	Target *Target `json:"target,omitempty"`
}

// Asset is a data asset.
type Asset struct {
	ID          string          `json:"id"`
	Created     transport.Int64 `json:"created"`
	Name        string          `json:"name"`
	Mount       string          `json:"mount"`
	Description string          `json:"description"`
	Tags        []string        `json:"tags"`
	State       string          `json:"state"`
	Type        string          `json:"type"`
	Files       transport.Int64 `json:"files"`
	// Size is typed string in the API docs, a number in older answers: both decode.
	Size           transport.Int64 `json:"size"`
	FailureReason  string          `json:"failure_reason"`
	CustomMetadata map[string]any  `json:"custom_metadata"`
	SourceBucket   struct {
		Origin   string `json:"origin"`
		Bucket   string `json:"bucket"`
		Prefix   string `json:"prefix"`
		External bool   `json:"external"`
	} `json:"source_bucket"`
	// Provenance is set for results: the computation they came from (the SDK's
	// DataAsset.provenance.computation).
	Provenance struct {
		Computation string `json:"computation"`
	} `json:"provenance"`
}

// NormalState reads the older DATA_ASSET_STATE_* spellings as the current ones.
func NormalState(s string) string {
	return strings.ToLower(strings.TrimPrefix(s, "DATA_ASSET_STATE_"))
}

// Create starts a data asset; it is a draft until GET reports it ready or failed.
func (c *Client) Create(ctx context.Context, p CreateParams) (Asset, error) {
	var a Asset
	err := c.do(ctx, http.MethodPost, "/data_assets", nil, p, &a)
	return a, err
}

// Get reads an asset; a missing one is an APIError with status 404.
func (c *Client) Get(ctx context.Context, id string) (Asset, error) {
	var a Asset
	err := c.do(ctx, http.MethodGet, "/data_assets/"+url.PathEscape(id), nil, nil, &a)
	return a, err
}

// Update replaces the metadata (the full set, as the docs require).
func (c *Client) Update(ctx context.Context, id string, m Metadata) (Asset, error) {
	if m.Tags == nil {
		m.Tags = []string{}
	}
	if m.CustomMetadata == nil {
		m.CustomMetadata = map[string]any{}
	}
	var a Asset
	err := c.do(ctx, http.MethodPut, "/data_assets/"+url.PathEscape(id), nil, m, &a)
	return a, err
}

// Delete deletes an asset permanently.
func (c *Client) Delete(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/data_assets/"+url.PathEscape(id), nil, nil, nil)
}

// Archive archives (true) or unarchives an asset.
func (c *Client) Archive(ctx context.Context, id string, archive bool) error {
	return c.do(ctx, http.MethodPatch, "/data_assets/"+url.PathEscape(id)+"/archive", url.Values{"archive": {strconv.FormatBool(archive)}}, nil, nil)
}

// UserPermission, GroupPermission and Permissions are who may see an asset.
type (
	UserPermission struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	GroupPermission struct {
		Group string `json:"group"`
		Role  string `json:"role"`
	}
	Permissions struct {
		Users    []UserPermission  `json:"users"`
		Groups   []GroupPermission `json:"groups"`
		Everyone string            `json:"everyone"`
	}
)

// GetPermissions reads an asset's permissions.
func (c *Client) GetPermissions(ctx context.Context, id string) (Permissions, error) {
	var p Permissions
	err := c.do(ctx, http.MethodGet, "/data_assets/"+url.PathEscape(id)+"/permissions", nil, nil, &p)
	return p, err
}

// SetPermissions replaces an asset's permissions.
func (c *Client) SetPermissions(ctx context.Context, id string, p Permissions) error {
	if p.Users == nil {
		p.Users = []UserPermission{}
	}
	if p.Groups == nil {
		p.Groups = []GroupPermission{}
	}
	return c.do(ctx, http.MethodPost, "/data_assets/"+url.PathEscape(id)+"/permissions", nil, p, nil)
}

// Field is a custom metadata field the deployment defines.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// CustomFields lists the deployment's custom metadata fields.
func (c *Client) CustomFields(ctx context.Context) ([]Field, error) {
	var out struct {
		Fields []Field `json:"fields"`
	}
	err := c.do(ctx, http.MethodGet, "/custom_metadata", nil, nil, &out)
	return out.Fields, err
}

// Filter is one search filter. Value and Values hold strings or numbers (float64) as the
// field's type asks: the SDK sends a number filter as a JSON number. Range filters a numeric
// field; one of its ends may be open.
type Filter struct {
	Key     string `json:"key"`
	Value   any    `json:"value,omitempty"`
	Values  []any  `json:"values,omitempty"`
	Range   *Range `json:"range,omitempty"`
	Exclude bool   `json:"exclude,omitempty"`
}

// Range is a numeric range filter, both ends included.
type Range struct {
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

// SearchParams select assets; empty fields do not filter.
type SearchParams struct {
	Query     string `json:"query,omitempty"`
	Archived  bool   `json:"archived,omitempty"`
	Type      string `json:"type,omitempty"`
	Origin    string `json:"origin,omitempty"`
	Ownership string `json:"ownership,omitempty"`
	Favorite  bool   `json:"favorite,omitempty"`
	// SortField (created, type, name, size) and SortOrder (asc, desc; only with SortField).
	SortField string   `json:"sort_field,omitempty"`
	SortOrder string   `json:"sort_order,omitempty"`
	Filters   []Filter `json:"filters,omitempty"`
	Limit     int      `json:"limit,omitempty"`
	// NextToken is set by Search while paging.
	NextToken string `json:"next_token,omitempty"`
}

// maxPages bounds a search on a server whose next_token never ends.
const maxPages = 10000

// Search returns every matching asset, following next_token while has_more. It stops with an
// error when the server repeats a token (older servers never end a search otherwise).
func (c *Client) Search(ctx context.Context, p SearchParams) ([]Asset, error) {
	if p.Limit == 0 {
		p.Limit = 1000
	}
	var out []Asset
	seen := map[string]bool{}
	for range maxPages {
		var page struct {
			HasMore   bool    `json:"has_more"`
			NextToken string  `json:"next_token"`
			Results   []Asset `json:"results"`
		}
		if err := c.do(transport.WithIdempotent(ctx), http.MethodPost, "/data_assets/search", nil, p, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Results...)
		if !page.HasMore {
			return out, nil
		}
		if page.NextToken == "" || seen[page.NextToken] {
			return nil, fmt.Errorf("searching data assets: Code Ocean answered has_more with a missing or repeated next_token %q after %d results; the server's paging is broken", page.NextToken, len(out))
		}
		seen[page.NextToken] = true
		p.NextToken = page.NextToken
	}
	return nil, fmt.Errorf("searching data assets: more than %d pages", maxPages)
}
