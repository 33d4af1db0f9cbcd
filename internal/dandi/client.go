// Package dandi is the DANDI Archive: a REST client and a streaming manifest reader (client.go
// and manifest.go know HTTP and JSON only), the local derivative-directory matcher (dirs.go),
// and the Terraform types dataplatforms_dandi_* built on them.
package dandi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names DANDI in errors and logs.
const PlatformName = "DANDI Archive"

// Client talks to the DANDI API and reads its manifests.
type Client struct {
	api, manifests string
	apiKey         string
	// http carries the API key; public reads of the manifests' bucket never do.
	http, public *transport.API
}

// NewClient returns a client of the API root (https://api.dandiarchive.org/api) and the
// manifest base (https://dandiarchive.s3.amazonaws.com). apiKey may be empty for reads.
func NewClient(api, manifests, apiKey string, hc *http.Client) *Client {
	c := &Client{api: strings.TrimRight(api, "/"), manifests: strings.TrimRight(manifests, "/"), apiKey: apiKey}
	c.public = &transport.API{Platform: PlatformName, HTTP: hc, Decode: decodeError}
	c.http = &transport.API{Platform: PlatformName, HTTP: hc, Decode: decodeError, Authorize: func(r *http.Request) {
		if c.HasKey() {
			r.Header.Set("Authorization", "token "+c.apiKey)
		}
	}}
	return c
}

// HasKey reports whether the client can write.
func (c *Client) HasKey() bool { return strings.TrimSpace(c.apiKey) != "" }

// decodeError reads DANDI's three shapes: {"detail": …}, a bare JSON string, or field errors.
func decodeError(body []byte) transport.ErrorDetails {
	d := transport.DecodeGenericError(body)
	if d.Message == "" {
		var fields map[string][]string
		if json.Unmarshal(body, &fields) == nil {
			var parts []string
			for k, v := range fields {
				parts = append(parts, k+": "+strings.Join(v, " "))
			}
			d.Message = strings.Join(parts, "; ")
		}
	}
	return d
}

// send sends a request to a full URL (the API's next links are absolute) with an optional JSON
// body and decodes the JSON answer into out.
func (c *Client) send(ctx context.Context, method, u string, in any, out any) error {
	return c.http.Do(ctx, transport.Request{Method: method, URL: u, JSON: in}, out)
}

// maxPages bounds a listing whose next link never ends (a server bug).
const maxPages = 100000

// paginate follows DRF next links from u, calling each with every page's raw results.
func (c *Client) paginate(ctx context.Context, u string, each func(json.RawMessage) error) error {
	seen := map[string]bool{}
	for range maxPages {
		var page struct {
			Next    *string           `json:"next"`
			Results []json.RawMessage `json:"results"`
		}
		if err := c.send(ctx, http.MethodGet, u, nil, &page); err != nil {
			return err
		}
		for _, r := range page.Results {
			if err := each(r); err != nil {
				return err
			}
		}
		if page.Next == nil || *page.Next == "" {
			return nil
		}
		if seen[*page.Next] {
			return fmt.Errorf("DANDI repeated the page link %s", *page.Next)
		}
		seen[*page.Next] = true
		next, err := c.sameHost(*page.Next)
		if err != nil {
			return err
		}
		u = next
	}
	return fmt.Errorf("more than %d pages", maxPages)
}

// sameHost refuses a next link to another host: the API key must not travel there.
func (c *Client) sameHost(next string) (string, error) {
	n, err := url.Parse(next)
	if err != nil {
		return "", fmt.Errorf("DANDI answered an unreadable next link %q: %w", next, err)
	}
	base, _ := url.Parse(c.api)
	if n.Host != base.Host {
		return "", fmt.Errorf("DANDI answered a next link to another host (%s); refusing to send the API key there", n.Host)
	}
	return next, nil
}

func (c *Client) versionsURL(dandiset string) string {
	return c.api + "/dandisets/" + url.PathEscape(dandiset) + "/versions/"
}

// Version is a dandiset version.
type Version struct {
	Version    string    `json:"version"`
	Name       string    `json:"name"`
	Status     string    `json:"status"`
	AssetCount int64     `json:"asset_count"`
	Size       int64     `json:"size"`
	Created    time.Time `json:"created"`
	Modified   time.Time `json:"modified"`
}

// Versions lists a dandiset's versions, oldest first, every page.
func (c *Client) Versions(ctx context.Context, dandiset string, pageSize int) ([]Version, error) {
	q := url.Values{"order": {"created"}}
	if pageSize > 0 {
		q.Set("page_size", strconv.Itoa(pageSize))
	}
	var out []Version
	err := c.paginate(ctx, c.versionsURL(dandiset)+"?"+q.Encode(), func(raw json.RawMessage) error {
		var v Version
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// Asset is an asset of a version's list.
type Asset struct {
	ID   string `json:"asset_id"`
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// AssetsUnder lists the assets of a version inside folder (the folder itself excluded), every
// page. The server's path filter is a case-insensitive prefix without folder boundary, so the
// answer is filtered here to the exact folder.
func (c *Client) AssetsUnder(ctx context.Context, dandiset, version, folder string) ([]Asset, error) {
	folder = strings.Trim(folder, "/")
	q := url.Values{"path": {folder + "/"}, "order": {"path"}, "page_size": {"1000"}}
	var out []Asset
	err := c.paginate(ctx, c.versionsURL(dandiset)+url.PathEscape(version)+"/assets/?"+q.Encode(), func(raw json.RawMessage) error {
		var a Asset
		if err := json.Unmarshal(raw, &a); err != nil {
			return err
		}
		if InFolder(a.Path, folder) {
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// InFolder reports whether path lies inside folder: folder + "/" is a case-sensitive prefix.
func InFolder(path, folder string) bool {
	folder = strings.Trim(folder, "/")
	return folder != "" && strings.HasPrefix(path, folder+"/")
}

// DeleteAsset removes an asset from a version (the draft: a published one answers 405).
func (c *Client) DeleteAsset(ctx context.Context, dandiset, version, assetID string) error {
	return c.send(ctx, http.MethodDelete, c.versionsURL(dandiset)+url.PathEscape(version)+"/assets/"+url.PathEscape(assetID)+"/", nil, nil)
}

// CreateAsset adds an asset with a path to the draft (the sandbox and tests use it).
func (c *Client) CreateAsset(ctx context.Context, dandiset, path string, size int64, blobID string) (Asset, error) {
	var a Asset
	body := map[string]any{"metadata": map[string]any{"path": path, "contentSize": size}, "blob_id": blobID}
	err := c.send(ctx, http.MethodPost, c.versionsURL(dandiset)+"draft/assets/", body, &a)
	return a, err
}

// OpenManifest streams a version's assets.jsonld; the caller closes it.
func (c *Client) OpenManifest(ctx context.Context, dandiset, version string) (io.ReadCloser, error) {
	u := c.manifests + "/dandisets/" + url.PathEscape(dandiset) + "/" + url.PathEscape(version) + "/assets.jsonld"
	resp, err := c.public.Send(ctx, transport.Request{Method: http.MethodGet, URL: u, Accept: "*/*"})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, c.public.Error(resp)
	}
	return resp.Body, nil
}
