package codeoceanfake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type awsSource struct {
	Bucket   string `json:"bucket"`
	Prefix   string `json:"prefix"`
	Keep     bool   `json:"keep_on_external_storage"`
	Public   bool   `json:"public"`
	Endpoint string `json:"endpoint_name"`
}

type createBody struct {
	Name           *string                    `json:"name"`
	Description    string                     `json:"description"`
	Mount          *string                    `json:"mount"`
	Tags           []string                   `json:"tags"`
	CustomMetadata map[string]json.RawMessage `json:"custom_metadata"`
	Source         *struct {
		AWS *awsSource `json:"aws"`
		GCP *struct {
			Bucket       string `json:"bucket"`
			Prefix       string `json:"prefix"`
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		} `json:"gcp"`
		Computation *struct {
			ID   string `json:"id"`
			Path string `json:"path"`
		} `json:"computation"`
	} `json:"source"`
	Target *struct {
		AWS *awsSource `json:"aws"`
	} `json:"target"`
}

// checkMetadata validates custom metadata against the deployment's fields: known keys, and
// numbers (dates as epoch seconds) where the field says so.
func checkMetadata(md map[string]json.RawMessage) (map[string]any, error) {
	out := map[string]any{}
	for k, raw := range md {
		i := slices.IndexFunc(customFields, func(f map[string]any) bool { return f["name"] == k })
		if i < 0 {
			return nil, fmt.Errorf("custom_metadata key %q is not a field of this deployment", k)
		}
		var v any
		_ = json.Unmarshal(raw, &v)
		switch customFields[i]["type"] {
		case "number", "date":
			if _, ok := v.(float64); !ok {
				return nil, fmt.Errorf("custom_metadata %q must be a %s", k, customFields[i]["type"])
			}
		default:
			if _, ok := v.(string); !ok {
				return nil, fmt.Errorf("custom_metadata %q must be a string", k)
			}
		}
		out[k] = v
	}
	return out, nil
}

// create validates and stores a draft. Sources: exactly one of aws, gcp, computation; target
// only with computation (an external result, written into the customer's bucket).
func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	var b createBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	switch {
	case b.Name == nil || *b.Name == "":
		writeError(w, http.StatusBadRequest, "name is required")
		return
	case b.Mount == nil || *b.Mount == "":
		writeError(w, http.StatusBadRequest, "mount is required")
		return
	case b.Tags == nil:
		writeError(w, http.StatusBadRequest, "tags is required")
		return
	case b.Source == nil:
		writeError(w, http.StatusBadRequest, "source is required")
		return
	}
	n := 0
	for _, set := range []bool{b.Source.AWS != nil, b.Source.GCP != nil, b.Source.Computation != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		writeError(w, http.StatusBadRequest, "source must have exactly one of aws, gcp, computation")
		return
	}
	if b.Target != nil && b.Source.Computation == nil {
		writeError(w, http.StatusBadRequest, "target is only valid with a computation source")
		return
	}
	md, err := checkMetadata(b.CustomMetadata)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a := &asset{ID: newUUID(), Created: time.Now().Unix(), Name: *b.Name, Mount: *b.Mount, Description: b.Description,
		Tags: b.Tags, State: "draft", Type: "dataset", CustomMetadata: md, Owner: "sandbox@example.com"}
	switch {
	case b.Source.AWS != nil:
		s := b.Source.AWS
		if s.Bucket == "" {
			writeError(w, http.StatusBadRequest, "source.aws.bucket is required")
			return
		}
		a.SourceBucket = map[string]any{"origin": "aws", "bucket": s.Bucket, "prefix": s.Prefix, "external": s.Keep}
		a.countBucket, a.countPrefix, a.external = s.Bucket, s.Prefix, s.Keep
		if s.Bucket == BadBucket {
			a.fail = fmt.Sprintf("Failed to access s3://%s/%s: AccessDenied", s.Bucket, s.Prefix)
		}
	case b.Source.GCP != nil:
		s := b.Source.GCP
		if s.Bucket == "" {
			writeError(w, http.StatusBadRequest, "source.gcp.bucket is required")
			return
		}
		// Inferred: the fake holds no GCS; the asset is ready with no files counted.
		a.SourceBucket = map[string]any{"origin": "gcp", "bucket": s.Bucket, "prefix": s.Prefix, "external": false}
	default:
		if b.Source.Computation.ID != Computation {
			writeError(w, http.StatusBadRequest, "computation "+b.Source.Computation.ID+" not found")
			return
		}
		a.Type = "result"
		a.SourceBucket = map[string]any{"origin": "local"}
		if b.Target != nil && b.Target.AWS != nil {
			t := b.Target.AWS
			if t.Bucket == "" || strings.Trim(t.Prefix, "/") == "" {
				writeError(w, http.StatusBadRequest, "target.aws needs a bucket and a prefix")
				return
			}
			if err := f.writeResults(t.Bucket, t.Prefix, a.ID); err != nil {
				writeError(w, http.StatusBadRequest, "cannot write to the target: "+err.Error())
				return
			}
			a.SourceBucket = map[string]any{"origin": "aws", "bucket": t.Bucket, "prefix": t.Prefix, "external": true}
			a.countBucket, a.countPrefix, a.external = t.Bucket, t.Prefix, true
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.assets[a.ID] = a
	f.order = append(f.order, a.ID)
	writeJSON(w, a)
}

// update replaces name, description, tags, mount and custom metadata: the docs mark the first
// four required, so a body without them is refused (inferred: the fake does not merge).
func (f *Fake) update(w http.ResponseWriter, r *http.Request, a *asset) {
	var b createBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if b.Name == nil || b.Mount == nil || b.Tags == nil || *b.Name == "" || *b.Mount == "" {
		writeError(w, http.StatusBadRequest, "name, description, tags and mount are required")
		return
	}
	md, err := checkMetadata(b.CustomMetadata)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	a.Name, a.Mount, a.Tags, a.Description, a.CustomMetadata = *b.Name, *b.Mount, b.Tags, b.Description, md
	writeJSON(w, f.view(a, false))
}

func (f *Fake) delete(w http.ResponseWriter, _ *http.Request, a *asset) {
	delete(f.assets, a.ID)
	f.order = slices.DeleteFunc(f.order, func(id string) bool { return id == a.ID })
	w.WriteHeader(http.StatusNoContent)
}

// archive takes ?archive=true|false (also True/False, as Python clients send it).
func (f *Fake) archive(w http.ResponseWriter, r *http.Request, a *asset) {
	v, err := strconv.ParseBool(r.URL.Query().Get("archive"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "archive must be true or false")
		return
	}
	a.archived = v
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) getPermissions(w http.ResponseWriter, _ *http.Request, a *asset) {
	p := a.permissions
	if p == nil {
		p = map[string]any{"users": []any{map[string]string{"email": a.Owner, "role": "owner"}}, "groups": []any{}, "everyone": "none"}
	}
	writeJSON(w, p)
}

func (f *Fake) setPermissions(w http.ResponseWriter, r *http.Request, a *asset) {
	var p map[string]any
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return
	}
	for _, k := range []string{"users", "groups", "everyone"} {
		if _, ok := p[k]; !ok {
			writeError(w, http.StatusBadRequest, k+" is required")
			return
		}
	}
	if e, _ := p["everyone"].(string); !slices.Contains([]string{"viewer", "discoverable", "none"}, e) {
		writeError(w, http.StatusBadRequest, "everyone must be viewer, discoverable or none")
		return
	}
	a.permissions = p
	w.WriteHeader(http.StatusNoContent)
}

