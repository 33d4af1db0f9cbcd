package foundryfake

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox"
)

type route struct {
	version string // "v1" or "v2"
	dataset string
	// rest is what follows the dataset, still escaped: "", "branches/master", "transactions",
	// "transactions/<rid>/commit", "files", "files:upload", "files/<path>[/content|/upload]".
	rest string
}

func parseRoute(r *http.Request) (route, bool) {
	p := r.URL.EscapedPath()
	var rt route
	for _, v := range []string{"v1", "v2"} {
		if after, ok := strings.CutPrefix(p, "/api/"+v+"/datasets/"); ok {
			rt.version, p = v, after
		}
	}
	if rt.version == "" {
		return rt, false
	}
	ds, rest, _ := strings.Cut(p, "/")
	dsRID, err := url.PathUnescape(ds)
	if err != nil || dsRID == "" {
		return rt, false
	}
	rt.dataset, rt.rest = dsRID, rest
	return rt, true
}

// branchParam is the query parameter naming a branch: v1 branchId, v2 branchName.
func (rt route) branchParam() string {
	if rt.version == "v2" {
		return "branchName"
	}
	return "branchId"
}

func (f *Fake) dispatch(w http.ResponseWriter, r *http.Request, rt route, ds *dataset) *apiError {
	rest := rt.rest
	switch {
	case rest == "" && r.Method == http.MethodGet:
		sandbox.WriteJSON(w, http.StatusOK, ds)
		return nil
	case strings.HasPrefix(rest, "branches/") && r.Method == http.MethodGet:
		name, _ := url.PathUnescape(strings.TrimPrefix(rest, "branches/"))
		b, e := f.branch(rt, ds, name)
		if e != nil {
			return e
		}
		// The SDK's Branch.transactionRid: "the most recent OPEN or COMMITTED transaction on
		// the branch. This will never be an ABORTED transaction."
		latest := b.head
		if b.open != "" {
			latest = b.open
		}
		out := map[string]any{"transactionRid": nilIfEmpty(latest)}
		if rt.version == "v2" {
			out["name"] = b.name
		} else {
			out["branchId"] = b.name
		}
		sandbox.WriteJSON(w, http.StatusOK, out)
		return nil
	case rest == "branches" && r.Method == http.MethodPost && rt.version == "v2":
		return f.createBranch(w, r, ds)
	case rest == "transactions" && r.Method == http.MethodPost:
		return f.createTransaction(w, r, rt, ds)
	case strings.HasPrefix(rest, "transactions/"):
		return f.transactionCall(w, r, ds, strings.TrimPrefix(rest, "transactions/"))
	case rest == "files" && r.Method == http.MethodGet:
		return f.listFiles(w, r, rt, ds)
	case rest == "files:upload" && r.Method == http.MethodPost && rt.version == "v1":
		return f.upload(w, r, rt, ds, r.URL.Query().Get("filePath"))
	case strings.HasPrefix(rest, "files/"):
		return f.fileCall(w, r, rt, ds, strings.TrimPrefix(rest, "files/"))
	}
	w.WriteHeader(http.StatusNotFound)
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var looksLikeRID = regexp.MustCompile(`^ri\.|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// branch finds a branch; empty names default to master. A name that looks like a RID or a
// UUID is InvalidBranchId (v2: InvalidBranchName).
func (f *Fake) branch(rt route, ds *dataset, name string) (*branch, *apiError) {
	if name == "" {
		name = Branch
	}
	param := rt.branchParam()
	if looksLikeRID.MatchString(name) {
		if rt.version == "v2" {
			return nil, errInvalid("InvalidBranchName", map[string]any{"branchName": name})
		}
		return nil, errInvalid("InvalidBranchId", map[string]any{"branchId": name})
	}
	b, ok := ds.branches[name]
	if !ok {
		return nil, errNotFound("BranchNotFound", map[string]any{"datasetRid": ds.RID, param: name})
	}
	return b, nil
}

// createBranch is v2's Create Branch: a branch named name whose view is the transaction
// transactionRid ends (a committed one of the dataset), or empty without one.
func (f *Fake) createBranch(w http.ResponseWriter, r *http.Request, ds *dataset) *apiError {
	var body struct {
		Name           string `json:"name"`
		TransactionRID string `json:"transactionRid"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	switch {
	case body.Name == "" || looksLikeRID.MatchString(body.Name):
		return errInvalid("InvalidBranchName", map[string]any{"branchName": body.Name})
	case ds.branches[body.Name] != nil:
		return errConflict("BranchAlreadyExists", map[string]any{"datasetRid": ds.RID, "branchName": body.Name})
	}
	if tx := ds.txns[body.TransactionRID]; body.TransactionRID != "" && (tx == nil || tx.Status != Committed) {
		return errNotFound("TransactionNotFound", map[string]any{"datasetRid": ds.RID, "transactionRid": body.TransactionRID})
	}
	ds.branches[body.Name] = &branch{name: body.Name, head: body.TransactionRID}
	sandbox.WriteJSON(w, http.StatusOK, map[string]any{"name": body.Name, "transactionRid": nilIfEmpty(body.TransactionRID)})
	return nil
}

func (f *Fake) createTransaction(w http.ResponseWriter, r *http.Request, rt route, ds *dataset) *apiError {
	b, e := f.branch(rt, ds, r.URL.Query().Get(rt.branchParam()))
	if e != nil {
		return e
	}
	var body struct {
		Type string `json:"transactionType"`
	}
	_ = json.NewDecoder(r.Body).Decode(&body)
	switch {
	case body.Type == "" && rt.version == "v2":
		return errInvalid("Default:InvalidArgument", map[string]any{"message": "transactionType is required"})
	case body.Type == "":
		body.Type = Update // inferred: v1's optional type defaults as branch uploads do
	case body.Type != Snapshot && body.Type != Update && body.Type != Append && body.Type != Delete:
		return errInvalid("Default:InvalidArgument", map[string]any{"message": "unknown transactionType " + body.Type})
	}
	if b.open != "" {
		return errConflict("OpenTransactionAlreadyExists", map[string]any{"datasetRid": ds.RID, rt.branchParam(): b.name})
	}
	sandbox.WriteJSON(w, http.StatusOK, f.openTx(ds, b, body.Type))
	return nil
}

func (f *Fake) transactionCall(w http.ResponseWriter, r *http.Request, ds *dataset, rest string) *apiError {
	id, action, _ := strings.Cut(rest, "/")
	id, _ = url.PathUnescape(id)
	tx, ok := ds.txns[id]
	if !ok {
		return errNotFound("TransactionNotFound", map[string]any{"datasetRid": ds.RID, "transactionRid": id})
	}
	switch {
	case action == "" && r.Method == http.MethodGet:
		sandbox.WriteJSON(w, http.StatusOK, tx)
		return nil
	case (action == "commit" || action == "abort") && r.Method == http.MethodPost:
		if tx.Status != Open {
			return errInvalid("TransactionNotOpen", map[string]any{"datasetRid": ds.RID, "transactionRid": tx.RID, "transactionStatus": tx.Status})
		}
		if action == "abort" {
			now := time.Now().UTC()
			tx.Status, tx.ClosedTime = Aborted, &now
			ds.branches[tx.branch].open = ""
		} else {
			if e := checkAppend(ds, tx); e != nil {
				return e
			}
			f.commit(ds, tx)
		}
		sandbox.WriteJSON(w, http.StatusOK, tx)
		return nil
	}
	w.WriteHeader(http.StatusNotFound)
	return nil
}

// checkAppend fails the commit of an APPEND transaction that overwrites a file of its view
// (the notes: APPEND fails at commit, not at upload). The error name is not documented; the
// general invalid-argument error is used.
func checkAppend(ds *dataset, tx *transaction) *apiError {
	if tx.Type != Append {
		return nil
	}
	view := ds.view(tx.prev)
	for p := range tx.changes {
		if _, ok := view[p]; ok {
			return errInvalid("Default:InvalidArgument", map[string]any{"message": "APPEND transaction overwrites " + p})
		}
	}
	return nil
}

// visible is a file as a view shows it.
type visible struct {
	path string
	tx   string
	fv   *fileVersion
}

// view resolves the files visible at committed transaction end: the newest version of each
// path walking back through the branch's history, stopping after a SNAPSHOT; deletions hide.
func (ds *dataset) view(end string) map[string]visible {
	out, seen := map[string]visible{}, map[string]bool{}
	for cur := end; cur != ""; {
		tx := ds.txns[cur]
		if tx.Status == Committed {
			for p, v := range tx.changes {
				if !seen[p] {
					seen[p] = true
					if !v.deleted {
						out[p] = visible{path: p, tx: tx.RID, fv: v}
					}
				}
			}
			if tx.Type == Snapshot {
				break
			}
		}
		cur = tx.prev
	}
	return out
}

func fileJSON(v visible) map[string]any {
	return map[string]any{"path": v.path, "transactionRid": v.tx, "sizeBytes": strconv.Itoa(len(v.fv.content)),
		"updatedTime": v.fv.updated.Format(time.RFC3339Nano)}
}

// viewFor is the view a read asks for: endTransactionRid (a historical view, or with
// startTransactionRid the transaction range start..end) or a branch.
func (f *Fake) viewFor(r *http.Request, rt route, ds *dataset) (map[string]visible, string, *apiError) {
	q := r.URL.Query()
	start, end := q.Get("startTransactionRid"), q.Get("endTransactionRid")
	if end == "" && start != "" {
		// Inferred: a range needs its end (the SDK sends start only with end).
		return nil, "", errInvalid("Default:InvalidArgument", map[string]any{"message": "startTransactionRid needs endTransactionRid"})
	}
	if end != "" {
		tx, ok := ds.txns[end]
		if !ok {
			return nil, "", errNotFound("TransactionNotFound", map[string]any{"datasetRid": ds.RID, "transactionRid": end})
		}
		if start == "" {
			return ds.view(tx.RID), "", nil
		}
		if _, ok := ds.txns[start]; !ok {
			return nil, "", errNotFound("TransactionNotFound", map[string]any{"datasetRid": ds.RID, "transactionRid": start})
		}
		v, ok := ds.rangeView(start, end)
		if !ok {
			return nil, "", errInvalid("Default:InvalidArgument", map[string]any{"message": start + " is not before " + end + " on its branch"})
		}
		return v, "", nil
	}
	b, e := f.branch(rt, ds, q.Get(rt.branchParam()))
	if e != nil {
		return nil, "", e
	}
	return ds.view(b.head), b.name, nil
}

// rangeView is what the committed transactions from start to end (both included, walking
// back from end) changed: the newest version of each path; deletions hide. start = end is
// what that one transaction changed. ok is false when start is not on end's history.
func (ds *dataset) rangeView(start, end string) (map[string]visible, bool) {
	out, seen := map[string]visible{}, map[string]bool{}
	for cur := end; cur != ""; cur = ds.txns[cur].prev {
		tx := ds.txns[cur]
		if tx.Status == Committed {
			for p, v := range tx.changes {
				if !seen[p] {
					seen[p] = true
					if !v.deleted {
						out[p] = visible{path: p, tx: tx.RID, fv: v}
					}
				}
			}
		}
		if cur == start {
			return out, true
		}
	}
	return nil, false
}

func (f *Fake) listFiles(w http.ResponseWriter, r *http.Request, rt route, ds *dataset) *apiError {
	view, _, e := f.viewFor(r, rt, ds)
	if e != nil {
		return e
	}
	q := r.URL.Query()
	size := maxPageSize
	if s := q.Get("pageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return errInvalid("Default:InvalidArgument", map[string]any{"message": "pageSize must be an integer, not " + strconv.Quote(s)})
		}
		if n <= 0 {
			return errInvalid("InvalidPageSize", map[string]any{"pageSize": n}) // an integer, as the SDK types it
		}
		size = min(n, maxPageSize) // inferred: the server caps the page size
	}
	start := 0
	if tok := q.Get("pageToken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 || n > len(view) {
			return errInvalid("InvalidPageToken", map[string]any{"pageToken": tok})
		}
		start = n
	}
	paths := make([]string, 0, len(view))
	for p := range view {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	end := min(start+size, len(paths))
	data := make([]map[string]any, 0, end-start)
	for _, p := range paths[start:end] {
		data = append(data, fileJSON(view[p]))
	}
	out := map[string]any{"data": data}
	if end < len(paths) {
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	sandbox.WriteJSON(w, http.StatusOK, out)
	return nil
}

// fileCall serves files/<path>, files/<path>/content, (v2) files/<path>/upload and
// DELETE files/<path>. The SDK encodes the path whole (%2F for /) and says the backend needs
// it: in v2 a raw / makes another route, answered as the mis-route it is (inferred: a 404 in the
// error envelope). v1 decodes both forms once, as before.
func (f *Fake) fileCall(w http.ResponseWriter, r *http.Request, rt route, ds *dataset, rest string) *apiError {
	action := ""
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(rest, "/content"):
		rest, action = strings.TrimSuffix(rest, "/content"), "content"
	case r.Method == http.MethodPost && rt.version == "v2" && strings.HasSuffix(rest, "/upload"):
		rest, action = strings.TrimSuffix(rest, "/upload"), "upload"
	}
	if rt.version == "v2" && strings.Contains(rest, "/") {
		return errNotFound("Default:NotFound", map[string]any{"message": "no route for " + r.Method + " " + r.URL.EscapedPath() +
			": encode the file path whole (%2F for /)"})
	}
	path, err := url.PathUnescape(rest)
	if err != nil {
		return errInvalid("InvalidFilePath", map[string]any{"filePath": rest})
	}
	switch {
	case action == "upload":
		return f.upload(w, r, rt, ds, path)
	case r.Method == http.MethodGet:
		return f.getFile(w, r, rt, ds, path, action == "content")
	case r.Method == http.MethodDelete:
		return f.deleteFile(w, r, rt, ds, path)
	}
	w.WriteHeader(http.StatusNotFound)
	return nil
}

