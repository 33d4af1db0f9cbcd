package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

const errorBodyLimit = 1 << 20

// APIError is a platform's non-2xx answer, reduced to what a user needs to act on it.
type APIError struct {
	Platform   string
	Method     string
	URL        string
	StatusCode int
	// Code is the platform's error code or name (V7's errors.code, Foundry's errorName, …).
	Code    string
	Message string
	// RequestID identifies the request at the platform (a header, or Foundry's errorInstanceId).
	RequestID string
	// Parameters are the structured details some platforms return (Foundry's parameters).
	Parameters map[string]string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s API answered %d", e.Platform, e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	fmt.Fprintf(&b, " to %s %s", e.Method, e.URL)
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if len(e.Parameters) > 0 {
		keys := make([]string, 0, len(e.Parameters))
		for k := range e.Parameters {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + e.Parameters[k]
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// ErrorDetails is what a platform's error envelope says.
type ErrorDetails struct {
	Code       string
	Message    string
	RequestID  string
	Parameters map[string]string
}

// ErrorDecoder reads a platform's error envelope. It must accept any bytes, including none.
type ErrorDecoder func(body []byte) ErrorDetails

// NewAPIError reads (and closes) resp's body into an APIError. Secrets configured on the
// transport that made the request are masked in every field.
func NewAPIError(platform string, resp *http.Response, decode ErrorDecoder) *APIError {
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyLimit))
	if decode == nil {
		decode = DecodeGenericError
	}
	d := decode(body)
	e := &APIError{
		Platform:   platform,
		StatusCode: resp.StatusCode,
		Code:       d.Code,
		Message:    d.Message,
		RequestID:  d.RequestID,
		Parameters: d.Parameters,
	}
	if e.RequestID == "" {
		e.RequestID = requestID(resp.Header)
	}
	if e.Message == "" && e.Code == "" {
		e.Message = strings.TrimSpace(string(body))
		if len(e.Message) > 500 {
			e.Message = e.Message[:500] + "…"
		}
	}
	if req := resp.Request; req != nil {
		e.Method, e.URL = req.Method, redactURL(req.URL)
		if st := stateFrom(req.Context()); st != nil {
			e.mask(st.cfg.Secrets)
		}
	}
	return e
}

func (e *APIError) mask(secrets []string) {
	e.URL = Mask(e.URL, secrets)
	e.Message = Mask(e.Message, secrets)
	e.Code = Mask(e.Code, secrets)
	for k, v := range e.Parameters {
		e.Parameters[k] = Mask(v, secrets)
	}
}

// DecodeGenericError understands the common envelopes: a JSON object with message/detail/error
// and code/errorCode/errorName, or a bare JSON string.
func DecodeGenericError(body []byte) ErrorDetails {
	var s string
	if json.Unmarshal(body, &s) == nil {
		return ErrorDetails{Message: s}
	}
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ErrorDetails{}
	}
	d := ErrorDetails{
		Message:   firstString(m, "message", "detail", "error", "error_description"),
		Code:      firstString(m, "errorName", "code", "errorCode", "error_code"),
		RequestID: firstString(m, "errorInstanceId", "request_id", "requestId"),
	}
	if params, ok := m["parameters"].(map[string]any); ok {
		d.Parameters = make(map[string]string, len(params))
		for k, v := range params {
			d.Parameters[k] = fmt.Sprint(v)
		}
	}
	return d
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func requestID(h http.Header) string {
	for _, k := range []string{"X-Request-Id", "X-Amzn-Requestid", "X-Amz-Request-Id", "X-Correlation-Id", "Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// StatusCode returns the HTTP status of an APIError anywhere in err's chain, or 0.
func StatusCode(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is a platform's 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// ReadJSON finishes a platform call: a non-2xx answer becomes an APIError (decoded with the
// platform's decoder), a 2xx one is decoded into out (or drained when out is nil). It closes
// the body either way.
func ReadJSON(platform string, resp *http.Response, decode ErrorDecoder, out any) error {
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return NewAPIError(platform, resp, decode)
	}
	defer func() { _ = resp.Body.Close() }()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		where := ""
		if resp.Request != nil {
			where = " to " + resp.Request.Method + " " + redactURL(resp.Request.URL)
		}
		return fmt.Errorf("reading the %s answer%s: %w", platform, where, err)
	}
	return nil
}
