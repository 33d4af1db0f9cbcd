// Package s3store starts the S3-compatible servers the sandbox and the tests use: gofakes3
// embedded in the process, or a versitygw binary (the server CI installs) on a temporary directory.
package s3store

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// Kinds of server.
const (
	Embedded  = "embedded"
	VersityGW = "versitygw"
	External  = "external"
)

// Server is a running S3-compatible server.
type Server struct {
	Kind      string
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
	// Deny makes deletes of matching keys fail with AccessDenied. Only the embedded server
	// has it; on a real server, use object lock.
	Deny *DenyList
	// Rules are the embedded server's object lock, directory buckets and IAM policy (see
	// Rules); nil on other servers.
	Rules *Rules
	close func() error
}

// Close stops the server and removes what it stored.
func (s *Server) Close() error {
	if s.close == nil {
		return nil
	}
	return s.close()
}

// Client returns an SDK client for the server with path-style addressing; opts adjust it.
func (s *Server) Client(opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint),
		Region:       s.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(s.AccessKey, s.SecretKey, ""),
		UsePathStyle: true,
	}, opts...)
}

// StartEmbedded serves gofakes3 with versioning support on a loopback port, answering
// encoding-type=url listings as S3 does.
func StartEmbedded() (*Server, error) {
	deny := &DenyList{}
	rules := newRules()
	mem := s3mem.New()
	store := unsortedBackend{Backend: mem, VersionedBackend: mem}
	faker := gofakes3.New(&denyBackend{Backend: store, VersionedBackend: store, deny: deny}, gofakes3.WithTimeSkewLimit(0))
	encoded := gofakes3.New(urlEncodingBackend{Backend: store, VersionedBackend: store}, gofakes3.WithTimeSkewLimit(0))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("embedded S3: %w", err)
	}
	srv := &http.Server{Handler: rules.handler(withURLEncodedListings(faker.Server(), encoded.Server())), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &Server{
		Kind: Embedded, Endpoint: "http://" + ln.Addr().String(), Region: "us-east-1",
		AccessKey: "sandbox", SecretKey: "sandbox-secret", Deny: deny, Rules: rules,
		close: func() error { return srv.Close() },
	}, nil
}

// StartVersityGW runs the versitygw binary with a posix backend (versioning enabled) in a new
// temporary directory, and waits until it answers.
func StartVersityGW(bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "versitygw-")
	if err != nil {
		return nil, err
	}
	data, versions := filepath.Join(dir, "data"), filepath.Join(dir, "versions")
	for _, d := range []string{data, versions} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{Kind: VersityGW, Endpoint: "http://" + addr, Region: "us-east-1", AccessKey: "sandboxadmin", SecretKey: "sandbox-admin-secret"}
	//nolint:gosec // the binary is the one the test configuration names
	cmd := exec.Command(bin, "--access", s.AccessKey, "--secret", s.SecretKey, "--port", addr, "--quiet",
		"posix", "--versioning-dir", versions, data)
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	var once sync.Once
	s.close = func() error {
		once.Do(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			_ = os.RemoveAll(dir)
		})
		return nil
	}
	if err := waitListening(addr, 20*time.Second); err != nil {
		_ = s.close()
		return nil, fmt.Errorf("versitygw did not start: %w; its output: %s", err, stderr.String())
	}
	return s, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String(), nil
}

func waitListening(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			return conn.Close()
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CreateBucket creates a bucket, optionally with versioning and object lock.
func (s *Server) CreateBucket(ctx context.Context, bucket string, versioned, objectLock bool) error {
	c := s.Client()
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if objectLock {
		in.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucket, err)
	}
	if versioned && !objectLock {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
			Bucket:                  aws.String(bucket),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled},
		})
		if err != nil {
			return fmt.Errorf("enabling versioning on %s: %w", bucket, err)
		}
	}
	return nil
}

// StartUpload leaves an incomplete multipart upload of key in bucket, one part written: what
// an interrupted upload leaves, for tests of the teardown.
func StartUpload(ctx context.Context, c *s3.Client, bucket, key string) error {
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return err
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	return err
}

// PutLocked writes a version of key under object lock: retention in mode until, or a legal
// hold when mode is empty. It returns the version id, which the lock is set on.
func PutLocked(ctx context.Context, c *s3.Client, bucket, key string, mode s3types.ObjectLockRetentionMode, until time.Time) (string, error) {
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(key)})
	if err != nil {
		return "", err
	}
	version := aws.ToString(out.VersionId)
	if mode == "" {
		return version, SetLegalHold(ctx, c, bucket, key, version, true)
	}
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version),
		Retention: &s3types.ObjectLockRetention{Mode: mode, RetainUntilDate: aws.Time(until)}})
	return version, err
}

// SetLegalHold puts a legal hold on a version, or lifts it.
func SetLegalHold(ctx context.Context, c *s3.Client, bucket, key, version string, on bool) error {
	status := s3types.ObjectLockLegalHoldStatusOff
	if on {
		status = s3types.ObjectLockLegalHoldStatusOn
	}
	_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(version),
		LegalHold: &s3types.ObjectLockLegalHold{Status: status}})
	return err
}
