package acctest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// S3 returns a client for the sandbox's S3 store, through the sandbox's S3 endpoint (so that
// injected faults apply).
func S3(t testing.TB) *s3.Client {
	t.Helper()
	sb := Sandbox(t)
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(sb.Endpoints["s3"]), Region: sb.Store().Region, UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sb.Store().AccessKey, SecretAccessKey: sb.Store().SecretKey}, nil
		}),
	})
}

// ListKeys returns every version and delete marker in scope as "key@version" (or "key" in an
// unversioned bucket), sorted, all pages. Like the engine, it lists each owned prefix p as two
// units: the key p itself, and everything under p/. A listing of the bare prefix p would page
// through the keys that sort between p and p/ (p.jpg, p-x), which are not the scope's.
func ListKeys(ctx context.Context, c *s3.Client, scope storage.Scope) ([]string, error) {
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(scope.Bucket)})
	if err != nil {
		return nil, fmt.Errorf("reading the versioning of %s: %w", scope.Bucket, err)
	}
	list := listVersions
	if v.Status == "" {
		// Never versioned: the object listing pages reliably on every server (gofakes3's
		// version listing of such a bucket does not advance).
		list = listCurrent
	}
	var out []string
	for _, p := range scope.Prefixes {
		for _, u := range []struct {
			prefix string
			exact  bool
		}{{p, true}, {p + "/", false}} {
			keys, err := list(ctx, c, scope.Bucket, u.prefix, u.exact)
			if err != nil {
				return nil, fmt.Errorf("listing s3://%s/%s: %w", scope.Bucket, u.prefix, err)
			}
			out = append(out, keys...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// listVersions lists the versions and delete markers under prefix; exact keeps only the key
// equal to prefix, and stops at the first other key (keys are listed in order).
func listVersions(ctx context.Context, c *s3.Client, bucket, prefix string, exact bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	pager := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		added, past := 0, false
		add := func(key, version string) {
			if exact && key != prefix {
				past = true
				return
			}
			if id := key + "@" + version; !seen[id] {
				seen[id] = true
				out = append(out, id)
				added++
			}
		}
		for _, v := range page.Versions {
			add(aws.ToString(v.Key), aws.ToString(v.VersionId))
		}
		for _, m := range page.DeleteMarkers {
			add(aws.ToString(m.Key), aws.ToString(m.VersionId))
		}
		if past || added == 0 {
			// Past the exact key; or a page of nothing new, from a server whose version paging
			// does not advance (every key under prefix/ is in scope, so that is the only cause).
			break
		}
	}
	return out, nil
}

func listCurrent(ctx context.Context, c *s3.Client, bucket, prefix string, exact bool) ([]string, error) {
	var out []string
	pager := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			if key := aws.ToString(o.Key); !exact || key == prefix {
				out = append(out, key+"@null")
			} else {
				return out, nil
			}
		}
	}
	return out, nil
}

// CheckScopeEmpty is a check (for CheckDestroy or a step) that nothing is left in scope.
func CheckScopeEmpty(c *s3.Client, bucket string, prefixes ...string) func(*terraform.State) error {
	return func(*terraform.State) error {
		scope, err := storage.NewScope(bucket, prefixes...)
		if err != nil {
			return err
		}
		left, err := ListKeys(context.Background(), c, scope)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return fmt.Errorf("%d objects left in %s after destroy: %q", len(left), scope, left[:min(len(left), 10)])
		}
		return nil
	}
}

// Neighbours are objects planted beside an owned scope, remembered by content digest.
type Neighbours struct {
	client  *s3.Client
	bucket  string
	digests map[string][32]byte
}

// PlantNeighbours writes each key with distinct content and remembers it.
func PlantNeighbours(t testing.TB, c *s3.Client, bucket string, keys ...string) *Neighbours {
	t.Helper()
	n := &Neighbours{client: c, bucket: bucket, digests: map[string][32]byte{}}
	for _, k := range keys {
		body := []byte("neighbour object " + k + " of " + t.Name())
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader(body)})
		if err != nil {
			t.Fatalf("planting neighbour s3://%s/%s: %v", bucket, k, err)
		}
		n.digests[k] = sha256.Sum256(body)
	}
	return n
}

// CheckIntact is a check that every neighbour still exists with the same bytes.
func (n *Neighbours) CheckIntact() func(*terraform.State) error {
	return func(*terraform.State) error { return n.Intact(context.Background()) }
}

// Intact reports every neighbour that is gone or changed.
func (n *Neighbours) Intact(ctx context.Context) error {
	var errs []error
	for k, want := range n.digests {
		obj, err := n.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(n.bucket), Key: aws.String(k)})
		if err != nil {
			errs = append(errs, fmt.Errorf("neighbour s3://%s/%s: %w", n.bucket, k, err))
			continue
		}
		body, err := io.ReadAll(obj.Body)
		_ = obj.Body.Close()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sha256.Sum256(body) != want {
			errs = append(errs, fmt.Errorf("neighbour s3://%s/%s changed", n.bucket, k))
		}
	}
	return errors.Join(errs...)
}

// RememberUnder remembers, as neighbours, the objects something else wrote under prefix (such
// as a platform's files for another object), so that a check can prove they stay
// byte-identical. It fails the test when there are none: a neighbour must exist to be kept.
func RememberUnder(t testing.TB, c *s3.Client, bucket, prefix string) *Neighbours {
	t.Helper()
	ctx := context.Background()
	n := &Neighbours{client: c, bucket: bucket, digests: map[string][32]byte{}}
	pager := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("listing s3://%s/%s: %v", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				t.Fatalf("reading s3://%s/%s: %v", bucket, aws.ToString(o.Key), err)
			}
			body, err := io.ReadAll(obj.Body)
			_ = obj.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			n.digests[aws.ToString(o.Key)] = sha256.Sum256(body)
		}
	}
	if len(n.digests) == 0 {
		t.Fatalf("nothing under s3://%s/%s to remember", bucket, prefix)
	}
	return n
}