type searchBody struct {
	Query     string `json:"query"`
	Offset    int    `json:"offset"`
	Limit     int    `json:"limit"`
	NextToken string `json:"next_token"`
	Type      string `json:"type"`
	Origin    string `json:"origin"`
	Archived  bool   `json:"archived"`
	Filters   []struct {
		Key     string   `json:"key"`
		Value   string   `json:"value"`
		Values  []string `json:"values"`
		Exclude bool     `json:"exclude"`
	} `json:"filters"`
}

// matchesQuery applies `field:value` terms (name and tag; the same field twice is OR,
// different fields AND, case-insensitive, quotes for phrases) and free words (name or
// description).
func matchesQuery(a *asset, query string) bool {
	byField := map[string][]string{}
	for _, term := range splitTerms(query) {
		field, value, ok := strings.Cut(term, ":")
		if !ok {
			field, value = "", term
		}
		byField[strings.ToLower(field)] = append(byField[strings.ToLower(field)], strings.ToLower(strings.Trim(value, `"`)))
	}
	for field, values := range byField {
		if !slices.ContainsFunc(values, func(v string) bool { return matchesTerm(a, field, v) }) {
			return false
		}
	}
	return true
}

func matchesTerm(a *asset, field, v string) bool {
	switch field {
	case "name":
		return strings.Contains(strings.ToLower(a.Name), v)
	case "tag":
		return slices.ContainsFunc(a.Tags, func(t string) bool { return strings.ToLower(t) == v })
	case "":
		return strings.Contains(strings.ToLower(a.Name), v) || strings.Contains(strings.ToLower(a.Description), v)
	}
	return false
}

// matchesFilter applies one search filter value to a key: name, description, tags or a custom
// metadata field.
func matchesFilter(a *asset, key, v string) bool {
	switch key {
	case "name":
		return strings.EqualFold(a.Name, v)
	case "description":
		return strings.EqualFold(a.Description, v)
	case "tags":
		return matchesTerm(a, "tag", strings.ToLower(v))
	}
	return a.CustomMetadata[key] != nil && fmt.Sprint(a.CustomMetadata[key]) == v
}

// splitTerms splits on spaces outside double quotes.
func splitTerms(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func (f *Fake) search(w http.ResponseWriter, r *http.Request) {
	var b searchBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if b.Limit == 0 {
		b.Limit = 100
	}
	if b.Limit < 0 || b.Limit > 1000 {
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 1000")
		return
	}
	start := b.Offset
	if b.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(b.NextToken)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid next_token")
			return
		}
		start = n
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var matched []*asset
	for _, id := range f.order {
		a := f.assets[id]
		if a.archived != b.Archived || (b.Type != "" && a.Type != b.Type) || !matchesQuery(a, b.Query) ||
			(b.Origin == "external" && !a.external) || (b.Origin == "internal" && a.external) {
			continue
		}
		ok := true
		for _, flt := range b.Filters {
			values := append(slices.Clone(flt.Values), flt.Value)
			hit := slices.ContainsFunc(values, func(v string) bool { return v != "" && matchesFilter(a, flt.Key, v) })
			if hit == flt.Exclude {
				ok = false
			}
		}
		if ok {
			matched = append(matched, a)
		}
	}
	start = min(start, len(matched))
	end := min(start+b.Limit, len(matched))
	out := map[string]any{"results": orEmpty(matched[start:end]), "has_more": end < len(matched)}
	if end < len(matched) {
		out["next_token"] = encodeToken(end)
	}
	writeJSON(w, out)
}

func orEmpty(a []*asset) []*asset {
	if a == nil {
		return []*asset{}
	}
	return a
}
