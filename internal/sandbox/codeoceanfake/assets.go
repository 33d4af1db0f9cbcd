package codeoceanfake

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
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
	a := &asset{ID: sandbox.NewUUID(), Created: time.Now().Unix(), Name: *b.Name, Mount: *b.Mount, Description: b.Description,
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
		a.Provenance = map[string]any{"computation": b.Source.Computation.ID}
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
	sandbox.WriteJSON(w, http.StatusOK, a)
}

// update changes what the body sets. The SDK's DataAssetUpdateParams makes every field
// optional and sends unset ones as null: absent or null leaves a field as it is (inferred, the
// most plausible reading), [] clears the tags and {} the custom metadata. An empty name or
// mount is refused.
func (f *Fake) update(w http.ResponseWriter, r *http.Request, a *asset) {
	var b map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	set := func(k string, v any) (bool, error) {
		raw, ok := b[k]
		if !ok || string(raw) == "null" {
			return false, nil
		}
		if err := json.Unmarshal(raw, v); err != nil {
			return false, fmt.Errorf("%s is invalid: %w", k, err)
		}
		return true, nil
	}
	var name, mount, description string
	var tags []string
	var md map[string]json.RawMessage
	hasName, err1 := set("name", &name)
	hasMount, err2 := set("mount", &mount)
	hasDescription, err3 := set("description", &description)
	hasTags, err4 := set("tags", &tags)
	hasMD, err5 := set("custom_metadata", &md)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if (hasName && name == "") || (hasMount && mount == "") {
		writeError(w, http.StatusBadRequest, "name and mount must not be empty")
		return
	}
	checked, err := checkMetadata(md)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if hasName {
		a.Name = name
	}
	if hasMount {
		a.Mount = mount
	}
	if hasDescription {
		a.Description = description
	}
	if hasTags {
		a.Tags = orNoTags(tags)
	}
	if hasMD {
		a.CustomMetadata = checked
	}
	sandbox.WriteJSON(w, http.StatusOK, f.view(a, false))
}

func orNoTags(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
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
	sandbox.WriteJSON(w, http.StatusOK, p)
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
	Query     string         `json:"query"`
	Offset    int            `json:"offset"`
	Limit     int            `json:"limit"`
	NextToken string         `json:"next_token"`
	Type      string         `json:"type"`
	Origin    string         `json:"origin"`
	Archived  bool           `json:"archived"`
	Favorite  bool           `json:"favorite"`
	Ownership string         `json:"ownership"`
	SortField string         `json:"sort_field"`
	SortOrder string         `json:"sort_order"`
	Filters   []searchFilter `json:"filters"`
}

// searchFilter is the SDK's SearchFilter: value a string or a number, values a list of
// them, range {min, max} (one end may be left out) for numeric fields.
type searchFilter struct {
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Values []any  `json:"values"`
	Range  *struct {
		Min *float64 `json:"min"`
		Max *float64 `json:"max"`
	} `json:"range"`
	Exclude bool `json:"exclude"`
}

// matches applies one filter. A value matches a field of its own JSON type only (inferred: a
// string "5" does not match the number 5), so a client that sends numbers as strings finds
// nothing, as it would on a server that types its fields.
func (flt searchFilter) matches(a *asset) bool {
	if flt.Range != nil {
		n, ok := a.CustomMetadata[flt.Key].(float64)
		return ok && (flt.Range.Min == nil || n >= *flt.Range.Min) && (flt.Range.Max == nil || n <= *flt.Range.Max)
	}
	values := flt.Values
	if flt.Value != nil {
		values = append(slices.Clone(values), flt.Value)
	}
	return slices.ContainsFunc(values, func(v any) bool { return matchesFilter(a, flt.Key, v) })
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

// matchesFilter applies one search filter value to a key: name, description, tags (text) or a
// custom metadata field (text, or a number for number and date fields).
func matchesFilter(a *asset, key string, v any) bool {
	text, isText := v.(string)
	switch key {
	case "name":
		return isText && strings.EqualFold(a.Name, text)
	case "description":
		return isText && strings.EqualFold(a.Description, text)
	case "tags":
		return isText && matchesTerm(a, "tag", strings.ToLower(text))
	}
	switch have := a.CustomMetadata[key].(type) {
	case string:
		return isText && have == text
	case float64:
		n, ok := v.(float64)
		return ok && have == n
	}
	return false
}

// ownedBy applies ownership: every asset of the fake is created by the token's user (the only
// user); "private" is one shared with nobody else, "shared" one others shared with the user
// (none here). Inferred from the SDK's enum (private, shared, created).
func ownedBy(a *asset, ownership string) bool {
	switch ownership {
	case "", "created":
		return true
	case "private":
		users, _ := a.permissions["users"].([]any)
		groups, _ := a.permissions["groups"].([]any)
		everyone, _ := a.permissions["everyone"].(string)
		return len(users) <= 1 && len(groups) == 0 && (everyone == "" || everyone == "none")
	}
	return false
}

// sortAssets orders by sort_field (created, type, name, size) and sort_order (asc by default).
func sortAssets(assets []*asset, field, order string) {
	less := map[string]func(a, b *asset) int{
		"created": func(a, b *asset) int { return cmp.Compare(a.Created, b.Created) },
		"type":    func(a, b *asset) int { return strings.Compare(a.Type, b.Type) },
		"name":    func(a, b *asset) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) },
		"size":    func(a, b *asset) int { return cmp.Compare(a.size, b.size) },
	}[field]
	slices.SortStableFunc(assets, func(a, b *asset) int {
		if order == "desc" {
			return less(b, a)
		}
		return less(a, b)
	})
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
	switch {
	case b.SortField != "" && !slices.Contains([]string{"created", "type", "name", "size"}, b.SortField):
		writeError(w, http.StatusBadRequest, "sort_field must be created, type, name or size")
		return
	case b.SortOrder != "" && b.SortField == "":
		writeError(w, http.StatusBadRequest, "sort_order must be provided with sort_field")
		return
	case b.SortOrder != "" && b.SortOrder != "asc" && b.SortOrder != "desc":
		writeError(w, http.StatusBadRequest, "sort_order must be asc or desc")
		return
	case b.Ownership != "" && !slices.Contains([]string{"private", "shared", "created"}, b.Ownership):
		writeError(w, http.StatusBadRequest, "ownership must be private, shared or created")
		return
	}
	for _, flt := range b.Filters {
		if flt.Range != nil && flt.Range.Min == nil && flt.Range.Max == nil {
			writeError(w, http.StatusBadRequest, "a range filter needs min or max")
			return
		}
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
			(b.Origin == "external" && !a.external) || (b.Origin == "internal" && a.external) ||
			(b.Favorite && !a.favorite) || !ownedBy(a, b.Ownership) {
			continue
		}
		ok := true
		for _, flt := range b.Filters {
			if flt.matches(a) == flt.Exclude {
				ok = false
			}
		}
		if ok {
			matched = append(matched, a)
		}
	}
	if b.SortField != "" {
		sortAssets(matched, b.SortField, b.SortOrder)
	}
	start = min(start, len(matched))
	end := min(start+b.Limit, len(matched))
	out := map[string]any{"results": orEmpty(matched[start:end]), "has_more": end < len(matched)}
	if end < len(matched) {
		out["next_token"] = encodeToken(end)
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
}

func orEmpty(a []*asset) []*asset {
	if a == nil {
		return []*asset{}
	}
	return a
}
