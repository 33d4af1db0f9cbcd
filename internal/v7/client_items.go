package v7

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Section is a read-only video or DICOM section the customer generated.
type Section struct {
	SectionIndex int64  `json:"section_index"`
	Width        int64  `json:"width"`
	Height       int64  `json:"height"`
	StorageHQKey string `json:"storage_hq_key,omitempty"`
	StorageLQKey string `json:"storage_lq_key,omitempty"`
}

// RegisterSlot is one file of an item, as registration takes it.
type RegisterSlot struct {
	SlotName   string `json:"slot_name"`
	FileName   string `json:"file_name"`
	StorageKey string `json:"storage_key"`
	Type       string `json:"type,omitempty"`
	// Read-only extras: derivatives the customer made, which V7 only reads.
	StorageThumbnailKey string    `json:"storage_thumbnail_key,omitempty"`
	Width               *int64    `json:"width,omitempty"`
	Height              *int64    `json:"height,omitempty"`
	Sections            []Section `json:"sections,omitempty"`
}

// RegisterItem is one item to register, in the slotted form.
type RegisterItem struct {
	Name  string         `json:"name"`
	Path  string         `json:"path"`
	Tags  []string       `json:"tags,omitempty"`
	Slots []RegisterSlot `json:"slots"`
}

// Registration is what register_existing(_readonly) answered: 200 even when items are blocked.
type Registration struct {
	Items        []Item        `json:"items"`
	BlockedItems []BlockedItem `json:"blocked_items"`
}

// BlockedItem is an item V7 refused, with a reason per slot.
type BlockedItem struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Slots []struct {
		SlotName string `json:"slot_name"`
		Reason   string `json:"reason"`
	} `json:"slots"`
}

// Reason joins the slots' reasons.
func (b BlockedItem) Reason() string {
	var parts []string
	for _, s := range b.Slots {
		if s.Reason != "" {
			parts = append(parts, fmt.Sprintf("slot %q: %s", s.SlotName, s.Reason))
		}
	}
	if len(parts) == 0 {
		return "no reason given"
	}
	return strings.Join(parts, "; ")
}

// Item is an item as get and list return it.
type Item struct {
	ID               string     `json:"id"`
	Name             string     `json:"name"`
	Path             string     `json:"path"`
	DatasetID        int64      `json:"dataset_id"`
	Archived         bool       `json:"archived"`
	Status           string     `json:"status"`
	ProcessingStatus string     `json:"processing_status"`
	Tags             Tags       `json:"tags"`
	Slots            []ItemSlot `json:"slots"`
}

// ItemSlot is a slot of an item as V7 reports it. StorageKey is optional in darwin-py's item
// model (ItemCore.slots), so an answer may leave it out.
type ItemSlot struct {
	ID         string `json:"id"`
	SlotName   string `json:"slot_name"`
	FileName   string `json:"file_name"`
	Type       string `json:"type"`
	SizeBytes  int64  `json:"size_bytes"`
	StorageKey string `json:"storage_key"`
}

// Tags are an item's tag names. darwin-py types them as a list of names or a map (name to
// value), so both decode; a map gives its keys, sorted.
type Tags []string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Tags) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*t = list
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("V7 item tags are neither a list of names nor a map: %s", truncate(b, 80))
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	*t = names
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// MaxRegisterBatch is the most items one registration request carries: V7's reference page
// (/reference/imports) documents at most 100 items a request, beside 100 requests a minute.
// (Its troubleshooting page says 500; darwin-py sends 10 to spare V7's processing queues.)
const MaxRegisterBatch = 100

// Register registers one item from a storage connection, read-write or read-only.
func (c *Client) Register(ctx context.Context, team string, readonly bool, datasetSlug, storageSlug string, it RegisterItem) (Registration, error) {
	return c.RegisterItems(ctx, team, readonly, datasetSlug, storageSlug, []RegisterItem{it})
}

// RegisterItems registers up to MaxRegisterBatch items in one request.
func (c *Client) RegisterItems(ctx context.Context, team string, readonly bool, datasetSlug, storageSlug string, items []RegisterItem) (Registration, error) {
	if len(items) > MaxRegisterBatch {
		return Registration{}, fmt.Errorf("registering %d items in one request: V7 takes at most %d", len(items), MaxRegisterBatch)
	}
	endpoint := "register_existing"
	if readonly {
		endpoint = "register_existing_readonly"
	}
	// storage_slug carries the connection's name, as darwin-py sends it.
	body := map[string]any{"items": items, "dataset_slug": datasetSlug, "storage_slug": storageSlug}
	var out Registration
	err := c.do(ctx, http.MethodPost, teamPath(team, "items", endpoint), nil, body, &out)
	return out, err
}

// Item returns an item by id; a missing item is an APIError with status 404.
func (c *Client) Item(ctx context.Context, team, id string) (Item, error) {
	var it Item
	err := c.do(ctx, http.MethodGet, teamPath(team, "items", url.PathEscape(id)), nil, nil, &it)
	return it, err
}

// ListQuery selects items of one dataset, or of several; empty fields do not filter.
type ListQuery struct {
	DatasetID int64
	// DatasetIDs are more datasets, beside DatasetID when it is set.
	DatasetIDs []int64
	Names      []string
	Paths      []string
	// PathPrefix is V7's item_path_prefix: a bare string prefix of the folder path ("/a/" for
	// the subfolders of /a).
	PathPrefix string
	Statuses   []string
	// PageSize is the page size asked for; 500 (darwin-py's) when zero.
	PageSize int
}

// maxPages bounds a listing whose cursor never ends (a server bug), at 500 items a page far
// beyond any dataset the API serves.
const maxPages = 100000

