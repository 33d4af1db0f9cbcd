package younitefake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

func federated(d *domain) bool { return d.Type == "FEDERATED" || d.Type == "MASTER_FEDERATED" }

// drJSON is a DR as GET /drs/{uuid} answers. The shape is inferred (the notes have only the
// list example): json is a string holding JSON, as the list returns it, and adaptorLinks lists
// the adaptors holding a domain entry for the DR.
func drJSON(d *dr) map[string]any {
	links := make([]map[string]string, len(d.links))
	for i, a := range d.links {
		links[i] = map[string]string{"adaptorUuid": a}
	}
	typ := "MDM_DATA_STORE"
	if federated(d.Domain) {
		typ = "FEDERATED"
	}
	return map[string]any{"uuid": d.UUID, "domainName": d.Domain.Name, "domainVersion": d.Version, "domainType": typ,
		"zoneUuid": d.Domain.ZoneUUID, "json": string(d.JSON), "adaptorLinks": links, "created": d.Created.UnixMilli()}
}

// createDR stores a DR. Data-store domains keep the JSON; federated ones keep the uniqueness
// values (here: the JSON as given) and get links only by mapping. 201 with a Location
// (inferred code); a second DR with the same display property value is a 409.
func (f *Fake) createDR(w http.ResponseWriter, r *http.Request, zone string) {
	var body struct {
		Name    string          `json:"name"`
		Version int             `json:"version"`
		JSON    json.RawMessage `json:"json"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "invalid JSON body: "+err.Error())
		return
	}
	d, ok := f.domains[body.Name]
	if !ok || d.ZoneUUID != zone {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("domain %q not found in zone %s", body.Name, zone))
		return
	}
	if body.Version == 0 {
		body.Version = d.DefaultVersion
	}
	if body.Version != 1 {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("domain version %s:v%d not found", d.Name, body.Version))
		return
	}
	var fields map[string]any
	if err := json.Unmarshal(body.JSON, &fields); err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "json must be a JSON object")
		return
	}
	key, _ := fields[d.displayProperty].(string)
	if key == "" {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", fmt.Sprintf("json lacks the display property %q of %s:v1", d.displayProperty, d.Name))
		return
	}
	for _, other := range f.drs {
		if other.Domain == d && other.key == key {
			writeError(w, http.StatusConflict, "CONFLICT", fmt.Sprintf("uniqueness rule of %s:v1 violated: %s %q is taken by DR %s", d.Name, d.displayProperty, key, other.UUID))
			return
		}
	}
	n := &dr{UUID: sandbox.NewUUID(), Domain: d, Version: body.Version, JSON: body.JSON, Created: time.Now().UTC(), key: key}
	f.drs[n.UUID] = n
	w.Header().Set("Location", "/api/drs/"+n.UUID)
	if f.documented {
		// The only documented create answer (POST /domains): a Location header, no body.
		w.WriteHeader(http.StatusCreated)
		return
	}
	sandbox.WriteJSON(w, http.StatusCreated, drJSON(n))
}

// listShaped is a DR in the only shape the docs show, an entry of GET /drs:
// {uuid, created_by_uuid, json: "<string>"}.
func listShaped(d *dr) map[string]any {
	return map[string]any{"drs": []map[string]any{{"uuid": d.UUID, "created_by_uuid": "5e2d0000-0000-4000-8000-00000000u001", "json": string(d.JSON)}}}
}

// listDRs is the documented GET /drs?filters=<domain>,version:<n>: the DRs of a domain (one
// version when given) in the documented list shape. The filter syntax is the docs' example;
// paging is not documented, so every DR comes in one answer.
func (f *Fake) listDRs(w http.ResponseWriter, r *http.Request, zone string) {
	filters := r.URL.Query().Get("filters")
	if filters == "" {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "filters=<domain>[,version:<n>] is required")
		return
	}
	name, rest, _ := strings.Cut(filters, ",")
	version := 0
	if rest != "" {
		v, ok := strings.CutPrefix(rest, "version:")
		if _, err := fmt.Sscanf(v, "%d", &version); !ok || err != nil || version < 1 {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "filters: expected <domain>,version:<n>, got "+filters)
			return
		}
	}
	d, ok := f.domains[name]
	if !ok || d.ZoneUUID != zone {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("domain %q not found in zone %s", name, zone))
		return
	}
	out := []map[string]any{}
	for _, x := range f.drs {
		if x.Domain == d && (version == 0 || x.Version == version) {
			out = append(out, listShaped(x)["drs"].([]map[string]any)[0])
		}
	}
	slices.SortFunc(out, func(a, b map[string]any) int { return strings.Compare(a["uuid"].(string), b["uuid"].(string)) })
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"drs": out})
}

func (f *Fake) findDR(w http.ResponseWriter, r *http.Request, zone string) *dr {
	d, ok := f.drs[r.PathValue("dr")]
	if !ok || d.Domain.ZoneUUID != zone {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "DR "+r.PathValue("dr")+" not found in zone "+zone)
		return nil
	}
	return d
}

func (f *Fake) getDR(w http.ResponseWriter, r *http.Request, zone string) {
	if d := f.findDR(w, r, zone); d != nil {
		if f.documented {
			sandbox.WriteJSON(w, http.StatusOK, listShaped(d))
			return
		}
		sandbox.WriteJSON(w, http.StatusOK, drJSON(d))
	}
}

// mapDR links a DR to an entity at an adaptor: the entity lands in the adaptor's source
// system. The body shape is not documented (inferred: adaptorUuid and the entity). The docs
// ask for paused adaptors while mapping; the fake does not insist.
func (f *Fake) mapDR(w http.ResponseWriter, r *http.Request, zone string) {
	d := f.findDR(w, r, zone)
	if d == nil {
		return
	}
	var body struct {
		AdaptorUUID string          `json:"adaptorUuid"`
		Entity      json.RawMessage `json:"entity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.AdaptorUUID == "" {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "body must be {\"adaptorUuid\": …, \"entity\": {…}}")
		return
	}
	a, ok := f.adaptors[body.AdaptorUUID]
	if !ok || a.ZoneUUID != zone {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "adaptor "+body.AdaptorUUID+" not found in zone "+zone)
		return
	}
	if len(body.Entity) == 0 {
		body.Entity = d.JSON
	}
	a.entities[d.UUID] = body.Entity
	if !slices.Contains(d.links, a.UUID) {
		d.links = append(d.links, a.UUID)
	}
	sandbox.WriteJSON(w, http.StatusCreated, drJSON(d))
}

