package v7fake

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

// filters are the item filters of list queries and of filter-body calls (delete, archive,
// restore, move, tags), a subset of the web app's V2DatasetItemFilter.
type filters struct {
	DatasetIDs     []int    `json:"dataset_ids"`
	ItemIDs        []string `json:"item_ids"`
	ItemNames      []string `json:"item_names"`
	ItemPaths      []string `json:"item_paths"`
	ItemPathPrefix string   `json:"item_path_prefix"`
	ItemNamePrefix string   `json:"item_name_prefix"`
	Statuses       []string `json:"statuses"`
	// SlotTypes is darwin-py's slot_types[] list filter: items with a slot of one of the types.
	SlotTypes []string `json:"slot_types"`
	SelectAll bool     `json:"select_all"`
}

// onlyFolders says the filter selects whole folders of datasets and nothing else: the folder
// index answers it as it stands.
func (flt filters) onlyFolders() bool {
	return len(flt.DatasetIDs) > 0 && len(flt.ItemPaths) > 0 && len(flt.ItemIDs) == 0 && len(flt.ItemNames) == 0 &&
		flt.ItemPathPrefix == "" && flt.ItemNamePrefix == "" && len(flt.Statuses) == 0 && len(flt.SlotTypes) == 0
}

// candidates are the items a filter can select, from the narrowest index that serves it.
func (f *Fake) candidates(flt filters) []*item {
	switch {
	case len(flt.DatasetIDs) > 0 && len(flt.ItemPaths) > 0:
		var out []*item
		for _, ds := range flt.DatasetIDs {
			for _, p := range slices.Compact(slices.Sorted(slices.Values(flt.ItemPaths))) {
				out = append(out, f.idx.byFolder[folder{ds, p}]...)
			}
		}
		return out
	case len(flt.ItemIDs) > 0:
		var out []*item
		for _, id := range flt.ItemIDs {
			if it := f.items[id]; it != nil {
				out = append(out, it)
			}
		}
		return out
	case len(flt.ItemNames) > 0:
		var out []*item
		for _, n := range slices.Compact(slices.Sorted(slices.Values(flt.ItemNames))) {
			for it := range f.idx.byName[n] {
				out = append(out, it)
			}
		}
		return out
	}
	out := make([]*item, 0, len(f.items))
	for _, it := range f.items {
		out = append(out, it)
	}
	return out
}

// match returns the items a filter selects, in insertion order (the cursor order), as a list
// of its own that the caller may change items through.
func (f *Fake) match(flt filters) []*item { return slices.Clone(f.view(flt)) }

// view is match for a reader that changes nothing while f.mu is held: a whole folder is the
// index's own list, so that a page of it costs the page, not the folder.
func (f *Fake) view(flt filters) []*item {
	if flt.onlyFolders() && len(flt.DatasetIDs) == 1 && len(flt.ItemPaths) == 1 {
		return f.idx.byFolder[folder{flt.DatasetIDs[0], flt.ItemPaths[0]}] // sorted by seq
	}
	var out []*item
	for _, it := range f.candidates(flt) {
		if (len(flt.DatasetIDs) > 0 && !slices.Contains(flt.DatasetIDs, it.DatasetID)) ||
			(len(flt.ItemIDs) > 0 && !slices.Contains(flt.ItemIDs, it.ID)) ||
			(len(flt.ItemNames) > 0 && !slices.Contains(flt.ItemNames, it.Name)) ||
			(len(flt.ItemPaths) > 0 && !slices.Contains(flt.ItemPaths, it.Path)) ||
			(flt.ItemPathPrefix != "" && !strings.HasPrefix(it.Path, flt.ItemPathPrefix)) ||
			(flt.ItemNamePrefix != "" && !strings.HasPrefix(it.Name, flt.ItemNamePrefix)) {
			continue
		}
		if len(flt.Statuses) > 0 && !slices.Contains(flt.Statuses, itemJSON(it, f.status(it), false)["status"].(string)) {
			continue
		}
		if len(flt.SlotTypes) > 0 && !slices.ContainsFunc(it.Slots, func(s slot) bool { return slices.Contains(flt.SlotTypes, s.Type) }) {
			continue
		}
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return slices.CompactFunc(out, func(a, b *item) bool { return a == b })
}

// filterCall decodes {"filters": {...}, ...} and hands the matched items to act. A call
// without dataset_ids is refused (inferred: every documented body carries them). A body whose
// only filter is dataset_ids matches the whole dataset, as the notes suggest the real one may:
// darwin-py asserts against it client side, and the sandbox catches a provider that forgets to.
func (f *Fake) filterCall(act func(w http.ResponseWriter, body map[string]json.RawMessage, items []*item)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]json.RawMessage
		var flt filters
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body["filters"] == nil {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"filters": {"can't be blank"}})
			return
		}
		if err := json.Unmarshal(body["filters"], &flt); err != nil {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"filters": {"is invalid: " + err.Error()}})
			return
		}
		if len(flt.DatasetIDs) == 0 && !flt.SelectAll {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"filters.dataset_ids": {"can't be blank"}})
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		act(w, body, f.match(flt))
	}
}

