// Package sandbox serves faithful fakes of the platform APIs on loopback for acceptance tests
// and demos: one listener per platform, an S3 endpoint in front of an embedded or external
// S3-compatible store, fault injection on every endpoint, and an admin API.
//
// The provider binary never imports this package (depguard enforces it). Each fake is written
// from ../shared/platforms/<platform>.md, never from the provider's client.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/sandbox/s3store"
)

// Fake is one platform's fake API.
type Fake interface {
	// Platform is the provider block name: "v7", "codeocean", "dandi", "younite", "foundry".
	Platform() string
	// Start seeds the fake's fixtures (buckets included, through env) and returns its handler.
	Start(env *Env) (http.Handler, error)
	// Credentials are the secrets the fake accepts, by provider variable name (V7_API_KEY, …).
	Credentials() map[string]string
	// Fixtures are the seeded names and ids, printed for humans and read by tests.
	Fixtures() any
	// Env are the provider's environment variables for this fake at its endpoint, credentials included.
	Env(endpoint string) map[string]string
	// ErrorBody renders an injected fault in the platform's own error envelope.
	ErrorBody(status int, message string) (contentType string, body []byte)
}

var (
	registryMu sync.Mutex
	registry   []func() Fake
)

// Register adds a fake to every sandbox started afterwards; platform packages of the sandbox
// call it from init.
func Register(newFake func() Fake) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, newFake)
}

// Env is what a fake may use while it runs.
type Env struct {
	// S3 is a client for the sandbox's store, with full access.
	S3 *s3.Client
	// S3Store is the store itself.
	S3Store *s3store.Server
}

// Options configure a sandbox.
type Options struct {
	// Host to listen on; 127.0.0.1 when empty.
	Host string
	// S3 is the store behind the S3 endpoint; the embedded one is started when nil.
	S3 *s3store.Server
	// Fakes replaces the registered fakes (tests of the frame itself use it).
	Fakes []Fake
	// Seed makes probabilistic faults repeatable.
	Seed uint64
}

// Sandbox is a running sandbox.
type Sandbox struct {
	Endpoints   map[string]string `json:"endpoints"`
	Credentials map[string]string `json:"credentials"`
	Fixtures    map[string]any    `json:"fixtures"`

	faults  *Faults
	model   s3Model
	env     map[string]string
	servers []*http.Server
	store   *s3store.Server
	ownsS3  bool
}

// Buckets seeded in every sandbox: one plain, one versioned, one with object lock (versioned;
// the embedded store accepts the lock settings but does not enforce them).
const (
	BucketPlain     = "sandbox-data"
	BucketVersioned = "sandbox-versioned"
	BucketLocked    = "sandbox-locked"
)

// Start starts a sandbox; Close stops it.
func Start(ctx context.Context, opts Options) (_ *Sandbox, err error) {
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	sb := &Sandbox{
		Endpoints: map[string]string{}, Credentials: map[string]string{}, Fixtures: map[string]any{},
		faults: newFaults(opts.Seed), env: map[string]string{}, store: opts.S3,
	}
	defer func() {
		if err != nil {
			sb.Close()
		}
	}()
	if sb.store == nil {
		if sb.store, err = s3store.StartEmbedded(); err != nil {
			return nil, err
		}
		sb.ownsS3 = true
	}
	if err := sb.startS3(ctx, opts.Host); err != nil {
		return nil, err
	}
	fakes := opts.Fakes
	if fakes == nil {
		registryMu.Lock()
		for _, newFake := range registry {
			fakes = append(fakes, newFake())
		}
		registryMu.Unlock()
	}
	env := &Env{S3: sb.store.Client(), S3Store: sb.store}
	for _, f := range fakes {
		if err := sb.startFake(f, env, opts.Host); err != nil {
			return nil, err
		}
	}
	admin, err := sb.serve(opts.Host, sb.adminHandler())
	if err != nil {
		return nil, err
	}
	sb.Endpoints["admin"] = admin
	sb.env["DATAPLATFORMS_SANDBOX_ADMIN"] = admin
	return sb, nil
}

func (sb *Sandbox) startS3(ctx context.Context, host string) error {
	for _, b := range []struct {
		name             string
		versioned, locks bool
	}{{BucketPlain, false, false}, {BucketVersioned, true, false}, {BucketLocked, true, true}} {
		if err := sb.store.CreateBucket(ctx, b.name, b.versioned, b.locks); err != nil {
			return err
		}
	}
	target, err := url.Parse(sb.store.Endpoint)
	if err != nil {
		return err
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			// SigV4 signs the Host header: the store must see the host the client signed.
			r.Out.Host = r.In.Host
			// A request the store has taken is finished whatever its client does, as S3 finishes
			// it: the handler (and Faults.InFlight) lasts until the store is done with it.
			r.Out = r.Out.WithContext(context.WithoutCancel(r.In.Context()))
		},
	}
	endpoint, err := sb.serve(host, sb.faults.middleware("s3", s3ErrorBody, sb.model.wrap(proxy)))
	if err != nil {
		return err
	}
	sb.Endpoints["s3"] = endpoint
	sb.Credentials["AWS_ACCESS_KEY_ID"] = sb.store.AccessKey
	sb.Credentials["AWS_SECRET_ACCESS_KEY"] = sb.store.SecretKey
	sb.Fixtures["s3"] = map[string]any{"buckets": []string{BucketPlain, BucketVersioned, BucketLocked}, "store": sb.store.Kind}
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3": endpoint, "AWS_ACCESS_KEY_ID": sb.store.AccessKey, "AWS_SECRET_ACCESS_KEY": sb.store.SecretKey,
		"AWS_REGION": sb.store.Region, "AWS_S3_USE_PATH_STYLE": "true",
	} {
		sb.env[k] = v
	}
	return nil
}

func (sb *Sandbox) startFake(f Fake, env *Env, host string) error {
	h, err := f.Start(env)
	if err != nil {
		return fmt.Errorf("starting the %s fake: %w", f.Platform(), err)
	}
	endpoint, err := sb.serve(host, sb.faults.middleware(f.Platform(), f.ErrorBody, h))
	if err != nil {
		return err
	}
	sb.Endpoints[f.Platform()] = endpoint
	for k, v := range f.Credentials() {
		sb.Credentials[k] = v
	}
	sb.Fixtures[f.Platform()] = f.Fixtures()
	for k, v := range f.Env(endpoint) {
		sb.env[k] = v
	}
	return nil
}

// serve listens on a new loopback port and returns its base URL.
func (sb *Sandbox) serve(host string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("sandbox listener: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	sb.servers = append(sb.servers, srv)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("sandbox: serving %s: %v", ln.Addr(), err)
		}
	}()
	return "http://" + ln.Addr().String(), nil
}

// Env returns the provider's environment variables pointing at this sandbox, sorted by name.
func (sb *Sandbox) Env() [][2]string {
	out := make([][2]string, 0, len(sb.env))
	for k, v := range sb.env {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// Faults is the sandbox's fault injector.
func (sb *Sandbox) Faults() *Faults { return sb.faults }

// Store is the S3 store behind the S3 endpoint.
func (sb *Sandbox) Store() *s3store.Server { return sb.store }

// Close stops every listener, and the S3 store when the sandbox started it.
func (sb *Sandbox) Close() {
	for _, s := range sb.servers {
		_ = s.Close()
	}
	if sb.ownsS3 && sb.store != nil {
		_ = sb.store.Close()
	}
}
