package storage_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

func TestNewScope(t *testing.T) {
	t.Parallel()
	cases := []struct {
		bucket   string
		prefixes []string
		want     []string
		err      string
	}{
		{"b", []string{"scan-1"}, []string{"scan-1"}, ""},
		{"b", []string{"a/b/", "a/b//"}, []string{"a/b"}, ""},
		{"b", []string{"x/item-1/sections", "x/item-1", "x/item-10"}, []string{"x/item-1", "x/item-10"}, ""},
		// "a-b" sorts between "a" and "a/c", which "a" still covers; "a//d" is under "a" too.
		{"b", []string{"a/c", "a-b", "a", "a//d", "a-b/e"}, []string{"a", "a-b"}, ""},
		{"b", []string{""}, nil, "would own the whole bucket"},
		{"b", []string{"/"}, nil, "would own the whole bucket"},
		{"b", []string{"///"}, nil, "would own the whole bucket"},
		{"b", []string{"ok", " "}, nil, "would own the whole bucket"},
		{"b", nil, nil, "no prefix"},
		{"", []string{"p"}, nil, "bucket name is empty"},
	}
	for _, tc := range cases {
		got, err := storage.NewScope(tc.bucket, tc.prefixes...)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("NewScope(%q, %q) error = %v, want %q", tc.bucket, tc.prefixes, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got.Prefixes, tc.want) {
			t.Errorf("NewScope(%q, %q) = %q, %v; want %q", tc.bucket, tc.prefixes, got.Prefixes, err, tc.want)
		}
	}
}

func TestScopeOwns(t *testing.T) {
	t.Parallel()
	s := mustScope(t, "b", "scan-1")
	for key, want := range map[string]bool{
		"scan-1": true, "scan-1/": true, "scan-1/thumb.jpg": true, "scan-1/a/b": true,
		"scan-10": false, "scan-1.jpg": false, "scan-1x/a": false, "scan-": false, "Scan-1/a": false, "x/scan-1/a": false,
	} {
		if got := s.Owns(key); got != want {
			t.Errorf("Owns(%q) = %v, want %v", key, got, want)
		}
	}
}

func FuzzScope(f *testing.F) {
	f.Add("scan-1", "scan-10")
	f.Add("a/b/", "a/b/c")
	f.Add("/", "x")
	f.Add("p", "p")
	f.Fuzz(func(t *testing.T, prefix, key string) {
		s, err := storage.NewScope("bucket", prefix)
		if err != nil {
			return
		}
		p := s.Prefixes[0]
		if strings.Trim(p, "/") == "" || strings.HasSuffix(p, "/") {
			t.Fatalf("scope %q from %q would own too much", p, prefix)
		}
		owned := s.Owns(key)
		if owned != (key == p || strings.HasPrefix(key, p+"/")) {
			t.Fatalf("Owns(%q) = %v for prefix %q", key, owned, p)
		}
		if owned && len(key) > len(p) && key[len(p)] != '/' {
			t.Fatalf("%q owns %q across a name boundary", p, key)
		}
	})
}

func TestDeleteKeysXMLMustEscape(t *testing.T) {
	t.Parallel()
	eachServer(t, false, func(t *testing.T, srv *s3store.Server, bucket string) {
		c := srv.Client()
		odd := []string{"esc/a&b<c>d", `esc/quote"'`, "esc/tab\there", "esc/ü ñ 漢字", "esc/%2f encoded", "esc/+plus"}
		put(t, c, bucket, append(odd, "esc&")...)
		res, err := storage.New(c, storage.Options{}).Delete(context.Background(), mustScope(t, bucket, "esc"))
		if err != nil || res.Objects != int64(len(odd)) {
			t.Fatalf("result %+v, %v", res, err)
		}
		if got := keys(t, c, bucket); !slices.Equal(got, []string{"esc&"}) {
			t.Errorf("left %q", got)
		}
	})
}

