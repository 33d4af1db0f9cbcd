// Package younitefake is the sandbox's YOUnite: zones, data domains (FEDERATED and
// MDM_DATA_STORE, older names accepted) with versions, adaptors with states, data records (DRs)
// with adaptor-to-domain-entry links and the source entities each adaptor's system holds, DR
// delete everywhere or at chosen adaptors, the link check, and ACLs that refuse a delete.
//
// It is written from ../shared/platforms/younite.md, whose coverage is thin: no public spec
// exists. Every choice the notes leave open is commented at its spot and follows the issue
// that asked for this fake: the zone travels as the query parameter zoneUuid, errors are
// {"status", "error", "message"}.
package younitefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Seeded fixtures.
const (
	// Token belongs to two zones: a request must name one.
	Token = "sandbox-younite-token" //nolint:gosec // the sandbox's fixed test token, not a credential
	// SingleZoneToken belongs to ZoneMain only.
	SingleZoneToken = "sandbox-younite-single-zone" //nolint:gosec // as above
	ZoneMain        = "2f0c8a4e-0000-4000-8000-00000000a001"
	ZoneOther       = "2f0c8a4e-0000-4000-8000-00000000a002"
	// Domains: a data store and a federated one (stored under its pre-rename type name).
	DomainStates   = "states"
	DomainStudents = "students"
	// Adaptors of ZoneMain: SIS and LMS play; Finance plays but the tokens hold no DELETE
	// ACL there; Archive is paused.
	AdaptorSIS     = "7a1d0000-0000-4000-8000-0000000000a1"
	AdaptorLMS     = "7a1d0000-0000-4000-8000-0000000000b2"
	AdaptorFinance = "7a1d0000-0000-4000-8000-0000000000c3"
	AdaptorArchive = "7a1d0000-0000-4000-8000-0000000000d4"
	// AdaptorDown is down: with the documented shapes on, a delete there is accepted and never
	// carried out, so its link survives.
	AdaptorDown = "7a1d0000-0000-4000-8000-0000000000e5"
	// DefaultDeleteDelay is how long a delete takes to reach the adaptors with the documented
	// shapes on (inferred: the docs say only that adaptors act over the message bus).
	DefaultDeleteDelay = 300 * time.Millisecond
)

func init() { sandbox.Register(func() sandbox.Fake { return New() }) }

type domain struct {
	UUID            string `json:"uuid"`
	Name            string `json:"name"`
	Type            string `json:"domainType"`
	ZoneUUID        string `json:"zoneUuid"`
	DefaultVersion  int    `json:"defaultVersion"`
	displayProperty string
}

type adaptor struct {
	UUID          string `json:"uuid"`
	Name          string `json:"name"`
	ZoneUUID      string `json:"zoneUuid"`
	State         string `json:"state"`
	DateCreated   int64  `json:"dateCreated"`
	LastUpdated   int64  `json:"lastUpdated"`
	ChangeVersion int    `json:"changeVersion"`
	// entities are the records of the source system behind the adaptor, by DR.
	entities map[string]json.RawMessage
	// noDelete: no token holds a DELETE ACL entry at this adaptor.
	noDelete bool
}

type dr struct {
	UUID    string
	Domain  *domain
	Version int
	JSON    json.RawMessage
	Created time.Time
	// key is the value of the domain's display property, which its uniqueness rule keys on
	// (a DR's JSON does not change after its create).
	key string
	// links are the adaptors holding a domain entry for the DR.
	links []string
}

// Fake is the YOUnite fake.
type Fake struct {
	mu       sync.Mutex
	domains  map[string]*domain
	adaptors map[string]*adaptor
	drs      map[string]*dr
	// documented switches to the shapes YOUnite's documentation shows (POST /sandbox/shapes):
	// a create answered with only a Location header, a DR read in the list shape
	// {"drs": [{uuid, created_by_uuid, json}]}, a delete that completes after its 202, and an
	// ACL refusal as 401 UNAUTHORIZED. Off, the fake answers the richer inferred shapes.
	documented  bool
	deleteDelay time.Duration
	pending     []pendingDelete
}

// pendingDelete is an accepted delete that the adaptors carry out later.
type pendingDelete struct {
	at      time.Time
	dr      string
	targets []string
	scoped  bool
}

