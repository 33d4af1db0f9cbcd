// Package younite is YOUnite: a REST client for data records (this file knows HTTP and JSON
// only) and the Terraform types dataplatforms_younite_data_record and
// dataplatforms_younite_dr_adaptor_check built on it.
//
// YOUnite publishes no API specification, so the client depends on nothing its documentation
// does not show and accepts every plausible shape where it is silent:
//   - the zone of a request travels as the query parameter zoneUuid (inferred; set in do alone,
//     so that a confirmed answer is a one-line change);
//   - a create answers a DR body, or only a Location header (the one documented create answer),
//     after which the DR is read back;
//   - a DR is read with GET /drs/{uuid} as an object or in the documented list shape
//     ({"drs": [{uuid, created_by_uuid, json}]}); json is a string holding JSON or an object;
//     domainName, domainVersion, domainType and adaptorLinks are used only when present;
//   - linked adaptors that the answer does not list are found with the documented link check,
//     for each adaptor of the zone;
//   - a delete may finish after its answer: callers recheck the links.
package younite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names YOUnite in errors and logs.
const PlatformName = "YOUnite"

// Client talks to the YOUnite API over the provider's one transport stack.
type Client struct {
	api *transport.API
	// zoneAdaptors, when set, answers Adaptors from what the configured provider already
	// listed (see connect): once per zone and terraform command, not once per DR.
	zoneAdaptors func(ctx context.Context, zone string) ([]Adaptor, error)
}

// NewClient returns a client for the API base (such as https://younite.example.com/api).
func NewClient(endpoint, token string, hc *http.Client) *Client {
	return &Client{api: &transport.API{
		Platform: PlatformName, Base: strings.TrimRight(endpoint, "/"), HTTP: hc, Decode: decodeError,
		Authorize: func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) },
	}}
}

// decodeError reads {"status", "error", "message"}; the generic decoder knows those fields.
func decodeError(body []byte) transport.ErrorDetails {
	d := transport.DecodeGenericError(body)
	var env struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error != "" {
		d.Code = env.Error
	}
	return d
}

func (c *Client) do(ctx context.Context, method, path, zone string, query url.Values, in, out any) error {
	return c.api.Do(ctx, zoned(method, path, zone, query, in), out)
}

// zoned is a request in a zone: the zone is added here and nowhere else.
func zoned(method, path, zone string, query url.Values, in any) transport.Request {
	if zone != "" {
		if query == nil {
			query = url.Values{}
		}
		query.Set("zoneUuid", zone)
	}
	return transport.Request{Method: method, Path: path, Query: query, JSON: in}
}

// DR is a data record. Only UUID and JSON are in every documented answer; the others are
// zero when YOUnite leaves them out.
type DR struct {
	UUID          string          `json:"uuid"`
	DomainName    string          `json:"domainName"`
	DomainVersion transport.Int64 `json:"domainVersion"`
	DomainType    string          `json:"domainType"`
	ZoneUUID      string          `json:"zoneUuid"`
	// JSON is the record's JSON, sent by YOUnite as a string.
	JSON string `json:"json"`
	// AdaptorLinks is nil when the answer does not list links (the documented shapes never do).
	AdaptorLinks *[]struct {
		AdaptorUUID string `json:"adaptorUuid"`
	} `json:"adaptorLinks"`
}

// LinkedAdaptors lists the adaptors holding a domain entry for the DR, and whether the answer
// said at all.
func (d DR) LinkedAdaptors() ([]string, bool) {
	if d.AdaptorLinks == nil {
		return nil, false
	}
	out := make([]string, len(*d.AdaptorLinks))
	for i, l := range *d.AdaptorLinks {
		out[i] = l.AdaptorUUID
	}
	return out, true
}

// Federated reports whether the DR's domain is federated (FEDERATED or the older MASTER_FEDERATED).
func (d DR) Federated() bool { return IsFederated(d.DomainType) }

// IsFederated reports whether a domain type is federated, accepting the pre-rename names.
func IsFederated(domainType string) bool {
	return domainType == "FEDERATED" || domainType == "MASTER_FEDERATED"
}

