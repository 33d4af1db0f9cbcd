package s3store

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
)

// Rules teach the embedded server what gofakes3 does not do, as far as the tests need it:
//
//   - Object lock on buckets created with it: retention in governance and compliance mode and
//     legal holds, set per version, enforced on deletes by version id, governance bypassed by
//     x-amz-bypass-governance-retention. (AWS S3 User Guide, "Locking objects with Object
//     Lock": a version under compliance mode cannot be deleted by anyone until its retain-until
//     date; under governance mode only with the bypass header and s3:BypassGovernanceRetention;
//     a legal hold blocks deletion until removed, whatever the mode. Deleting without a version
//     id only adds a delete marker, which the lock allows.)
//   - Directory buckets, named <base>--<zone-id>--x-s3 (AWS S3 User Guide, "Directory bucket
//     naming rules"): no versioning and no object lock (GetBucketVersioning,
//     ListObjectVersions and GetObjectLockConfiguration answer 501 NotImplemented: "Differences
//     for directory buckets"), list prefixes must end in the delimiter / (ListObjectsV2 and
//     ListMultipartUploads API references: "For directory buckets, only prefixes that end in a
//     delimiter (/) are supported"), and listings are not in lexicographical order (ListObjectsV2
//     API reference); see unsortedBackend.
//   - An IAM policy for one access key (RestrictedAccessKey), evaluated as AWS evaluates an
//     identity policy that only allows: a request is refused with AccessDenied naming the
//     action unless an Allow statement matches its action, resource and s3:prefix condition
//     (IAM User Guide, "Policy evaluation logic"; the actions, resources and condition keys of
//     "Actions, resources, and condition keys for Amazon S3").
//
// The store's clock (for retain-until dates) can be moved forward with Advance.
type Rules struct {
	mu         sync.Mutex
	offset     time.Duration
	lockBucket map[string]bool
	locks      map[lockKey]*lockState
	policy     *Policy
}

// RestrictedAccessKey is the access key whose requests the Rules' policy governs; requests
// signed with the store's own key are never restricted.
const RestrictedAccessKey = "sandbox-restricted"

type lockKey struct{ bucket, key, version string }

type lockState struct {
	mode  string // GOVERNANCE or COMPLIANCE, or empty
	until time.Time
	hold  bool
}

func newRules() *Rules {
	return &Rules{lockBucket: map[string]bool{}, locks: map[lockKey]*lockState{}}
}

// Now is the store's clock.
func (r *Rules) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Now().Add(r.offset)
}

// Advance moves the store's clock forward, as time passing would.
func (r *Rules) Advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.offset += d
}

// SetPolicy enforces an IAM policy document on RestrictedAccessKey's requests; "" lifts it.
func (r *Rules) SetPolicy(doc string) error {
	var p *Policy
	if doc != "" {
		var err error
		if p, err = ParsePolicy(doc); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.policy = p
	return nil
}

// IsDirectoryBucket says whether a bucket name is a directory bucket's (S3 Express One Zone).
func IsDirectoryBucket(name string) bool { return strings.HasSuffix(name, "--x-s3") }

// s3Error writes S3's XML error document.
func s3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(gofakes3.ErrorResponse{Code: gofakes3.ErrorCode(code), Message: message})
}

func (r *Rules) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		path := strings.TrimPrefix(req.URL.Path, "/")
		bucket, key, _ := strings.Cut(path, "/")
		q := req.URL.Query()
		if bucket == "" {
			next.ServeHTTP(w, req)
			return
		}
		if denied := r.authorize(req, bucket, key, q); denied != "" {
			s3Error(w, http.StatusForbidden, "AccessDenied", denied)
			return
		}
		if IsDirectoryBucket(bucket) && r.directoryRefuses(w, req, key, q) {
			return
		}
		switch {
		case req.Method == http.MethodPut && key == "" && len(q) == 0:
			r.createBucket(w, req, next, bucket)
		case key == "" && has(q, "object-lock") && req.Method == http.MethodGet:
			r.getLockConfiguration(w, bucket)
		case key != "" && (has(q, "retention") || has(q, "legal-hold")):
			r.objectLockSetting(w, req, bucket, key, q)
		case req.Method == http.MethodDelete && key != "" && q.Get("versionId") != "" && !has(q, "uploadId"):
			if msg := r.lockRefuses(req, bucket, key, q.Get("versionId")); msg != "" {
				s3Error(w, http.StatusForbidden, "AccessDenied", msg)
				return
			}
			next.ServeHTTP(w, req)
		case req.Method == http.MethodPost && key == "" && has(q, "delete"):
			r.deleteObjects(w, req, next, bucket)
		case req.Method == http.MethodGet && key == "" && has(q, "uploads"):
			r.listUploads(w, req, next, bucket)
		default:
			next.ServeHTTP(w, req)
		}
	})
}

