package sandbox

import (
	"encoding/json"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// adminHandler serves the admin API:
//
//	GET    /            the sandbox description (endpoints, credentials, fixtures)
//	POST   /faults      add a fault (see Fault); 201 with the fault and its id
//	GET    /faults      the active faults with their hit counts
//	DELETE /faults      clear every fault
//	GET    /requests    the request log (?platform=v7 filters); DELETE clears it
//	GET    /objects     keys of the S3 store: ?bucket=B&prefix=P (every page), for demos
//	PUT    /s3model     the S3 endpoint's model of S3's costs and limit (see S3Model);
//	                    GET answers it, DELETE turns it off
//	GET    /healthz     200 when serving
func (sb *Sandbox) adminHandler() http.Handler {
	if sb.store.Deny != nil {
		sb.faults.onDeny = func(prefixes []string) error { sb.store.Deny.Set(prefixes...); return nil }
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, http.StatusOK, sb) })
	mux.HandleFunc("GET /objects", sb.listObjects)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "invalid fault: " + err.Error()})
			return
		}
		added, err := sb.AddFault(f)
		if err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		WriteJSON(w, http.StatusCreated, added)
	})
	mux.HandleFunc("GET /faults", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, http.StatusOK, sb.faults.List()) })
	mux.HandleFunc("DELETE /faults", func(w http.ResponseWriter, _ *http.Request) {
		if err := sb.faults.Clear(); err != nil {
			WriteJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /s3model", func(w http.ResponseWriter, r *http.Request) {
		var m S3Model
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": "invalid model: " + err.Error()})
			return
		}
		if err := m.validate(); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		sb.SetS3Model(m)
		WriteJSON(w, http.StatusOK, m)
	})
	mux.HandleFunc("GET /s3model", func(w http.ResponseWriter, _ *http.Request) { WriteJSON(w, http.StatusOK, sb.model.current()) })
	mux.HandleFunc("DELETE /s3model", func(w http.ResponseWriter, _ *http.Request) {
		sb.SetS3Model(S3Model{})
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /requests", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, sb.faults.Requests(r.URL.Query().Get("platform")))
	})
	mux.HandleFunc("DELETE /requests", func(w http.ResponseWriter, _ *http.Request) {
		sb.faults.ClearRequests()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

// AddFault validates a fault and adds it, as POST /faults does.
func (sb *Sandbox) AddFault(f Fault) (*Fault, error) {
	known := func(p string) bool { _, ok := sb.Endpoints[p]; return ok && p != "admin" }
	return sb.faults.Add(f, known)
}

// listObjects answers the keys and sizes under a prefix of a bucket, every page.
func (sb *Sandbox) listObjects(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	pager := s3.NewListObjectsV2Paginator(sb.store.Client(), &s3.ListObjectsV2Input{Bucket: aws.String(q.Get("bucket")), Prefix: aws.String(q.Get("prefix"))})
	type object struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	}
	out := []object{}
	for pager.HasMorePages() {
		page, err := pager.NextPage(r.Context())
		if err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
			return
		}
		for _, o := range page.Contents {
			out = append(out, object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size)})
		}
	}
	WriteJSON(w, http.StatusOK, out)
}
