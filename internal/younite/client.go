// Package younite is YOUnite: a REST client for data records (this file knows HTTP and JSON
// only) and the Terraform types dataplatforms_younite_data_record and
// dataplatforms_younite_dr_adaptor_check built on it.
//
// YOUnite publishes no API specification. Where its documentation is silent the client
// follows these choices: the zone of a request travels as the query parameter zoneUuid; a DR
// is read with GET /drs/{uuid}, whose json is a string holding JSON and whose adaptorLinks
// list the linked adaptors; DELETE /drs/{uuid} completes when it answers 2xx.
package younite

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

// PlatformName names YOUnite in errors and logs.
const PlatformName = "YOUnite"

// Client talks to the YOUnite API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient returns a client for the API base (such as https://younite.example.com/api).
func NewClient(endpoint, token string, hc *http.Client) *Client {
	return &Client{base: strings.TrimRight(endpoint, "/"), token: token, http: hc}
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
	if query == nil {
		query = url.Values{}
	}
	if zone != "" {
		query.Set("zoneUuid", zone)
	}
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req) //nolint:bodyclose // transport.ReadJSON or NewAPIError closes it
	if err != nil {
		return err
	}
	return transport.ReadJSON(PlatformName, resp, decodeError, out)
}

// DR is a data record.
type DR struct {
	UUID          string `json:"uuid"`
	DomainName    string `json:"domainName"`
	DomainVersion int64  `json:"domainVersion"`
	DomainType    string `json:"domainType"`
	ZoneUUID      string `json:"zoneUuid"`
	// JSON is the record's JSON, sent by YOUnite as a string.
	JSON         string `json:"json"`
	AdaptorLinks []struct {
		AdaptorUUID string `json:"adaptorUuid"`
	} `json:"adaptorLinks"`
}

// LinkedAdaptors lists the adaptors holding a domain entry for the DR.
func (d DR) LinkedAdaptors() []string {
	out := make([]string, len(d.AdaptorLinks))
	for i, l := range d.AdaptorLinks {
		out[i] = l.AdaptorUUID
	}
	return out
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
	} else {
		d.JSON = string(raw.JSON)
	}
	return nil
}

// CreateDR creates a DR of a domain version.
func (c *Client) CreateDR(ctx context.Context, zone, domain string, version int64, record json.RawMessage) (DR, error) {
	var d DR
	err := c.do(ctx, http.MethodPost, "/drs", zone, nil, map[string]any{"name": domain, "version": version, "json": record}, &d)
	return d, err
}

// GetDR reads a DR; a missing one is an APIError with status 404.
func (c *Client) GetDR(ctx context.Context, zone, uuid string) (DR, error) {
	var d DR
	err := c.do(ctx, http.MethodGet, "/drs/"+url.PathEscape(uuid), zone, nil, nil, &d)
	return d, err
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
