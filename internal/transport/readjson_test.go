package transport_test

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

func answer(status int, body string) *http.Response {
	u, _ := url.Parse("https://api.example/x?token=1")
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body)), Header: http.Header{},
		Request: &http.Request{Method: http.MethodGet, URL: u}}
}

func TestReadJSON(t *testing.T) {
	var out struct{ A int }
	if err := transport.ReadJSON("P", answer(200, `{"a": 3}`), nil, &out); err != nil || out.A != 3 {
		t.Fatalf("2xx: %v %+v", err, out)
	}
	if err := transport.ReadJSON("P", answer(204, ``), nil, nil); err != nil {
		t.Fatalf("no body wanted: %v", err)
	}
	err := transport.ReadJSON("P", answer(409, `{"message": "busy", "code": "BUSY"}`), transport.DecodeGenericError, &out)
	var apiErr *transport.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 409 || apiErr.Code != "BUSY" || apiErr.Message != "busy" {
		t.Fatalf("non-2xx: %v", err)
	}
	if err := transport.ReadJSON("P", answer(200, `{not json`), nil, &out); err == nil || !strings.Contains(err.Error(), "reading the P answer to GET") {
		t.Fatalf("bad JSON must say whose answer: %v", err)
	}
}