func has(q map[string][]string, name string) bool { _, ok := q[name]; return ok }

// directoryRefuses answers what a directory bucket does not support.
func (r *Rules) directoryRefuses(w http.ResponseWriter, req *http.Request, key string, q map[string][]string) bool {
	switch {
	case key == "" && (has(q, "versions") || has(q, "versioning") || has(q, "object-lock")):
		s3Error(w, http.StatusNotImplemented, "NotImplemented", "This bucket does not support the requested operation (a directory bucket)")
		return true
	case key == "" && req.Method == http.MethodGet && (q["list-type"] != nil || has(q, "uploads")):
		if p := req.URL.Query().Get("prefix"); p != "" && !strings.HasSuffix(p, "/") {
			s3Error(w, http.StatusBadRequest, "InvalidArgument", "Prefixes of a directory bucket's listing must end with the delimiter /")
			return true
		}
	case req.URL.Query().Get("versionId") != "" && req.URL.Query().Get("versionId") != "null":
		s3Error(w, http.StatusBadRequest, "InvalidArgument", "A directory bucket has no versions")
		return true
	}
	return false
}

// createBucket remembers a bucket created with object lock, and turns on its versioning, as
// S3 does.
func (r *Rules) createBucket(w http.ResponseWriter, req *http.Request, next http.Handler, bucket string) {
	lock := strings.EqualFold(req.Header.Get("x-amz-bucket-object-lock-enabled"), "true")
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	if lock && rec.Code == http.StatusOK {
		r.mu.Lock()
		r.lockBucket[bucket] = true
		r.mu.Unlock()
		body := `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`
		v := httptest.NewRequest(http.MethodPut, "/"+bucket+"?versioning", strings.NewReader(body))
		next.ServeHTTP(httptest.NewRecorder(), v)
	}
	copyResponse(w, rec)
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (r *Rules) getLockConfiguration(w http.ResponseWriter, bucket string) {
	r.mu.Lock()
	enabled := r.lockBucket[bucket]
	r.mu.Unlock()
	if !enabled {
		s3Error(w, http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = io.WriteString(w, `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
}

type retentionXML struct {
	XMLName         xml.Name `xml:"Retention"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

type legalHoldXML struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  string   `xml:"Status"`
}

// objectLockSetting serves PUT and GET of ?retention and ?legal-hold on one version.
func (r *Rules) objectLockSetting(w http.ResponseWriter, req *http.Request, bucket, key string, q map[string][]string) {
	r.mu.Lock()
	enabled := r.lockBucket[bucket]
	r.mu.Unlock()
	version := req.URL.Query().Get("versionId")
	if !enabled || version == "" {
		s3Error(w, http.StatusBadRequest, "InvalidRequest", "Bucket is missing Object Lock Configuration, or no versionId was given (the sandbox needs one)")
		return
	}
	k := lockKey{bucket, key, version}
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.locks[k]
	if req.Method == http.MethodGet {
		w.Header().Set("Content-Type", "application/xml")
		switch {
		case has(q, "retention") && st != nil && st.mode != "":
			_ = xml.NewEncoder(w).Encode(retentionXML{Mode: st.mode, RetainUntilDate: st.until.UTC().Format(time.RFC3339)})
		case has(q, "legal-hold") && st != nil:
			status := "OFF"
			if st.hold {
				status = "ON"
			}
			_ = xml.NewEncoder(w).Encode(legalHoldXML{Status: status})
		default:
			s3Error(w, http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		return
	}
	if st == nil {
		st = &lockState{}
		r.locks[k] = st
	}
	body, _ := io.ReadAll(req.Body)
	if has(q, "retention") {
		var in retentionXML
		until, err := time.Parse(time.RFC3339, strings.TrimSpace(func() string { _ = xml.Unmarshal(body, &in); return in.RetainUntilDate }()))
		if err != nil || (in.Mode != "GOVERNANCE" && in.Mode != "COMPLIANCE") {
			s3Error(w, http.StatusBadRequest, "MalformedXML", "Retention needs a Mode (GOVERNANCE or COMPLIANCE) and a RetainUntilDate")
			return
		}
		st.mode, st.until = in.Mode, until
	} else {
		var in legalHoldXML
		_ = xml.Unmarshal(body, &in)
		st.hold = in.Status == "ON"
	}
	w.WriteHeader(http.StatusOK)
}

// lockRefuses says why one version may not be deleted now, or "" when it may.
func (r *Rules) lockRefuses(req *http.Request, bucket, key, version string) string {
	bypass := strings.EqualFold(req.Header.Get("x-amz-bypass-governance-retention"), "true")
	now := r.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.locks[lockKey{bucket, key, version}]
	switch {
	case st == nil:
		return ""
	case st.hold, st.mode == "COMPLIANCE" && now.Before(st.until), st.mode == "GOVERNANCE" && now.Before(st.until) && !bypass:
		return "Access Denied because object protected by object lock."
	}
	return ""
}

// deleteObjects applies the lock and the policy to each entry of a DeleteObjects request,
// passes the others on, and answers with the refused ones as per-key errors, as S3 does.
func (r *Rules) deleteObjects(w http.ResponseWriter, req *http.Request, next http.Handler, bucket string) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		s3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	var in gofakes3.DeleteRequest
	if err := xml.Unmarshal(body, &in); err != nil {
		s3Error(w, http.StatusBadRequest, "MalformedXML", err.Error())
		return
	}
	type refusal struct{ key, version, message string }
	var refused []refusal
	pass := in
	pass.Objects = nil
	for _, o := range in.Objects {
		msg := r.policyRefusesDelete(req, bucket, o)
		if msg == "" && o.VersionID != "" {
			msg = r.lockRefuses(req, bucket, o.Key, o.VersionID)
		}
		if msg != "" {
			refused = append(refused, refusal{o.Key, o.VersionID, msg})
			continue
		}
		pass.Objects = append(pass.Objects, o)
	}
	if len(refused) == 0 {
		req.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, req)
		return
	}
	out := gofakes3.MultiDeleteResult{}
	if len(pass.Objects) > 0 {
		b, _ := xml.Marshal(struct {
			XMLName xml.Name `xml:"Delete"`
			gofakes3.DeleteRequest
		}{DeleteRequest: pass})
		inner := req.Clone(req.Context())
		inner.Body, inner.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		inner.Header.Set("Content-Length", strconv.Itoa(len(b)))
		for h := range inner.Header {
			if strings.HasPrefix(strings.ToLower(h), "x-amz-checksum-") || strings.EqualFold(h, "Content-Md5") {
				inner.Header.Del(h)
			}
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, inner)
		if rec.Code != http.StatusOK {
			copyResponse(w, rec)
			return
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			s3Error(w, http.StatusInternalServerError, "InternalError", err.Error())
			return
		}
	}
	// ErrorResult has no VersionId field; S3 sends one. Write the document by hand.
	w.Header().Set("Content-Type", "application/xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	if !in.Quiet {
		for _, d := range out.Deleted {
			fmt.Fprintf(&b, "<Deleted><Key>%s</Key>%s</Deleted>", xmlText(d.Key), versionElem(d.VersionID))
		}
	}
	for _, e := range out.Error {
		fmt.Fprintf(&b, "<Error><Key>%s</Key><Code>%s</Code><Message>%s</Message></Error>", xmlText(e.Key), e.Code, xmlText(e.Message))
	}
	for _, e := range refused {
		fmt.Fprintf(&b, "<Error><Key>%s</Key>%s<Code>AccessDenied</Code><Message>%s</Message></Error>", xmlText(e.key), versionElem(e.version), xmlText(e.message))
	}
	b.WriteString("</DeleteResult>")
	_, _ = io.WriteString(w, b.String())
}

func xmlText(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func versionElem(v string) string {
	if v == "" {
		return ""
	}
	return "<VersionId>" + xmlText(v) + "</VersionId>"
}

// accessKeyOf reads the access key of a SigV4 Authorization header.
func accessKeyOf(req *http.Request) string {
	auth := req.Header.Get("Authorization")
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	key, _, _ := strings.Cut(cred, "/")
	return key
}

// authorize applies the policy to a request of RestrictedAccessKey (DeleteObjects per key, in
// deleteObjects), and returns the refusal, or "".
func (r *Rules) authorize(req *http.Request, bucket, key string, q map[string][]string) string {
	r.mu.Lock()
	p := r.policy
	r.mu.Unlock()
	if p == nil || accessKeyOf(req) != RestrictedAccessKey {
		return ""
	}
	for _, a := range actionsOf(req, key, q) {
		resource := "arn:aws:s3:::" + bucket
		if key != "" {
			resource += "/" + key
		}
		ctx := map[string]string{}
		if key == "" {
			ctx["s3:prefix"] = req.URL.Query().Get("prefix")
		}
		if !p.Allows(a, resource, ctx) {
			return denial(a, resource)
		}
	}
	return ""
}

func denial(action, resource string) string {
	return fmt.Sprintf("User: arn:aws:iam::000000000000:user/%s is not authorized to perform: %s on resource: %q because no identity-based policy allows the %s action",
		RestrictedAccessKey, action, resource, action)
}

// policyRefusesDelete checks one entry of a DeleteObjects request: S3 authorizes each key as
// its own DeleteObject or DeleteObjectVersion.
func (r *Rules) policyRefusesDelete(req *http.Request, bucket string, o gofakes3.ObjectID) string {
	r.mu.Lock()
	p := r.policy
	r.mu.Unlock()
	if p == nil || accessKeyOf(req) != RestrictedAccessKey {
		return ""
	}
	action := "s3:DeleteObject"
	if o.VersionID != "" {
		action = "s3:DeleteObjectVersion"
	}
	resource := "arn:aws:s3:::" + bucket + "/" + o.Key
	if !p.Allows(action, resource, nil) {
		return denial(action, resource)
	}
	if strings.EqualFold(req.Header.Get("x-amz-bypass-governance-retention"), "true") && !p.Allows("s3:BypassGovernanceRetention", resource, nil) {
		return denial("s3:BypassGovernanceRetention", resource)
	}
	return ""
}

// actionsOf names the IAM actions a request needs (DeleteObjects is checked per key).
func actionsOf(req *http.Request, key string, q map[string][]string) []string {
	get := req.Method == http.MethodGet || req.Method == http.MethodHead
	version := req.URL.Query().Get("versionId") != ""
	switch {
	case key == "" && req.Method == http.MethodPost && has(q, "delete"):
		return nil
	case key == "" && get && has(q, "versions"):
		return []string{"s3:ListBucketVersions"}
	case key == "" && get && has(q, "versioning"):
		return []string{"s3:GetBucketVersioning"}
	case key == "" && get && has(q, "object-lock"):
		return []string{"s3:GetBucketObjectLockConfiguration"}
	case key == "" && get && has(q, "uploads"):
		return []string{"s3:ListBucketMultipartUploads"}
	case key == "" && get && has(q, "location"):
		return []string{"s3:GetBucketLocation"}
	case key == "" && get:
		return []string{"s3:ListBucket"}
	case key == "":
		return []string{"s3:" + req.Method + "Bucket"} // never granted by a teardown policy
	case req.Method == http.MethodDelete && has(q, "uploadId"):
		return []string{"s3:AbortMultipartUpload"}
	case req.Method == http.MethodDelete:
		a := []string{"s3:DeleteObject"}
		if version {
			a = []string{"s3:DeleteObjectVersion"}
		}
		if strings.EqualFold(req.Header.Get("x-amz-bypass-governance-retention"), "true") {
			a = append(a, "s3:BypassGovernanceRetention")
		}
		return a
	case get && has(q, "retention"):
		return []string{"s3:GetObjectRetention"}
	case get && has(q, "legal-hold"):
		return []string{"s3:GetObjectLegalHold"}
	case get && version:
		return []string{"s3:GetObjectVersion"}
	case get:
		return []string{"s3:GetObject"}
	}
	return []string{"s3:PutObject"}
}

// unsortedBackend lists a directory bucket's keys out of lexicographical order, as S3 Express
// One Zone does (ListObjectsV2 API reference: "Directory buckets - For directory buckets,
// ListObjectsV2 does not return objects in lexicographical order"): each page is reversed.
type unsortedBackend struct {
	gofakes3.Backend
	gofakes3.VersionedBackend
}

func (b unsortedBackend) ListBucket(name string, prefix *gofakes3.Prefix, page gofakes3.ListBucketPage) (*gofakes3.ObjectList, error) {
	list, err := b.Backend.ListBucket(name, prefix, page)
	if err != nil || list == nil || !IsDirectoryBucket(name) {
		return list, err
	}
	out := *list
	out.Contents = slices.Clone(list.Contents)
	slices.Reverse(out.Contents)
	return &out, nil
}

// listUploads answers a bucket without incomplete uploads with an empty listing, as S3 does:
// gofakes3 answers 404 NoSuchUpload.
func (r *Rules) listUploads(w http.ResponseWriter, req *http.Request, next http.Handler, bucket string) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound || !bytes.Contains(rec.Body.Bytes(), []byte("NoSuchUpload")) {
		copyResponse(w, rec)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`+
		`<Bucket>%s</Bucket><Prefix>%s</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`,
		xmlText(bucket), xmlText(req.URL.Query().Get("prefix")))
}