// ListItems returns every item the query selects, following page.next cursors.
func (c *Client) ListItems(ctx context.Context, team string, q ListQuery) ([]Item, error) {
	v := url.Values{}
	if q.DatasetID != 0 {
		v.Add("dataset_ids[]", strconv.FormatInt(q.DatasetID, 10))
	}
	for _, id := range q.DatasetIDs {
		v.Add("dataset_ids[]", strconv.FormatInt(id, 10))
	}
	if q.PathPrefix != "" {
		v.Set("item_path_prefix", q.PathPrefix)
	}
	for _, n := range q.Names {
		v.Add("item_names[]", n)
	}
	for _, p := range q.Paths {
		v.Add("item_paths[]", p)
	}
	for _, s := range q.Statuses {
		v.Add("statuses[]", s)
	}
	size := q.PageSize
	if size <= 0 {
		size = 500
	}
	v.Set("page[size]", strconv.Itoa(size))
	var out []Item
	seen := map[string]bool{}
	for range maxPages {
		var page struct {
			Items []Item `json:"items"`
			Page  struct {
				Next *string `json:"next"`
			} `json:"page"`
		}
		if err := c.do(ctx, http.MethodGet, teamPath(team, "items"), v, nil, &page); err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.Page.Next == nil || *page.Page.Next == "" {
			return out, nil
		}
		if seen[*page.Page.Next] {
			return nil, fmt.Errorf("listing items of dataset %d: V7 repeated the page cursor %q", q.DatasetID, *page.Page.Next)
		}
		seen[*page.Page.Next] = true
		v.Set("page[from]", *page.Page.Next)
	}
	return nil, fmt.Errorf("listing items of dataset %d: more than %d pages", q.DatasetID, maxPages)
}

// Filters select items in filter-body calls. DatasetIDs is always sent.
type Filters struct {
	DatasetIDs []int64  `json:"dataset_ids"`
	ItemIDs    []string `json:"item_ids,omitempty"`
}

// errWholeDataset refuses a filter-body call that would select a whole dataset.
var errWholeDataset = errors.New("refusing a V7 item call whose only filter is dataset_ids: it would act on the whole dataset")

func (f Filters) check() error {
	if len(f.DatasetIDs) == 0 || len(f.ItemIDs) == 0 {
		return errWholeDataset
	}
	return nil
}

// DeleteItems deletes the selected items permanently and returns how many V7 deleted. It
// refuses a call that names no item (darwin-py's guard): V7 would delete the whole dataset.
func (c *Client) DeleteItems(ctx context.Context, team string, f Filters) (int, error) {
	if err := f.check(); err != nil {
		return 0, err
	}
	var out struct {
		Affected int `json:"affected_item_count"`
	}
	err := c.do(ctx, http.MethodDelete, teamPath(team, "items"), nil, map[string]any{"filters": f}, &out)
	return out.Affected, err
}

// MoveItems moves the selected items to a folder path.
func (c *Client) MoveItems(ctx context.Context, team string, f Filters, path string) error {
	if err := f.check(); err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, teamPath(team, "items", "path"), nil, map[string]any{"filters": f, "path": path}, nil)
}

// TagClass is an annotation class of type tag: a tag's name and id.
type TagClass struct {
	ID              int64    `json:"id"`
	Name            string   `json:"name"`
	AnnotationTypes []string `json:"annotation_types"`
}

// TagClasses returns the team's tag classes by name.
func (c *Client) TagClasses(ctx context.Context, team string) (map[string]int64, error) {
	var out struct {
		Classes []TagClass `json:"annotation_classes"`
	}
	q := url.Values{"include_tags": {"true"}}
	if err := c.do(ctx, http.MethodGet, "/teams/"+url.PathEscape(team)+"/annotation_classes", q, nil, &out); err != nil {
		return nil, err
	}
	byName := map[string]int64{}
	for _, cl := range out.Classes {
		if slices.Contains(cl.AnnotationTypes, "tag") {
			byName[cl.Name] = cl.ID
		}
	}
	return byName, nil
}

// AnnotationTypeID returns the id of the annotation type with this name (such as "tag"), from
// GET /annotation_types, as darwin-py looks it up.
func (c *Client) AnnotationTypeID(ctx context.Context, name string) (int64, error) {
	var types []struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := c.do(ctx, http.MethodGet, "/annotation_types", nil, nil, &types); err != nil {
		return 0, err
	}
	for _, t := range types {
		if t.Name == name {
			return t.ID, nil
		}
	}
	return 0, fmt.Errorf("annotation type %q: %w among the %d types V7 lists", name, ErrNotFound, len(types))
}

// CreateTagClass creates a tag in a dataset the way darwin-py creates an annotation class:
// POST /annotation_classes with the tag type's id.
func (c *Client) CreateTagClass(ctx context.Context, name string, tagTypeID, datasetID int64) (int64, error) {
	body := map[string]any{
		"dataset_id": datasetID, "name": name, "metadata": map[string]string{"_color": "auto"},
		"annotation_type_ids": []int64{tagTypeID}, "datasets": []map[string]int64{{"id": datasetID}},
	}
	var out TagClass
	err := c.do(ctx, http.MethodPost, "/annotation_classes", nil, body, &out)
	return out.ID, err
}

// SetTag adds (add) or removes a tag on the selected items.
func (c *Client) SetTag(ctx context.Context, team string, f Filters, classID int64, add bool) error {
	if err := f.check(); err != nil {
		return err
	}
	method := http.MethodPost
	if !add {
		method = http.MethodDelete
	}
	return c.do(ctx, method, teamPath(team, "items", "slots", "tags"), nil, map[string]any{"filters": f, "annotation_class_id": classID}, nil)
}
