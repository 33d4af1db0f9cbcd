package acctest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/dataplatforms/terraform-provider-dataplatforms/internal/provider"
)

// Warnings records the warnings the provider sends the terraform binary, which
// terraform-plugin-testing does not expose, so that a test can assert that a plan, an apply
// or a destroy warned (or did not).
type Warnings struct {
	mu   sync.Mutex
	seen []Warning
}

// Warning is one warning diagnostic and the RPC that sent it ("PlanResourceChange", …).
type Warning struct {
	RPC, Summary, Detail string
}

func (w Warning) String() string { return fmt.Sprintf("[%s] %s: %s", w.RPC, w.Summary, w.Detail) }

// RecordingFactories serve the provider as ProtoV6ProviderFactories do and record its warnings.
func RecordingFactories() (*Warnings, map[string]func() (tfprotov6.ProviderServer, error)) {
	w := &Warnings{}
	serve := providerserver.NewProtocol6WithError(provider.New("acctest")())
	return w, map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: func() (tfprotov6.ProviderServer, error) {
			s, err := serve()
			if err != nil {
				return nil, err
			}
			return recordingServer{ProviderServer: s, w: w}, nil
		},
	}
}

func (w *Warnings) record(rpc string, diags []*tfprotov6.Diagnostic) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityWarning {
			w.seen = append(w.seen, Warning{RPC: rpc, Summary: d.Summary, Detail: d.Detail})
		}
	}
}

// Reset forgets what was recorded, e.g. in a step's PreConfig.
func (w *Warnings) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = nil
}

// All returns what was recorded since the last Reset.
func (w *Warnings) All() []Warning {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Warning(nil), w.seen...)
}

// Check is a step check that fails unless a warning sent by rpc ("" for any) matches re in its
// summary or detail (whitespace runs compared as one space).
func (w *Warnings) Check(rpc string, re *regexp.Regexp) func(*terraform.State) error {
	return func(*terraform.State) error { return w.Expect(rpc, re) }
}

// Expect is Check outside a step.
func (w *Warnings) Expect(rpc string, re *regexp.Regexp) error {
	all := w.All()
	for _, x := range all {
		if (rpc == "" || x.RPC == rpc) && re.MatchString(oneLine(x.Summary+": "+x.Detail)) {
			return nil
		}
	}
	return fmt.Errorf("no %s warning matches %s; recorded: %q", orAny(rpc), re, all)
}

// ExpectNone fails if a warning sent by rpc ("" for any) matches re.
func (w *Warnings) ExpectNone(rpc string, re *regexp.Regexp) error {
	for _, x := range w.All() {
		if (rpc == "" || x.RPC == rpc) && re.MatchString(oneLine(x.Summary+": "+x.Detail)) {
			return fmt.Errorf("unexpected warning %s", x)
		}
	}
	return nil
}

func orAny(rpc string) string {
	if rpc == "" {
		return "provider"
	}
	return rpc
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// recordingServer passes every call through and records the warnings of the calls that plan,
// apply, refresh and import resources.
type recordingServer struct {
	tfprotov6.ProviderServer
	w *Warnings
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.w.record("PlanResourceChange", resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.w.record("ApplyResourceChange", resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.w.record("ReadResource", resp.Diagnostics)
	}
	return resp, err
}