func TestDeleteKeysXMLCannotCarry(t *testing.T) {
	t.Parallel()
	// versitygw 1.8.0 ignores encoding-type=url, so it cannot list such keys faithfully; the
	// embedded server answers as S3 does.
	for _, versioned := range []bool{false, true} {
		srv := servers[0]
		c := srv.Client()
		bucket := newBucket(t, srv, versioned, false)
		unsafe := []string{"ctl/a\x01b", "ctl/unit\x1fsep", "ctl/\ufffe-nonchar"}
		put(t, c, bucket, append(unsafe, "ctl/plain", "ctl\x01")...)
		res, err := storage.New(c, storage.Options{}).Delete(context.Background(), mustScope(t, bucket, "ctl"))
		if err != nil || res.Objects != 4 {
			t.Fatalf("versioned=%v: result %+v, %v; want the 4 owned objects removed", versioned, res, err)
		}
		if got := keys(t, c, bucket); !slices.Equal(got, []string{"ctl\x01"}) {
			t.Errorf("versioned=%v: left %q, want only the neighbour", versioned, got)
		}
	}
}

// urlEncodingS3 is an API double for what neither test server does: listing keys XML cannot
// carry with encoding-type=url, as S3 does. It records how each key is deleted.
type urlEncodingS3 struct {
	storage.API
	mu       sync.Mutex
	keys     map[string]bool
	batched  []string
	singly   []string
	bypassed bool
}

func (s *urlEncodingS3) GetBucketVersioning(context.Context, *s3.GetBucketVersioningInput, ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	return &s3.GetBucketVersioningOutput{}, nil
}

func (s *urlEncodingS3) ListMultipartUploads(context.Context, *s3.ListMultipartUploadsInput, ...func(*s3.Options)) (*s3.ListMultipartUploadsOutput, error) {
	return &s3.ListMultipartUploadsOutput{}, nil
}

func (s *urlEncodingS3) GetObjectLockConfiguration(context.Context, *s3.GetObjectLockConfigurationInput, ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error) {
	return &s3.GetObjectLockConfigurationOutput{ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}}, nil
}

func (s *urlEncodingS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &s3.ListObjectsV2Output{IsTruncated: aws.Bool(false)}
	if in.EncodingType == types.EncodingTypeUrl {
		out.EncodingType = types.EncodingTypeUrl
	}
	var sorted []string
	for k := range s.keys {
		if strings.HasPrefix(k, aws.ToString(in.Prefix)) {
			sorted = append(sorted, k)
		}
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		listed := k
		if out.EncodingType == types.EncodingTypeUrl {
			listed = strings.ReplaceAll(url.QueryEscape(k), "%2F", "/")
		}
		out.Contents = append(out.Contents, types.Object{Key: aws.String(listed), Size: aws.Int64(1)})
	}
	return out, nil
}

func (s *urlEncodingS3) DeleteObjects(_ context.Context, in *s3.DeleteObjectsInput, _ ...func(*s3.Options)) (*s3.DeleteObjectsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range in.Delete.Objects {
		s.batched = append(s.batched, aws.ToString(o.Key))
		delete(s.keys, aws.ToString(o.Key))
	}
	return &s3.DeleteObjectsOutput{}, nil
}

func (s *urlEncodingS3) DeleteObject(_ context.Context, in *s3.DeleteObjectInput, _ ...func(*s3.Options)) (*s3.DeleteObjectOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.singly = append(s.singly, aws.ToString(in.Key))
	s.bypassed = s.bypassed || aws.ToBool(in.BypassGovernanceRetention)
	delete(s.keys, aws.ToString(in.Key))
	return &s3.DeleteObjectOutput{}, nil
}

func TestDeleteKeysXMLCannotCarryOneByOne(t *testing.T) {
	t.Parallel()
	unsafe := []string{"x/ctl\x01char", "x/nul\x00", "x/\ufffe"}
	fake := &urlEncodingS3{keys: map[string]bool{"x/plain": true, "x/a b+c": true, "xy": true}}
	for _, k := range unsafe {
		fake.keys[k] = true
	}
	res, err := storage.New(fake, storage.Options{}).Delete(context.Background(), mustScope(t, "b", "x"))
	if err != nil || res.Objects != 5 {
		t.Fatalf("result %+v, %v", res, err)
	}
	slices.Sort(fake.singly)
	slices.Sort(unsafe)
	if !slices.Equal(fake.singly, unsafe) {
		t.Errorf("deleted one by one: %q, want %q", fake.singly, unsafe)
	}
	if slices.Sort(fake.batched); !slices.Equal(fake.batched, []string{"x/a b+c", "x/plain"}) {
		t.Errorf("deleted in batches: %q", fake.batched)
	}
	if fake.bypassed || len(fake.keys) != 1 || !fake.keys["xy"] {
		t.Errorf("bypassed=%v, left %v", fake.bypassed, fake.keys)
	}
}
