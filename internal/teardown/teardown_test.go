package teardown_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/providerdata"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/teardown"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/transport"
)

func setup(t *testing.T, keys ...string) (*s3store.Server, *s3.Client, string) {
	t.Helper()
	srv, err := s3store.StartEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c := srv.Client()
	if err := srv.CreateBucket(context.Background(), "bucket", false, false); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	return srv, c, "bucket"
}

func count(t *testing.T, c *s3.Client, bucket, prefix string) int {
	t.Helper()
	out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Contents)
}

func scopes(t *testing.T, bucket string, prefixes ...string) []storage.Scope {
	t.Helper()
	var out []storage.Scope
	for _, p := range prefixes {
		s, err := storage.NewScope(bucket, p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func TestRunStopsBeforeStorageWhenThePlatformDeleteFails(t *testing.T) {
	t.Parallel()
	_, c, bucket := setup(t, "item-1/a", "item-1/b")
	td := teardown.Teardown{
		Object: `test item "x"`,
		DeletePlatform: func(context.Context) error {
			return &transport.APIError{Platform: "Test", StatusCode: 403, Code: "Forbidden", Message: "no"}
		},
		Scopes: scopes(t, bucket, "item-1"),
	}
	prog, diags := teardown.Run(context.Background(), storage.New(c, storage.Options{}), td, teardown.Progress{})
	if !diags.HasError() || !strings.Contains(diags[0].Summary(), `Deleting test item "x" failed`) || !strings.Contains(diags[0].Detail(), "Nothing was removed from storage") {
		t.Fatalf("diagnostics %v", diags)
	}
	if prog.PlatformDeleted || count(t, c, bucket, "item-1/") != 2 {
		t.Errorf("progress %+v; storage must be untouched", prog)
	}
}

func TestRunRecordsPartialFailureAndResumes(t *testing.T) {
	t.Parallel()
	srv, c, bucket := setup(t, "item-1/a", "item-1/locked", "item-1/b", "item-2/a", "item-10/neighbour")
	calls := 0
	td := teardown.Teardown{
		Object:         `test item "x"`,
		DeletePlatform: func(context.Context) error { calls++; return nil },
		Scopes:         scopes(t, bucket, "item-1", "item-2"),
	}
	engine := storage.New(c, storage.Options{})
	srv.Deny.Set("item-1/locked")
	prog, diags := teardown.Run(context.Background(), engine, td, teardown.Progress{})
	if !diags.HasError() || !strings.Contains(diags[0].Summary(), "Storage cleanup of test item") || !strings.Contains(diags[0].Detail(), "item-1/locked") ||
		!strings.Contains(diags[0].Detail(), "run terraform destroy again") {
		t.Fatalf("diagnostics %v", diags)
	}
	if !prog.PlatformDeleted || len(prog.ScopesDone) != 0 || prog.Removed.Objects != 2 {
		t.Errorf("progress after the failure: %+v", prog)
	}

	srv.Deny.Set()
	prog, diags = teardown.Run(context.Background(), engine, td, prog)
	if diags.HasError() {
		t.Fatalf("resume: %v", diags)
	}
	if calls != 1 {
		t.Errorf("the platform delete ran %d times; a resumed teardown must not repeat it", calls)
	}
	if prog.Removed.Objects != 4 || len(prog.ScopesDone) != 2 || count(t, c, bucket, "item-1/") != 0 || count(t, c, bucket, "item-10/") != 1 {
		t.Errorf("progress %+v, item-1 left %d, neighbour %d", prog, count(t, c, bucket, "item-1/"), count(t, c, bucket, "item-10/"))
	}
}

func TestPreviewWarnsWhatWillGo(t *testing.T) {
	t.Parallel()
	_, c, bucket := setup(t, "item-1/a", "item-1/bb", "item-2/a", "item-10/n")
	td := teardown.Teardown{Object: `test item "x"`, Scopes: scopes(t, bucket, "item-1", "item-2")}
	engine := storage.New(c, storage.Options{})
	diags := teardown.Preview(context.Background(), engine, td, teardown.Progress{})
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning {
		t.Fatalf("diagnostics %v", diags)
	}
	d := diags[0].Detail()
	for _, want := range []string{"s3://bucket/item-1: 2 objects (17 B)", "s3://bucket/item-2: 1 objects (8 B)", "delete the platform object"} {
		if !strings.Contains(d, want) {
			t.Errorf("preview lacks %q:\n%s", want, d)
		}
	}
	resumed := teardown.Preview(context.Background(), engine, td, teardown.Progress{PlatformDeleted: true, ScopesDone: []string{td.Scopes[0].Key()}})
	if d := resumed[0].Detail(); strings.Contains(d, "item-1") || !strings.Contains(d, "already deleted") {
		t.Errorf("resumed preview:\n%s", d)
	}
}

func TestGuard(t *testing.T) {
	t.Parallel()
	if teardown.Guard("x", false).HasError() {
		t.Error("unprotected resource refused")
	}
	d := teardown.Guard(`test item "x"`, true)
	if !d.HasError() || !strings.Contains(d[0].Summary(), `Test item "x" is protected`) || !strings.Contains(d[0].Detail(), "deletion_protection = false") {
		t.Errorf("guard %v", d)
	}
}

type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) { return m[k], nil }
func (m memPrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	m[k] = v
	return nil
}

func TestProgressRoundTrip(t *testing.T) {
	t.Parallel()
	p := memPrivate{}
	if got, d := teardown.Load(context.Background(), p); d.HasError() || got.PlatformDeleted {
		t.Fatalf("empty private state: %+v %v", got, d)
	}
	want := teardown.Progress{PlatformDeleted: true, ScopesDone: []string{"s3://b/p"}, Removed: storage.Result{Objects: 3, Bytes: 9}}
	if d := teardown.Save(context.Background(), p, want); d.HasError() {
		t.Fatal(d)
	}
	got, d := teardown.Load(context.Background(), p)
	if d.HasError() || !got.PlatformDeleted || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
	p["teardown_progress"] = []byte("{not json")
	if _, d := teardown.Load(context.Background(), p); !d.HasError() {
		t.Error("corrupt progress accepted")
	}
}

func TestScopeAttributeRoundTrip(t *testing.T) {
	ctx := context.Background()
	v := teardown.ScopeValue(ctx, "bucket-a", []string{"b/2", "a/1/", "a/1/x"})
	scopes, err := teardown.ScopesFrom(ctx, "metadata_scope", v)
	if err != nil || len(scopes) != 1 || scopes[0].Bucket != "bucket-a" || strings.Join(scopes[0].Prefixes, ",") != "a/1,b/2" {
		t.Fatalf("round trip: %+v %v", scopes, err)
	}
	for _, empty := range []types.Object{types.ObjectNull(teardown.ScopeAttrTypes), types.ObjectUnknown(teardown.ScopeAttrTypes), teardown.ScopeValue(ctx, "b", nil)} {
		if scopes, err := teardown.ScopesFrom(ctx, "x", empty); err != nil || scopes != nil {
			t.Errorf("%v owns nothing, got %+v %v", empty, scopes, err)
		}
	}
	if _, err := teardown.ScopesFrom(ctx, "cleanup_scope", teardown.ScopeValue(ctx, "b", []string{"/"})); err == nil || !strings.Contains(err.Error(), "cleanup_scope: ") {
		t.Errorf("a whole-bucket prefix in state must be refused, naming the attribute: %v", err)
	}
}

// A prefix another object still uses is kept whole, the rest of the scope goes, the preview and
// the destroy name the users, and a failing check touches no storage and resumes.
func TestRunKeepsPrefixesStillInUse(t *testing.T) {
	t.Parallel()
	_, c, bucket := setup(t, "data/a/1", "data/a/2", "data/b/1", "data/a0/1")
	users := map[string][]string{"data/a": {`item "other" (2)`}}
	fail := true
	scope, err := storage.NewScope(bucket, "data/a", "data/b")
	if err != nil {
		t.Fatal(err)
	}
	td := teardown.Teardown{
		Object:         `test item "x"`,
		DeletePlatform: func(context.Context) error { return nil },
		Scopes:         []storage.Scope{scope},
		InUse: func(context.Context, []string) (map[string][]string, error) {
			if fail {
				return nil, fmt.Errorf("listing items: 503")
			}
			return users, nil
		},
	}
	engine := storage.New(c, storage.Options{})
	prog, diags := teardown.Run(context.Background(), engine, td, teardown.Progress{})
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "still in use") || !prog.PlatformDeleted || count(t, c, bucket, "data/") != 4 {
		t.Fatalf("a failing check must stop before storage with the platform delete recorded: %+v %v", prog, diags)
	}
	fail = false
	preview := teardown.Preview(context.Background(), engine, td, prog)
	if text := fmt.Sprint(preview); !strings.Contains(text, "will keep storage other objects still use") ||
		!strings.Contains(text, `s3://bucket/data/a, still used by item "other" (2)`) || !strings.Contains(text, "s3://bucket/data/b: 1 objects") {
		t.Errorf("preview %v", preview)
	}
	prog, diags = teardown.Run(context.Background(), engine, td, prog)
	if diags.HasError() || len(diags.Warnings()) != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `s3://bucket/data/a, still used by item "other" (2)`) {
		t.Fatalf("diagnostics %v", diags)
	}
	if count(t, c, bucket, "data/a/") != 2 || count(t, c, bucket, "data/b/") != 0 || count(t, c, bucket, "data/a0/") != 1 || len(prog.ScopesDone) != 1 {
		t.Errorf("kept data/a whole, removed data/b, left data/a0: progress %+v", prog)
	}
	// The last user gone: the same teardown removes the folder.
	delete(users, "data/a")
	prog, diags = teardown.Run(context.Background(), engine, td, teardown.Progress{PlatformDeleted: true})
	if diags.HasError() || len(diags.Warnings()) != 0 || count(t, c, bucket, "data/a/") != 0 || prog.Removed.Objects != 2 {
		t.Errorf("the last destroy: %+v %v", prog, diags)
	}
}