// deleteDR deletes a DR everywhere (the source entity at every linked adaptor, the links and
// the DR) or, with adaptorUuids, only at those adaptors (the DR stays). Every target is checked
// first, so a refusal changes nothing: an adaptor without a DELETE ACL entry for the caller is
// refused as UNAUTHORIZED (403: the code is not documented; 401 with the documented shapes), a
// paused one rejects writes (409). The fake completes synchronously and answers 204 (neither is
// documented); with the documented shapes it answers 202 and the adaptors act after
// deleteDelay, except a down one, which never does (its link and the DR stay).
func (f *Fake) deleteDR(w http.ResponseWriter, r *http.Request, zone string) {
	d := f.findDR(w, r, zone)
	if d == nil {
		return
	}
	scoped := r.URL.Query().Has("adaptorUuids")
	targets := d.links
	if scoped {
		targets = nil
		for _, u := range strings.Split(r.URL.Query().Get("adaptorUuids"), ",") {
			if u = strings.TrimSpace(u); u != "" {
				targets = append(targets, u)
			}
		}
		if len(targets) == 0 {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "adaptorUuids is empty")
			return
		}
	}
	for _, u := range targets {
		a, ok := f.adaptors[u]
		switch {
		case !ok || a.ZoneUUID != zone:
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "adaptor "+u+" not found in zone "+zone)
			return
		case a.noDelete:
			status := http.StatusForbidden
			if f.documented {
				status = http.StatusUnauthorized
			}
			writeError(w, status, "UNAUTHORIZED", fmt.Sprintf("no outbound ACL entry allows DELETE on %s:v%d at adaptor %s (%s)", d.Domain.Name, d.Version, a.Name, a.UUID))
			return
		case a.State == "ADAPTOR_PAUSE" && slices.Contains(d.links, u):
			writeError(w, http.StatusConflict, "ADAPTOR_PAUSED", fmt.Sprintf("adaptor %s (%s) is paused and rejects writes", a.Name, a.UUID))
			return
		}
	}
	if f.documented {
		f.pending = append(f.pending, pendingDelete{at: time.Now().Add(f.deleteDelay), dr: d.UUID, targets: slices.Clone(targets), scoped: scoped})
		w.WriteHeader(http.StatusAccepted)
		return
	}
	f.carryOut(d, targets, scoped)
	w.WriteHeader(http.StatusNoContent)
}

// carryOut deletes at the target adaptors that act, and the DR itself for a full delete once
// no target is left to act. It reports whether anything is left to do.
func (f *Fake) carryOut(d *dr, targets []string, scoped bool) (left []string) {
	for _, u := range targets {
		if f.documented && f.adaptors[u].State == "ADAPTOR_DOWN" {
			left = append(left, u)
			continue
		}
		delete(f.adaptors[u].entities, d.UUID)
		d.links = slices.DeleteFunc(d.links, func(l string) bool { return l == u })
	}
	if !scoped && len(left) == 0 {
		delete(f.drs, d.UUID)
	}
	return left
}

// settle carries out the accepted deletes whose time has come (under f.mu).
func (f *Fake) settle() {
	now := time.Now()
	keep := f.pending[:0]
	for _, p := range f.pending {
		d, ok := f.drs[p.dr]
		switch {
		case !ok:
		case now.Before(p.at):
			keep = append(keep, p)
		default:
			if left := f.carryOut(d, p.targets, p.scoped); len(left) > 0 {
				p.targets = left
				keep = append(keep, p)
			}
		}
	}
	f.pending = keep
}

// check answers 200 when YOUnite holds a link for the DR at the adaptor and 404 otherwise,
// which is not proof that the adaptor's system lacks the entity.
func (f *Fake) check(w http.ResponseWriter, r *http.Request, zone string) {
	d, ok := f.drs[r.PathValue("dr")]
	if !ok || d.Domain.ZoneUUID != zone || !slices.Contains(d.links, r.PathValue("adaptor")) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no link known for this DR at this adaptor")
		return
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"drUuid": d.UUID, "adaptorUuid": r.PathValue("adaptor"), "linked": true})
}
