package v7fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// Items uploaded to V7 (rather than registered from external storage) are made by darwin-py's
// POST /api/v2/teams/{team}/items/register_upload (darwin/backend_v2.py register_data,
// darwin/future/core/items/uploads.py async_register_upload). What the fake takes from there:
//   - the body is {"dataset_slug", "items": [{"name", "path", "tags", "layout"?, "slots":
//     [{"slot_name", "file_name", "type"?, "fps"?, "as_frames"?, "extract_views"?, "metadata"?,
//     "tags"?}]}], "options": {"force_tiling", "handle_as_slices", "ignore_dicom_layout"}}:
//     no storage_slug and no storage_key, the bytes come later;
//   - the answer is {"items": [...], "blocked_items": [...]} as darwin-py's upload tests mock it,
//     each slot of an item carrying its upload_id, and a blocked slot its reason; darwin-py's
//     BLOCKED_UPLOAD_ERROR_ALREADY_EXISTS is "ALREADY_EXISTS" (darwin/utils/utils.py), and it
//     reports those as "already in the dataset".
//
// Inferred: a duplicate (path, name) is blocked as register_existing blocks it, not refused as
// a whole; an item without slots has one slot "0" named after the item (the web app always
// sends that form); path defaults to "/" (darwin-py's newer client sends the key as "path:",
// which V7 then cannot read); no cap on items per request is enforced (none was found for
// uploads); the fake takes no bytes (it serves neither the sign nor the confirm route), and
// the item goes through processing to complete as if its upload had been confirmed. Its slots
// are not external and carry no storage_key: V7 keeps the file in its own storage, and writes
// nothing into a customer's bucket.
type uploadRequest struct {
	DatasetSlug string         `json:"dataset_slug"`
	Items       []uploadItem   `json:"items"`
	Options     map[string]any `json:"options"`
}

type uploadItem struct {
	Name   string          `json:"name"`
	Path   string          `json:"path"`
	Tags   []string        `json:"tags"`
	Layout json.RawMessage `json:"layout"`
	Slots  []uploadSlot    `json:"slots"`
}

type uploadSlot struct {
	SlotName     string          `json:"slot_name"`
	FileName     string          `json:"file_name"`
	Type         string          `json:"type"`
	FPS          json.RawMessage `json:"fps"`
	AsFrames     json.RawMessage `json:"as_frames"`
	ExtractViews json.RawMessage `json:"extract_views"`
	Metadata     map[string]any  `json:"metadata"`
	Tags         json.RawMessage `json:"tags"`
}

func (f *Fake) registerUpload(w http.ResponseWriter, r *http.Request) {
	var req uploadRequest
	if !decodeBody(w, r, &req) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ds, ok := f.dataset(w, req.DatasetSlug)
	if !ok {
		return
	}
	if len(req.Items) == 0 {
		writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"items": {"can't be blank"}})
		return
	}
	for i, in := range req.Items {
		if in.Name == "" || strings.Contains(in.Name, "/") {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{fmt.Sprintf("items.%d.name", i): {"must be a non-empty name without /"}})
			return
		}
	}
	var registered, blocked []map[string]any
	for _, in := range req.Items {
		if in.Path == "" {
			in.Path = "/"
		}
		slots := in.Slots
		if len(slots) == 0 {
			slots = []uploadSlot{{SlotName: "0", FileName: in.Name}}
		}
		if f.at(ds.ID, in.Path, in.Name) != nil {
			out := make([]map[string]any, len(slots))
			for i, s := range slots {
				out[i] = map[string]any{"slot_name": s.SlotName, "file_name": s.FileName, "type": slotType(s.Type),
					"upload_id": sandbox.NewUUID(), "reason": "ALREADY_EXISTS"}
			}
			blocked = append(blocked, map[string]any{"name": in.Name, "path": in.Path, "slots": out})
			continue
		}
		it := f.addUploaded(ds.ID, in, slots)
		answer := itemJSON(it, f.status(it), false)
		out := make([]map[string]any, len(it.Slots))
		for i, s := range it.Slots {
			out[i] = map[string]any{"id": s.ID, "slot_name": s.SlotName, "file_name": s.FileName, "type": s.Type,
				"upload_id": s.uploadID, "is_external": false, "metadata": s.Metadata}
		}
		answer["slots"] = out
		registered = append(registered, answer)
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"items": orEmpty(registered), "blocked_items": orEmpty(blocked)})
}

// slotType is a slot's type, image when the request names none.
func slotType(t string) string {
	if t == "" {
		return "image"
	}
	return t
}

// addUploaded adds an item uploaded to V7: no storage keys, nothing written to a bucket (f.mu held).
func (f *Fake) addUploaded(datasetID int, in uploadItem, slots []uploadSlot) *item {
	now := time.Now().UTC()
	f.seq++
	it := &item{ID: sandbox.NewUUID(), Name: in.Name, Path: in.Path, DatasetID: datasetID, InsertedAt: now, UpdatedAt: now, seq: f.seq}
	for _, tag := range in.Tags {
		if f.classByName(tag) == nil {
			f.addClassLocked(tag, []string{"tag"}, []map[string]int{{"id": datasetID}})
		}
		it.Tags = append(it.Tags, tag)
	}
	for _, s := range slots {
		meta := s.Metadata
		if meta == nil {
			meta = map[string]any{}
		}
		it.Slots = append(it.Slots, slot{ID: sandbox.NewUUID(), SlotName: s.SlotName, FileName: s.FileName, Type: slotType(s.Type),
			Metadata: meta, uploadID: sandbox.NewUUID()})
	}
	f.put(it)
	return it
}