func dataWith(c storage.API, err error) *providerdata.Data {
	d := providerdata.New("test")
	d.SetStorage(providerdata.NewStorage(func(context.Context) (storage.API, error) { return c, err }))
	return d
}

// Gone keeps a resource whose platform object is gone while anything it owns is left, leaves
// out what another object still uses, keeps it when it cannot tell, and lets it go once the
// scopes are empty.
func TestGoneKeepsWhatStorageIsLeft(t *testing.T) {
	t.Parallel()
	_, c, bucket := setup(t, "item-1/a", "item-1/b", "item-10/x", "shared/s", "done/d")
	ctx := context.Background()
	data := dataWith(c, nil)
	noUse := func(context.Context, []string) (map[string][]string, error) { return nil, nil }
	cases := []struct {
		name     string
		td       teardown.Teardown
		prog     *teardown.Progress
		keep     bool
		warning  string
		severity diag.Severity
	}{
		{name: "objects left", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "item-1", "empty")},
			keep: true, warning: "s3://bucket/item-1: 2 objects (16 B)"},
		{name: "nothing left", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "empty", "item-1/a/b")}},
		{name: "no scopes", td: teardown.Teardown{Object: "item x"}},
		{name: "the rest is another object's", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "shared"),
			InUse: func(_ context.Context, ps []string) (map[string][]string, error) {
				return map[string][]string{ps[0]: {"item y"}}, nil
			}}},
		{name: "in-use check fails", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "shared"),
			InUse: func(context.Context, []string) (map[string][]string, error) {
				return nil, fmt.Errorf("V7 answered 500")
			}},
			keep: true, warning: "V7 answered 500"},
		{name: "a scope done by an earlier destroy", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "done"), InUse: noUse},
			prog: &teardown.Progress{PlatformDeleted: true, ScopesDone: []string{scopes(t, bucket, "done")[0].Key()}}},
		{name: "a destroy that did not finish", td: teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "done")},
			prog: &teardown.Progress{PlatformDeleted: true}, keep: true, warning: "A destroy deleted the platform object and did not finish"},
		{name: "local tree left", td: teardown.Teardown{Object: "item x", Local: []teardown.LocalTree{
			{Path: "/data/derivatives/x", Left: func() (string, error) { return "3 files", nil }},
		}}, keep: true, warning: "/data/derivatives/x: 3 files"},
		{name: "local tree removed by an earlier destroy", td: teardown.Teardown{Object: "item x", Local: []teardown.LocalTree{
			{Path: "/data/derivatives/x", Left: func() (string, error) { return "", fmt.Errorf("must not be asked") }},
		}}, prog: &teardown.Progress{PlatformDeleted: true, LocalDone: []string{"/data/derivatives/x"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			private := memPrivate{}
			if tc.prog != nil {
				teardown.Save(ctx, private, *tc.prog)
			}
			keep, diags := teardown.Gone(ctx, data, tc.td, private)
			if keep != tc.keep || diags.HasError() {
				t.Fatalf("keep %v, want %v; %v", keep, tc.keep, diags)
			}
			if tc.warning == "" {
				if len(diags) != 0 {
					t.Fatalf("unexpected diagnostics %v", diags)
				}
				return
			}
			if len(diags) != 1 || !strings.Contains(diags[0].Detail(), tc.warning) {
				t.Fatalf("diagnostics %v, want a warning with %q", diags, tc.warning)
			}
		})
	}
	if n := count(t, c, bucket, ""); n != 5 {
		t.Fatalf("Gone must never delete: %d objects left of 5", n)
	}
	// No S3 access at all: kept, with the reason.
	keep, diags := teardown.Gone(ctx, dataWith(nil, fmt.Errorf("no credentials")), teardown.Teardown{Object: "item x", Scopes: scopes(t, bucket, "item-1")}, memPrivate{})
	if !keep || len(diags) != 1 || !strings.Contains(diags[0].Detail(), "no credentials") {
		t.Fatalf("without S3: keep %v, %v", keep, diags)
	}
}