// New returns a fake with its fixtures.
func New() *Fake {
	now := time.Now().UnixMilli()
	f := &Fake{domains: map[string]*domain{}, adaptors: map[string]*adaptor{}, drs: map[string]*dr{}, deleteDelay: DefaultDeleteDelay}
	f.domains[DomainStates] = &domain{UUID: sandbox.NewUUID(), Name: DomainStates, Type: "MDM_DATA_STORE", ZoneUUID: ZoneMain, DefaultVersion: 1, displayProperty: "name"}
	f.domains[DomainStudents] = &domain{UUID: sandbox.NewUUID(), Name: DomainStudents, Type: "MASTER_FEDERATED", ZoneUUID: ZoneMain, DefaultVersion: 1, displayProperty: "studentId"}
	for _, a := range []*adaptor{
		{UUID: AdaptorSIS, Name: "sis-adaptor", State: "ADAPTOR_PLAY"},
		{UUID: AdaptorLMS, Name: "lms-adaptor", State: "ADAPTOR_PLAY"},
		{UUID: AdaptorFinance, Name: "finance-adaptor", State: "ADAPTOR_PLAY", noDelete: true},
		{UUID: AdaptorArchive, Name: "archive-adaptor", State: "ADAPTOR_PAUSE"},
		{UUID: AdaptorDown, Name: "down-adaptor", State: "ADAPTOR_DOWN"},
	} {
		a.ZoneUUID, a.DateCreated, a.LastUpdated, a.ChangeVersion, a.entities = ZoneMain, now, now, 1, map[string]json.RawMessage{}
		f.adaptors[a.UUID] = a
	}
	return f
}

// Platform implements sandbox.Fake.
func (f *Fake) Platform() string { return "younite" }

// Credentials implements sandbox.Fake.
func (f *Fake) Credentials() map[string]string {
	return map[string]string{"YOUNITE_TOKEN": Token, "YOUNITE_SINGLE_ZONE_TOKEN": SingleZoneToken}
}

// Env implements sandbox.Fake: the two-zone token with its main zone named.
func (f *Fake) Env(endpoint string) map[string]string {
	return map[string]string{"YOUNITE_ENDPOINT": endpoint + "/api", "YOUNITE_TOKEN": Token, "YOUNITE_ZONE_UUID": ZoneMain}
}

// Fixtures implements sandbox.Fake.
func (f *Fake) Fixtures() any {
	return map[string]any{
		"zones":   map[string]string{"main": ZoneMain, "other": ZoneOther},
		"domains": map[string]string{"data_store": DomainStates, "federated": DomainStudents},
		"adaptors": map[string]string{"sis": AdaptorSIS, "lms": AdaptorLMS, "finance_no_delete_acl": AdaptorFinance, "archive_paused": AdaptorArchive,
			"down": AdaptorDown},
		"documented_shapes": f.documented,
	}
}

