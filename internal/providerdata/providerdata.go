// Package providerdata is what the provider's Configure hands to every resource and data
// source: one connection per configured platform (endpoint, credentials, the shared transport)
// and the S3 storage engine, plus the diagnostics for a platform that is not configured.
package providerdata

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/storage"
)

// ProviderTypeName is the provider's type name, the first word of every type. Types build
// their names from req.ProviderTypeName in Metadata; constructors use this constant so that a
// type's diagnostics can name it in calls that come before Metadata.
const ProviderTypeName = "dataplatforms"

// Platform is a provider block name.
type Platform string

// The platforms, named as their provider blocks and type-name words.
const (
	V7        Platform = "v7"
	CodeOcean Platform = "codeocean"
	DANDI     Platform = "dandi"
	YOUnite   Platform = "younite"
	Foundry   Platform = "foundry"
	S3        Platform = "s3"
)

// Conn is one platform's connection. Settings holds its other values by attribute name
// (team_slug, zone_uuid, manifest_endpoint, …).
type Conn struct {
	Endpoint string
	// Secret is the API key or token; the HTTP client masks it in logs and errors.
	Secret   string
	Settings map[string]string
	HTTP     *http.Client

	// memo holds what Once computed, for the life of the configured provider (one terraform
	// command).
	memo sync.Map
}

type memoEntry struct {
	mu sync.Mutex
	// done says v and err are kept: every later caller gets them.
	done bool
	v    any
	err  error
	// running is closed when the computation in flight ends; nil when none is.
	running chan struct{}
}

// Once returns what fn computes for key, computing it once per configured provider (one
// terraform command, such as a plan of many resources) however many resources ask, at once or
// in turn. At most one computation per key is in flight: callers that come while it runs wait
// for it and share its answer.
//
// fn runs with the computing caller's ctx. An error caused by that caller's own cancellation
// (context.Canceled or context.DeadlineExceeded, wrapped or not, or any error while that ctx is
// done) is not kept: that caller gets it, and the next caller, a waiter or a later one,
// computes again. Any other error is kept like a value: every asker gets it, and the next
// command asks again. A waiter whose own ctx ends stops waiting and gets its ctx's error. A
// panic in fn keeps nothing and reaches the computing caller.
func (c *Conn) Once(ctx context.Context, key string, fn func(ctx context.Context) (any, error)) (any, error) {
	e, _ := c.memo.LoadOrStore(key, &memoEntry{})
	entry := e.(*memoEntry)
	for {
		entry.mu.Lock()
		if entry.done {
			entry.mu.Unlock()
			return entry.v, entry.err
		}
		if running := entry.running; running != nil {
			entry.mu.Unlock()
			select {
			case <-running:
				continue // kept, or the computing caller was cancelled: look again
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		running := make(chan struct{})
		entry.running = running
		entry.mu.Unlock()
		return entry.compute(ctx, running, fn)
	}
}

func (e *memoEntry) compute(ctx context.Context, running chan struct{}, fn func(context.Context) (any, error)) (v any, err error) {
	keep := false
	defer func() {
		e.mu.Lock()
		if keep {
			e.done, e.v, e.err = true, v, err
		}
		e.running = nil
		close(running)
		e.mu.Unlock()
	}()
	v, err = fn(ctx)
	keep = err == nil || !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil
	return v, err
}

// Data is the provider's configured state.
type Data struct {
	Version string
	conns   map[Platform]*Conn
	// why says, for a platform that is not configured, what was missing.
	why     map[Platform]string
	storage *Storage
}

// New returns empty provider data; the provider fills it with Set and SetStorage.
func New(version string) *Data {
	return &Data{Version: version, conns: map[Platform]*Conn{}, why: map[Platform]string{}}
}

// Set records a platform's connection.
func (d *Data) Set(p Platform, c *Conn) { d.conns[p] = c }

// SetUnconfigured records why a platform has no connection.
func (d *Data) SetUnconfigured(p Platform, why string) { d.why[p] = why }

// Conn returns a platform's connection, or nil.
func (d *Data) Conn(p Platform) *Conn { return d.conns[p] }

// Require returns a platform's connection, or an error diagnostic that names the provider
// block and the environment variables that configure it (or, on nil Data, says the provider
// is not configured yet).
func (d *Data) Require(p Platform, typeName string) (*Conn, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("The provider is not configured", typeName+" was used before the provider was configured. This is a bug in the provider.")
		return nil, diags
	}
	if c := d.conns[p]; c != nil {
		return c, nil
	}
	detail := fmt.Sprintf("%s needs the provider's %q block. Add it to the provider configuration, "+
		"or set %s in the environment.", typeName, string(p), EnvHelp(p))
	if why := d.why[p]; why != "" {
		detail += " " + why
	}
	diags.AddError(fmt.Sprintf("The %s platform is not configured", DisplayName(p)), detail)
	return nil, diags
}

// Storage gives resources the S3 teardown engine. The S3 client is built on first use, so a
// configuration that never touches S3 never reads AWS settings.
type Storage struct {
	load   func(ctx context.Context) (storage.API, error)
	once   sync.Once
	client storage.API
	err    error
	// buckets is what the engines learned of each bucket, shared by the process.
	buckets storage.Buckets
	// bypass is the s3 block's bypass_governance_retention.
	bypass bool
}

// WithBypass sets the provider's default for bypass_governance_retention.
func (s *Storage) WithBypass(bypass bool) *Storage {
	s.bypass = bypass
	return s
}

// BypassGovernanceRetention is the provider's default for the resources' setting.
func (d *Data) BypassGovernanceRetention() bool { return d.storage != nil && d.storage.bypass }

// NewStorage wraps a loader of the S3 client.
func NewStorage(load func(ctx context.Context) (storage.API, error)) *Storage {
	return &Storage{load: load}
}

// SetStorage records the storage loader.
func (d *Data) SetStorage(s *Storage) { d.storage = s }

// Engine returns the teardown engine with opts, loading the S3 client once.
func (d *Data) Engine(ctx context.Context, opts storage.Options) (*storage.Engine, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d.storage == nil {
		diags.AddError("S3 is not configured", "The provider has no S3 settings. This is a bug in the provider.")
		return nil, diags
	}
	d.storage.once.Do(func() { d.storage.client, d.storage.err = d.storage.load(ctx) })
	if d.storage.err != nil {
		diags.AddError("Cannot set up S3 access",
			fmt.Sprintf("Loading the AWS configuration failed: %s. Check the provider's \"s3\" block and %s.", d.storage.err, EnvHelp(S3)))
		return nil, diags
	}
	if opts.Buckets == nil {
		opts.Buckets = &d.storage.buckets
	}
	return storage.New(d.storage.client, opts), nil
}

// FromResource reads provider data in a resource's Configure; nil while the provider is not
// yet configured (validation), which callers treat as "nothing to check yet".
func FromResource(req resource.ConfigureRequest, resp *resource.ConfigureResponse) *Data {
	return fromAny(req.ProviderData, &resp.Diagnostics)
}

// FromDataSource reads provider data in a data source's Configure.
func FromDataSource(req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) *Data {
	return fromAny(req.ProviderData, &resp.Diagnostics)
}

func fromAny(v any, diags *diag.Diagnostics) *Data {
	if v == nil {
		return nil
	}
	d, ok := v.(*Data)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *providerdata.Data, got %T. This is a bug in the provider.", v))
		return nil
	}
	return d
}