func (f *Fake) getFile(w http.ResponseWriter, r *http.Request, rt route, ds *dataset, path string, content bool) *apiError {
	view, branchName, e := f.viewFor(r, rt, ds)
	if e != nil {
		return e
	}
	v, ok := view[path]
	if !ok {
		if branchName == "" {
			return errNotFound("FileNotFoundOnTransactionRange", map[string]any{"datasetRid": ds.RID,
				"endTransactionRid": r.URL.Query().Get("endTransactionRid"), "path": path})
		}
		return errNotFound("FileNotFoundOnBranch", map[string]any{"datasetRid": ds.RID, rt.branchParam(): branchName, "path": path})
	}
	if content {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(v.fv.content)
		return nil
	}
	sandbox.WriteJSON(w, http.StatusOK, fileJSON(v))
	return nil
}

func validPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// target is the transaction a write goes into: an open one named by transactionRid, or a new
// one the server opens on the branch and commits after the write (auto mode).
func (f *Fake) target(r *http.Request, rt route, ds *dataset, autoType string) (tx *transaction, auto bool, e *apiError) {
	q := r.URL.Query()
	txRID, branchName := q.Get("transactionRid"), q.Get(rt.branchParam())
	if txRID != "" && branchName != "" {
		// Inferred: naming both is InvalidParameterCombination.
		return nil, false, errInvalid("InvalidParameterCombination", map[string]any{"validCombinations": [][]string{{"transactionRid"}, {rt.branchParam()}},
			"providedParameters": []string{"transactionRid", rt.branchParam()}})
	}
	if txRID != "" {
		tx, ok := ds.txns[txRID]
		if !ok {
			return nil, false, errNotFound("TransactionNotFound", map[string]any{"datasetRid": ds.RID, "transactionRid": txRID})
		}
		if tx.Status != Open {
			return nil, false, errInvalid("TransactionNotOpen", map[string]any{"datasetRid": ds.RID, "transactionRid": txRID, "transactionStatus": tx.Status})
		}
		return tx, false, nil
	}
	b, e := f.branch(rt, ds, branchName)
	if e != nil {
		return nil, false, e
	}
	if b.open != "" {
		return nil, false, errConflict("OpenTransactionAlreadyExists", map[string]any{"datasetRid": ds.RID, rt.branchParam(): b.name})
	}
	return f.openTx(ds, b, autoType), true, nil
}

