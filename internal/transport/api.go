package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// API is one platform's HTTP API over the provider's transport stack: the one request builder
// every platform client uses. A client keeps only its paths, its types, how it authorizes a
// request and how its errors read.
type API struct {
	// Platform names it in errors and logs.
	Platform string
	// Base is the API root, without a trailing slash; a Request's Path is appended to it.
	Base string
	// HTTP is the client New built.
	HTTP *http.Client
	// Authorize sets the platform's credentials on a request (nil: none).
	Authorize func(*http.Request)
	// Decode reads the platform's error envelope (nil: DecodeGenericError).
	Decode ErrorDecoder
	// Header is sent with every request, such as a minimum server version.
	Header http.Header
}

// Request is one call.
type Request struct {
	Method string
	// Path is appended to the API's Base; URL, when set, is used whole instead (a next link).
	Path, URL string
	Query     url.Values
	// JSON is the body, encoded as JSON; Raw is a body sent as application/octet-stream.
	JSON any
	Raw  []byte
	// Accept overrides application/json.
	Accept string
}

// Send builds and sends the request and returns the answer whatever its status: the caller
// reads and closes it (ReadJSON does both).
func (a *API) Send(ctx context.Context, r Request) (*http.Response, error) {
	u := r.URL
	if u == "" {
		u = a.Base + r.Path
	}
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.Raw != nil:
		body, contentType = bytes.NewReader(r.Raw), "application/octet-stream"
	case r.JSON != nil:
		b, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, fmt.Errorf("encoding the %s %s request: %w", r.Method, r.Path, err)
		}
		body, contentType = bytes.NewReader(b), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, err
	}
	for k, v := range a.Header {
		req.Header[k] = v
	}
	if a.Authorize != nil {
		a.Authorize(req)
	}
	req.Header.Set("Accept", "application/json")
	if r.Accept != "" {
		req.Header.Set("Accept", r.Accept)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return a.HTTP.Do(req)
}

// Do sends the request and decodes a 2xx JSON answer into out (drained when out is nil); any
// other answer is an *APIError.
func (a *API) Do(ctx context.Context, r Request, out any) error {
	resp, err := a.Send(ctx, r) //nolint:bodyclose // ReadJSON closes it
	if err != nil {
		return err
	}
	return ReadJSON(a.Platform, resp, a.decoder(), out)
}

// Error is the *APIError of a non-2xx answer; it closes the body.
func (a *API) Error(resp *http.Response) error {
	return NewAPIError(a.Platform, resp, a.decoder())
}

func (a *API) decoder() ErrorDecoder {
	if a.Decode == nil {
		return DecodeGenericError
	}
	return a.Decode
}