// ErrorBody implements sandbox.Fake with the placeholder envelope the notes suggest.
func (f *Fake) ErrorBody(status int, message string) (string, []byte) {
	return envelope(status, strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_")), message)
}

func envelope(status int, code, message string) (string, []byte) {
	b, _ := json.Marshal(map[string]any{"status": status, "error": code, "message": message})
	return "application/json", b
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	ct, body := envelope(status, code, message)
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// zones are the zones each token belongs to.
var zones = map[string][]string{Token: {ZoneMain, ZoneOther}, SingleZoneToken: {ZoneMain}}

type handler func(w http.ResponseWriter, r *http.Request, zone string)

// Start implements sandbox.Fake.
func (f *Fake) Start(*sandbox.Env) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/token", f.auth(f.token))
	mux.HandleFunc("GET /api/domains", f.auth(f.listDomains))
	mux.HandleFunc("GET /api/zones/{zone}/adaptors", f.auth(f.listAdaptors))
	mux.HandleFunc("PUT /api/zones/{zone}/adaptors/{adaptor}/ops", f.auth(f.adaptorOps))
	mux.HandleFunc("POST /api/drs", f.auth(f.createDR))
	mux.HandleFunc("GET /api/drs", f.auth(f.listDRs))
	mux.HandleFunc("GET /api/drs/{dr}", f.auth(f.getDR))
	mux.HandleFunc("DELETE /api/drs/{dr}", f.auth(f.deleteDR))
	mux.HandleFunc("POST /api/drs/{dr}/map", f.auth(f.mapDR))
	mux.HandleFunc("GET /api/drs/{dr}/adaptor/{adaptor}/check", f.auth(f.check))
	// The sandbox's window into the source systems behind the adaptors, and its switch for
	// the documented shapes (no YOUnite API).
	mux.HandleFunc("GET /sandbox/adaptors/{adaptor}/entities", f.entities)
	mux.HandleFunc("POST /sandbox/shapes", f.setShapes)
	return mux, nil
}

// auth checks the bearer token and resolves the zone: the zoneUuid query parameter, or the
// token's only zone. A token of several zones must name one (400), as the issue chose; the
// notes found no header for it.
func (f *Fake) auth(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tokenZones, known := zones[token]
		if !ok || !known {
			writeError(w, http.StatusUnauthorized, "UNAUTHORIZED", "missing or invalid bearer token")
			return
		}
		zone := r.URL.Query().Get("zoneUuid")
		switch {
		case zone == "" && len(tokenZones) > 1:
			writeError(w, http.StatusBadRequest, "ZONE_REQUIRED", fmt.Sprintf(
				"the token belongs to %d zones (%s); name the zone of this request with the zoneUuid query parameter", len(tokenZones), strings.Join(tokenZones, ", ")))
			return
		case zone == "":
			zone = tokenZones[0]
		case !slices.Contains(tokenZones, zone):
			writeError(w, http.StatusForbidden, "UNAUTHORIZED", "the token does not belong to zone "+zone)
			return
		}
		if pz := r.PathValue("zone"); pz != "" && pz != zone {
			writeError(w, http.StatusBadRequest, "ZONE_MISMATCH", "the path names zone "+pz+" but the request acts in zone "+zone)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.settle()
		h(w, r, zone)
	}
}

// Shapes is the body of POST /sandbox/shapes.
type Shapes struct {
	Documented    bool `json:"documented"`
	DeleteDelayMS int  `json:"delete_delay_ms,omitempty"`
}

func (f *Fake) setShapes(w http.ResponseWriter, r *http.Request) {
	var s Shapes
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "body must be {\"documented\": true|false, \"delete_delay_ms\": n}")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.documented, f.deleteDelay = s.Documented, DefaultDeleteDelay
	if s.DeleteDelayMS > 0 {
		f.deleteDelay = time.Duration(s.DeleteDelayMS) * time.Millisecond
	}
	sandbox.WriteJSON(w, http.StatusOK, s)
}

func (f *Fake) token(w http.ResponseWriter, r *http.Request, zone string) {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"username": "sandbox-steward", "zones": zones[token], "currentZoneUuid": zone})
}

func (f *Fake) listDomains(w http.ResponseWriter, _ *http.Request, zone string) {
	out := []map[string]any{}
	for _, d := range f.domains {
		if d.ZoneUUID == zone {
			out = append(out, map[string]any{"uuid": d.UUID, "name": d.Name, "domainType": d.Type, "zoneUuid": d.ZoneUUID,
				"defaultVersion": d.DefaultVersion, "versions": []map[string]any{{"version": 1, "displayProperty": d.displayProperty}}})
		}
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

func (f *Fake) listAdaptors(w http.ResponseWriter, _ *http.Request, zone string) {
	out := []*adaptor{}
	for _, a := range f.adaptors {
		if a.ZoneUUID == zone {
			out = append(out, a)
		}
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

// adaptorOps changes an adaptor's state; a stale changeVersion is 409, as documented.
func (f *Fake) adaptorOps(w http.ResponseWriter, r *http.Request, zone string) {
	a, ok := f.adaptors[r.PathValue("adaptor")]
	if !ok || a.ZoneUUID != zone {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "adaptor not found")
		return
	}
	var body struct {
		State         string `json:"state"`
		ChangeVersion int    `json:"changeVersion"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || !slices.Contains([]string{"ADAPTOR_PAUSE", "ADAPTOR_PLAY", "ADAPTOR_PLAY_RO"}, body.State) {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "state must be ADAPTOR_PAUSE, ADAPTOR_PLAY or ADAPTOR_PLAY_RO")
		return
	}
	if body.ChangeVersion != a.ChangeVersion {
		writeError(w, http.StatusConflict, "CONFLICT", fmt.Sprintf("stale changeVersion %d (current %d): read the adaptor again", body.ChangeVersion, a.ChangeVersion))
		return
	}
	a.State, a.ChangeVersion, a.LastUpdated = body.State, a.ChangeVersion+1, time.Now().UnixMilli()
	sandbox.WriteJSON(w, http.StatusOK, a)
}

func (f *Fake) entities(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settle()
	a, ok := f.adaptors[r.PathValue("adaptor")]
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "adaptor not found")
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, a.entities)
}
