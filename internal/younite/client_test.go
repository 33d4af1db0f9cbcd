package younite_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/younite"
)

const drUUID = "9b2e0000-0000-4000-8000-000000000001"

// server answers POST /drs with create and GET /drs/{uuid} with get, and records the create body.
func server(t *testing.T, create func(w http.ResponseWriter), get string) (*younite.Client, *map[string]any) {
	t.Helper()
	body := map[string]any{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/drs":
			_ = json.NewDecoder(r.Body).Decode(&body)
			create(w)
		case r.Method == http.MethodGet && r.URL.Path == "/api/drs/"+drUUID:
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(get))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return younite.NewClient(srv.URL+"/api", "t", transport.New(transport.Config{Platform: younite.PlatformName})), &body
}

// The only documented create answer is a Location header: the DR is read back, in the
// documented list shape. Without a version the body leaves it out (versions start at 1).
func TestCreateDR_locationOnlyThenListShapedRead(t *testing.T) {
	for _, loc := range []string{"/api/drs/" + drUUID, "https://younite.example.com/api/drs/" + drUUID + "/"} {
		c, body := server(t, func(w http.ResponseWriter) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusCreated)
		}, `{"drs":[{"uuid":"`+drUUID+`","created_by_uuid":"u","json":"{\"name\":\"Oregon\"}"}]}`)
		d, err := c.CreateDR(context.Background(), "", "states", 0, json.RawMessage(`{"name":"Oregon"}`))
		if err != nil || d.UUID != drUUID || d.JSON != `{"name":"Oregon"}` || d.DomainName != "" || d.DomainVersion != 0 {
			t.Fatalf("Location %s: %+v, %v", loc, d, err)
		}
		if _, ok := (*body)["version"]; ok {
			t.Errorf("a create without domain_version must leave version out, sent %v", *body)
		}
		if _, reported := d.LinkedAdaptors(); reported {
			t.Error("the list shape reports no links; they must not read as none")
		}
	}
}

func TestCreateDR_bodyAndVersion(t *testing.T) {
	c, body := server(t, func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"uuid":"` + drUUID + `","domainName":"states","domainVersion":"2","json":{"name":"Oregon"},"adaptorLinks":[]}`))
	}, ``)
	d, err := c.CreateDR(context.Background(), "", "states", 2, json.RawMessage(`{"name":"Oregon"}`))
	if err != nil || d.DomainName != "states" || d.DomainVersion != 2 || d.JSON != `{"name":"Oregon"}` {
		t.Fatalf("%+v, %v", d, err)
	}
	if links, reported := d.LinkedAdaptors(); !reported || len(links) != 0 {
		t.Errorf("an empty adaptorLinks is a report of none: %v %v", links, reported)
	}
	if v, _ := (*body)["version"].(float64); v != 2 {
		t.Errorf("version sent %v", (*body)["version"])
	}
}

func TestCreateDR_neitherBodyNorLocationIsAClearError(t *testing.T) {
	c, _ := server(t, func(w http.ResponseWriter) { w.WriteHeader(http.StatusCreated) }, ``)
	_, err := c.CreateDR(context.Background(), "", "states", 0, json.RawMessage(`{}`))
	if err == nil || !strings.Contains(err.Error(), "neither a DR nor a Location header") {
		t.Fatalf("want a clear error, got %v", err)
	}
}

// A DR read decodes as an object, in the documented {"drs": [...]} shape or as a bare list.
func TestGetDR_everyShape(t *testing.T) {
	for _, body := range []string{
		`{"uuid":"` + drUUID + `","json":"{\"a\":1}"}`,
		`{"drs":[{"uuid":"other","json":"{}"},{"uuid":"` + drUUID + `","created_by_uuid":"u","json":"{\"a\":1}"}]}`,
		`[{"uuid":"` + drUUID + `","json":{"a":1}}]`,
	} {
		c, _ := server(t, func(http.ResponseWriter) {}, body)
		d, err := c.GetDR(context.Background(), "", drUUID)
		if err != nil || d.UUID != drUUID || d.JSON != `{"a":1}` {
			t.Errorf("%s: %+v, %v", body, d, err)
		}
	}
	c, _ := server(t, func(http.ResponseWriter) {}, `{"drs":[{"uuid":"other","json":"{}"}]}`)
	if _, err := c.GetDR(context.Background(), "", drUUID); err == nil || !strings.Contains(err.Error(), "not "+drUUID) {
		t.Errorf("a list without the DR must fail clearly, got %v", err)
	}
}
