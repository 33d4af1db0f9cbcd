package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

var (
	servers       []*s3store.Server
	versityAbsent string
	bucketSeq     atomic.Int64
)

func TestMain(m *testing.M) {
	if os.Getenv(childSandboxEnv) != "" {
		os.Exit(serveChildSandbox())
	}
	var err error
	servers, versityAbsent, err = s3store.StartAll()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting S3 servers:", err)
		os.Exit(1)
	}
	code := m.Run()
	for _, s := range servers {
		_ = s.Close()
	}
	os.Exit(code)
}

// eachServer runs f against every S3 server of this run, in a fresh bucket.
func eachServer(t *testing.T, versioned bool, f func(t *testing.T, srv *s3store.Server, bucket string)) {
	t.Helper()
	if versityAbsent != "" {
		t.Logf("versitygw not tested: %s", versityAbsent)
	}
	for _, srv := range servers {
		t.Run(srv.Kind, func(t *testing.T) {
			bucket := newBucket(t, srv, versioned, false)
			f(t, srv, bucket)
		})
	}
}

func newBucket(t testing.TB, srv *s3store.Server, versioned, objectLock bool) string {
	t.Helper()
	bucket := fmt.Sprintf("test-%d", bucketSeq.Add(1))
	if err := srv.CreateBucket(context.Background(), bucket, versioned, objectLock); err != nil {
		t.Fatal(err)
	}
	return bucket
}

// put writes keys (body = key) with bounded concurrency.
func put(t testing.TB, c *s3.Client, bucket string, keys ...string) {
	t.Helper()
	var g errgroup.Group
	g.SetLimit(16)
	for _, k := range keys {
		g.Go(func() error {
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(k), Body: bytes.NewReader([]byte(k))})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// versions lists every version and delete marker in the bucket as "key@version".
func versions(t testing.TB, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(bucket), MaxKeys: aws.Int32(10000)})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, v := range out.Versions {
		all = append(all, aws.ToString(v.Key)+"@"+aws.ToString(v.VersionId))
	}
	for _, m := range out.DeleteMarkers {
		all = append(all, aws.ToString(m.Key)+"@"+aws.ToString(m.VersionId)+"(marker)")
	}
	slices.Sort(all)
	return all
}

// keys lists the current keys of the bucket, all pages.
func keys(t testing.TB, c *s3.Client, bucket string) []string {
	t.Helper()
	var all []string
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), EncodingType: types.EncodingTypeUrl})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			k := aws.ToString(o.Key)
			if out.EncodingType == types.EncodingTypeUrl {
				if k, err = url.QueryUnescape(k); err != nil {
					t.Fatal(err)
				}
			}
			all = append(all, k)
		}
	}
	slices.Sort(all)
	return all
}

// digests reads keys and returns their SHA-256, to prove neighbours byte-identical afterwards.
func digests(t testing.TB, c *s3.Client, bucket string, keys ...string) map[string][32]byte {
	t.Helper()
	out := make(map[string][32]byte, len(keys))
	for _, k := range keys {
		obj, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
		if err != nil {
			t.Fatalf("reading neighbour %s: %v", k, err)
		}
		body, err := io.ReadAll(obj.Body)
		_ = obj.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[k] = sha256.Sum256(body)
	}
	return out
}

// restrictedClient signs with the access key whose requests the store's IAM policy governs.
func restrictedClient(srv *s3store.Server) *s3.Client {
	return s3.New(s3.Options{BaseEndpoint: aws.String(srv.Endpoint), Region: srv.Region, UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3store.RestrictedAccessKey, "restricted-secret", "")})
}
