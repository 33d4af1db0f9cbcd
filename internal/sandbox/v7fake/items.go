package v7fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// MaxRegistrationItems is the most items one registration request may carry.
const MaxRegistrationItems = 100

// registerSlot is a slot as registration accepts it, read-only extras included.
type registerSlot struct {
	SlotName            string           `json:"slot_name"`
	FileName            string           `json:"file_name"`
	StorageKey          string           `json:"storage_key"`
	Type                string           `json:"type"`
	StorageThumbnailKey string           `json:"storage_thumbnail_key"`
	Width               *int64           `json:"width"`
	Height              *int64           `json:"height"`
	Sections            []map[string]any `json:"sections"`
	Metadata            map[string]any   `json:"metadata"`
}

// registerItem accepts both shapes: short (storage_key on the item) and slotted.
type registerItem struct {
	Name  string         `json:"name"`
	Path  string         `json:"path"`
	Tags  []string       `json:"tags"`
	Slots []registerSlot `json:"slots"`
	registerSlot
}

type registerRequest struct {
	Items       []registerItem `json:"items"`
	DatasetSlug string         `json:"dataset_slug"`
	StorageSlug string         `json:"storage_slug"`
}

func (f *Fake) register(readonly bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req registerRequest
		if !decodeBody(w, r, &req) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		ds, ok := f.dataset(w, req.DatasetSlug)
		if !ok {
			return
		}
		conn, ok := f.storageByName(req.StorageSlug)
		if !ok {
			writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Storage %q not found", req.StorageSlug))
			return
		}
		// Inferred: read-write registration into a read-only connection is a bad payload; V7
		// cannot write the derived files there.
		if conn.Readonly && !readonly {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"storage_slug": {"is a read-only storage; use register_existing_readonly"}})
			return
		}
		if len(req.Items) == 0 {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"items": {"can't be blank"}})
			return
		}
		// V7's reference page (/reference/imports) caps a registration at 100 items; the
		// refusal's shape is not documented (inferred: the per-field 422 V7 answers for
		// validation errors, as darwin-py's NameTaken handling reads it).
		if len(req.Items) > MaxRegistrationItems {
			writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"items": {fmt.Sprintf("must contain at most %d items", MaxRegistrationItems)}})
			return
		}
		var registered, blocked []map[string]any
		for i, in := range req.Items {
			if in.Name == "" || strings.Contains(in.Name, "/") {
				writeFieldErrors(w, http.StatusBadRequest, map[string][]string{fmt.Sprintf("items.%d.name", i): {"must be a non-empty name without /"}})
				return
			}
			if in.Path == "" {
				in.Path = "/"
			}
			slots := in.Slots
			if len(slots) == 0 {
				in.SlotName = "0"
				in.FileName = in.Name
				slots = []registerSlot{in.registerSlot}
			}
			if reason := f.blockReason(ds.ID, in, slots); reason != "" {
				blocked = append(blocked, blockedJSON(in, slots, reason))
				continue
			}
			it := f.addItem(ds.ID, in, slots, conn, readonly)
			registered = append(registered, itemJSON(it, f.status(it), false))
		}
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"items": orEmpty(registered), "blocked_items": orEmpty(blocked)})
	}
}

func orEmpty(v []map[string]any) []map[string]any {
	if v == nil {
		return []map[string]any{}
	}
	return v
}

// blockReason is why an item is not registered. The reason strings are not documented
// (inferred): a stable code per cause.
func (f *Fake) blockReason(datasetID int, in registerItem, slots []registerSlot) string {
	if f.at(datasetID, in.Path, in.Name) != nil {
		return "ALREADY_EXISTS"
	}
	// A read-only image slot needs only slot_name, file_name and storage_key (darwin-py's
	// ReadOnlyImageSlot): thumbnail and size are optional, and V7 shows the original instead.
	for _, s := range slots {
		if s.StorageKey == "" {
			return "MISSING_STORAGE_KEY"
		}
	}
	return ""
}

func blockedJSON(in registerItem, slots []registerSlot, reason string) map[string]any {
	out := make([]map[string]any, len(slots))
	for i, s := range slots {
		out[i] = map[string]any{"slot_name": s.SlotName, "file_name": s.FileName, "storage_key": s.StorageKey, "reason": reason}
	}
	return map[string]any{"name": in.Name, "path": in.Path, "slots": out}
}