// Local trees go after the platform and the S3 scopes, each recorded once removed: a failure
// keeps the progress, and the resumed destroy removes only what is left, without an S3
// engine when the teardown owns no scope.
func TestRunRemovesLocalTreesAndResumes(t *testing.T) {
	t.Parallel()
	removed := map[string]int{}
	fail := true
	tree := func(p string) teardown.LocalTree {
		return teardown.LocalTree{Path: p, Left: func() (string, error) { return "", nil }, Remove: func() error {
			if p == "/clone/b" && fail {
				return fmt.Errorf("permission denied")
			}
			removed[p]++
			return nil
		}}
	}
	calls := 0
	td := teardown.Teardown{
		Object:         `test version "v1"`,
		DeletePlatform: func(context.Context) error { calls++; return nil },
		Local:          []teardown.LocalTree{tree("/clone/a"), tree("/clone/b"), tree("/clone/c")},
	}
	prog, diags := teardown.Run(context.Background(), nil, td, teardown.Progress{})
	if !diags.HasError() || !strings.Contains(diags[0].Detail(), "/clone/b: permission denied") {
		t.Fatalf("diagnostics %v", diags)
	}
	if !prog.PlatformDeleted || fmt.Sprint(prog.LocalDone) != "[/clone/a]" || len(prog.ScopesDone) != 0 {
		t.Fatalf("progress after the failure: %+v", prog)
	}
	fail = false
	if prog, diags = teardown.Run(context.Background(), nil, td, prog); diags.HasError() {
		t.Fatalf("resume: %v", diags)
	}
	if calls != 1 || fmt.Sprint(removed) != "map[/clone/a:1 /clone/b:1 /clone/c:1]" || len(prog.LocalDone) != 3 {
		t.Errorf("platform deletes %d, removed %v, progress %+v", calls, removed, prog)
	}
}