// deleteItems deletes permanently. V7 removes the items only: derived files stay in the
// customer's bucket (the notes, §10). 200 with affected_item_count; an empty match is no error.
func (f *Fake) deleteItems(w http.ResponseWriter, _ map[string]json.RawMessage, items []*item) {
	for _, it := range items {
		f.remove(it)
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"affected_item_count": len(items)})
}

func (f *Fake) setArchived(archived bool) func(http.ResponseWriter, map[string]json.RawMessage, []*item) {
	return func(w http.ResponseWriter, _ map[string]json.RawMessage, items []*item) {
		for _, it := range items {
			it.Archived = archived
			it.UpdatedAt = time.Now().UTC()
		}
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"affected_item_count": len(items)})
	}
}

func (f *Fake) moveItems(w http.ResponseWriter, body map[string]json.RawMessage, items []*item) {
	var p string
	if err := json.Unmarshal(body["path"], &p); err != nil || !strings.HasPrefix(p, "/") {
		writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"path": {"must start with /"}})
		return
	}
	for _, it := range items {
		if other := f.at(it.DatasetID, p, it.Name); other != nil && other != it {
			writeFieldErrors(w, http.StatusUnprocessableEntity, map[string][]string{"path": {"an item named " + it.Name + " already exists there"}})
			return
		}
	}
	for _, it := range items {
		f.move(it, p)
		it.UpdatedAt = time.Now().UTC()
	}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"affected_item_count": len(items)})
}

// tagItems adds or removes a tag class on the matched items.
func (f *Fake) tagItems(add bool) func(http.ResponseWriter, map[string]json.RawMessage, []*item) {
	return func(w http.ResponseWriter, body map[string]json.RawMessage, items []*item) {
		var id int
		if err := json.Unmarshal(body["annotation_class_id"], &id); err != nil {
			writeFieldErrors(w, http.StatusBadRequest, map[string][]string{"annotation_class_id": {"can't be blank"}})
			return
		}
		var class *tagClass
		for _, c := range f.classes {
			if c.ID == id {
				class = c
			}
		}
		if class == nil || !slices.Contains(class.AnnotationTypes, "tag") {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "Tag class not found")
			return
		}
		for _, it := range items {
			has := slices.Contains(it.Tags, class.Name)
			switch {
			case add && !has:
				it.Tags = append(it.Tags, class.Name)
			case !add && has:
				it.Tags = slices.DeleteFunc(it.Tags, func(t string) bool { return t == class.Name })
			}
		}
		sandbox.WriteJSON(w, http.StatusOK, map[string]any{"affected_item_count": len(items)})
	}
}
