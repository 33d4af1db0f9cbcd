// Package v7 is V7 Darwin: a REST client for items registered from external storage (this
// file and its siblings named client_*.go know HTTP and JSON only) and the Terraform types
// dataplatforms_v7_item and dataplatforms_v7_items built on it.
package v7

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names V7 in errors and logs.
const PlatformName = "V7 Darwin"

// CodeInsufficientStorage is the 429 that means "out of storage quota", not throttling.
const CodeInsufficientStorage = "INSUFFICIENT_REMAINING_STORAGE"

// Client talks to the V7 API over the provider's one transport stack.
type Client struct{ api *transport.API }

// NewClient returns a client for the API root endpoint (such as https://darwin.v7labs.com/api).
func NewClient(endpoint, apiKey string, hc *http.Client) *Client {
	return &Client{api: &transport.API{
		Platform: PlatformName, Base: strings.TrimRight(endpoint, "/"), HTTP: hc, Decode: decodeError,
		Authorize: func(r *http.Request) { r.Header.Set("Authorization", "ApiKey "+apiKey) },
	}}
}

// Final marks V7's quota 429 as final for the transport: retrying it cannot succeed.
func Final(resp *http.Response, body []byte) bool {
	return resp.StatusCode == http.StatusTooManyRequests && decodeError(body).Code == CodeInsufficientStorage
}

// decodeError reads V7's envelope: {"errors": {code, message, detail}}, the per-field form
// {"errors": {"name": ["has already been taken"]}}, a list, or text.
func decodeError(body []byte) transport.ErrorDetails {
	var env struct {
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil || len(env.Errors) == 0 {
		return transport.DecodeGenericError(body)
	}
	var obj struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Detail  any    `json:"detail"`
	}
	if json.Unmarshal(env.Errors, &obj) == nil && (obj.Code != "" || obj.Message != "") {
		msg := obj.Message
		if obj.Detail != nil {
			msg = strings.TrimSpace(fmt.Sprintf("%s (%v)", msg, obj.Detail))
		}
		return transport.ErrorDetails{Code: obj.Code, Message: msg}
	}
	var fields map[string][]string
	if json.Unmarshal(env.Errors, &fields) == nil && len(fields) > 0 {
		parts := make([]string, 0, len(fields))
		for k, v := range fields {
			parts = append(parts, k+" "+strings.Join(v, ", "))
		}
		slices.Sort(parts)
		return transport.ErrorDetails{Code: "VALIDATION_ERROR", Message: strings.Join(parts, "; ")}
	}
	return transport.ErrorDetails{Message: strings.TrimSpace(string(env.Errors))}
}

// do sends one request and decodes a 2xx JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	return c.api.Do(ctx, transport.Request{Method: method, Path: path, Query: query, JSON: in}, out)
}

func teamPath(team string, parts ...string) string {
	return "/v2/teams/" + url.PathEscape(team) + "/" + strings.Join(parts, "/")
}

// TokenInfo returns the slug of the team the API key selects.
func (c *Client) TokenInfo(ctx context.Context) (string, error) {
	var out struct {
		SelectedTeam struct {
			Slug string `json:"slug"`
		} `json:"selected_team"`
	}
	if err := c.do(ctx, http.MethodGet, "/users/token_info", nil, nil, &out); err != nil {
		return "", err
	}
	return out.SelectedTeam.Slug, nil
}

// Dataset is a V7 dataset: registration takes its slug, filters take its numeric id.
type Dataset struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// ErrNotFound is returned for a slug no listing holds.
var ErrNotFound = errors.New("not found")

// Datasets lists the datasets the API key sees.
func (c *Client) Datasets(ctx context.Context) ([]Dataset, error) {
	var all []Dataset
	err := c.do(ctx, http.MethodGet, "/datasets", nil, nil, &all)
	return all, err
}

// DatasetBySlug resolves a dataset slug to the dataset.
func (c *Client) DatasetBySlug(ctx context.Context, slug string) (Dataset, error) {
	all, err := c.Datasets(ctx)
	if err != nil {
		return Dataset{}, err
	}
	for _, d := range all {
		if d.Slug == slug {
			return d, nil
		}
	}
	return Dataset{}, fmt.Errorf("dataset %q: %w among the %d datasets the API key sees", slug, ErrNotFound, len(all))
}

// DatasetByID returns a dataset by its numeric id.
func (c *Client) DatasetByID(ctx context.Context, id int64) (Dataset, error) {
	var d Dataset
	err := c.do(ctx, http.MethodGet, "/datasets/"+strconv.FormatInt(id, 10), nil, nil, &d)
	return d, err
}

// StorageConnection is an external storage registered with a team. darwin-py reads name,
// prefix, readonly, provider, default, bucket and region; the web app also shows slug.
type StorageConnection struct {
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix"`
	Readonly bool   `json:"readonly"`
	Provider string `json:"provider"`
}

// RegistrationName is the value registration sends as storage_slug: the connection's name, as
// darwin-py sends it (its slug when V7 gave no name).
func (s StorageConnection) RegistrationName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Slug
}

// StorageConnections are the team's storage connections (GET /teams/{team}/storage).
func (c *Client) StorageConnections(ctx context.Context, team string) ([]StorageConnection, error) {
	var all []StorageConnection
	err := c.do(ctx, http.MethodGet, "/teams/"+url.PathEscape(team)+"/storage", nil, nil, &all)
	return all, err
}

// Storage returns a team's storage connection by the value darwin-py matches (its name) or by
// its slug. A name wins over another connection's slug.
func (c *Client) Storage(ctx context.Context, team, nameOrSlug string) (StorageConnection, error) {
	all, err := c.StorageConnections(ctx, team)
	if err != nil {
		return StorageConnection{}, err
	}
	for _, s := range all {
		if s.Name == nameOrSlug {
			return s, nil
		}
	}
	for _, s := range all {
		if s.Slug != "" && s.Slug == nameOrSlug {
			return s, nil
		}
	}
	return StorageConnection{}, fmt.Errorf("storage connection %q of team %q: %w by name or slug", nameOrSlug, team, ErrNotFound)
}