func (f *Fake) upload(w http.ResponseWriter, r *http.Request, rt route, ds *dataset, path string) *apiError {
	if !validPath(path) {
		return errInvalid("InvalidFilePath", map[string]any{"filePath": path})
	}
	autoType := r.URL.Query().Get("transactionType")
	if autoType == "" {
		autoType = Update
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return errInvalid("Default:InvalidArgument", map[string]any{"message": err.Error()})
	}
	tx, auto, e := f.target(r, rt, ds, autoType)
	if e != nil {
		return e
	}
	if tx.Type == Delete {
		// Inferred: a DELETE transaction takes no uploads.
		return errInvalid("InvalidTransactionType", map[string]any{"datasetRid": ds.RID, "transactionRid": tx.RID, "transactionType": tx.Type})
	}
	fv := &fileVersion{content: body, updated: time.Now().UTC()}
	tx.changes[path] = fv
	if auto {
		if e := checkAppend(ds, tx); e != nil {
			tx.Status = Aborted
			ds.branches[tx.branch].open = ""
			return e
		}
		f.commit(ds, tx)
	}
	sandbox.WriteJSON(w, http.StatusOK, fileJSON(visible{path: path, tx: tx.RID, fv: fv}))
	return nil
}

func (f *Fake) deleteFile(w http.ResponseWriter, r *http.Request, rt route, ds *dataset, path string) *apiError {
	q := r.URL.Query()
	if txRID := q.Get("transactionRid"); txRID != "" && q.Get(rt.branchParam()) == "" {
		tx, ok := ds.txns[txRID]
		if ok && tx.Status == Open && tx.Type != Delete {
			return errInvalid("InvalidTransactionType", map[string]any{"datasetRid": ds.RID, "transactionRid": tx.RID, "transactionType": tx.Type})
		}
	}
	tx, auto, e := f.target(r, rt, ds, Delete)
	if e != nil {
		return e
	}
	if _, ok := ds.view(tx.prev)[path]; !ok {
		if auto {
			tx.Status = Aborted
			ds.branches[tx.branch].open = ""
		}
		return errNotFound("FileNotFoundOnBranch", map[string]any{"datasetRid": ds.RID, rt.branchParam(): tx.branch, "path": path})
	}
	tx.changes[path] = &fileVersion{deleted: true, updated: time.Now().UTC()}
	if auto {
		f.commit(ds, tx)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