// UnmarshalJSON accepts json as a string holding JSON or as an object.
func (d *DR) UnmarshalJSON(b []byte) error {
	type plain DR
	var raw struct {
		plain
		JSON json.RawMessage `json:"json"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = DR(raw.plain)
	var s string
	if json.Unmarshal(raw.JSON, &s) == nil {
		d.JSON = s
	} else if len(raw.JSON) > 0 && string(raw.JSON) != "null" {
		d.JSON = string(raw.JSON)
	}
	return nil
}

// decodeDR reads a DR answer in any shape seen: the DR object, the documented list shape
// {"drs": [...]}, or a bare list; from a list, the entry with the uuid asked for.
func decodeDR(body []byte, uuid string) (DR, error) {
	trimmed := bytes.TrimSpace(body)
	var list []DR
	switch {
	case len(trimmed) == 0:
		return DR{}, errors.New("YOUnite answered with an empty body")
	case trimmed[0] == '[':
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return DR{}, fmt.Errorf("reading the YOUnite DR list: %w", err)
		}
	default:
		var env struct {
			DRs *[]DR `json:"drs"`
		}
		if err := json.Unmarshal(trimmed, &env); err != nil {
			return DR{}, fmt.Errorf("reading the YOUnite DR: %w", err)
		}
		if env.DRs == nil {
			var d DR
			err := json.Unmarshal(trimmed, &d)
			return d, err
		}
		list = *env.DRs
	}
	for _, d := range list {
		if uuid == "" && len(list) == 1 || d.UUID == uuid {
			return d, nil
		}
	}
	return DR{}, fmt.Errorf("YOUnite's answer lists %d DRs and not %s", len(list), uuid)
}

// CreateDR creates a DR of a domain version (version 0: the domain's default, left out of the
// body). YOUnite may answer with the DR or only with a Location header: then the DR is read back.
func (c *Client) CreateDR(ctx context.Context, zone, domain string, version int64, record json.RawMessage) (DR, error) {
	body := map[string]any{"name": domain, "json": record}
	if version > 0 {
		body["version"] = version
	}
	resp, err := c.api.Send(ctx, zoned(http.MethodPost, "/drs", zone, nil, body)) //nolint:bodyclose // closed below or by Error
	if err != nil {
		return DR{}, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return DR{}, c.api.Error(resp)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if err != nil {
		return DR{}, fmt.Errorf("reading YOUnite's answer to the create: %w", err)
	}
	if d, err := decodeDR(raw, ""); err == nil && d.UUID != "" {
		return d, nil
	}
	uuid := path.Base(strings.TrimRight(resp.Header.Get("Location"), "/"))
	if loc := resp.Header.Get("Location"); loc == "" || uuid == "" || uuid == "." || uuid == "/" {
		return DR{}, fmt.Errorf("YOUnite answered the create with %s but neither a DR nor a Location header", resp.Status)
	}
	d, err := c.GetDR(ctx, zone, uuid)
	if err != nil {
		return DR{UUID: uuid}, fmt.Errorf("reading back the DR %s that YOUnite created: %w", uuid, err)
	}
	return d, nil
}

// ListDRs lists a domain's DRs (one version's when version > 0) with the documented
// GET /drs?filters=<domain>,version:<n>. The docs show no paging.
func (c *Client) ListDRs(ctx context.Context, zone, domain string, version int64) ([]DR, error) {
	filters := domain
	if version > 0 {
		filters += ",version:" + strconv.FormatInt(version, 10)
	}
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/drs", zone, url.Values{"filters": {filters}}, nil, &raw); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(raw)
	var list []DR
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, fmt.Errorf("reading the YOUnite DR list: %w", err)
		}
		return list, nil
	}
	var env struct {
		DRs []DR `json:"drs"`
	}
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return nil, fmt.Errorf("reading the YOUnite DR list: %w", err)
	}
	return env.DRs, nil
}

// GetDR reads a DR; a missing one is an APIError with status 404.
func (c *Client) GetDR(ctx context.Context, zone, uuid string) (DR, error) {
	var raw json.RawMessage
	if err := c.do(ctx, http.MethodGet, "/drs/"+url.PathEscape(uuid), zone, nil, nil, &raw); err != nil {
		return DR{}, err
	}
	d, err := decodeDR(raw, uuid)
	if err == nil && d.UUID == "" {
		d.UUID = uuid
	}
	return d, err
}

// Adaptor is an adaptor of a zone.
type Adaptor struct {
	UUID  string `json:"uuid"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// Adaptors lists a zone's adaptors (GET /zones/{zone}/adaptors).
func (c *Client) Adaptors(ctx context.Context, zone string) ([]Adaptor, error) {
	if c.zoneAdaptors != nil {
		return c.zoneAdaptors(ctx, zone)
	}
	return c.listAdaptors(ctx, zone)
}

func (c *Client) listAdaptors(ctx context.Context, zone string) ([]Adaptor, error) {
	var out []Adaptor
	err := c.do(ctx, http.MethodGet, "/zones/"+url.PathEscape(zone)+"/adaptors", zone, nil, nil, &out)
	return out, err
}

// TokenValid asks GET /token whether YOUnite accepts the bearer token (in the zone acted in).
func (c *Client) TokenValid(ctx context.Context, zone string) (bool, error) {
	err := c.do(ctx, http.MethodGet, "/token", zone, nil, nil, nil)
	if code := transport.StatusCode(err); code == 401 || code == 403 {
		return false, nil
	}
	return err == nil, err
}

// DeleteDR deletes a DR everywhere when adaptors is empty (for a federated DR: the source
// entity at every linked adaptor too), otherwise only at those adaptors (the DR stays).
func (c *Client) DeleteDR(ctx context.Context, zone, uuid string, adaptors []string) error {
	var q url.Values
	if len(adaptors) > 0 {
		q = url.Values{"adaptorUuids": {strings.Join(adaptors, ",")}}
	}
	return c.do(ctx, http.MethodDelete, "/drs/"+url.PathEscape(uuid), zone, q, nil, nil)
}

// MapDR links a DR to an entity at an adaptor.
func (c *Client) MapDR(ctx context.Context, zone, uuid, adaptor string, entity json.RawMessage) error {
	return c.do(ctx, http.MethodPost, "/drs/"+url.PathEscape(uuid)+"/map", zone, nil, map[string]any{"adaptorUuid": adaptor, "entity": entity}, nil)
}

// CheckLink asks whether YOUnite holds a link for the DR at the adaptor: true on 200, false on
// 404, which is not proof that the adaptor's system lacks the entity.
func (c *Client) CheckLink(ctx context.Context, zone, uuid, adaptor string) (bool, error) {
	err := c.do(ctx, http.MethodGet, "/drs/"+url.PathEscape(uuid)+"/adaptor/"+url.PathEscape(adaptor)+"/check", zone, nil, nil, nil)
	if transport.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Links returns the adaptors that hold a link for the DR: those its answer lists, else those
// of the zone for which the documented link check answers 200. ok is false when neither can
// tell (no links in the answer and no zone to list adaptors of).
func (c *Client) Links(ctx context.Context, zone string, d DR) (linked []string, ok bool, err error) {
	if l, reported := d.LinkedAdaptors(); reported {
		return l, true, nil
	}
	if zone == "" {
		return nil, false, nil
	}
	adaptors, err := c.Adaptors(ctx, zone)
	if err != nil {
		return nil, false, fmt.Errorf("listing the adaptors of zone %s to find the DR's links: %w", zone, err)
	}
	for _, a := range adaptors {
		yes, err := c.CheckLink(ctx, zone, d.UUID, a.UUID)
		if err != nil {
			return nil, false, fmt.Errorf("checking the link of DR %s at adaptor %s: %w", d.UUID, a.UUID, err)
		}
		if yes {
			linked = append(linked, a.UUID)
		}
	}
	return linked, true, nil
}