func (f *Fake) addItem(datasetID int, in registerItem, slots []registerSlot, conn storageConn, readonly bool) *item {
	now := time.Now().UTC()
	f.seq++
	it := &item{ID: sandbox.NewUUID(), Name: in.Name, Path: in.Path, DatasetID: datasetID, InsertedAt: now, UpdatedAt: now, seq: f.seq}
	for _, tag := range in.Tags {
		// Inferred: registering with a tag creates its tag class when missing.
		if f.classByName(tag) == nil {
			f.addClassLocked(tag, []string{"tag"}, []map[string]int{{"id": datasetID}})
		}
		it.Tags = append(it.Tags, tag)
	}
	for _, s := range slots {
		typ := s.Type
		if typ == "" {
			typ = "image"
		}
		meta := map[string]any{}
		if s.Width != nil && s.Height != nil {
			meta["width"], meta["height"] = *s.Width, *s.Height
		}
		it.Slots = append(it.Slots, slot{ID: sandbox.NewUUID(), SlotName: s.SlotName, FileName: s.FileName, Type: typ,
			IsExternal: true, Metadata: meta, StorageKey: s.StorageKey, uploadID: sandbox.NewUUID()})
	}
	if !readonly {
		it.failed = !f.writeDerived(it, conn)
	}
	f.put(it)
	return it
}

// writeDerived writes what V7's processing leaves in a read-write bucket and reports whether
// every source object was readable. A source key that does not exist makes processing fail
// (the notes: a wrong key shows as an error on the item, not at registration).
//
// Where: V7's guide ("Deleting Metadata") deletes an item's read-write metadata at
// {prefix}/{folder of the source key}/data/{item name}, or {prefix}/data/{item name} for a key
// at the root. The folder is keyed by name, so same-named items with sources in one folder
// write into one folder. What lies inside is inferred from darwin-py's e2e fixtures
// (…/uploads/{upload id}/thumbnails/000000000.jpg) plus a section per slot.
func (f *Fake) writeDerived(it *item, conn storageConn) bool {
	ctx, cancel := f.s3Context()
	defer cancel()
	ok := true
	for i, s := range it.Slots {
		head, err := f.env.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(conn.Bucket), Key: aws.String(s.StorageKey)})
		if err != nil {
			ok = false
			continue
		}
		it.Slots[i].SizeBytes = aws.ToInt64(head.ContentLength)
		base := MetadataFolder(conn.Prefix, s.StorageKey, it.Name) + "/uploads/" + s.uploadID
		if conn.undocumented {
			base = UndocumentedFolder(s.StorageKey) + "/uploads/" + s.uploadID
		}
		for _, k := range []string{base + "/thumbnails/000000000.jpg", base + "/sections/000000000.png"} {
			body := fmt.Sprintf("derived by the V7 sandbox from s3://%s/%s", conn.Bucket, s.StorageKey)
			if _, err := f.env.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(conn.Bucket), Key: aws.String(k), Body: strings.NewReader(body)}); err != nil {
				ok = false
			}
		}
	}
	return ok
}

// UndocumentedFolder is where V7 writes the files of a slot whose source is key on
// StorageUndocumented: {prefix}/{storage key}/uploads/…, the form darwin-py's e2e fixtures
// suggest (data/<storage_key>/uploads/<uuid>/thumbnails/…).
func UndocumentedFolder(key string) string { return joinKey(UndocumentedPrefix, key) }

// DerivedPerSlot is how many objects the fake writes per slot of a read-write item.
const DerivedPerSlot = 2

// MetadataFolder is where V7's guide says V7 writes the derived files of an item named name
// whose source is key, on a connection with this prefix. Tests use it to know where V7 puts
// files without asking the provider.
func MetadataFolder(prefix, key, name string) string {
	dir := ""
	if i := strings.LastIndex(key, "/"); i >= 0 {
		dir = key[:i]
	}
	return joinKey(prefix, dir, "data", name)
}

