package dandifake

import (
	"crypto/md5" //nolint:gosec // S3 etags are MD5s
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

func (f *Fake) findAsset(w http.ResponseWriter, r *http.Request, v *version) (int, *asset) {
	for i, a := range v.assets {
		if a.ID == r.PathValue("asset") {
			return i, a
		}
	}
	detail(w, http.StatusNotFound, "Not found.")
	return -1, nil
}

func (f *Fake) getAsset(w http.ResponseWriter, r *http.Request, _ bool) {
	d, v := f.dandisetVersion(w, r)
	if v == nil {
		return
	}
	if _, a := f.findAsset(w, r, v); a != nil {
		sandbox.WriteJSON(w, http.StatusOK, assetMetadata(d.ID, a, f.endpoint))
	}
}

// bareString writes a DandiError: the body is a bare JSON string.
func bareString(w http.ResponseWriter, status int, msg string) {
	sandbox.WriteJSON(w, status, msg)
}

// deleteAsset unlinks an asset from the draft, in the archive's order of checks: anonymous
// 401, non-owner 403 (an empty body, as django-guardian answers), unknown version 404, asset
// not in the version 404, published version 405 with a bare JSON string. Success is 204; the
// draft turns Pending and its modified time moves.
func (f *Fake) deleteAsset(w http.ResponseWriter, r *http.Request, authed bool) {
	if !authed {
		detail(w, http.StatusUnauthorized, "Authentication credentials were not provided.")
		return
	}
	d := f.dandiset(w, r)
	if d == nil {
		return
	}
	if !d.owned {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	v := f.version(w, r, d)
	if v == nil {
		return
	}
	i, a := f.findAsset(w, r, v)
	if a == nil {
		return
	}
	if v.Version != "draft" {
		bareString(w, http.StatusMethodNotAllowed, "Only draft versions can be modified.")
		return
	}
	v.assets = append(v.assets[:i], v.assets[i+1:]...)
	v.Status, v.Modified, v.dirty = "Pending", f.now().UTC(), f.now()
	w.WriteHeader(http.StatusNoContent)
}

var (
	assetPathRE = regexp.MustCompile(`^[A-Za-z0-9(),&\s#+~_=.\-/]+$`)
	uuidRE      = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// createAsset adds an asset to the draft: {metadata: {path, …}, blob_id}. The fake holds no
// uploads, so any blob id that is a UUID is accepted (inferred; the archive checks the blob
// exists, and blob ids are UUIDs, its S3 keys blobs/<id[0:3]>/<id[3:6]>/<id>).
func (f *Fake) createAsset(w http.ResponseWriter, r *http.Request, authed bool) {
	if !authed {
		detail(w, http.StatusUnauthorized, "Authentication credentials were not provided.")
		return
	}
	d := f.dandiset(w, r)
	if d == nil {
		return
	}
	if !d.owned {
		bareString(w, http.StatusForbidden, "A dandiset owner is required to perform this action.")
		return
	}
	v := f.version(w, r, d)
	if v == nil {
		return
	}
	if v.Version != "draft" {
		bareString(w, http.StatusMethodNotAllowed, "Only draft versions can be modified.")
		return
	}
	var body struct {
		Metadata map[string]any `json:"metadata"`
		BlobID   string         `json:"blob_id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.BlobID == "" {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string][]string{"blob_id": {"This field is required."}})
		return
	}
	if !uuidRE.MatchString(body.BlobID) {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string][]string{"blob_id": {"Must be a valid UUID."}})
		return
	}
	path, _ := body.Metadata["path"].(string)
	if path == "" || strings.HasPrefix(path, "/") || len(path) > 512 || !assetPathRE.MatchString(path) {
		sandbox.WriteJSON(w, http.StatusBadRequest, map[string][]string{"path": {"Invalid path."}})
		return
	}
	for _, a := range v.assets {
		if a.Path == path {
			bareString(w, http.StatusConflict, "An asset with that path already exists")
			return
		}
	}
	size, _ := body.Metadata["contentSize"].(float64)
	a := newAsset(path, int64(size), f.now().UTC())
	a.BlobID = body.BlobID
	v.assets = append(v.assets, a)
	v.Status, v.Modified, v.dirty = "Pending", f.now().UTC(), f.now()
	sandbox.WriteJSON(w, http.StatusOK, assetJSON(a))
}

// listPaths is /assets/paths/: the direct children of a folder with aggregates.
func (f *Fake) listPaths(w http.ResponseWriter, r *http.Request, _ bool) {
	_, v := f.dandisetVersion(w, r)
	if v == nil {
		return
	}
	prefix := strings.TrimSuffix(r.URL.Query().Get("path_prefix"), "/")
	type node struct {
		files int
		size  int64
		leaf  *asset
	}
	children := map[string]*node{}
	for _, a := range v.assets {
		rest := a.Path
		if prefix != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(a.Path, prefix+"/"); !ok {
				continue
			}
		}
		name, _, isDir := strings.Cut(rest, "/")
		full := strings.TrimPrefix(prefix+"/"+name, "/")
		n := children[full]
		if n == nil {
			n = &node{}
			children[full] = n
		}
		n.files++
		n.size += a.Size
		if !isDir {
			n.leaf = a
		}
	}
	if prefix != "" && len(children) == 0 {
		detail(w, http.StatusNotFound, "Specified path not found.")
		return
	}
	names := make([]string, 0, len(children))
	for n := range children {
		names = append(names, n)
	}
	sort.Strings(names)
	items := make([]any, len(names))
	for i, n := range names {
		var leaf any
		if c := children[n]; c.leaf != nil {
			leaf = map[string]string{"asset_id": c.leaf.ID, "url": f.endpoint + "/api/assets/" + c.leaf.ID + "/download/"}
		}
		items[i] = map[string]any{"path": n, "version": 0, "aggregate_files": children[n].files, "aggregate_size": children[n].size, "asset": leaf}
	}
	page(w, r, items, false)
}

// assetMetadata is an asset's full metadata, as in the manifest: contentSize an integer,
// contentUrl absolute (the API's download URL, then the blob on S3), schemaVersion always.
func assetMetadata(dandisetID string, a *asset, endpoint string) map[string]any {
	blobURL := fmt.Sprintf("https://dandiarchive.s3.amazonaws.com/blobs/%s/%s/%s", a.BlobID[0:3], a.BlobID[3:6], a.BlobID)
	return map[string]any{
		"@context": "https://raw.githubusercontent.com/dandi/schema/master/releases/0.6.4/context.json",
		"id":       "dandiasset:" + a.ID, "identifier": a.ID, "schemaKey": "Asset", "schemaVersion": "0.6.4", "path": a.Path,
		"contentSize": a.Size, "encodingFormat": "application/octet-stream", "dateModified": a.Modified.Format(time.RFC3339Nano),
		"contentUrl": []string{endpoint + "/api/assets/" + a.ID + "/download/", blobURL},
		"digest":     map[string]string{"dandi:dandi-etag": etag(a.BlobID)},
		"access":     []map[string]string{{"schemaKey": "AccessRequirements", "status": "dandi:OpenAccess"}},
		"dandiset":   dandisetID,
	}
}

// etag is a stable S3-style multipart etag for a blob id (any length: the digest of the id).
func etag(blobID string) string {
	sum := md5.Sum([]byte(blobID)) //nolint:gosec // an etag's shape, not security
	return hex.EncodeToString(sum[:]) + "-1"
}

// manifest serves assets.jsonld, a bare JSON array, as the last run of the archive's periodic
// task left it: a draft's changes show once the manifest delay has passed (settle).
func (f *Fake) manifest(w http.ResponseWriter, r *http.Request, _ bool) {
	d, ok := f.dandisets[r.PathValue("id")]
	if !ok {
		w.WriteHeader(http.StatusNotFound) // S3's NoSuchKey, as a bare 404 here
		return
	}
	for _, v := range d.versions {
		if v.Version != r.PathValue("v") {
			continue
		}
		items := make([]map[string]any, len(v.manifest))
		for i, a := range v.manifest {
			items[i] = assetMetadata(d.ID, a, f.endpoint)
		}
		w.Header().Set("Content-Type", "application/ld+json")
		_ = json.NewEncoder(w).Encode(items)
		return
	}
	w.WriteHeader(http.StatusNotFound)
}