// joinKey joins key parts with "/", dropping empty parts and "." (the directory of a top-level key).
func joinKey(parts ...string) string {
	var keep []string
	for _, p := range parts {
		p = strings.Trim(p, "/")
		if p != "" && p != "." {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "/")
}

// status advances processing with each read: processing for ProcessingReads reads, then
// complete (or error for a source V7 could not read). Inferred from the documented states.
func (f *Fake) status(it *item) (processing string) {
	switch {
	case it.reads < ProcessingReads:
		return "processing"
	case it.failed:
		return "error"
	}
	return "complete"
}

func itemJSON(it *item, processing string, withCursor bool) map[string]any {
	status := "new"
	switch {
	case it.Archived:
		status = "archived"
	case processing == "error":
		status = "error"
	case processing != "complete":
		status = "processing"
	}
	slotTypes := []string{}
	for _, s := range it.Slots {
		if !slices.Contains(slotTypes, s.Type) {
			slotTypes = append(slotTypes, s.Type)
		}
	}
	tags := it.Tags
	if tags == nil {
		tags = []string{}
	}
	out := map[string]any{
		"id": it.ID, "name": it.Name, "path": it.Path, "dataset_id": it.DatasetID, "archived": it.Archived,
		"status": status, "processing_status": processing, "workflow_status": status, "priority": 0,
		"tags": tags, "slots": it.Slots, "slot_types": slotTypes,
		"layout":      map[string]any{"type": "simple", "version": 1, "slots": slotNames(it)},
		"inserted_at": it.InsertedAt.Format(time.RFC3339), "updated_at": it.UpdatedAt.Format(time.RFC3339),
	}
	if withCursor {
		out["cursor"] = it.ID
	}
	return out
}

func slotNames(it *item) []string {
	out := make([]string, len(it.Slots))
	for i, s := range it.Slots {
		out[i] = s.SlotName
	}
	return out
}

func (f *Fake) getItem(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.items[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "Item not found")
		return
	}
	it.reads++
	sandbox.WriteJSON(w, http.StatusOK, itemJSON(it, f.status(it), false))
}

// queryList reads an array parameter in any of the forms clients send: name[]=a&name[]=b,
// name=a&name=b or name=a,b.
func queryList(q map[string][]string, name string) []string {
	var out []string
	for _, v := range append(q[name+"[]"], q[name]...) {
		for _, p := range strings.Split(v, ",") {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// listItems pages as darwin-py pages: `page[size]` (1..500) with the cursor `page[from]`, the id
// of the first item of the page as `page.next` gives it (the notes: cursors look like item ids),
// or with `page[offset]`, as darwin-py's newer item client sends it (its Page has offset, size
// and count). Items come in registration order.
func (f *Fake) listItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	flt := filters{
		DatasetIDs: atoiAll(queryList(q, "dataset_ids")),
		ItemIDs:    queryList(q, "item_ids"), ItemNames: queryList(q, "item_names"),
		ItemPaths: queryList(q, "item_paths"), Statuses: queryList(q, "statuses"),
		SlotTypes: queryList(q, "slot_types"), ItemPathPrefix: q.Get("item_path_prefix"),
	}
	size := 500
	if s := q.Get("page[size]"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "page[size] must be 1..500")
			return
		}
		size = n
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	matched := f.view(flt)
	start := 0
	if from := q.Get("page[from]"); from != "" {
		cursor := f.items[from]
		if cursor != nil {
			start = sort.Search(len(matched), func(i int) bool { return matched[i].seq >= cursor.seq })
		}
		if cursor == nil || start == len(matched) || matched[start] != cursor {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "unknown page[from] cursor")
			return
		}
	} else if o := q.Get("page[offset]"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "BAD_REQUEST", "page[offset] must be 0 or more")
			return
		}
		start = min(n, len(matched))
	}
	end := min(start+size, len(matched))
	page := make([]map[string]any, 0, end-start)
	for _, it := range matched[start:end] {
		page = append(page, itemJSON(it, f.status(it), true))
	}
	var next, previous any
	if end < len(matched) {
		next = matched[end].ID
	}
	if start > 0 {
		previous = matched[max(0, start-size)].ID
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"items": page,
		"page": map[string]any{"count": len(matched), "next": next, "previous": previous, "offset": start, "size": size}})
}

func atoiAll(ss []string) []int {
	out := make([]int, 0, len(ss))
	for _, s := range ss {
		n, err := strconv.Atoi(s)
		if err != nil {
			n = -1 // matches no dataset
		}
		out = append(out, n)
	}
	return out
}

// decodeBody reads a request's JSON body into v, answering 400 when it cannot.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "BAD_REQUEST", "invalid JSON: "+err.Error())
		return false
	}
	return true
}

// dataset is the dataset of a registration's dataset_slug, answering 404 when there is none.
// The caller holds f.mu.
func (f *Fake) dataset(w http.ResponseWriter, slug string) (dataset, bool) {
	ds, ok := f.datasetBySlug(slug)
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Dataset %q not found", slug))
	}
	return ds, ok
}
